"""Benchmark: build the mid-term review (content, A4 PDF, Excel) on full data, against the 10 s budget.

Data: the real plan and KPI values (all KPIs × 10 states), the demonstration progress history (20
half-year rounds) and 288 extra action lines (300 in all), in a throwaway SQLite database.
Peer in the same run: the same content rendered by WeasyPrint without its charts, to show what the
charts cost; the ratio is reported.
Run: .venv/bin/python benchmarks/reviews/bench_review_pdf.py [--save review.pdf]
(--save also writes the PDF, with sample findings, for looking at its pages: pdftoppm -r 60 -png review.pdf p)
"""

import os
import sys
import tempfile
import time
from datetime import date
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
from sapsmed.reviews.content import review_content  # noqa: E402
from sapsmed.reviews.models import Review  # noqa: E402
from sapsmed.reviews.render import render_pdf, render_xlsx  # noqa: E402

out = StringIO()
for cmd in ("migrate", "load_plan", "load_observations", "load_demo_progress"):
    call_command(cmd, stdout=out, verbosity=0)
v1 = PlanVersion.objects.get(number=1)
states = list(MemberState.objects.all())
actions = list(Action.objects.all())
for i in range(288):
    action = actions[i % len(actions)]
    line = ActionLine.objects.create(action=action, code=f"{action.code}.{100 + i}", line_no=100 + i)
    lv = ActionLineVersion.objects.create(action_line=line, plan_version=v1, title=f"Benchmark line {i}",
                                          target_year=2016 + i % 10, source="benchmark")
    lv.lead_states.set([states[i % 10]])
review = Review.objects.create(
    kind="mid_term", title="Mid-Term Review of the SAP SMED 2016-2025", cut_off=date(2020, 12, 31),
    plan_version=v1, kpi_year_from=2016, kpi_year_to=2020, rounds="2016-H1 to 2020-H2",
    findings="Implementation was uneven across the five goals: most quick-win action lines were completed, "
    "while long-term regional initiatives were delayed.\n\nKPI coverage is good for the World Bank series and "
    "thin for the national MSME statistics, whose definitions differ between member states.",
    recommendations="Adopt a common statistical definition of MSMEs for the KPIs\nFill the national KPI gaps "
    "before the final review\nRe-sequence the delayed access-to-finance action lines",
)

runs = []
for _ in range(3):
    t0 = time.perf_counter()
    content = review_content(review)
    t1 = time.perf_counter()
    pdf = render_pdf(content)
    t2 = time.perf_counter()
    render_xlsx(content)
    t3 = time.perf_counter()
    no_charts = {**content, "sections": [{**s, "charts": []} for s in content["sections"]]}
    t4 = time.perf_counter()
    render_pdf(no_charts)
    t5 = time.perf_counter()
    runs.append((t1 - t0, t2 - t1, t3 - t2, t3 - t0, t5 - t4))
runs.sort(key=lambda r: r[3])
c, p, x, total, peer = runs[1]
lines = ActionLineVersion.objects.filter(plan_version=v1).count()
print(f"action lines {lines}; sections {len(content['sections'])}; PDF {len(pdf) // 1024} kB")
print(f"median of 3: content {c:.2f} s, PDF {p:.2f} s, Excel {x:.2f} s, total {total:.2f} s (budget 10 s)")
if "--save" in sys.argv:
    Path(sys.argv[sys.argv.index("--save") + 1]).write_bytes(pdf)
print(f"peer (same PDF without charts): {peer:.2f} s; charts cost {p / peer:.1f}x the chart-free PDF")
