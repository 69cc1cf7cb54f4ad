"""The JSON API at /api/v1/: one NinjaAPI, a router per app, one error shape.

Errors are RFC 9457 problem details (`application/problem+json`), with a field-by-field
`errors` list for validation failures. Nothing reaches the client as an HTML error page: even an
unexpected failure inside an endpoint is logged and answered with a generic 500 problem.

Shared pieces for the apps' routers (problem schemas, error maps, input types) live in
`hononga/core/api.py`; this module only builds the API, handles errors and mounts the routers.
"""

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer

from hononga.accounts.api import router as accounts_router
from hononga.accounts.models import ApiToken, Role, hash_token
from hononga.advisories.api import router as advisories_router
from hononga.checkins.api import router as checkins_router
from hononga.contacts.api import router as contacts_router
from hononga.core.api import PROBLEM, WholeNumberParser, problem
from hononga.core.errors import ConflictError, NotFound, PracticeError
from hononga.diary.api import router as diary_router
from hononga.goals.api import router as goals_router
from hononga.measures.api import router as measures_router
from hononga.notifications.api import router as notifications_router
from hononga.privacy.api import router as privacy_router
from hononga.relationships.api import router as relationships_router
from hononga.restorative.api import router as restorative_router
from hononga.whanau.api import router as whanau_router

logger = logging.getLogger("hononga.api")


# What a practice lead may reach through the API: figures, agency reference data and their own
# account, notifications and week. Everything else (every list and record of case content) is 404
# to them, whether or not it exists — by default, so a new endpoint is closed to them until it is
# added here.
PRACTICE_LEAD_PATHS = (
    "/api/v1/me",
    "/api/v1/tokens",
    "/api/v1/teams",
    "/api/v1/advisories",
    "/api/v1/notifications",
    "/api/v1/diary",
    "/api/v1/measures",
    "/api/v1/outcomes/association",
    "/api/v1/retention/rules",
)


def _open_to_practice_lead(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PRACTICE_LEAD_PATHS)


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
        if found.user.role == Role.PRACTICE_LEAD and not _open_to_practice_lead(request.path):
            raise Http404
        return found.user


class HonongaAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
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
    parser=WholeNumberParser(),
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


# Each app's router; the fallback last, so it only catches what no router matched.
api.add_router("", accounts_router)
api.add_router("", whanau_router)
api.add_router("", relationships_router)
api.add_router("", checkins_router)
api.add_router("", contacts_router)
api.add_router("", restorative_router)
api.add_router("", advisories_router)
api.add_router("", notifications_router)
api.add_router("", diary_router)
api.add_router("", goals_router)
api.add_router("", measures_router)
api.add_router("", privacy_router)
api.add_router("", fallback_router)
