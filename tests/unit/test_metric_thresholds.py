"""Warn and crit in either direction, and limits that must hold for a while (``for:``)."""

from __future__ import annotations

import math

from cockpit.domain.thresholds import HeldLevel, Level, Threshold


def test_above_limits_follow_seed_001() -> None:
    cpu = Threshold(warn=80, crit=90)
    assert [cpu.level(v) for v in (50, 80, 80.1, 90, 95)] == [
        Level.OK,
        Level.OK,
        Level.WARN,
        Level.WARN,
        Level.CRIT,
    ]
    assert cpu.describe(Level.CRIT) == "> 90"
    assert cpu.describe(Level.OK) == ""


def test_below_limits_for_counts_that_must_not_fall() -> None:
    targets = Threshold(warn=1, crit=0, below=True)
    assert targets.level(3) == Level.OK
    assert targets.level(0.5) == Level.WARN
    assert targets.level(-1) == Level.CRIT
    assert targets.describe(Level.WARN) == "< 1"


def test_missing_values_are_unknown_and_no_limits_are_ok() -> None:
    assert Threshold(80, 90).level(None) == Level.UNKNOWN
    assert Threshold(80, 90).level(math.nan) == Level.UNKNOWN
    assert Threshold().level(1e9) == Level.OK


def test_a_held_limit_counts_only_after_its_duration() -> None:
    held = HeldLevel(Threshold(warn=80, crit=90, hold=60))
    assert held.update(95, now=0) == Level.OK
    assert held.pending(now=10) == 50
    assert held.update(95, now=30) == Level.OK
    assert held.update(85, now=60) == Level.WARN  # above warn for 60 s, crit broke at 60
    assert held.update(95, now=70) == Level.WARN
    assert held.update(95, now=130) == Level.CRIT
    assert held.update(10, now=131) == Level.OK  # one good value clears at once


def test_without_hold_the_level_is_immediate() -> None:
    held = HeldLevel(Threshold(warn=1, crit=0, below=True))
    assert held.update(0.5, now=0) == Level.WARN
    assert held.update(-3, now=1) == Level.CRIT
    assert held.update(None, now=2) == Level.UNKNOWN
