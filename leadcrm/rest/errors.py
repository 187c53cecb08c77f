"""Bitrix24 errors: a code, a description and the HTTP status they travel with."""

from __future__ import annotations


class RestError(Exception):
    """An error the client sees as ``{"error": code, "error_description": description}``."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status

    def as_body(self) -> dict[str, str]:
        return {"error": self.code, "error_description": self.description}


def method_not_found() -> RestError:
    return RestError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)


def no_auth_found() -> RestError:
    return RestError("NO_AUTH_FOUND", "Wrong authorization data", 401)


def invalid_credentials() -> RestError:
    return RestError("INVALID_CREDENTIALS", "Invalid request credentials", 403)


def insufficient_scope() -> RestError:
    return RestError(
        "insufficient_scope",
        "The request requires higher privileges than provided by the webhook token",
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
