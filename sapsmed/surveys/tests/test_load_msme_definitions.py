"""`manage.py load_msme_definitions` loads the ten states' definitions once, refuses a bad file whole, says why."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sapsmed.core.msme import DEFAULT_PATH, Enterprise, classify_all_states, load_definitions
from sapsmed.surveys.definitions import stored_registry
from sapsmed.surveys.models import MSMEDefinition, MSMEDefinitionSet

pytestmark = pytest.mark.django_db


def snapshot():
    return (MSMEDefinitionSet.objects.count(), MSMEDefinition.objects.count(), MSMEDefinition.history.count(),
            sorted(MSMEDefinition.objects.values_list("key", "short_name", "superseded_by__key")))


def load(**kwargs) -> str:
    out = StringIO()
    call_command("load_msme_definitions", stdout=out, **kwargs)
    return out.getvalue()


def test_the_ten_states_and_their_revisions_are_loaded_with_sources_and_confidence():
    load()
    assert MSMEDefinition.objects.values("state").distinct().count() == 10
    assert MSMEDefinition.objects.count() == 21
    tha = MSMEDefinition.objects.get(key="THA-2019")
    assert tha.state.iso3 == "THA" and tha.effective_from == "2020" and tha.currency == "THB"
    assert tha.rule == "all" and tha.confidence == "confirmed"
    assert "B.E. 2562" in tha.legal_source and tha.sources
    assert tha.rule_data["sectors"]["manufacturing"]["classes"]["small"]["employees"] == {"min": 6, "max": 50}
    assert MSMEDefinition.objects.get(key="VNM-Decree80-2021").effective_from == "2021-10-15"


def test_each_revision_supersedes_the_previous_national_definition():
    load()
    chain = {d.key: d.superseded_by.key if d.superseded_by else None for d in MSMEDefinition.objects.all()}
    assert chain["THA-2002"] == "THA-2019" and chain["THA-2019"] is None
    assert chain["VNM-Decree56-2009"] == "VNM-Decree39-2018" and chain["VNM-Decree39-2018"] == "VNM-Decree80-2021"
    assert chain["IDN-BPS-statistical"] is None  # statistical bands are beside the chain, not in it


def test_loading_twice_changes_nothing_not_even_the_history():
    load()
    before = snapshot()
    out = load()
    assert snapshot() == before
    assert "MSME definitions: 0 created, 0 updated, 21 unchanged" in out


def test_a_bad_file_names_entry_and_field_and_loads_nothing(tmp_path):
    load()
    before = snapshot()
    bad = tmp_path / "msme_definitions.yaml"
    text = DEFAULT_PATH.read_text()
    text = text.replace("short_name: Ministerial Regulation B.E. 2562 (2019)", "short_name: Must not land", 1)
    text = text.replace("small: {revenue: {gt: 1800000, max: 100000000}, employees: {min: 6, max: 50}}",
                        "small: {revenue: {gt: 1800000, max: 100000000}, employees: {min: 60, max: 50}}", 1)
    bad.write_text(text)
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_msme_definitions", file=bad, stderr=err)
    assert "THA / THA-2019" in err.getvalue() and "sectors.manufacturing.classes.small.employees" in err.getvalue()
    assert snapshot() == before
    assert MSMEDefinition.objects.get(key="THA-2019").short_name == "Ministerial Regulation B.E. 2562 (2019)"


def test_a_dry_run_checks_the_file_and_changes_nothing():
    out = load(dry_run=True)
    assert "dry run" in out
    assert MSMEDefinition.objects.count() == 0


def test_a_definition_removed_from_the_file_is_removed(tmp_path):
    load()
    text = DEFAULT_PATH.read_text()
    start = text.index("      - id: MMR-PIEL-1990")
    end = text.index("      - id: MMR-Law23-2015")
    smaller = tmp_path / "msme_definitions.yaml"
    smaller.write_text(text[:start] + text[end:])
    load(file=smaller)
    assert not MSMEDefinition.objects.filter(key="MMR-PIEL-1990").exists()
    assert MSMEDefinition.objects.count() == 20


def test_pages_classify_with_the_stored_definitions_exactly_as_with_the_file():
    load()
    stored, from_file = stored_registry(), load_definitions()
    enterprise = Enterprise(employees=40, revenue=20_000_000, sector="manufacturing", currency="THB")
    for day in ("2016-06-30", "2020-06-30", "2021-06-30"):
        on = date.fromisoformat(day)
        pages = classify_all_states(enterprise, on, stored).rows
        reference = classify_all_states(enterprise, on, from_file).rows
        assert [r.classification for r in pages] == [r.classification for r in reference]
    assert stored.harmonised == from_file.harmonised
