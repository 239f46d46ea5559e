"""The one table of allowed transitions: action → (states it may start from, state it leads to).

``None`` as the target means the action records a step without moving the case (a county home visit, an
appraisal, an extension). Services consult this table and nothing else, so the machine is readable in one place.
"""

from __future__ import annotations

from minzheng.cases.models import OPEN_STATUSES, Status

S = Status

TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "request_materials": (frozenset({S.APPLIED, S.INCOMPLETE}), S.INCOMPLETE),
    "accept": (frozenset({S.APPLIED, S.INCOMPLETE}), S.ACCEPTED),
    "prepay": (frozenset({S.APPLIED, S.INCOMPLETE, S.ACCEPTED}), None),
    "investigate": (frozenset({S.ACCEPTED}), S.INVESTIGATED),
    "county_visit": (frozenset({S.REVIEWED, S.NOTICE, S.NOTICE_ENDED}), None),
    "check": (frozenset({S.INVESTIGATED}), S.CHECKED),
    "check_objection": (frozenset({S.CHECKED}), S.INVESTIGATED),
    "appraise": (frozenset({S.CHECKED}), None),
    "review": (frozenset({S.CHECKED}), S.REVIEWED),
    "publish": (frozenset({S.REVIEWED}), S.NOTICE),
    "object": (frozenset({S.NOTICE}), S.OBJECTED),
    "reinvestigate": (frozenset({S.OBJECTED}), S.ACCEPTED),
    "to_appraisal": (frozenset({S.OBJECTED}), S.CHECKED),
    "close_notice": (frozenset({S.NOTICE}), S.NOTICE_ENDED),
    "approve": (frozenset({S.NOTICE_ENDED}), S.APPROVED),
    "refuse": (frozenset({S.NOTICE_ENDED}), S.REFUSED),
    "notify_refusal": (frozenset({S.REFUSED}), None),
    "extend": (OPEN_STATUSES, None),
    "withdraw": (OPEN_STATUSES, S.WITHDRAWN),
}


def allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS[action][0]


def actions_from(status: str) -> list[str]:
    """The actions the machine allows from a state (the case page offers these, subject to role)."""
    return [action for action, (sources, _target) in TRANSITIONS.items() if status in sources]
