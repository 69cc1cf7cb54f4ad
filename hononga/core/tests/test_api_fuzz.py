"""Every operation of the API is fuzzed by some app's schemathesis test (each app's
`tests/test_api_schema.py` includes its own paths): a new endpoint outside them fails here."""

import importlib
from pathlib import Path

import pytest
import schemathesis
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def _fuzz_modules() -> list[str]:
    """Every test module that fuzzes the API with schemathesis."""
    return sorted(
        ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for path in ROOT.glob("*/tests/test_*.py")
        if "schemathesis.openapi.from_wsgi" in path.read_text(encoding="utf-8")
        and path.name != "test_api_fuzz.py"
    )


def _fuzzed_operations() -> set[tuple[str, str]]:
    covered = set()
    for name in _fuzz_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, schemathesis.BaseSchema):
                for result in value.get_all_operations():
                    operation = result.ok()
                    covered.add((operation.method.lower(), operation.path))
    return covered


@pytest.mark.django_db
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
