"""The JSON API at /api/v1/: one NinjaAPI, a router per app, one error shape.

Errors are RFC 9457 problem details (`application/problem+json`), with a field-by-field
`errors` list for validation failures.
"""

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from hononga.accounts.models import ApiToken, hash_token
from hononga.core.errors import ConflictError, NotFound, PracticeError

PROBLEM = "application/problem+json"


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
        return found.user


api = NinjaAPI(
    title="Hononga API",
    version="1",
    description="Relationships, check-ins, contacts and restorative processes. "
    "Authenticate with `Authorization: Bearer <token>`; create a token on your account page "
    "or with `hononga token create USERNAME`.",
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


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))


@api.exception_handler(json.JSONDecodeError)
def on_bad_json(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 400, "The body is not valid JSON", str(exc))


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


register_routers()
