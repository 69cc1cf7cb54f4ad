"""Shared pieces of the JSON API that every app's router uses.

The `Problem` schemas and the `ERRORS` response maps to declare on every operation (so the
OpenAPI schema tells the truth), the input types (ids, dates, versions, text), `problem()` for
an RFC 9457 answer, and `forbidden()` for "you can see this but your role cannot change it" (403).
The root `hononga/api.py` only builds the API, its error handlers and mounts the routers.
"""

import json
import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Path, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictInt,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

PROBLEM = "application/problem+json"


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


# --- Reading JSON bodies ----------------------------------------------------------------------


def _json_number(literal: str) -> int | float:
    """A JSON number with a fraction or exponent: a whole one (`66.0`, `6.6e1`) is an integer,
    as JSON Schema counts it, so `"version": 66.0` is version 66; `66.5` stays a decimal (and an
    integer field refuses it). Huge exponents stay floats (no giant ints from `1e999999`)."""
    number = Decimal(literal)
    if number.is_finite() and number == number.to_integral_value() and number.adjusted() < 20:
        return int(number)
    return float(literal)


class WholeNumberParser(Parser):
    """The API's JSON parser: whole-number decimals are integers (see `_json_number`)."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        return cast(DictStrAny, json.loads(request.body, parse_float=_json_number))


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


NO_NUL = "^[^\\u0000]*$"
# "At least one character that isn't a space, and no NUL", for JSON Schema (no lookahead needed).
NO_NUL_REQUIRED = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


class _CleanText:
    """Refuses NUL and lone surrogates (an after-validator), and says so in the JSON schema: a
    `pattern` without NUL, so a client generated from the schema sends only what we accept.

    Put any other pattern into the `text(...)`/`StringConstraints` before it: constraints after
    a validator are enforced but left out of the schema.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_after_validator_function(_clean_text, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        target = handler.resolve_ref_schema(json_schema)
        pattern = target.get("pattern")
        if pattern is None:
            target["pattern"] = NO_NUL
        elif pattern == r"\S":
            target["pattern"] = NO_NUL_REQUIRED
        # Any other pattern of ours is a character class without NUL already.
        return json_schema


CLEAN_TEXT: Any = _CleanText()


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
# An id in a path: `def get_x(request, x_id: int = PathId)`. All three are the same range, so an id
# the database cannot hold is a 422 (or 404), never an overflow in the database (500).
PathId: Any = Path(..., ge=1, le=MAX_ID)
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
