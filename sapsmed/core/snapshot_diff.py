"""Compare a frozen review snapshot with the same review computed from today's data.

Rules, in words:
- Two contents are compared table by table; a table is matched by its section and its key (its
  title unless it gives another), a row by its first cell (the row's label: a goal, a state, a KPI).
- The answer lists tables that appeared or disappeared, rows added or removed, and every cell whose
  value differs, with its value as tabled and its value now. Numbers are compared as numbers, so
  17.5 and "17.5" are the same; text is compared after trimming spaces.
- The meta block (generation time) never counts as a change.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    section: str
    table: str
    row: str
    column: str
    tabled: object
    now: object

    def sentence(self) -> str:
        where = f"{self.section} › {self.table}"
        if self.column == "(row)":
            return f"{where}: row '{self.row}' {self.now}."
        if self.column == "(table)":
            return f"{where}: {self.now}."
        return f"{where}, {self.row}, {self.column}: {self.tabled!r} as tabled, {self.now!r} now."


def _norm(value):
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            return text
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def _tables(content: dict) -> dict[tuple[str, str], dict]:
    sections = content.get("sections", [])
    return {(s["title"], t.get("key") or t["title"]): t for s in sections for t in s.get("tables", [])}


def diff_contents(tabled: dict, now: dict) -> list[Change]:
    old, new = _tables(tabled), _tables(now)
    changes: list[Change] = []
    for key in sorted(old.keys() - new.keys()):
        changes.append(Change(key[0], key[1], "", "(table)", None, "is no longer produced"))
    for key in sorted(new.keys() - old.keys()):
        changes.append(Change(key[0], key[1], "", "(table)", None, "is new since the snapshot"))
    for key in sorted(old.keys() & new.keys()):
        t_old, t_new = old[key], new[key]
        rows_old = {str(r[0]): r for r in t_old["rows"] if r}
        rows_new = {str(r[0]): r for r in t_new["rows"] if r}
        for label in sorted(rows_old.keys() - rows_new.keys()):
            changes.append(Change(key[0], key[1], label, "(row)", None, "was removed"))
        for label in sorted(rows_new.keys() - rows_old.keys()):
            changes.append(Change(key[0], key[1], label, "(row)", None, "was added"))
        columns = t_new["columns"]
        for label in sorted(rows_old.keys() & rows_new.keys()):
            for i, column in enumerate(columns):
                before = rows_old[label][i] if i < len(rows_old[label]) else None
                after = rows_new[label][i] if i < len(rows_new[label]) else None
                if _norm(before) != _norm(after):
                    changes.append(Change(key[0], key[1], label, column, before, after))
    return changes
