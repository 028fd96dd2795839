"""Workbook sheet names: readable, unique, within Excel's 31 characters and its forbidden characters."""

import pytest

from sapsmed.core.sheet_names import MAX_LENGTH, sheet_name, shorten


@pytest.mark.parametrize(("title", "name"), [
    ("KPI achievement", "KPI achievement"),
    ("Action-line status (progress monitoring)", "Action-line status"),
    ("Goal E: Labor force participation rate, female (% of female population ages 15+)",
     "Goal E Labor force"),
    ("Annex - Every survey estimate with SE, CI, deff and n", "Annex - Every survey estimate"),
    ("What/why? [draft]*", "What why draft"),
    ("'Quoted'", "Quoted"),
    ("A" * 40, "A" * 31),
    ("", ""),
])
def test_a_title_is_shortened_by_asides_then_whole_words(title, name):
    assert shorten(title) == name
    assert len(shorten(title)) <= MAX_LENGTH


def test_names_are_unique_without_regard_to_case_and_keep_within_31_characters():
    used: set[str] = set()
    names = [sheet_name(t, used) for t in ("Data gaps", "DATA GAPS", "Data gaps", "", "",
                                           "Goal E: Labor force participation rate, female",
                                           "Goal E: Labor force participation rate, youth")]
    assert names == ["Data gaps", "DATA GAPS (2)", "Data gaps (3)", "Sheet", "Sheet (2)",
                     "Goal E Labor force", "Goal E Labor force (2)"]
    assert all(len(n) <= MAX_LENGTH for n in names)
    assert used == {n.lower() for n in names}


def test_excel_reserved_name_is_never_used():
    assert sheet_name("History", set()) == "History (2)"
