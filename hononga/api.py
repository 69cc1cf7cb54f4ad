"""The JSON API at /api/v1/: one NinjaAPI, a router per app, one error shape.

Errors are RFC 9457 problem details (`application/problem+json`), with a field-by-field
`errors` list for validation failures. Nothing reaches the client as an HTML error page: even an
unexpected failure inside an endpoint is logged and answered with a generic 500 problem.

Shared pieces for the apps' routers live here too: the `Problem` schemas and the `ERRORS`
response maps to declare on every operation (so the OpenAPI schema tells the truth), and
`forbidden()` for "you can see this but your role cannot change it" (403).
"""

import json
import logging
import re
from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
)

from hononga.accounts.models import ApiToken, hash_token
from hononga.core.errors import ConflictError, NotFound, PracticeError

PROBLEM = "application/problem+json"

logger = logging.getLogger("hononga.api")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # Touch at most once a minute, so busy scripts don't write on every call.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


# --- Problem details --------------------------------------------------------------------------


class FieldError(Schema):
    field: str = Field(
        description="The field (dotted path for nested fields), or `__all__` for the whole body."
    )
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "type": "about:blank",
                "title": "The request has invalid fields",
                "status": 422,
                "detail": "Correct the fields listed in errors and send it again.",
                "instance": "/api/v1/whanau",
                "errors": [{"field": "name", "message": "String should have at least 1 character"}],
            }
        },
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None


