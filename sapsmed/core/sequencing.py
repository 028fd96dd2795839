"""The order of action lines: predecessor checks, cycles, and the drawing order of the roadmap.

Rules, in words:
- An action line may list other action lines as its predecessors: lines that must be done first.
- Every predecessor must be an action line of the plan. A line listing an unknown code is an error.
- A line may not list itself as its own predecessor. That is an error.
- Lines may not wait for each other in a circle (A waits for B, B waits for A), because then none of
  them could start first. Each circle is an error that names its lines in order, starting from the
  lowest code, with an arrow from each line to the predecessor it waits for.
- A line whose target year is earlier than the target year of one of its predecessors gets a warning,
  not an error: the plan may be deliberate, but it is worth a second look.
- Codes are ordered as people read them: B-2-1.9 comes before B-2-1.10.
- The roadmap is drawn so that every line comes after its predecessors; among lines that are free to
  go next, the lowest code goes first, so the same plan always gives the same order.
- Predecessors that are not lines of the plan are left out of the drawing order (they are reported by
  the checks instead).
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

_NUMBER = re.compile(r"(\d+)")


def code_sort_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that compares the numbers inside a code as numbers, so B-2-1.9 sorts before B-2-1.10."""
    parts = []
    for piece in _NUMBER.split(code):
        if piece.isdigit():
            parts.append((0, int(piece), piece))
        elif piece:
            parts.append((1, 0, piece))
    return tuple(parts)


def code_text_key(code: str) -> str:
    """The code with its numbers zero-padded, so plain text order (a database's ORDER BY) is code order."""
    return _NUMBER.sub(lambda m: m.group().zfill(8), code)


