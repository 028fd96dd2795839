"""The progress-report workflow: which actions move a report from one status to the next, and who may act.

Rules, in words:
- A report starts as a draft. Its statuses are: draft, submitted, validated, returned, accepted.
- The proponent of the action line submits a draft or returned report; it becomes submitted.
- The proponent may withdraw a submitted report that nobody has validated yet; it becomes a draft again.
- The Country Champion of the line's goal validates a submitted report; it becomes validated.
- The Country Champion of the line's goal returns a submitted report, and the ASEAN Secretariat returns
  a validated report; it becomes returned. Returning needs a note saying what to fix.
- The ASEAN Secretariat accepts a validated report; it becomes accepted.
- An accepted report is final. Corrections go into the next round's report, so that accepted figures
  never change behind the reader's back.
- This module does not decide who holds which role. The caller works out, for this report's line,
  whether the person is its proponent, the Country Champion of its goal or the ASEAN Secretariat, and
  passes the matching role names: "proponent_of_line", "champion_of_goal", "secretariat".
  A person may hold several roles; any one that permits the action is enough.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    VALIDATE = "validate"
    RETURN = "return"
    ACCEPT = "accept"


class Role(StrEnum):
    PROPONENT = "proponent_of_line"
    CHAMPION = "champion_of_goal"
    SECRETARIAT = "secretariat"


class TransitionRefused(ValueError):
    """The requested action is not allowed; the message says why in words."""


@dataclass(frozen=True)
class Transition:
    action: Action
    source: ReportStatus
    role: Role
    target: ReportStatus
    needs_note: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.SUBMIT, ReportStatus.DRAFT, Role.PROPONENT, ReportStatus.SUBMITTED),
    Transition(Action.SUBMIT, ReportStatus.RETURNED, Role.PROPONENT, ReportStatus.SUBMITTED),
    Transition(Action.WITHDRAW, ReportStatus.SUBMITTED, Role.PROPONENT, ReportStatus.DRAFT),
    Transition(Action.VALIDATE, ReportStatus.SUBMITTED, Role.CHAMPION, ReportStatus.VALIDATED),
    Transition(Action.RETURN, ReportStatus.SUBMITTED, Role.CHAMPION, ReportStatus.RETURNED, True),
    Transition(Action.RETURN, ReportStatus.VALIDATED, Role.SECRETARIAT, ReportStatus.RETURNED, True),
    Transition(Action.ACCEPT, ReportStatus.VALIDATED, Role.SECRETARIAT, ReportStatus.ACCEPTED),
)

_ROLE_AS_ACTOR = {
    Role.PROPONENT: "a proponent",
    Role.CHAMPION: "a Country Champion",
    Role.SECRETARIAT: "the ASEAN Secretariat",
}
_ROLE_AS_AUTHORITY = {
    Role.PROPONENT: "the proponent of the line",
    Role.CHAMPION: "the Country Champion of the line's goal",
    Role.SECRETARIAT: "the ASEAN Secretariat",
}
_THIRD_PERSON = {
    Action.SUBMIT: "submits",
    Action.WITHDRAW: "withdraws",
    Action.VALIDATE: "validates",
    Action.RETURN: "returns",
    Action.ACCEPT: "accepts",
}
_PAST_PARTICIPLE = {
    Action.SUBMIT: "submitted",
    Action.WITHDRAW: "withdrawn",
    Action.VALIDATE: "validated",
    Action.RETURN: "returned",
    Action.ACCEPT: "accepted",
}


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _parse_roles(actor_roles: Iterable[str]) -> set[Role]:
    roles = set()
    for name in actor_roles:
        try:
            roles.add(Role(name))
        except ValueError:
            # A misspelt role would otherwise silently refuse everything; fail loudly instead.
            known = ", ".join(r.value for r in Role)
            raise ValueError(f"Unknown role {name!r}; the roles are: {known}.") from None
    return roles


def _describe_actor(roles: set[Role]) -> str:
    if not roles:
        return "Someone with no role on this line"
    names = [_ROLE_AS_ACTOR[r] for r in Role if r in roles]
    if len(names) == 1:
        return _capital(names[0])
    return "Someone who is " + " and ".join(names)


def _who_may(action: Action) -> str:
    """For example: "only the ASEAN Secretariat accepts validated reports"."""
    by_role: dict[Role, list[str]] = {}
    for t in TRANSITIONS:
        if t.action is action:
            by_role.setdefault(t.role, []).append(t.source.value)
    parts = [
        f"{_ROLE_AS_AUTHORITY[role]} {_THIRD_PERSON[action]} {_join(sources)} reports"
        for role, sources in by_role.items()
    ]
    return "only " + " and ".join(parts)


def check_transition(
    current: str, action: str, actor_roles: Iterable[str], *, note: str | None = None
) -> ReportStatus:
    """Return the report's new status, or raise TransitionRefused saying why the action is not allowed."""
    status = ReportStatus(current)
    act = Action(action)
    roles = _parse_roles(actor_roles)
    verb = act.value
    done = _PAST_PARTICIPLE[act]

    for_action = [t for t in TRANSITIONS if t.action is act]
    if not any(t.role in roles for t in for_action):
        raise TransitionRefused(f"{_describe_actor(roles)} cannot {verb} a report; {_who_may(act)}.")

    if status is ReportStatus.ACCEPTED:
        raise TransitionRefused(
            "An accepted report is final and cannot be changed; corrections go into the next round's report."
        )

    from_here = [t for t in for_action if t.source is status]
    if not from_here:
        sources = _join([t.source.value for t in for_action if t.role in roles])
        raise TransitionRefused(
            f"{_capital(_article(status.value))} {status.value} report cannot be {done}; "
            f"only {sources} reports can be {done}."
        )

    allowed = [t for t in from_here if t.role in roles]
    if not allowed:
        raise TransitionRefused(
            f"{_describe_actor(roles)} cannot {verb} {_article(status.value)} {status.value} report; "
            f"{_who_may(act)}."
        )

    chosen = allowed[0]
    if chosen.needs_note and not (note and note.strip()):
        raise TransitionRefused(
            f"A note is required to {verb} a report, so the proponent knows what to correct."
        )
    return chosen.target


def allowed_actions(current: str, actor_roles: Iterable[str]) -> list[Action]:
    """The actions this person may take on a report in this status, in workflow order (for buttons)."""
    status = ReportStatus(current)
    roles = _parse_roles(actor_roles)
    found: list[Action] = []
    for t in TRANSITIONS:
        if t.source is status and t.role in roles and t.action not in found:
            found.append(t.action)
    return found
