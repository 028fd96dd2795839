"""The executive summary of a review: its headline numbers, each read from the content of the section it cites.

The summary computes nothing from the database: every number in it is counted from the tables of the
other sections (or is a sentence of theirs), so it cannot disagree with them, and each sentence names
its section. Sentences drawn from demonstration progress reports or synthetic survey data say so.
"""

import re

from sapsmed.reviews.content import section

SUMMARY_ID = "summary"
TITLE = "Executive summary"
# A section's own lead sentence is quoted when no table of it gives a headline, and it is this short.
LEAD_SENTENCE_MAX = 320


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def counts_sentence(t: dict) -> str | None:
    """A table of counts with a total in its last column (every row: a label, counts, their sum), summed:
    "Action-line status by goal: of the 626 lines × lead states, 12 completed, 10 on track, … ."."""
    columns, rows = t["columns"], t["rows"]
    if len(columns) < 3 or not rows:
        return None
    for row in rows:
        counts = row[1:]
        if len(counts) != len(columns) - 1 or not all(_is_int(v) for v in counts) or sum(counts[:-1]) != counts[-1]:
            return None
    sums = [sum(row[i] for row in rows) for i in range(1, len(columns))]
    parts = ", ".join(f"{n:,} {name[0].lower() + name[1:]}" for name, n in zip(columns[1:-1], sums[:-1], strict=True))
    total_name = columns[-1][0].lower() + columns[-1][1:]
    return f"{t['title']}: of the {sums[-1]:,} {total_name}, {parts}."


def status_sentence(tables: list[dict]) -> str | None:
    """The KPI × state series of a section's tables by state (a "State" and a "Status" column), by status."""
    by_status: dict[str, int] = {}
    kpis = 0
    for t in tables:
        if "State" in t["columns"] and "Status" in t["columns"]:
            kpis += 1
            at = t["columns"].index("Status")
            for row in t["rows"]:
                by_status[row[at]] = by_status.get(row[at], 0) + 1
    if not by_status:
        return None
    order = sorted(by_status.items(), key=lambda item: (-item[1], str(item[0])))
    return (f"Of the {sum(by_status.values()):,} KPI × state series ({kpis} KPIs), by status: "
            + "; ".join(f"{status} {n:,}" for status, n in order) + ".")


# A number that counts something: not a year, not a date's day, not part of a word ("47th") or a range ("1-9").
COUNT = re.compile(r"(?<![\w.\-/])(\d[\d,]*)(?![\w\-/])(?!\s+(?:January|February|March|April|May|June|July|"
                   r"August|September|October|November|December))")


def _counts_in(sentence: str) -> int:
    return sum(not 1900 <= int(m.replace(",", "")) <= 2100 for m in COUNT.findall(sentence))


def _lead_sentence(s: dict) -> str | None:
    """The sentence of the section that counts the most (the first of those), if short enough to quote."""
    sentences = [x.rstrip(".") + "." for p in s["paragraphs"] for x in p.split(". ") if x.strip()]
    best = max(sentences, key=_counts_in, default=None)  # max keeps the first of equals
    if best is None or not _counts_in(best) or len(best) > LEAD_SENTENCE_MAX:
        return None
    return best


def _label(shown_demo: bool, shown_synthetic: bool) -> str:
    return "DEMONSTRATION DATA: " if shown_demo else "SYNTHETIC DATA: " if shown_synthetic else ""


def section_sentences(s: dict, number: int) -> list[str]:
    """The headline sentences of one section, each citing it ("(section 4: Action-line status)")."""
    cite = f" (section {number}: {s['title']})"
    shown = [t for t in s["tables"] if not t.get("annex")]
    found = []
    if s["id"] == "kpis" and (sentence := status_sentence(shown)):
        found.append((sentence, s.get("demo"), s.get("synthetic")))
    said: set[str] = set()
    for t in shown:
        sentence = counts_sentence(t)
        # Two tables of the same streams cut two ways (by goal, by period) sum to the same counts: said once.
        if sentence is not None and sentence.split(": ", 1)[1] not in said:
            said.add(sentence.split(": ", 1)[1])
            found.append((sentence, s.get("demo") or t.get("demo"), s.get("synthetic") or t.get("synthetic")))
    if s["id"] == "findings":
        recs = [t for t in shown if "Recommendation" in t["columns"]]
        count = sum(len(t["rows"]) for t in recs)
        found.append((f"The Secretariat makes {count} recommendation{'s' if count != 1 else ''}.", False, False))
    elif not found and (lead := _lead_sentence(s)) is not None:
        # The section's own lead sentence: marked when its section shows such data, since it may draw on them.
        found.append((lead, s.get("demo"), s.get("synthetic")))
    elif not found:  # a section of lists without a count of its own: how long each list is
        found += [(f"{t['title']}: {len(t['rows']):,}.", s.get("demo") or t.get("demo"),
                   s.get("synthetic") or t.get("synthetic")) for t in shown]
    return [f"{_label(bool(demo), bool(synthetic))}{text[:-1]}{cite}." for text, demo, synthetic in found]


def summary_section(sections: list[dict]) -> dict:
    """The summary of the sections given, numbered as they will be once the summary stands second."""
    paragraphs = ["The headline numbers of this review, each counted from the section named in brackets."]
    for i, s in enumerate(sections):
        if s["id"] == SUMMARY_ID:
            continue
        number = i + 1 if i == 0 else i + 2  # the summary itself is section 2
        paragraphs += section_sentences(s, number)
    return section(SUMMARY_ID, TITLE, paragraphs=paragraphs)


def with_summary(sections: list[dict]) -> list[dict]:
    """The sections with the executive summary second, after the plan section (replacing one already there)."""
    rest = [s for s in sections if s["id"] != SUMMARY_ID]
    return rest[:1] + [summary_section(rest)] + rest[1:]
