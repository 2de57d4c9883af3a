"""Status colours and the Gatus-style uptime strip, from the theme's status variables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.style import Style
from rich.text import Text

from cockpit.domain.health import Status

STATUS_VARIABLE = {
    Status.UP: "status-up",
    Status.DEGRADED: "status-degraded",
    Status.DOWN: "status-down",
    Status.UNKNOWN: "status-unknown",
    Status.STALE: "status-stale",
}
STATUS_GLYPH = {
    Status.UP: "●",
    Status.DEGRADED: "◐",
    Status.DOWN: "✖",
    Status.UNKNOWN: "?",
    Status.STALE: "◌",
}


def status_style(status: Status, variables: Mapping[str, str], bold: bool = False) -> Style:
    """The theme colour of a status as a Rich style."""
    return Style(color=variables.get(STATUS_VARIABLE[status], "white"), bold=bold)


def status_text(status: Status, variables: Mapping[str, str]) -> Text:
    """``● UP`` in the status colour; the glyph keeps it readable without colour."""
    return Text(
        f"{STATUS_GLYPH[status]} {status.value}", style=status_style(status, variables, True)
    )


def uptime_strip(statuses: Iterable[Status], variables: Mapping[str, str], width: int) -> Text:
    """The last ``width`` results as coloured blocks, newest at the right."""
    shown = list(statuses)[-width:]
    text = Text(" " * (width - len(shown)))
    for status in shown:
        text.append("▮", style=status_style(status, variables))
    return text
