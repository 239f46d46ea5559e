"""Background jobs of the audit app (run by the django-tasks database worker)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from minzheng.audit.services import audit_verify


@task()
def audit_verify_task() -> dict[str, Any]:
    """Walk the whole chain in the worker, so a long log never blocks a web request."""
    result = audit_verify()
    return {
        "ok": result.ok,
        "checked": result.checked,
        "broken_seq": result.broken_seq,
        "reason": result.reason,
    }
