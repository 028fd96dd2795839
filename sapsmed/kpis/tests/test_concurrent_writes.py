"""KPI values written at the same moment by two imports, or by an import and a person, lose no update.

An import's commit locks the values it plans against, so whatever wrote first, the second writer
corrects the latest value (and its summary says what it replaced); a value another writer created at
the same moment makes the commit check again and try once more instead of failing.
"""

import time
from decimal import Decimal

import pytest
from django.db import IntegrityError

from sapsmed.kpis import import_services, importing
from sapsmed.kpis.import_services import import_commit, import_prepare
from sapsmed.kpis.models import Kpi, Observation, ObservationImport, ObservationStatus
from sapsmed.kpis.services import observation_record, observation_validate
from sapsmed.plan.models import MemberState
from sapsmed.plan.tests.racing import ON_POSTGRES, committed_database, meeting_point, race, wrap_after

SOURCE = "DOSM SME Insights table 2"


@pytest.fixture
def committed_db(derived_mended, django_db_setup, django_db_blocker):  # the test database, with the plan, created
    yield from committed_database(django_db_blocker)  # then derived_mended (conftest) mends the cells rewritten


def values_csv(value_2019, value_2020, source=SOURCE) -> bytes:
    return (f"KPI,State,Year,Value,Source\nKPI-E1,MYS,2019,{value_2019},{source}\n"
            f"KPI-E1,MYS,2020,{value_2020},{source}\n").encode()


def stored(year: int) -> Observation:
    return Observation.objects.get(kpi__code="KPI-E1", state__iso3="MYS", year=year)


def record_2019(value="40") -> Observation:
    return observation_record(kpi=Kpi.objects.get(code="KPI-E1"), state=MemberState.objects.get(iso3="MYS"),
                              year=2019, value=Decimal(value), source=SOURCE, user=None, reason="Published")


def secretariat():
    from sapsmed.accounts.services import role_grant, user_create

    user, _ = user_create(username="race-secretariat", password="race-password-1")  # noqa: S106 - test only
    role_grant(user=user, role="secretariat")
    return user


def replaced(batch: ObservationImport, year: int) -> str:
    """The value the import's summary says it replaced for MYS in that year."""
    batch.refresh_from_db()
    return next(c["old"] for c in batch.summary["changes"] if c["year"] == year)


# --- the same rules, one writer after the other (SQLite and PostgreSQL) ---------------------------------

@pytest.mark.django_db
def test_an_import_confirmed_after_another_corrects_the_values_the_other_wrote():
    record_2019()
    first = import_prepare(content=values_csv("41", "45"), file_name="a.csv", reason="first", user=None)
    second = import_prepare(content=values_csv("42", "46"), file_name="b.csv", reason="second", user=None)
    import_commit(batch=first, user=None)
    import_commit(batch=second, user=None)
    assert (stored(2019).value, stored(2020).value) == (Decimal(42), Decimal(46))
    assert (replaced(second, 2019), replaced(second, 2020)) == ("41", "45")
    assert (second.summary["correction"], second.summary["written"]["correction"]) == (2, 2)
    assert [h.value for h in stored(2019).history.order_by("history_date")] == [40, 41, 42]


@pytest.mark.django_db
def test_an_import_whose_new_value_someone_created_at_the_same_moment_is_checked_and_tried_again(monkeypatch):
    batch = import_prepare(content=values_csv("41", "45"), file_name="a.csv", reason="first", user=None)
    original, calls = import_services._commit, []

    def collides_once(batch, user):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("duplicate key value violates unique constraint")
        return original(batch, user)

    monkeypatch.setattr(import_services, "_commit", collides_once)
    import_commit(batch=batch, user=None)
    assert len(calls) == 2 and stored(2020).value == 45


@pytest.mark.django_db
def test_an_import_that_keeps_colliding_writes_nothing_and_says_to_confirm_again(monkeypatch):
    batch = import_prepare(content=values_csv("41", "45"), file_name="a.csv", reason="first", user=None)

    def collides(batch, user):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(import_services, "_commit", collides)
    with pytest.raises(Exception, match="nothing was written. Confirm the import again"):
        import_commit(batch=batch, user=None)
    assert not Observation.objects.exists()


# --- at the same moment, in two connections (PostgreSQL) --------------------------------------------

