"""The search's words: what both engines index, what a query asks for, and the marked pieces a result shows."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sapsmed.core.search_text import (
    MAX_TERMS,
    Piece,
    code_query,
    index_text,
    index_words,
    marked_spans,
    passage,
    pieces,
    query_terms,
    sort_key,
)


def test_the_index_reads_words_split_at_every_punctuation_and_lowercased_in_place():
    assert index_text("SMEs/MSMEs, e-commerce & R&D: www.asean.org") == \
        "smes msmes  e commerce   r d  www asean org"


@given(st.text())
def test_the_index_text_keeps_every_character_in_its_place(text):
    assert len(index_text(text)) == len(text)


def test_a_query_asks_for_its_words_without_stop_words_repeats_or_syntax():
    assert query_terms('The "finance" of micro-finance, NEAR* -SMEs!') == ["finance", "micro", "near", "smes"]
    assert query_terms("the and of") == []
    assert query_terms("") == []


def test_a_long_query_asks_for_at_most_twelve_words_from_its_first_characters():
    words = [f"w{i}" for i in range(1000)]
    assert query_terms(" ".join(words)) == words[:MAX_TERMS]
    assert query_terms("x" * 2000) == ["x" * 200]


@pytest.mark.parametrize(("query", "code"), [
    ("B-2-1.3", "B-2-1.3"), (" b-2-1 ", "B-2-1"), ("A-1", "A-1"), ("kpi-e2", "KPI-E2"),
    ("e-commerce", None), ("B", None), ("micro finance", None), ("B-2-1.3.4", None), ("MYS", None),
])
def test_a_query_shaped_like_a_code_is_looked_up_by_code(query, code):
    assert code_query(query) == code


def test_codes_sort_in_natural_order():
    codes = ["A-1-10.1", "A-1-2.1", "A-1-2.10", "A-1-2.2"]
    assert sorted(codes, key=sort_key) == ["A-1-2.1", "A-1-2.2", "A-1-2.10", "A-1-10.1"]


def test_the_index_stores_the_words_one_space_apart():
    assert index_words("  (SMEs/MSMEs), e-commerce!  ") == "smes msmes e commerce"


def test_marks_on_the_stored_words_fall_on_the_same_words_of_the_text_shown():
    title = "Access to Finance (SMEs/MSMEs)"
    spans = marked_spans("access to {finance} smes {msmes}", title)
    assert pieces(title, spans) == [Piece("Access to ", False), Piece("Finance", True), Piece(" (SMEs/", False),
                                    Piece("MSMEs", True), Piece(")", False)]


def test_marks_over_several_words_mark_each():
    assert marked_spans("{micro finance} rules", "Micro-finance rules") == [(0, 5), (6, 13)]
    assert marked_spans("{caf}é rules", "Café rules") == [(0, 4)]


def test_marks_on_another_text_mark_nothing():
    assert marked_spans("{finance} other", "Finance") == []


def test_a_passage_shows_the_words_around_the_most_matches_with_an_ellipsis_where_cut():
    body = (" ".join(f"w{i}" for i in range(60)) + " finance here, finance there. "
            + " ".join(f"v{i}" for i in range(40)))
    text = index_text(body)
    at = [text.index("finance"), text.rindex("finance")]
    shown = passage(body, [(s, s + len("finance")) for s in at], words=8)
    assert "".join(p.text for p in shown) == "… w56 w57 w58 w59 finance here, finance there. …"
    assert [p.text for p in shown if p.matched] == ["finance", "finance"]


def test_a_text_without_a_match_has_no_passage():
    assert passage("Nothing here", []) == []


@given(st.text())
def test_every_word_marked_on_the_stored_words_is_a_word_of_the_text(text):
    marked = " ".join(f"{{{w}}}" for w in index_words(text).split())
    assert [index_text(text)[s:e] for s, e in marked_spans(marked, text)] == index_words(text).split()
