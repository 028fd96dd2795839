"""Template filters for KPI numbers and statuses, so every page writes a value the same way."""

import math
from decimal import Decimal

from django import template

from sapsmed.accounts.policy import Perm, can
from sapsmed.core.report_cells import number_text

register = template.Library()


@register.filter
def kpi_number(value) -> str:
    """At most 2 decimals (3 significant figures below 1), thousands separated, trailing zeros dropped: the
    rule of every page and report (sapsmed.core.report_cells.number_text), with a true minus sign."""
    if value is None or value == "":
        return ""
    number = float(value) if isinstance(value, Decimal | int | float) else float(str(value))
    if not math.isfinite(number):
        return ""
    return number_text(number).replace("-", "−")


@register.filter
def signed_percent(fraction) -> str:
    if fraction is None:
        return ""
    return f"{float(fraction) * 100:+.1f}%".replace("-", "−")


@register.filter
def signed_number(value) -> str:
    if value is None:
        return ""
    shown = kpi_number(abs(float(value)))
    return f"+{shown}" if float(value) > 0 else (f"−{shown}" if float(value) < 0 else "0")


@register.filter
def with_unit(number_text: str, unit: str) -> str:
    if not number_text or not unit:
        return number_text
    return f"{number_text}{unit}" if unit.startswith("%") else f"{number_text} {unit}"


@register.simple_tag(takes_context=True)
def may_edit_kpis(context) -> bool:
    """Whether the user enters KPI values anywhere (menus only; every edit view asks the policy again)."""
    request = context.get("request")
    return can(request.user if request else None, Perm.KPI_EDIT)
