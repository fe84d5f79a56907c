"""A service's ValidationError, shown on a form or answered by the API: one mapping each.

Services raise `django.core.exceptions.ValidationError`, by field (`ValidationError({"deadline": …})`)
or not (`ValidationError("…")`). Pages show each message under its field when the form has that
field, else at the top of the form; the bound form keeps what the user typed. The API answers the
same messages in the one error shape of every endpoint (`error_body`):

    {"code": "invalid", "detail": "整改期限不能早于今天。", "field": "deadline",
     "errors": {"deadline": ["整改期限不能早于今天。"]}}

`detail` is the Chinese message (all messages joined by "；"), `field` the first field named (null
when the error is about the whole request), `errors` every message by field ("__all__" for none),
`code` a stable English word a client can branch on (ERROR_CODES).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

NON_FIELD = "__all__"

# HTTP status → the code every API error of that status carries, unless a more precise one is given.
ERROR_CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "unprocessable",
    429: "rate_limited",
    500: "server_error",
}


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [messages]} ("__all__" when it names no field)."""
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


def joined_messages(exc: ValidationError) -> str:
    """Every message of the error, in one line (a flash message, the API's `detail`)."""
    return "；".join(m for messages in error_dict(exc).values() for m in messages)


def add_service_errors(form, exc: ValidationError, *, aliases: dict[str, str] | None = None,
                       default_field: str | None = None) -> None:
    """Each message under its field when the form has that field (after `aliases`: the service's
    name → the form's), else at the top of the form — or under `default_field` for an error that
    names no field (e.g. a password rule on the password field)."""
    aliases = aliases or {}
    for name, messages in error_dict(exc).items():
        name = aliases.get(name, name)
        if name == NON_FIELD and default_field in form.fields:
            name = default_field
        form.add_error(name if name in form.fields else None, messages)


def error_body(detail: str, *, status: int = 400, code: str | None = None, field: str | None = None,
               errors: dict[str, list[str]] | None = None) -> dict:
    """The API's one error shape (see the module docstring)."""
    if errors is None:
        errors = {field: [detail]} if field else {}
    if field is None:
        field = next((name for name in errors if name != NON_FIELD), None)
    return {"code": code or ERROR_CODES.get(status, "error"), "detail": detail, "field": field, "errors": errors}


def validation_error_body(exc: ValidationError, *, code: str | None = None) -> dict:
    """A service's ValidationError in the API's error shape (status 400)."""
    errors = error_dict(exc)
    return error_body(joined_messages(exc), code=code, errors=errors)
