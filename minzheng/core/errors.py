"""The one exception hierarchy of minzheng: services raise these, views and the API map them once."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused the request. `code` is stable; `message` is translated for the user."""

    code = "domain_error"
    status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        status: int | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = fields or {}
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {k: [str(m) for m in v] for k, v in self.fields.items()},
        }


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 400


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403


class NotFoundError(DomainError):
    code = "not_found"
    status = 404


class ConflictError(DomainError):
    """Someone else changed the object first (a state transition raced and lost)."""

    code = "conflict"
    status = 409
