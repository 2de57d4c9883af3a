"""Every shipped theme stays readable: WCAG contrast of each text and mark against what it is
drawn on, and log-source colours far from every status colour."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from textual.color import Color

from cockpit.ui.shell import CockpitShell

SHIPPED = ["cockpit-dark", "cockpit-light", "war-room"]
TEXT = 4.5
"""WCAG AA for text."""
MARK = 3.0
"""WCAG AA for borders, glyphs and other non-text marks."""
FAR = 25.0
"""CIE76 distance (Lab) below which two colours read as the same colour at a glance."""
STATUSES = ["status-up", "status-degraded", "status-down", "status-unknown", "status-stale"]
SOURCES = [f"log-source-{i}" for i in range(1, 11)]


def _luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = colour.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _lab(colour: Color) -> tuple[float, float, float]:
    def linear(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in colour.rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def distance(a: Color, b: Color) -> float:
    """CIE76 colour difference."""
    return math.dist(_lab(a), _lab(b))


def test_the_measures_are_right() -> None:
    assert contrast(Color.parse("#000000"), Color.parse("#FFFFFF")) == pytest.approx(21.0)
    assert contrast(Color.parse("#777777"), Color.parse("#FFFFFF")) == pytest.approx(4.48, 0.01)
    assert distance(Color.parse("#E3B341"), Color.parse("#E3B341")) == 0
    assert distance(Color.parse("#000000"), Color.parse("#FFFFFF")) == pytest.approx(100, 0.01)


def _pairs(v: dict[str, str]) -> Iterator[tuple[str, str, float]]:
    """(drawn, drawn on, minimum ratio) for everything the cockpit paints."""
    for ground in ("background", "surface", "panel"):
        yield "foreground", ground, TEXT
        for name in STATUSES + SOURCES:
            yield name, ground, TEXT
    yield "prod-banner-text", "prod-banner", TEXT
    yield "staging-banner-text", "staging-banner", TEXT
    yield "secondary", "background", MARK  # pane borders, separators
    yield "primary", "background", MARK  # the focused pane's border


@pytest.mark.parametrize("theme", SHIPPED)
async def test_shipped_theme_is_readable(theme: str) -> None:
    app = CockpitShell()
    async with app.run_test() as pilot:
        app.theme = theme
        await pilot.pause()
        v = app.get_css_variables()
        low = [
            f"{drawn} on {ground}: {contrast(Color.parse(v[drawn]), Color.parse(v[ground])):.2f}"
            for drawn, ground, least in _pairs(v)
            if contrast(Color.parse(v[drawn]), Color.parse(v[ground])) < least
        ]
        assert low == []
        close = [
            f"{source} ~ {status}"
            for source in SOURCES
            for status in STATUSES
            if distance(Color.parse(v[source]), Color.parse(v[status])) < FAR
        ]
        assert close == []
