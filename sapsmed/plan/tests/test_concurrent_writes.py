"""Two people changing the same action line at the same moment, by workbook or by form, lose no update.

Every write to a version's lines first locks the version, so the second writer checks against what the
first wrote: a workbook previewed before the other's commit is refused as changed since its preview,
and a form opened before the other's save is refused as stale. The first writer's terms are kept.
"""

import pytest

from sapsmed.plan import roadmap_services
from sapsmed.plan.models import Action, ActionLineVersion, PlanVersion
from sapsmed.plan.roadmap_selectors import version_snapshot
from sapsmed.plan.roadmap_services import (
    RoadmapRefused,
    StaleLine,
    action_line_change,
    action_line_create,
    roadmap_import_commit,
    roadmap_import_upload,
)
from sapsmed.plan.tests.racing import ON_POSTGRES, committed_database, meeting_point, race, wrap_after
from sapsmed.plan.tests.roadmap_helpers import workbook

CODE = "B-2-1.77"


@pytest.fixture
def committed_db(derived_mended, django_db_setup, django_db_blocker):  # the test database, with the plan, created
    yield from committed_database(django_db_blocker)


def secretariat():
    from sapsmed.accounts.services import role_grant, user_create

    user, _ = user_create(username="race-secretariat", password="race-password-1")  # noqa: S106 - test only
    role_grant(user=user, role="secretariat")
    return user


def race_line(user) -> ActionLineVersion:
    return action_line_create(code=CODE, action=Action.objects.get(code="B-2-1"), user=user, reason="test line",
                              terms={"title": "Regional race line", "source": "test", "confidence": "confirmed"})


def line_now() -> ActionLineVersion:
    version = PlanVersion.objects.order_by("-number").first()
    return ActionLineVersion.objects.select_related("action_line__action__outcome__goal", "plan_version").get(
        plan_version=version, action_line__code=CODE)


def uploaded(user, title: str):
    content = workbook([["Code", "Goal", "Action", "Title", "Source", "Confidence"],
                        [CODE, "B", "B-2-1", title, "test", "confirmed"]])
    upload, result = roadmap_import_upload(user=user, filename=f"{title}.xlsx", content=content)
    assert result.ok and list(result.new_terms) == [CODE], result.errors
    return upload


def renamed(user, title: str, opened: dict):
    return action_line_change(lv=line_now(), terms={**opened, "title": title}, user=user, reason="rename",
                              based_on=opened)


def title_now() -> str:
    return version_snapshot(line_now().plan_version)[CODE]["title"]


# --- the same rules, one writer after the other (SQLite and PostgreSQL) ---------------------------------

@pytest.mark.django_db
def test_a_form_opened_before_someone_else_saved_the_line_is_refused_and_their_terms_kept(personas):
    user = personas["secretariat"]
    race_line(user)
    opened = version_snapshot(line_now().plan_version)[CODE]
    assert renamed(user, "Saved first", opened) is True
    with pytest.raises(StaleLine, match="changed by someone else after you opened it"):
        renamed(user, "Saved second", opened)
    assert title_now() == "Saved first"


@pytest.mark.django_db
def test_a_workbook_previewed_before_a_line_was_edited_is_refused_at_commit(personas):
    user = personas["secretariat"]
    race_line(user)
    upload = uploaded(user, "From the workbook")
    renamed(user, "From the form", version_snapshot(line_now().plan_version)[CODE])
    with pytest.raises(RoadmapRefused, match="changed since the preview"):
        roadmap_import_commit(upload=upload, user=user)
    assert title_now() == "From the form"


# --- at the same moment, in two connections (PostgreSQL) --------------------------------------------

@ON_POSTGRES
def test_of_two_workbooks_committed_at_the_same_moment_one_is_written_and_the_other_refused(committed_db,
                                                                                           monkeypatch):
    user = secretariat()
    race_line(user)
    first, second = uploaded(user, "Workbook A"), uploaded(user, "Workbook B")
    wrap_after(roadmap_services, "check_workbook", monkeypatch, meeting_point(2))  # both checked: now both write
    results = race(lambda: roadmap_import_commit(upload=first, user=user),
                   lambda: roadmap_import_commit(upload=second, user=user))
    assert sorted(type(r).__name__ for r in results) == ["RoadmapRefused", "int"], results
    winner = "Workbook A" if results[0] == 1 else "Workbook B"
    assert title_now() == winner


@ON_POSTGRES
def test_of_two_forms_saved_at_the_same_moment_one_is_saved_and_the_other_told_it_is_stale(committed_db,
                                                                                          monkeypatch):
    user = secretariat()
    race_line(user)
    opened = version_snapshot(line_now().plan_version)[CODE]
    wrap_after(roadmap_services, "version_snapshot", monkeypatch, meeting_point(2))
    results = race(lambda: renamed(user, "Form A", opened), lambda: renamed(user, "Form B", opened))
    assert sorted(type(r).__name__ for r in results) == ["StaleLine", "bool"], results
    assert title_now() == ("Form A" if results[0] is True else "Form B")