class IssueLevel(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class IssueKind(StrEnum):
    UNKNOWN_PREDECESSOR = "unknown_predecessor"
    SELF_REFERENCE = "self_reference"
    CYCLE = "cycle"
    TARGET_YEAR_BEFORE_PREDECESSOR = "target_year_before_predecessor"


@dataclass(frozen=True)
class SequenceIssue:
    kind: IssueKind
    level: IssueLevel
    lines: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return self.message


class PredecessorCycleError(ValueError):
    """The lines cannot be put in order because some of them wait for each other in a circle."""

    def __init__(self, cycles: list[list[str]]):
        self.cycles = cycles
        super().__init__("; ".join(_cycle_message(c) for c in cycles))


def _graph(predecessors: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Each line's distinct predecessors, in code order."""
    return {code: sorted(set(preds), key=code_sort_key) for code, preds in predecessors.items()}


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion, so a long chain of lines cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph, key=code_sort_key):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_pos = work.pop()
            if child_pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = [c for c in graph[node] if c in graph]
            if child_pos < len(children):
                work.append((node, child_pos + 1))
                child = children[child_pos]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _shortest_cycle_through(start: str, graph: dict[str, list[str]], members: set[str]) -> list[str]:
    came_from: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for nxt in graph[node]:
            if nxt == node:
                continue  # self-references are reported on their own; look for the longer circle
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return list(reversed(path))
            if nxt in members and nxt not in seen:
                seen.add(nxt)
                came_from[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"{start} is in a strongly connected group but no cycle returns to it")


def find_cycles(predecessors: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One circle of waiting lines per tangled group, plus every self-reference as a one-line circle.

    Each circle starts at its lowest code and follows each line to the predecessor it waits for; the
    first line is not repeated at the end. Circles are sorted by their first code.
    """
    graph = _graph(predecessors)
    cycles = [[code] for code, preds in graph.items() if code in preds]
    for component in _strongly_connected(graph):
        if len(component) > 1:
            start = min(component, key=code_sort_key)
            cycles.append(_shortest_cycle_through(start, graph, set(component)))
    return sorted(cycles, key=lambda c: (code_sort_key(c[0]), len(c)))


def topological_order(predecessors: Mapping[str, Iterable[str]]) -> list[str]:
    """All lines with every line after its predecessors, lowest code first whenever there is a choice.

    Raises PredecessorCycleError, listing the circles, when no such order exists.
    """
    graph = _graph(predecessors)
    waiting_on = {code: sum(1 for p in preds if p in graph) for code, preds in graph.items()}
    successors: dict[str, list[str]] = {code: [] for code in graph}
    for code, preds in graph.items():
        for pred in preds:
            if pred in graph:
                successors[pred].append(code)
    ready = [(code_sort_key(c), c) for c, n in waiting_on.items() if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, code = heapq.heappop(ready)
        order.append(code)
        for succ in successors[code]:
            waiting_on[succ] -= 1
            if waiting_on[succ] == 0:
                heapq.heappush(ready, (code_sort_key(succ), succ))
    if len(order) < len(graph):
        raise PredecessorCycleError(find_cycles(predecessors))
    return order


def drawing_order(lines: Mapping[str, tuple[str, Iterable[str]]]) -> list[str]:
    """The roadmap's order: lines by goal code, and within a goal each line after its predecessors (lowest
    code first when there is a choice); code order within a goal if the predecessors make a cycle.

    `lines` maps each line's code to (its goal's code, its predecessors' codes).
    """
    try:
        order = topological_order({code: preds for code, (_goal, preds) in lines.items()})
    except PredecessorCycleError:
        order = sorted(lines, key=code_sort_key)
    rank = {code: i for i, code in enumerate(order)}
    return sorted(lines, key=lambda code: (lines[code][0], rank[code]))


def _cycle_message(cycle: list[str]) -> str:
    if len(cycle) == 1:
        return f"{cycle[0]} lists itself as its own predecessor."
    path = " → ".join([*cycle, cycle[0]])
    return (
        f"Predecessor cycle: {path}. Each line lists the next one as its predecessor, "
        "so none of them can start first."
    )


def check_target_years(
    predecessors: Mapping[str, Iterable[str]], target_years: Mapping[str, int | None]
) -> list[SequenceIssue]:
    """Warnings for lines whose target year is before a predecessor's; missing years are skipped."""
    warnings = []
    graph = _graph(predecessors)
    for code in sorted(graph, key=code_sort_key):
        year = target_years.get(code)
        if year is None:
            continue
        for pred in graph[code]:
            pred_year = target_years.get(pred)
            if pred == code or pred_year is None or year >= pred_year:
                continue
            warnings.append(
                SequenceIssue(
                    IssueKind.TARGET_YEAR_BEFORE_PREDECESSOR,
                    IssueLevel.WARNING,
                    (code, pred),
                    f"{code} has target year {year}, before the target year {pred_year} "
                    f"of its predecessor {pred}.",
                )
            )
    return warnings


def validate_predecessors(
    predecessors: Mapping[str, Iterable[str]],
    *,
    target_years: Mapping[str, int | None] | None = None,
) -> list[SequenceIssue]:
    """Every problem with the plan's predecessors: errors first, then target-year warnings if years are given.

    The lines of the plan are the keys of `predecessors`; a line with no predecessors maps to an
    empty list.
    """
    graph = _graph(predecessors)
    issues: list[SequenceIssue] = []
    for code in sorted(graph, key=code_sort_key):
        for pred in graph[code]:
            if pred not in graph:
                issues.append(
                    SequenceIssue(
                        IssueKind.UNKNOWN_PREDECESSOR,
                        IssueLevel.ERROR,
                        (code, pred),
                        f"{code} lists {pred} as a predecessor, but there is no action line {pred}.",
                    )
                )
    for cycle in find_cycles(predecessors):
        kind = IssueKind.SELF_REFERENCE if len(cycle) == 1 else IssueKind.CYCLE
        issues.append(SequenceIssue(kind, IssueLevel.ERROR, tuple(cycle), _cycle_message(cycle)))
    if target_years is not None:
        issues.extend(check_target_years(predecessors, target_years))
    return issues
