"""Draft items for the next plan, from a review's own content: its recommendations and its carry-over list.

Rules, in words:
- Each recommendation becomes a draft item R1, R2, ... with its text; each action line of the carry-over
  list becomes a draft item C1, C2, ... naming the line it comes from, its title and where its lead states
  stood. They are drafts: the Secretariat completes them when the next plan is loaded (with its crosswalk).
- The items go to the workbook's annex; the findings section says how many there are, counted from them.
"""

from sapsmed.reviews.content import table

RECOMMENDATIONS = "Recommendations"
CARRY_OVER = "Lines that did not finish: the carry-over list"
SHEET = "Annex - next plan draft items"
CARRIED_SHEET = "Annex - carried-over items"


def _rows(sections: list[dict], sid: str, title: str) -> tuple[list[list], bool]:
    found = next((t for s in sections if s["id"] == sid for t in s["tables"] if t["title"] == title), None)
    return (found["rows"], bool(found.get("demo"))) if found else ([], False)


def with_next_plan_items(sections: list[dict]) -> list[dict]:
    """The sections, the findings section with the draft items of the next plan as annex tables."""
    recs, _ = _rows(sections, "findings", RECOMMENDATIONS)
    carry, demo = _rows(sections, "progress", CARRY_OVER)
    if not (recs or carry):
        return sections
    columns = ["Draft item", "From", "Text", "Where it stood"]
    from_recs = [[f"R{number}", f"Recommendation {number}", text, None] for number, text in recs]
    from_lines = [[f"C{i}", f"Action line {code} (carried over)", title, stood]
                  for i, (code, title, _year, stood) in enumerate(carry, 1)]
    said = (f"{len(from_recs) + len(from_lines)} draft items for the next plan: {len(from_recs)} from the "
            f"recommendations and {len(from_lines)} action lines carried over, in the workbook's sheets "
            f"\"{SHEET}\" and \"{CARRIED_SHEET}\", for the Secretariat to complete when the next plan is loaded.")
    extra = [table("Next plan draft items from the recommendations", columns, from_recs, annex=True, sheet=SHEET),
             table("Next plan draft items from the carry-over list", columns, from_lines, annex=True, demo=demo,
                   sheet=CARRIED_SHEET)]
    return [{**s, "paragraphs": [*s["paragraphs"], said], "tables": [*s["tables"], *extra]}
            if s["id"] == "findings" else s for s in sections]