class ConflictProblem(Problem):
    """A stale edit: nothing was written. Shows the saved version and its values."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "type": "about:blank",
                "title": "The record was changed by someone else",
                "status": 409,
                "detail": "Someone else saved this record after you opened it (your copy is "
                "version 1, the saved one is version 2). Nothing was overwritten.",
                "instance": "/api/v1/whanau/7",
                "your_version": 1,
                "current_version": 2,
                "current": {"id": 7, "name": "Kōwhai whānau", "status": "open"},
                "changed_by": "Aroha",
            }
        },
    )

    your_version: int | None = None
    current_version: int | None = None
    current: dict[str, Any] | None = None
    changed_by: str | None = None


# --- Input types shared by the routers -----------------------------------------------------------

MAX_ID = 2**63 - 1  # the largest database id; bigger numbers are refused, not overflowed


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text cannot contain the NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Text must be valid Unicode (no lone surrogates).") from None
    return value


CLEAN_TEXT = AfterValidator(_clean_text)


def text(max_length: int, *, required: bool = False) -> StringConstraints:
    """Constraints for a string: surrounding spaces stripped, at most `max_length` characters.

    `required` means at least one character that isn't a space. Use with CLEAN_TEXT (no NUL,
    valid Unicode): `Annotated[str, text(200), CLEAN_TEXT, Field(examples=[...])]`.
    """
    return StringConstraints(
        strip_whitespace=True,
        max_length=max_length,
        min_length=1 if required else None,
        pattern=r"\S" if required else None,
    )


def text_field(
    max_length: int, *, required: bool = False, examples: list[str] | None = None
) -> Any:
    """The same as `Annotated[str, text(...), CLEAN_TEXT, Field(examples=...)]`, as one call.

    (mypy won't take the result as a type in annotations; prefer the Annotated form there.)
    """
    return Annotated[str, text(max_length, required=required), CLEAN_TEXT, Field(examples=examples)]


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def optional(default: Any = None) -> Any:
    """A PATCH field: leave it out to keep the value (`null` only where the type allows it)."""
    return Field(default=default, json_schema_extra=_drop_default)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    # Pydantic would also take a number, or a string of digits, as seconds since 1970: refuse
    # anything but the "YYYY-MM-DD" text (a `date` object only comes from our own code).
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("Enter a date as YYYY-MM-DD.")


class Forbid(Schema):
    """Base for input schemas: unknown fields are refused, so a typo is an error, not ignored.

    Defined once, here: OpenAPI names a component by class name, so two classes called `Forbid`
    would silently replace each other in the schema.
    """

    model_config = ConfigDict(extra="forbid")


# In query strings and paths, where everything arrives as text:
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# In JSON bodies, where types are exact ("5" is not a number, 1.0 is not an id):
BodyId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Day = Annotated[date, BeforeValidator(_iso_date_only), Field(examples=["2026-11-02"])]
Version = Annotated[
    StrictInt,
    Field(
        ge=1,
        le=2**31 - 1,
        description="The version you read. A stale version gets 409 and nothing is written.",
        examples=[3],
    ),
]
Reason = Annotated[
    str,
    text(2000, required=True),
    CLEAN_TEXT,
    Field(examples=["Whānau moved out of the region."]),
]
SearchText = Annotated[str, text(200), CLEAN_TEXT, Field(examples=["kowhai"])]


def reject_unknown_query(request: HttpRequest, *schemas: type[Schema]) -> None:
    """Refuse query parameters that no schema declares (so `?stauts=open` is not ignored)."""
    from hononga.core.pagination import Pagination

    allowed = set(Pagination.Input.model_fields)
    for schema in schemas:
        allowed.update(schema.model_fields)
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise NinjaValidationError(
            [{"loc": ("query", name), "msg": "Unknown query parameter"} for name in unknown]
        )


# Declare these on every operation: `response={200: XOut, **ERRORS}`.
READ_ERRORS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    404: Problem,
    413: Problem,
    422: Problem,
}
ERRORS: dict[int, Any] = {**READ_ERRORS, 403: Problem}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ConflictProblem}


def forbidden(message: str) -> HttpError:
    """403: the user may see the record but not change it (break-glass readers, admins, …)."""
    return HttpError(403, message)


class HonongaAPI(NinjaAPI):
    _routers_registered = False

    def _register_routers(self) -> None:
        # Lazily, so that an app's api.py can import from this module without a cycle.
        if not self._routers_registered:
            self._routers_registered = True
            register_routers()

    @property
    def urls(self) -> Any:
        self._register_routers()
        return super().urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        self._register_routers()
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Error responses are problem details, not plain JSON: say so in the schema.
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for parameter in operation.get("parameters", []):
                    # A parameter's `examples` is a map of Example objects in OpenAPI, not
                    # JSON Schema's list: keep the first as `example`.
                    examples = parameter.pop("examples", None)
                    if isinstance(examples, list) and examples:
                        parameter["example"] = examples[0]
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if int(status) >= 400 and content and "application/json" in content:
                        response["content"] = {PROBLEM: content["application/json"]}
        return schema


api = HonongaAPI(
    title="Hononga API",
    version="1",
    description="Relationships, check-ins, contacts and restorative processes. "
    "Authenticate with `Authorization: Bearer <token>`; create a token on your account page "
    "or with `hononga token create USERNAME`.\n\n"
    "The same access rules and audit trail as the pages apply: records you may not see answer "
    "404, whether or not they exist; records you may see but not change answer 403. Every list "
    "is paginated (`page`, `page_size` ≤ 200). Changes carry the `version` you read: if someone "
    "saved the record since, the answer is 409 with the saved version and its values, and "
    "nothing is overwritten. Errors are `application/problem+json` (RFC 9457); validation "
    "failures list each field in `errors`.",
    auth=BearerToken(),
    urls_namespace="api",
)


def problem(
    request: HttpRequest, status: int, title: str, detail: str = "", **extra: Any
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=PROBLEM
    )


def _location(loc: list[Any] | tuple[Any, ...]) -> str:
    # Drop ninja's "body"/"query"/"path" and the parameter name wrapper.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "data", "body", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        message = str(error.get("msg", "Invalid value"))
        errors.append({"field": _location(error.get("loc", ())), "message": message})
    return problem(
        request,
        422,
        "The request has invalid fields",
        "Correct the fields listed in errors and send it again.",
        errors=errors,
    )


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return problem(
        request,
        409,
        exc.title,
        exc.message,
        your_version=getattr(exc, "your_version", None),
        current_version=exc.current_version,
        current=exc.current,
        changed_by=exc.changed_by,
    )


@api.exception_handler(PracticeError)
def on_practice_error(request: HttpRequest, exc: PracticeError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return problem(request, 404, "Not found", "There is no such record.")
    errors = [
        {"field": field, "message": message}
        for field, messages in exc.errors.items()
        for message in messages
    ]
    return problem(request, exc.status, exc.title, exc.message, errors=errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found", "There is no such record.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(
        request, 401, "Not authenticated", "Send a valid token: Authorization: Bearer <token>."
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


_HTTP_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "The request is too large",
    429: "Too many requests",
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    message = str(exc)
    if status == 400 and message.startswith("Cannot parse request body"):
        return problem(
            request,
            400,
            "The body is not valid JSON",
            "Send a JSON object with Content-Type: application/json.",
        )
    return problem(request, status, _HTTP_TITLES.get(status, message), message)


@api.exception_handler(json.JSONDecodeError)
def on_bad_json(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 400, "The body is not valid JSON", str(exc))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, "Not allowed", str(exc) or "You cannot do this.")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(
        request, 413, "The request is too large", "Send a smaller body (at most 2.5 MB)."
    )


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return problem(request, 400, "Bad request", "The request could not be read.")


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug, not bad input: log everything, tell the client nothing about the internals.
    logger.error("Unexpected error in %s %s", request.method, request.path, exc_info=exc)
    return problem(
        request,
        500,
        "Something went wrong on our side",
        "The error has been logged. Try again later, or tell your administrator.",
    )


def register_routers() -> None:
    from hononga.accounts.api import router as accounts_router
    from hononga.advisories.api import router as advisories_router
    from hononga.checkins.api import router as checkins_router
    from hononga.contacts.api import router as contacts_router
    from hononga.relationships.api import router as relationships_router
    from hononga.restorative.api import router as restorative_router
    from hononga.whanau.api import router as whanau_router

    api.add_router("", accounts_router)
    api.add_router("", whanau_router)
    api.add_router("", relationships_router)
    api.add_router("", checkins_router)
    api.add_router("", contacts_router)
    api.add_router("", restorative_router)
    api.add_router("", advisories_router)
    # Last, so it only catches what no router matched.
    api.add_router("", fallback_router)


fallback_router = Router(auth=None)


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/", include_in_schema=False
)
def api_root(request: HttpRequest) -> HttpResponse:
    return no_such_endpoint(request, "")


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def no_such_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    return problem(
        request, 404, "Not found", "There is no such API endpoint; see /api/v1/openapi.json."
    )
