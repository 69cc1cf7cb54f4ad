"""Bad ids never 500: every id in a path, query or body that the database cannot hold gets a 404
or 422 problem+json, on SQLite and PostgreSQL — over every operation of the OpenAPI document.

The ids are one shared type (`hononga.core.api.Id` / `BodyId`: 1 … 2**63 - 1), so the document
states the range and the server refuses anything outside it before touching the database.
"""

import json
import re
from typing import Any

import pytest
from django.test import Client

from hononga.accounts.models import User
from hononga.conftest import bearer
from hononga.core.api import MAX_ID

TOO_BIG = 2**63  # one more than PostgreSQL's bigint (and SQLite's integer) can hold


def _document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _integers(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The integer schemas this schema can be (through anyOf, arrays and refs)."""
    schema = _resolve(document, schema)
    found = []
    if schema.get("type") == "integer":
        found.append(schema)
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        found += _integers(document, option)
    if schema.get("type") == "array" and "items" in schema:
        found += _integers(document, schema["items"])
    return found


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id") or name.endswith("_ids") or name in ID_FIELDS


# Body and query fields that hold a record's id without saying so in their name.
ID_FIELDS = {
    "whanau",
    "person",
    "people",
    "people_present",
    "team",
    "teams",
    "user",
    "regions",
    "region",
    "contact",
    "relationship",
    "process",
    "facilitator",
    "participants",
    "from_person",
    "to_person",
    "harmed",
    "responsible",
    "advisory",
    "screening",
    "present",
    "rater",
    "members",
}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _id_parameters(document: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    found = []
    for method, path, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            if _integers(document, parameter.get("schema", {})) and _is_id(parameter["name"]):
                found.append((method, path, parameter["in"], parameter["name"]))
    return found


def _id_body_fields(document: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    found = []
    for method, path, operation in _operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        body = _resolve(document, content["application/json"]["schema"])
        for name, field in body.get("properties", {}).items():
            integers = _integers(document, field)
            if integers and _is_id(name):
                is_list = _resolve(document, field).get("type") == "array" or any(
                    _resolve(document, o).get("type") == "array" for o in field.get("anyOf", [])
                )
                found.append((method, path, name, is_list))
    return found


def test_every_id_in_the_document_states_the_database_range() -> None:
    document = _document()
    unbounded = []
    for method, path, operation in _operations(document):
        schemas = [(p["name"], p.get("schema", {})) for p in operation.get("parameters", [])]
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = _resolve(document, content["application/json"]["schema"])
            schemas += list(body.get("properties", {}).items())
        for name, schema in schemas:
            if not _is_id(name):
                continue
            for integer in _integers(document, schema):
                if integer.get("maximum") != MAX_ID or integer.get("minimum") != 1:
                    unbounded.append(f"{method.upper()} {path} {name}")
    assert unbounded == []


@pytest.fixture
def api_client(admin_user: User, supervisor: User) -> dict[str, Client]:
    clients = {}
    for who, user in (("admin", admin_user), ("supervisor", supervisor)):
        client = Client(**bearer(user))
        clients[who] = client
    return clients


def _send(client: Client, method: str, path: str, **kwargs: Any) -> Any:
    return getattr(client, method)(path, **kwargs)


def _fill(path: str, value: int | str) -> str:
    return re.sub(r"\{[^}]+\}", str(value), path)


@pytest.mark.django_db
def test_an_id_too_big_for_the_database_is_404_or_422_in_every_path_and_query(
    api_client: dict[str, Client],
) -> None:
    document = _document()
    checked = []
    for method, path, where, name in _id_parameters(document):
        for client in api_client.values():
            if where == "path":
                # This id too big, any other id in the path a plausible one.
                url = path.replace("{" + name + "}", str(TOO_BIG))
                response = _send(client, method, _fill(url, 1), content_type="application/json")
            else:
                url = _fill(path, 1)
                response = _send(
                    client, method, f"{url}?{name}={TOO_BIG}", content_type="application/json"
                )
            assert response.status_code in {404, 422}, (method, path, name, response.content)
            assert response["Content-Type"] == "application/problem+json", (method, path)
        checked.append((method, path, name))
    # The walk found the ids (a broken walk would pass with nothing checked).
    assert ("get", "/api/v1/screenings", "whanau") in checked
    assert ("get", "/api/v1/whanau/{whanau_id}", "whanau_id") in checked
    assert len(checked) > 40


@pytest.mark.django_db
def test_an_id_too_big_for_the_database_in_a_body_is_a_422_naming_the_field(
    api_client: dict[str, Client],
) -> None:
    document = _document()
    checked = []
    for method, path, name, is_list in _id_body_fields(document):
        value: Any = [TOO_BIG] if is_list else TOO_BIG
        for client in api_client.values():
            response = _send(
                client,
                method,
                _fill(path, 1),
                data=json.dumps({name: value}),
                content_type="application/json",
            )
            assert response.status_code in {404, 422}, (method, path, name, response.content)
            assert response["Content-Type"] == "application/problem+json"
            if response.status_code == 422:
                fields = {e["field"].split(".")[0] for e in response.json().get("errors") or []}
                assert name in fields, (method, path, name, response.json())
        checked.append((method, path, name))
    assert ("post", "/api/v1/screenings", "whanau") in checked
    assert len(checked) > 10
