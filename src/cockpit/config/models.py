"""The root config model. Each later section lives in its own module and is added here."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from cockpit.config.actions import ActionConfig
from cockpit.config.base import Loc, LocatedError, Model
from cockpit.config.checklists import ChecklistConfig
from cockpit.config.environments import Environment
from cockpit.config.logs import LogSourceConfig
from cockpit.config.metrics import HealthMetric, MetricConfig
from cockpit.config.services import ServiceConfig


class UiSettings(Model):
    """Look and feel: theme name and key-binding overrides (action name -> keys)."""

    theme: str = "cockpit-dark"
    """Theme name: cockpit-dark, cockpit-light, war-room, or one of your own."""
    keys: dict[str, str] = Field(default_factory=dict)
    """Key-binding overrides: action name -> keys, e.g. ``refresh: ctrl+r``."""
    default_environment: str | None = None
    """Environment in focus at start."""
    bell: bool = False
    """Ring the terminal bell when a service of the environment in focus goes DOWN."""


class CockpitConfig(Model):
    """The whole configuration file."""

    environments: dict[str, Environment]
    """The places the cockpit points at, by name (local, staging, prod, ...)."""
    ui: UiSettings = Field(default_factory=UiSettings)
    """Theme, key bindings and the environment in focus at start."""
    services: list[ServiceConfig] = Field(default_factory=list)
    logs: list[LogSourceConfig] = Field(default_factory=list)
    metrics: list[MetricConfig] = Field(default_factory=list)
    """Metrics shown in the Metrics pane and by `cockpit metrics`, each scoped to environments."""
    checklists: list[ChecklistConfig] = Field(default_factory=list)
    """Checklists ticked once per period (or per deploy / incident), each scoped to environments."""
    actions: list[ActionConfig] = Field(default_factory=list)
    """Remediations run from the palette and `cockpit action run`, each scoped to environments."""

    @model_validator(mode="before")
    @classmethod
    def _name_environments(cls, data: Any) -> Any:
        # Environment names are mapping keys; copy them into each model so protection defaults
        # can look at the name.
        if isinstance(data, dict) and isinstance(data.get("environments"), dict):
            envs = {}
            for name, env in data["environments"].items():
                if isinstance(env, dict):
                    env = {**env, "name": name}
                elif env is None:
                    env = {"name": name}
                envs[name] = env
            data = {**data, "environments": envs}
        return data

    @model_validator(mode="after")
    def _check_refs(self) -> CockpitConfig:
        if not self.environments:
            raise LocatedError(
                [(("environments",), "environments: at least one environment is needed")]
            )
        known = ", ".join(self.environments)
        problems: list[tuple[Loc, str]] = []
        default = self.ui.default_environment
        if default is not None and default not in self.environments:
            problems.append(
                (
                    ("ui", "default_environment"),
                    f"ui.default_environment names unknown environment {default!r}; known: {known}",
                )
            )
        for section in ("services", "logs", "metrics", "checklists", "actions"):
            for index, entry in enumerate(getattr(self, section)):
                for position, env in enumerate(entry.environments or ()):
                    if env not in self.environments:
                        problems.append(
                            (
                                (section, index, "environments", position),
                                f"{section}[{index}] ({entry.name}): unknown environment {env!r}; "
                                f"known: {known}",
                            )
                        )
        titles: set[str] = set()
        for index, checklist in enumerate(self.checklists):
            if checklist.title in titles:
                problems.append(
                    (
                        ("checklists", index, "name"),
                        f"checklists[{index}]: the name {checklist.title!r} is used twice; "
                        "checklists are found by name",
                    )
                )
            titles.add(checklist.title)
        sources = {entry.name for entry in self.logs}
        for index, service in enumerate(self.services):
            for position, name in enumerate(service.logs):
                if name not in sources:
                    problems.append(
                        (
                            ("services", index, "logs", position),
                            f"services[{index}] ({service.name}): no log source named {name!r}; "
                            f"write one of: {', '.join(sorted(sources)) or '(none under logs:)'}",
                        )
                    )
        services = {entry.name for entry in self.services}
        metric_names = {entry.name for entry in self.metrics}
        for index, checklist in enumerate(self.checklists):
            for position, item in enumerate(checklist.items or ()):
                when = item.when
                if when is None:
                    continue
                if when.service is not None and when.service not in services:
                    problems.append(
                        (
                            ("checklists", index, "items", position, "when", "service"),
                            f"no service named {when.service!r}; write one of: "
                            f"{', '.join(sorted(services)) or '(none under services:)'}",
                        )
                    )
                if when.metric is not None and when.metric not in metric_names:
                    problems.append(
                        (
                            ("checklists", index, "items", position, "when", "metric"),
                            f"no metric named {when.metric!r}; write one of: "
                            f"{', '.join(sorted(metric_names)) or '(none under metrics:)'}",
                        )
                    )
        for index, metric in enumerate(self.metrics):
            spec = metric.health
            if isinstance(spec, HealthMetric) and spec.service not in services:
                problems.append(
                    (
                        ("metrics", index, "health", "service"),
                        f"metrics[{index}] ({metric.name}): no service named {spec.service!r}; "
                        f"write one of: {', '.join(sorted(services)) or '(none under services:)'}",
                    )
                )
        problems.extend(self._action_problems(services))
        if problems:
            raise LocatedError(problems)
        return self

    def _action_problems(self, services: set[str]) -> list[tuple[Loc, str]]:
        problems: list[tuple[Loc, str]] = []
        names: set[str] = set()
        for index, action in enumerate(self.actions):
            if action.name in names:
                problems.append(
                    (
                        ("actions", index, "name"),
                        f"actions[{index}]: the name {action.name!r} is used twice; "
                        "actions are run by name",
                    )
                )
            names.add(action.name)
            for position, name in enumerate(action.verify.services if action.verify else ()):
                if name not in services:
                    problems.append(
                        (
                            ("actions", index, "verify", "services", position),
                            f"actions[{index}] ({action.name}): no service named {name!r}; write "
                            f"one of: {', '.join(sorted(services)) or '(none under services:)'}",
                        )
                    )
        return problems

    def actions_for(self, environment: str) -> list[ActionConfig]:
        """The actions that exist in ``environment``, in config order."""
        return [
            a for a in self.actions if environment in self.environment_names_for(a.environments)
        ]

    def environment_names_for(self, listed: list[str] | None) -> list[str]:
        """Environments an entry applies to: the listed ones, or all when none are listed."""
        return list(listed) if listed else list(self.environments)

    def checklists_for(self, environment: str) -> list[ChecklistConfig]:
        """The checklists that belong to ``environment``, in config order."""
        return [
            c for c in self.checklists if environment in self.environment_names_for(c.environments)
        ]

    def metrics_for(self, environment: str) -> list[MetricConfig]:
        """The metrics that belong to ``environment``, in config order."""
        return [
            m for m in self.metrics if environment in self.environment_names_for(m.environments)
        ]
