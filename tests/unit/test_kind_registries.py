"""Every kind a config may name has its module, and every kind module is a kind a config may name.

Adding a health-check kind touches: its settings model (a ``Probe`` subclass) and the optional
field named after the kind in ``config/services.py``'s ``CheckConfig``, and one module
``sources/health/<kind>.py`` with ``async def probe(job, ctx)`` (plus ``ASKS_CONTROL_PLANE = True``
when it asks a control plane rather than the service). A log-source kind: its settings model (a
``KindSettings`` subclass) and field in ``config/logs.py``'s ``LogSourceConfig``, and one module
``sources/logs/<kind>.py`` with ``build(cfg, ctx) -> LogSource``. A metric kind: its settings
model and field in ``config/metrics.py``'s ``MetricConfig``, and one module
``sources/metrics/kinds/<kind>.py`` with ``async def read(entry, env, ctx)`` (plus ``backfill``
when its backend keeps history). The kind lists and the lookups
are derived from those; this test fails when one side is missing.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from cockpit.config.base import KindSettings, Model, kind_fields, split_kind
from cockpit.config.logs import LOG_KINDS, LogSourceConfig
from cockpit.config.services import CHECK_KINDS, CheckConfig
from cockpit.sources import health, logs
from cockpit.sources.health import registry
from cockpit.sources.logs.factory import builder_for


def _modules_defining(package: object, function: str) -> set[str]:
    found = set()
    for info in pkgutil.iter_modules(package.__path__):  # type: ignore[attr-defined]
        module = importlib.import_module(f"{package.__name__}.{info.name}")  # type: ignore[attr-defined]
        if inspect.isfunction(getattr(module, function, None)):
            found.add(info.name)
    return found


def test_check_kinds_are_the_models_kind_fields() -> None:
    assert kind_fields(CheckConfig) == CHECK_KINDS
    assert CHECK_KINDS[:2] == ("http", "tcp")  # the order error messages list them in
    assert "timeout" not in CHECK_KINDS and "name" not in CHECK_KINDS


def test_every_check_kind_has_a_probe_module_and_no_probe_is_orphaned() -> None:
    for kind in CHECK_KINDS:
        probe = registry.probe_for(kind)
        assert inspect.iscoroutinefunction(probe), kind
        assert list(inspect.signature(probe).parameters) == ["job", "ctx"], kind
    assert _modules_defining(health, "probe") == set(CHECK_KINDS)


def test_control_plane_kinds_time_out_as_unknown() -> None:
    asking = {kind for kind in CHECK_KINDS if registry.asks_control_plane(kind)}
    assert asking == {"kubernetes", "docker", "azure_webapp", "prometheus"}


def test_every_log_kind_has_a_builder_and_no_builder_is_orphaned() -> None:
    assert kind_fields(LogSourceConfig) == LOG_KINDS
    for kind in LOG_KINDS:
        build = builder_for(kind)
        assert list(inspect.signature(build).parameters) == ["cfg", "ctx"], kind
    assert _modules_defining(logs, "build") == set(LOG_KINDS)


def test_a_new_kind_is_found_from_its_field_alone() -> None:
    class Gauge(KindSettings):
        url: str

    class Entry(Model):
        name: str | None = None
        gauge: Gauge | None = None
        settings: Model | None = None  # not a kind: not KindSettings

    assert kind_fields(Entry) == ("gauge",)
    with pytest.raises(ValueError, match="one of: gauge"):
        split_kind({"name": "x"}, kind_fields(Entry), "an entry")


def test_every_metric_kind_has_a_reader_and_no_reader_is_orphaned() -> None:
    from cockpit.config.metrics import METRIC_KINDS, MetricConfig
    from cockpit.sources.metrics import kinds
    from cockpit.sources.metrics.reading import backfiller_for, reader_for

    assert kind_fields(MetricConfig) == METRIC_KINDS
    for kind in METRIC_KINDS:
        read = reader_for(kind)
        assert inspect.iscoroutinefunction(read), kind
        assert list(inspect.signature(read).parameters) == ["entry", "env", "ctx"], kind
    assert _modules_defining(kinds, "read") == set(METRIC_KINDS)
    # Backends that keep history fill the window at start.
    assert {k for k in METRIC_KINDS if backfiller_for(k)} == {"prometheus", "azure_monitor"}


def test_every_action_kind_has_its_module_and_no_module_is_orphaned() -> None:
    from cockpit.actions import kinds
    from cockpit.actions.kinds import kind_module
    from cockpit.config.actions import ACTION_KINDS, ActionConfig

    assert kind_fields(ActionConfig) == ACTION_KINDS
    for kind in ACTION_KINDS:
        module = kind_module(kind)
        assert inspect.iscoroutinefunction(module.prepare), kind
        assert inspect.iscoroutinefunction(module.execute), kind
    assert _modules_defining(kinds, "execute") == set(ACTION_KINDS)
