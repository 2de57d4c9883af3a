"""JSON Schema of the config file, for editor completion and checking (``cockpit config schema``).

Point an editor at it, e.g. with the YAML language server, by putting this first line in the file::

    # yaml-language-server: $schema=./cockpit.schema.json
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from cockpit import __version__
from cockpit.config.models import CockpitConfig
from cockpit.domain.durations import DURATION_PATTERN, format_duration

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _ConfigSchema(GenerateJsonSchema):
    """Shows duration defaults the way they are written (``10s``), not as seconds."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        default = json_schema.get("default")
        if (
            json_schema.get("pattern") == DURATION_PATTERN
            and isinstance(default, int | float)
            and not isinstance(default, bool)
        ):
            json_schema["default"] = format_duration(float(default))
        return json_schema


def config_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :class:`CockpitConfig`.

    Fields documented with an attribute docstring get it as their ``description`` (read here, at
    schema time, so that importing the models stays cheap).
    """
    schema = CockpitConfig.model_json_schema(schema_generator=_ConfigSchema)
    for model in _models(CockpitConfig):
        target = schema if model is CockpitConfig else schema.get("$defs", {}).get(model.__name__)
        if not target or target.get("title") != model.__name__:
            continue
        properties = target.get("properties", {})
        for name, doc in field_docs(model).items():
            prop = properties.get(name)
            if prop is not None and "description" not in prop:
                prop["description"] = doc
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://ops-cockpit.invalid/schema/{__version__}/config.json",
        **schema,
        "title": "ops-cockpit configuration",
        "description": (
            "The cockpit's config file (cockpit.yaml). Environments name where the cockpit "
            "points (Kubernetes context and namespace, Azure subscription, Prometheus, Docker) and "
            "how hard actions against each are guarded. Strings may use ${VAR} and "
            "${VAR:-default} to take values (such as secrets) from the environment."
        ),
    }


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model class reachable from ``root`` through field annotations."""
    seen: list[type[BaseModel]] = []
    todo: list[Any] = [root]
    while todo:
        item = todo.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item in seen:
                continue
            seen.append(item)
            todo.extend(info.annotation for info in item.model_fields.values())
        else:
            todo.extend(getattr(item, "__args__", ()))
    return seen


def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """Attribute docstrings (a string literal right below a field) of ``model`` and its bases."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for stmt, after in itertools.pairwise(body):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[stmt.target.id] = inspect.cleandoc(after.value.value)
    return docs
