"""What changed since a review was tabled is found cell by cell, and nothing else counts."""

import copy

from sapsmed.core.snapshot_diff import diff_contents

CONTENT = {
    "meta": {"generated_at": "2021-05-01T10:00:00"},
    "sections": [{"title": "KPI achievement", "tables": [{
        "title": "Time to start a business (days)", "columns": ["State", "Baseline", "Latest", "Status"],
        "rows": [["Malaysia", 18.5, 17.5, "Improved"], ["Singapore", 1.5, 1.5, "No clear change"]],
    }]}],
}


def test_identical_contents_have_no_changes_even_when_generated_at_another_time():
    later = copy.deepcopy(CONTENT)
    later["meta"]["generated_at"] = "2022-01-01T00:00:00"
    assert diff_contents(CONTENT, later) == []


def test_a_corrected_value_is_reported_with_its_tabled_and_current_values():
    now = copy.deepcopy(CONTENT)
    now["sections"][0]["tables"][0]["rows"][0][2] = 19.0
    now["sections"][0]["tables"][0]["rows"][0][3] = "Worsened"
    changes = diff_contents(CONTENT, now)
    assert [c.sentence() for c in changes] == [
        "KPI achievement › Time to start a business (days), Malaysia, Latest: 17.5 as tabled, 19.0 now.",
        "KPI achievement › Time to start a business (days), Malaysia, Status: 'Improved' as tabled, 'Worsened' now.",
    ]


def test_numbers_written_as_text_are_the_same_numbers():
    now = copy.deepcopy(CONTENT)
    now["sections"][0]["tables"][0]["rows"][1][1] = "1.5"
    assert diff_contents(CONTENT, now) == []


def test_rows_and_tables_added_or_removed_are_named():
    now = copy.deepcopy(CONTENT)
    now["sections"][0]["tables"][0]["rows"].append(["Thailand", 27.5, 6.0, "Improved"])
    del now["sections"][0]["tables"][0]["rows"][1]
    now["sections"].append({"title": "Survey", "tables": [{"title": "Estimates", "columns": ["x"], "rows": []}]})
    sentences = [c.sentence() for c in diff_contents(CONTENT, now)]
    assert "KPI achievement › Time to start a business (days): row 'Singapore' was removed." in sentences
    assert "KPI achievement › Time to start a business (days): row 'Thailand' was added." in sentences
    assert "Survey › Estimates: is new since the snapshot." in sentences