@ON_POSTGRES
def test_two_imports_committed_at_the_same_moment_both_count_and_the_later_corrects_the_earlier(
        committed_db, monkeypatch):
    record_2019()
    first = import_prepare(content=values_csv("41", "45"), file_name="a.csv", reason="first", user=None)
    second = import_prepare(content=values_csv("42", "46"), file_name="b.csv", reason="second", user=None)
    wrap_after(importing, "_with_stored", monkeypatch, meeting_point(2))  # both have read: now both write
    results = race(lambda: import_commit(batch=first, user=None), lambda: import_commit(batch=second, user=None))
    assert all(isinstance(r, ObservationImport) for r in results), results
    earlier, later = sorted((first, second), key=lambda b: ObservationImport.objects.get(pk=b.pk).committed_at)
    values = {first.pk: ("41", "45"), second.pk: ("42", "46")}
    now = (format(stored(2019).value.normalize(), "f"), format(stored(2020).value.normalize(), "f"))
    assert now == values[later.pk]
    assert (replaced(later, 2019), replaced(later, 2020)) == values[earlier.pk]  # it saw what the earlier wrote
    history = [format(h.value.normalize(), "f") for h in stored(2019).history.order_by("history_date")]
    assert history == ["40", values[earlier.pk][0], values[later.pk][0]]


@ON_POSTGRES
def test_a_value_validated_while_an_import_re_sources_it_stays_validated(committed_db, monkeypatch):
    record_2019("41")
    batch = import_prepare(content=values_csv("41", "45", source="DOSM revised table"), file_name="a.csv",
                           reason="new source", user=None)
    validator, meet = secretariat(), meeting_point(2)
    wrap_after(importing, "_with_stored", monkeypatch, lambda: (meet(), time.sleep(0.3)))

    def validate():
        meet()  # the import has read the value: validate it now
        return observation_validate(observation=stored(2019), user=validator)

    results = race(lambda: import_commit(batch=batch, user=None), validate)
    assert not any(isinstance(r, Exception) for r in results), results
    value = stored(2019)
    assert value.status == ObservationStatus.VALIDATED and value.source == "DOSM revised table"


@ON_POSTGRES
def test_a_correction_typed_while_an_import_commits_is_kept_or_corrected_in_the_open(committed_db, monkeypatch):
    record_2019("40")
    batch = import_prepare(content=values_csv("41", "45"), file_name="a.csv", reason="import", user=None)
    meet = meeting_point(2)
    wrap_after(importing, "_with_stored", monkeypatch, lambda: (meet(), time.sleep(0.3)))

    def correct():
        meet()
        return record_2019("39")

    results = race(lambda: import_commit(batch=batch, user=None), correct)
    assert not any(isinstance(r, Exception) for r in results), results
    history = [format(h.value.normalize(), "f") for h in stored(2019).history.order_by("history_date")]
    assert history in (["40", "39", "41"], ["40", "41", "39"])
    if history[-1] == "41":  # the import wrote last: its summary names the correction it replaced
        assert replaced(batch, 2019) == "39"


@pytest.mark.django_db
def test_a_value_someone_else_created_at_the_same_moment_is_kept_and_the_second_writer_is_told(monkeypatch):
    from django.core.exceptions import ValidationError

    first = record_2019("40")
    # The second writer looked before the first committed: it found no value and tries to create one.
    monkeypatch.setattr(Observation.objects, "select_for_update", lambda: Observation.objects.none())
    with pytest.raises(ValidationError, match="at the same moment; nothing was saved"):
        record_2019("41")
    assert stored(2019).value == Decimal("40") and stored(2019).pk == first.pk


@ON_POSTGRES
def test_two_values_of_one_cell_entered_at_the_same_moment_both_count_in_its_stored_cell(committed_db, monkeypatch):
    from sapsmed.kpis import services
    from sapsmed.kpis.models import ScorecardCell

    meet, recompute = meeting_point(2), services.scorecard_cells_recompute

    def after_both_saved(**kwargs):  # both values are written, neither committed: now both recompute the cell
        meet()
        return recompute(**kwargs)

    monkeypatch.setattr(services, "scorecard_cells_recompute", after_both_saved)

    def record_2020():
        return observation_record(kpi=Kpi.objects.get(code="KPI-E1"), state=MemberState.objects.get(iso3="MYS"),
                                  year=2020, value=Decimal("45"), source=SOURCE, user=None, reason="Published")

    results = race(record_2019, record_2020)
    assert all(isinstance(r, Observation) for r in results), results
    cell = ScorecardCell.objects.get(kpi__code="KPI-E1", state__iso3="MYS")
    assert (cell.value_count, cell.years, cell.latest_year) == (2, "2019–2020", 2020)
