"""The domain error every service raises when it refuses a change.

Its message is written for the person who asked: views show it, the API returns it as
`detail` with a stable `code`.
"""


class DomainError(Exception):
    code = "refused"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class PermissionDenied(DomainError):
    code = "permission_denied"


class NotFound(DomainError):
    code = "not_found"
