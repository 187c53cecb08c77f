"""Bitrix24 errors: a code, a description and the HTTP status they travel with."""

from __future__ import annotations


class RestError(Exception):
    """An error the client sees as ``{"error": code, "error_description": description}``."""

    def __init__(
        self,
        code: str,
        description: str,
        status: int = 400,
        *,
        extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status
        # Keys some errors add after the two (ERROR_ARGUMENT's "argument").
        self.extra = extra or {}

    def as_body(self) -> dict[str, str]:
        return {"error": self.code, "error_description": self.description, **self.extra}


def method_not_found() -> RestError:
    return RestError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)


def no_auth_found() -> RestError:
    return RestError("NO_AUTH_FOUND", "Wrong authorization data", 401)


def expired_token() -> RestError:
    return RestError("expired_token", "The access token provided has expired", 401)


def wrong_auth_type() -> RestError:
    return RestError(
        "WRONG_AUTH_TYPE",
        "Current authorization type is denied for this method Application context required",
        403,
    )


def invalid_credentials() -> RestError:
    return RestError("INVALID_CREDENTIALS", "Invalid request credentials", 403)


def insufficient_scope(*, app: bool = False) -> RestError:
    holder = "access token" if app else "webhook token"
    return RestError(
        "insufficient_scope",
        f"The request requires higher privileges than provided by the {holder}",
        403,
    )


def internal_error() -> RestError:
    return RestError("INTERNAL_SERVER_ERROR", "Internal server error", 500)


def batch_length_exceeded() -> RestError:
    return RestError("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", 400)


def batch_method_not_allowed() -> RestError:
    return RestError("ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage", 405)


def invalid_request(description: str) -> RestError:
    return RestError("INVALID_REQUEST", description, 400)


def crm_error(description: str) -> RestError:
    """CRM entity methods answer with an empty code and a text, HTTP 400."""
    return RestError("", description, 400)


def access_denied(description: str = "Access denied.") -> RestError:
    return RestError("", description, 400)
