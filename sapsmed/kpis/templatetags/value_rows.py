"""A KPI's values drawn in Python: a state's series of fifteen years, ten states a page, cost more as a template
loop (an include, a reverse and six filters a row) than the page's queries."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from sapsmed.accounts.row_html import e, url_maker
from sapsmed.kpis.templatetags.kpi_format import kpi_number

register = template.Library()


def _provenance(o) -> str:
    p = o.provenance or {}
    parts = []
    if o.source_file:
        parts.append(e(o.source_file) + (f" row {e(o.source_row)}" if o.source_row else ""))
    if p.get("repo"):
        parts.append(e(p["repo"]) + (f"@<code>{e(str(p['commit'])[:10])}</code>" if p.get("commit") else ""))
    if p.get("vintage"):
        parts.append(f'<span title="{e(p["vintage"])}">vintage: {e(Truncator(p["vintage"]).chars(60))}</span>')
    if p.get("url"):
        parts.append(f'<a href="{e(p["url"])}" rel="noopener noreferrer">source page</a>')
    if o.import_batch_id:
        parts.append(f"import {e(o.import_batch_id)}")
    if o.estimate_ref:
        parts.append(f"survey estimate {e(o.estimate_ref)}")
    return f'<span class="provenance">{" · ".join(parts)}</span>'


@register.simple_tag
def provenance(o) -> str:
    """`{% provenance o %}`: where a value comes from: file and row, repository and commit, vintage, source page,
    import, survey estimate."""
    return mark_safe(_provenance(o))  # noqa: S308 - every value escaped by e()


def _row(o, observation_url) -> str:
    ci = f"{kpi_number(o.ci_low)} – {kpi_number(o.ci_high)}" if o.ci_low is not None else ""
    note = f' <span class="small">— {e(o.note)}</span>' if o.note else ""
    confidence_note = (o.provenance or {}).get("confidence_note", "")
    return (f'<tr><td><a href="{observation_url(o.pk)}">{e(o.year)}</a></td>\n'
            f'<td class="num">{e(kpi_number(o.value))}</td>\n<td class="num">{e(ci)}</td>\n'
            f'<td><span class="badge {e(o.status)}">{e(o.get_status_display())}</span></td>\n'
            f'<td><span class="badge {e(o.confidence)}" title="{e(confidence_note)}">{e(o.confidence)}</span></td>\n'
            f"<td>{e(o.source)}{note}<br>{_provenance(o)}</td></tr>")


@register.simple_tag
def value_rows(observations) -> str:
    """The rows of a values table (kpis/_values_table.html), one per observation."""
    observation_url = url_maker("kpis:observation")
    return mark_safe("\n".join(_row(o, observation_url) for o in observations))  # noqa: S308 - values escaped by e()
