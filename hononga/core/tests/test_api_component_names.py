"""OpenAPI names a schema component by its class name: two classes with one name would silently
replace each other in /api/v1/openapi.json. Every schema class reachable from an operation must
have a name of its own."""

import typing
from collections import defaultdict

from pydantic import BaseModel

from hononga.api import api


def _models_in(annotation: typing.Any, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        # Base classes too: a shared base becomes a component as soon as one is used directly.
        found.update(
            base
            for base in annotation.__mro__
            if issubclass(base, BaseModel) and base is not BaseModel
        )
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def _reachable_models() -> set[type[BaseModel]]:
    api.get_openapi_schema()  # registers the routers
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _models_in(model, found)
                for model in operation.response_models.values():
                    _models_in(model, found)
    return found


def test_no_two_schema_classes_share_a_component_name():
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _reachable_models():
        if model.__module__.startswith(("ninja.", "pydantic.")):
            continue  # ninja's own per-operation wrappers never become components
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    duplicates = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert not duplicates, f"schema classes sharing an OpenAPI component name: {duplicates}"


def test_the_check_sees_the_api_schemas():
    names = {model.__name__ for model in _reachable_models()}
    assert {"Forbid", "Problem", "WhanauIn", "RelationshipIn"} <= names
    assert len(names) > 20
