"""Django side of sapsmed.core.bounds: one field's bounds as a validator, a form field and an API field.

Forms and serializers take their numeric, date and text fields from here (or have their fields bounded
by bound_fields), so the entry form, the API and the importers (whose Columns carry the same Bounds)
refuse the same values with the same sentence. Django's and DRF's own digit, range and NUL checks are
replaced, not doubled, so a user reads one sentence per problem.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    DecimalValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.utils.deconstruct import deconstructible
from rest_framework import serializers

from sapsmed.core.bounds import Bounds

# The checks a Bounds makes itself, which Django and DRF would otherwise repeat in their own words.
_REPLACED = (DecimalValidator, MaxLengthValidator, MaxValueValidator, MinValueValidator,
             ProhibitNullCharactersValidator)


@deconstructible
class WithinBounds:
    """Raises the sentence of sapsmed.core.bounds when a value cannot be stored in the field."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds

    def __call__(self, value: object) -> None:
        problem = self.bounds.problem(value)
        if problem is not None:
            raise ValidationError(problem[0].upper() + problem[1:], code="bounds")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WithinBounds) and other.bounds == self.bounds


def _widen(field, bounds: Bounds):
    """Replaces the field's own digit, range and NUL checks by the bounds' one check, and hints the browser."""
    field.validators = [v for v in field.validators if not isinstance(v, _REPLACED)]
    field.validators.append(WithinBounds(bounds))
    attrs = getattr(getattr(field, "widget", None), "attrs", None)
    if attrs is not None and bounds.kind in ("number", "integer", "date"):
        for name in ("min", "max"):
            value = getattr(bounds, name)
            if value is not None:
                attrs[name] = value.isoformat() if bounds.kind == "date" else str(value)
    if attrs is not None and bounds.kind == "number" and bounds.decimals is not None:
        attrs["step"] = "any"  # the bounds say how many decimals are kept, in words
    return field


def form_field(bounds: Bounds, **kwargs) -> forms.Field:
    """A form field holding exactly what the bounds allow."""
    if bounds.kind == "number":
        field = forms.DecimalField(**kwargs)
    elif bounds.kind == "integer":
        field = forms.IntegerField(**kwargs)
    elif bounds.kind == "date":
        field = forms.DateField(**kwargs)
    else:
        field = forms.CharField(max_length=bounds.max_length, **kwargs)  # the browser's maxlength hint
    return _widen(field, bounds)


class _Bounded:
    """A serializer field checked by its bounds alone. DRF copies a serializer's fields by building them again
    from their arguments, so the bounds are an argument and the checks are replaced in __init__."""

    def __init__(self, *args, bounds: Bounds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, _REPLACED)]
        self.validators.append(WithinBounds(bounds))


class _Decimal(_Bounded, serializers.DecimalField):
    pass


class _Integer(_Bounded, serializers.IntegerField):
    pass


class _Date(_Bounded, serializers.DateField):
    pass


class _Char(_Bounded, serializers.CharField):
    pass


def api_field(bounds: Bounds, **kwargs) -> serializers.Field:
    """A serializer field holding exactly what the bounds allow."""
    if bounds.kind == "number":
        # No precision of DRF's own: the bounds check digits and decimals, with the platform's sentence.
        return _Decimal(max_digits=None, decimal_places=None, bounds=bounds, **kwargs)
    if bounds.kind == "integer":
        return _Integer(bounds=bounds, **kwargs)
    if bounds.kind == "date":
        return _Date(bounds=bounds, **kwargs)
    return _Char(max_length=bounds.max_length, bounds=bounds, **kwargs)  # the length shows in the API schema


def bound_fields(fields: Mapping[str, object], bounds: Mapping[str, Bounds]) -> None:
    """Bounds the fields a ModelForm or ModelSerializer built from the model, by name."""
    for name, field_bounds in bounds.items():
        field = fields.get(name)
        if field is None:
            continue
        if isinstance(field, forms.DecimalField | serializers.DecimalField):
            field.max_digits = field.decimal_places = None  # digits are the bounds' check, said once
        if isinstance(field, serializers.DecimalField):
            field.max_whole_digits = None
        if isinstance(field, forms.CharField | serializers.CharField) and field_bounds.max_length:
            field.max_length = field_bounds.max_length
        _widen(field, field_bounds)
