"""Benchmark: build the final review (2016-2025) and the mid-term review (content, A4 PDF, Excel) on full
data, against the 10 s budget, and count their pages.

Data: the real plan and KPI values (all KPIs × 10 states), the demonstration progress history (20
half-year rounds), 288 extra action lines (300 in all), and the SYNTHETIC demo survey with its estimates
(dated 30 June 2020 here, so that both reviews count them: the demo command computes them today), in a
throwaway SQLite database.
Peer in the same run: the same content rendered by WeasyPrint without its charts, to show what the
charts cost; the ratio is reported. The median of 3 runs is reported, and the first (cold) run, which
draws every chart (later runs reuse the drawings, as a server process does).
Run: .venv/bin/python benchmarks/reviews/bench_review_pdf.py [--save review.pdf]
(--save also writes the final review's PDF, with sample findings, for looking at its pages:
pdftoppm -r 60 -png review.pdf p)
"""

import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
tmp = tempfile.mkdtemp()
os.environ.update({"SAPSMED_VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings", "SAPSMED_ENV": "local"})

import django  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

from sapsmed.plan.models import Action, ActionLine, ActionLineVersion, MemberState, PlanVersion  # noqa: E402
from sapsmed.progress.models import ReportingRound  # noqa: E402
from sapsmed.reviews.content import review_content  # noqa: E402
from sapsmed.reviews.models import Review  # noqa: E402
from sapsmed.reviews.render import render_document, render_xlsx  # noqa: E402
from sapsmed.surveys.models import Estimate  # noqa: E402

out = StringIO()
for cmd in ("migrate", "load_plan", "load_observations", "load_msme_definitions", "load_demo_progress",
            "load_demo_survey"):
    call_command(cmd, stdout=out, verbosity=0)
Estimate.objects.update(computed_at=datetime(2020, 6, 30, tzinfo=UTC))
v1 = PlanVersion.objects.get(number=1)
states = list(MemberState.objects.all())
actions = list(Action.objects.all())
for i in range(288):
    action = actions[i % len(actions)]
    line = ActionLine.objects.create(action=action, code=f"{action.code}.{100 + i}", line_no=100 + i)
    lv = ActionLineVersion.objects.create(action_line=line, plan_version=v1, title=f"Benchmark line {i}",
                                          target_year=2016 + i % 10, source="benchmark")
    lv.lead_states.set([states[i % 10]])
rounds = {r.name: r for r in ReportingRound.objects.all()}
FINDINGS = dict(
    findings="Implementation was uneven across the five goals: most quick-win action lines were completed, "
    "while long-term regional initiatives were delayed.\n\nKPI coverage is good for the World Bank series and "
    "thin for the national MSME statistics, whose definitions differ between member states.",
    recommendations="Adopt a common statistical definition of MSMEs for the KPIs\nFill the national KPI gaps "
    "before the next plan\nCarry the unfinished access-to-finance action lines over to the next plan",
)
reviews = {
    "final": Review.objects.create(
        kind="final", title="Final Review of the SAP SMED 2016-2025", cut_off=date(2025, 12, 31), plan_version=v1,
        kpi_year_from=2016, kpi_year_to=2025, first_round=rounds["2016-H1"], last_round=rounds["2025-H2"],
        **FINDINGS),
    "mid-term": Review.objects.create(
        kind="mid_term", title="Mid-Term Review of the SAP SMED 2016-2025", cut_off=date(2020, 12, 31),
        plan_version=v1, kpi_year_from=2016, kpi_year_to=2020, first_round=rounds["2016-H1"],
        last_round=rounds["2020-H2"], **FINDINGS),
}


def build(review):
    """One run: content, PDF (laid out, then written, as render_pdf does), Excel; the chart-free peer."""
    t0 = time.perf_counter()
    content = review_content(review)
    t1 = time.perf_counter()
    document = render_document(content)
    pdf = document.write_pdf()
    t2 = time.perf_counter()
    render_xlsx(content)
    t3 = time.perf_counter()
    no_charts = {**content, "sections": [{**s, "charts": []} for s in content["sections"]]}
    t4 = time.perf_counter()
    render_document(no_charts).write_pdf()
    t5 = time.perf_counter()
    return (t1 - t0, t2 - t1, t3 - t2, t3 - t0, t5 - t4), content, pdf, len(document.pages)


lines = ActionLineVersion.objects.filter(plan_version=v1).count()
for name, review in reviews.items():
    runs = [build(review) for _ in range(3)]
    cold = runs[0][0][3]
    runs.sort(key=lambda r: r[0][3])
    (c, p, x, total, peer), content, pdf, pages = runs[1]
    print(f"{name} review: action lines {lines}; sections {len(content['sections'])}; PDF {pages} pages, "
          f"{len(pdf) // 1024} kB")
    print(f"  median of 3: content {c:.2f} s, PDF {p:.2f} s, Excel {x:.2f} s, total {total:.2f} s (budget 10 s); "
          f"first run {cold:.2f} s")
    print(f"  peer (same PDF without charts): {peer:.2f} s; charts cost {p / peer:.1f}x the chart-free PDF")
    if name == "final" and "--save" in sys.argv:
        Path(sys.argv[sys.argv.index("--save") + 1]).write_bytes(pdf)
