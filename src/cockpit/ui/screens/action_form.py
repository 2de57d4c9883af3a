"""The parameters of an action, one field each, checked as they are typed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from cockpit.actions.params import ParamError, check_value, describe
from cockpit.text.sanitize import plain
from cockpit.ui.screens.dialog import ActionDialog
from cockpit.ui.widgets.env_badge import EnvBadge

if TYPE_CHECKING:
    from cockpit.config.actions import ActionConfig, ParamSpec
    from cockpit.config.environments import Environment


def _initial(params: Mapping[str, ParamSpec], given: Mapping[str, str]) -> dict[str, str]:
    values = {}
    for name, spec in params.items():
        value = given.get(name)
        if value is None and spec.default is not None:
            value = str(spec.default)
        values[name] = value or ""
    return values


class ActionFormScreen(ActionDialog[dict[str, str] | None]):
    """Ask for the values of ``action``'s parameters; returns them, or None when cancelled.

    Enter moves to the next field and, on the last one, continues when every value is
    accepted. The gate checks the values again before anything runs.

    Args:
        action: The action.
        environment: Where it would run (shown, so production is never a surprise).
        given: Values already known (pre-filled; defaults fill the others).
        params: The parameters to ask for, when not the action's own (a runbook command's
            placeholders).
    """

    DEFAULT_CSS = """
    ActionFormScreen #form-fields {
        height: auto;
        max-height: 18;
    }
    ActionFormScreen .form--name {
        margin-top: 1;
        text-style: bold;
    }
    ActionFormScreen .form--accepts, ActionFormScreen #form-hint {
        color: $foreground-muted;
    }
    ActionFormScreen .form--error {
        color: $status-down;
        display: none;
    }
    ActionFormScreen .form--error.-shown {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
    ]

    def __init__(
        self,
        action: ActionConfig,
        environment: Environment,
        given: Mapping[str, str],
        params: Mapping[str, ParamSpec] | None = None,
    ) -> None:
        super().__init__(environment)
        self.action = action
        self.params = dict(action.params if params is None else params)
        self.environment = environment
        self.given = dict(given)
        self.done = False

    def compose(self) -> ComposeResult:
        action = self.action
        values = _initial(self.params, self.given)
        with Vertical(id="form-dialog", classes="dialog"):
            yield EnvBadge(self.environment)
            title = f"{action.name} ({action.kind})"
            if action.description:
                title += f"  {action.description}"
            yield Label(plain(title, 200), markup=False)
            with VerticalScroll(id="form-fields"):
                for index, (name, spec) in enumerate(self.params.items()):
                    about = f"{name}: {spec.description}" if spec.description else name
                    yield Label(plain(about, 200), classes="form--name", markup=False)
                    yield Label(plain(describe(spec), 200), classes="form--accepts", markup=False)
                    # Runbook placeholders may hold characters an id cannot: fields go by number.
                    yield Input(value=values[name], id=f"param-{index}", name=name)
                    yield Label("", id=f"error-{index}", classes="form--error", markup=False)
            yield Static(
                "Enter: next field, then preview · Esc: cancel", id="form-hint", markup=False
            )

    def on_mount(self) -> None:
        # The fields inside the scroller are mounted after the screen: focus once they are.
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        inputs = list(self.query(Input))
        empty = next((i for i in inputs if not i.value), None)
        if inputs:
            (empty or inputs[0]).focus()

    def _param_name(self, field: Input) -> str:
        return field.name or ""

    def check(self, field: Input) -> bool:
        """Check one field and say what is wrong under it; True when the value is accepted."""
        name = self._param_name(field)
        error = self.query_one(f"#error-{(field.id or '').removeprefix('param-')}", Label)
        try:
            check_value(name, self.params[name], field.value)
        except ParamError as exc:
            error.update(plain(str(exc), 300))
            error.add_class("-shown")
            return False
        error.update("")
        error.remove_class("-shown")
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.check(event.input)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if not self.check(event.input):
            return
        index = inputs.index(event.input)
        if index < len(inputs) - 1:
            inputs[index + 1].focus()
            return
        bad = [field for field in inputs if not self.check(field)]
        if bad:
            bad[0].focus()
            return
        if not self.done:
            self.done = True
            values = {self._param_name(field): field.value for field in inputs}
            # Values given but not declared go on to the gate, which refuses them on record.
            self.dismiss({**self.given, **values})

    def action_cancel(self) -> None:
        """Close; nothing is prepared or run."""
        if not self.done:
            self.done = True
            self.dismiss(None)
