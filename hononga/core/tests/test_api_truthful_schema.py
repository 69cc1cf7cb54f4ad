"""A truthful schema: the OpenAPI document states what the server enforces — no NUL in any text
(a pattern), the phone number's characters, lengths — and the server accepts what JSON Schema
counts as an integer (`66.0`), refusing a real fraction (`66.5`)."""

import re
from typing import Any

from django.test import Client

from hononga.whanau.tests.test_api_whanau import Api


def _document() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()


def _properties(document: dict[str, Any], name: str) -> dict[str, Any]:
    return document["components"]["schemas"][name]["properties"]


def test_every_text_field_of_every_request_body_states_the_no_nul_rule() -> None:
    document = _document()
    missing = []
    for name, component in document["components"]["schemas"].items():
        if not name.endswith(("In", "Patch")):
            continue
        for field, schema in component.get("properties", {}).items():
            options = schema.get("anyOf", [schema])
            for option in options:
                if (
                    option.get("type") == "string"
                    and "enum" not in option
                    and "format" not in option
                ):
                    pattern = option.get("pattern")
                    if pattern is None or re.search(pattern, "a\x00b"):
                        missing.append(f"{name}.{field}")
    assert missing == [], missing


def test_the_phone_pattern_and_required_text_are_stated_and_mean_what_the_server_does(
    supervisor: Any, whanau: Any
) -> None:
    document = _document()
    phone = _properties(document, "PersonIn")["phone"]
    assert phone["pattern"] == "^[0-9+()./ -]*$" and phone["maxLength"] == 30
    name = _properties(document, "PersonIn")["preferred_name"]
    assert re.search(name["pattern"], "Mere") and not re.search(name["pattern"], "   ")
    assert not re.search(name["pattern"], "Me\x00re")

    api = Api(supervisor)
    refused = api.post(
        "/people",
        {"whanau_id": whanau.pk, "preferred_name": "Mere", "kind": "parent", "phone": "021 x"},
    )
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"phone"}
    nul = api.post(
        "/people", {"whanau_id": whanau.pk, "preferred_name": "Me\x00re", "kind": "parent"}
    )
    assert nul.status_code == 422


def test_a_whole_number_decimal_is_an_integer_and_a_fraction_is_refused(
    practitioner: Any, whanau: Any
) -> None:
    api = Api(practitioner)
    fraction = api.patch(f"/whanau/{whanau.pk}", '{"version": 1.5, "summary": "Ngā mihi"}')
    assert fraction.status_code == 422
    assert fraction.json()["errors"][0]["field"] == "version"
    whole = api.patch(f"/whanau/{whanau.pk}", '{"version": 1.0, "summary": "Ngā mihi"}')
    assert whole.status_code == 200, whole.content
    assert whole.json()["version"] == 2
    exponent = api.patch(f"/whanau/{whanau.pk}", '{"version": 0.2e1, "summary": "Kia ora"}')
    assert exponent.status_code == 200, exponent.content
    huge = api.patch(f"/whanau/{whanau.pk}", '{"version": 1e999999, "summary": "x"}')
    assert huge.status_code == 422
