"""Every operation of the API is fuzzed by some app's schemathesis test (each app's
`tests/test_api_schema.py` includes its own paths): a new endpoint outside them fails here."""

import importlib

import schemathesis
from django.test import Client

FUZZ_MODULES = [
    "hononga.core.tests.test_api_schema",
    "hononga.accounts.tests.test_api_schema",
    "hononga.relationships.tests.test_api_schema",
    "hononga.checkins.tests.test_api_schema",
    "hononga.contacts.tests.test_api_schema",
    "hononga.restorative.tests.test_api_schema",
    "hononga.advisories.tests.test_api_schema",
]


def _fuzzed_operations() -> set[tuple[str, str]]:
    covered = set()
    for name in FUZZ_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, schemathesis.BaseSchema):
                for result in value.get_all_operations():
                    operation = result.ok()
                    covered.add((operation.method.lower(), operation.path))
    return covered


def test_every_api_operation_is_fuzzed_by_some_app() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    every = {
        (method.lower(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    covered = _fuzzed_operations()
    assert every - covered == set()
    assert len(every) > 50
