"""Whatever a plan data file holds, validation answers with named errors or data, never a crash."""

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sapsmed.core.plan_data import PlanDataError, parse_kpis, parse_member_states, parse_plan

DATA = Path(__file__).resolve().parents[3] / "data"
STATES_RAW = yaml.safe_load((DATA / "member_states.yaml").read_text())
PLAN_RAW = yaml.safe_load((DATA / "plan/sap_smed_2016_2025.yaml").read_text())
KPIS_RAW = yaml.safe_load((DATA / "kpis/kpis.yaml").read_text())
STATES = parse_member_states(STATES_RAW, "member_states.yaml")

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=20), st.sampled_from(["MYS", "B-2-1", "B-2-1.3", "2018", "up", "A"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                      max_leaves=12)


def _mutate(doc, path_choices, value):
    """Replace one field somewhere in the document with an arbitrary value."""
    node = doc
    for key in path_choices[:-1]:
        if isinstance(node, list) and node:
            node = node[key % len(node)]
        elif isinstance(node, dict) and node:
            node = node[sorted(node, key=str)[key % len(node)]]
        else:
            return doc
    if isinstance(node, dict) and node:
        node[sorted(node, key=str)[path_choices[-1] % len(node)]] = value
    elif isinstance(node, list) and node:
        node[path_choices[-1] % len(node)] = value
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.lists(st.integers(0, 50), min_size=1, max_size=5), value=values)
def test_a_plan_file_with_any_field_replaced_gives_data_or_named_errors(path, value):
    doc = _mutate(copy.deepcopy(PLAN_RAW), path, value)
    try:
        parse_plan(doc, "plan.yaml", STATES)
    except PlanDataError as exc:
        assert exc.errors and all(e.file == "plan.yaml" and e.entry and e.field for e in exc.errors)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.lists(st.integers(0, 50), min_size=1, max_size=4), value=values)
def test_a_kpi_file_with_any_field_replaced_gives_data_or_named_errors(path, value):
    doc = _mutate(copy.deepcopy(KPIS_RAW), path, value)
    try:
        parse_kpis(doc, "kpis.yaml", {"A", "B", "C", "D", "E"}, STATES)
    except PlanDataError as exc:
        assert exc.errors and all(e.file == "kpis.yaml" for e in exc.errors)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(doc=values)
def test_any_document_at_all_gives_named_errors_not_a_crash(doc):
    for parse in (lambda d: parse_plan(d, "plan.yaml", STATES), lambda d: parse_member_states(d, "states.yaml"),
                  lambda d: parse_kpis(d, "kpis.yaml", {"A"}, STATES)):
        try:
            parse(doc)
        except PlanDataError as exc:
            assert exc.errors
