"""How the services' refusals become API answers: 400 naming the field, 409 for a conflict with the current state."""

from rest_framework import serializers, status
from rest_framework.exceptions import APIException


class Conflict(APIException):
    """The object changed, or is in a state that refuses this (a stale revision, a locked round)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object changed or its state refuses this; read it again before you act."
    default_code = "conflict"


def field_errors(messages, field_of) -> serializers.ValidationError:
    """A 400 whose body names each message's field: `field_of(message)` says which (None: not one field)."""
    errors: dict[str, list[str]] = {}
    for message in messages:
        text = message[0].upper() + message[1:] if message else message
        errors.setdefault(field_of(message) or "non_field_errors", []).append(text)
    return serializers.ValidationError(errors)


class CodeField(serializers.SlugRelatedField):
    """An object named by its code. A code with a NUL character names nothing: PostgreSQL cannot even look
    for one (DRF's CharField refuses them, its SlugRelatedField does not), so it is refused as invalid here."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\0"))
        return super().to_internal_value(data)
