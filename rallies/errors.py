"""Domain errors: each has a machine code and a message for people.

`status` is the HTTP status that the API layers map the error to; the domain only
names the kind of failure (not found, conflict, invalid, forbidden).
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, errors: dict | None = None, **extra):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.errors = errors
        self.extra = extra


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PreconditionFailed(DomainError):
    """The caller's copy is stale: someone else changed the thing since it was read (If-Match)."""

    status = 412
    code = "precondition_failed"


class Invalid(DomainError):
    status = 422
    code = "invalid_request"


class RuleViolation(Invalid):
    """A request that breaks a programme rule; `reasons` lists every rule that failed."""

    code = "rule_violation"

    def __init__(self, message: str, reasons: list[str], **kw):
        super().__init__(message, **kw)
        self.reasons = reasons
        self.extra.setdefault("reasons", reasons)


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
