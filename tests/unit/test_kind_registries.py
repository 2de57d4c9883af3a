"""Every kind a config may name is built by exactly one registered module, and the other way round.

Adding a health-check kind touches: its settings model and field in ``config/services.py`` (the
field name is the kind, also listed in ``CHECK_KINDS``), its probe module with ``probe(job, ctx)``
under ``sources/health/``, and the entry in ``sources/health/registry.py``. A log-source kind: its
settings model and field in ``config/logs.py`` (and ``LOG_KINDS``), its builder, and the entry in
``sources/logs/factory.py``. This test fails when one of those places is missing.
"""

from __future__ import annotations

import importlib
import inspect
import types
import typing

import pydantic

from cockpit.config.logs import LOG_KINDS, LogSourceConfig
from cockpit.config.services import CHECK_KINDS, CheckConfig
from cockpit.sources.health import registry
from cockpit.sources.logs.factory import BUILDERS


def _kind_fields(model: type[pydantic.BaseModel]) -> set[str]:
    """Fields holding one kind's settings: an optional settings model."""
    model.model_rebuild()
    kinds = set()
    for name, info in model.model_fields.items():
        args = typing.get_args(info.annotation)
        union = typing.get_origin(info.annotation) in (typing.Union, types.UnionType)
        if union and type(None) in args:
            (inner,) = [a for a in args if a is not type(None)]
            if inspect.isclass(inner) and issubclass(inner, pydantic.BaseModel):
                kinds.add(name)
    return kinds


def test_check_kinds_agree_across_model_list_and_registry() -> None:
    assert _kind_fields(CheckConfig) == set(CHECK_KINDS)
    assert set(registry._MODULES) == set(CHECK_KINDS)
    assert set(CHECK_KINDS) >= registry.BACKEND_KINDS
    for kind in CHECK_KINDS:
        probe = registry.probe_for(kind)
        assert inspect.iscoroutinefunction(probe), kind


def test_log_kinds_agree_across_model_list_and_builders() -> None:
    assert _kind_fields(LogSourceConfig) == set(LOG_KINDS)
    assert set(BUILDERS) == set(LOG_KINDS)
    for kind, target in BUILDERS.items():
        module, _, function = target.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), kind
