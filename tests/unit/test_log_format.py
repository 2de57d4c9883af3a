"""LogFormat: a line as the Logs pane reads it, sanitized last whatever came in."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cockpit.feeds.log_format import PREFIX_SEPARATOR, STAMP_CELLS, LogFormat
from cockpit.sources.logs.base import LogRow
from cockpit.text.sanitize import sanitize
from tests.support.hostile import CASES, HostileCase, forbidden_in_text, markers_in


def _row(text: str, source: str = "api", ts: float = 0.0, origin: str | None = None) -> LogRow:
    return (source, text, ts, None, None, origin)


def test_name_padded_then_separator_then_message() -> None:
    fmt = LogFormat(name_width=6)
    assert fmt.line(_row("started")) == f"api   {PREFIX_SEPARATOR}started"
    assert fmt.prefix_cells == 6 + len(PREFIX_SEPARATOR)
    # A pod name lengthens the prefix of its own line.
    assert fmt.line(_row("ready", origin="web-7f9c")).startswith(f"api/web-7f9c{PREFIX_SEPARATOR}")


def test_colours_are_removed() -> None:
    assert LogFormat(name_width=3).line(_row("\x1b[31mERROR\x1b[0m down")) == "api │ ERROR down"


def test_timestamps_are_utc_to_the_millisecond() -> None:
    fmt = LogFormat(name_width=3, timestamps=True)
    # 2026-11-22T16:30:20.599Z: stored as .5989999…, shown as .599.
    assert fmt.line(_row("tick", ts=1795365020.599)) == "16:30:20.599 api │ tick"
    assert fmt.line(_row("tick", ts=1795391999.001)).startswith("23:59:59.001 ")
    assert fmt.prefix_cells == STAMP_CELLS + 3 + len(PREFIX_SEPARATOR)
    assert LogFormat(name_width=3).line(_row("tick", ts=1795365020.599)) == "api │ tick"


def test_pretty_json_spreads_objects_and_leaves_the_rest() -> None:
    fmt = LogFormat(name_width=3, pretty_json=True)
    assert fmt.line(_row('{"msg":"down","retry":{"in":5}}')).split("\n") == [
        "api │ {",
        '  "msg": "down",',
        '  "retry": {',
        '    "in": 5',
        "  }",
        "}",
    ]
    assert fmt.line(_row("plain line")) == "api │ plain line"
    assert fmt.line(_row("{not json")) == "api │ {not json"
    # Compact, a JSON line stays one line.
    assert "\n" not in LogFormat(name_width=3).line(_row('{"a": 1}'))


def test_json_escapes_are_untrusted_once_decoded() -> None:
    line = json.dumps({"msg": "\u009b31m red \u202eevil \x1b]0;title\x07", "ok": "\t"})
    out = LogFormat(name_width=3, pretty_json=True).line(_row(line))
    assert "\n" in out  # pretty, still
    assert forbidden_in_text(out) == [] and "\x1b" not in out
    assert "<U+009B>" in out and "<U+202E>" in out


@pytest.mark.parametrize("pretty_json", [False, True])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_text_source_and_origin_come_out_sanitized(
    case: HostileCase, pretty_json: bool
) -> None:
    data = case.data.decode("utf-8", "replace")
    fmt = LogFormat(name_width=8, timestamps=True, pretty_json=pretty_json)
    for row in (_row(data), _row("ok", source=data), _row("ok", origin=data)):
        out = fmt.line(row)
        assert forbidden_in_text(out) == [], case.name
        assert markers_in(out) == [], case.name
        assert "\x1b" not in out
        # Sanitized already: the view's own pass changes nothing.
        assert sanitize(out, max_len=0, keep_sgr=False, newlines=True) == out
    # Inside JSON the sequence is spelled out ("\u001b]0;…"); decoded, it is made harmless.
    out = fmt.line(_row(json.dumps({"msg": data}, ensure_ascii=False)))
    assert forbidden_in_text(out) == [] and "\x1b" not in out, case.name


def test_a_format_is_a_value() -> None:
    fmt = LogFormat()
    assert dataclasses.replace(fmt, timestamps=True) != fmt
    with pytest.raises(dataclasses.FrozenInstanceError):
        fmt.timestamps = True  # type: ignore[misc]


def test_json_lines_read_compact_message_first() -> None:
    line = (
        '{"ts": "2026-12-03T08:31:12.867+00:00", "level": "error", "logger": "payments",'
        ' "msg": "payment failed", "order": 42, "note": "two words", "ctx": {"a": 1}}'
    )
    ts = 1796286672.867  # the line's time, as the source parsed it: 2026-12-03T08:31:12.867Z
    shown = LogFormat(name_width=3).line(LogRow("api", line, ts, None, None, None))
    assert shown == (
        'api │ 08:31:12 ERROR  payment failed  logger=payments order=42 note="two words" '
        'ctx={"a":1}'
    )
    # Not an object, or not JSON: left as it is.
    assert LogFormat(name_width=3).line(LogRow("api", "[1, 2]", 0.0, None, None, None)) == (
        "api │ [1, 2]"
    )
    assert LogFormat(name_width=3).line(LogRow("api", "{oops", 0.0, None, None, None)) == (
        "api │ {oops"
    )


def test_a_leading_date_and_time_reads_as_the_time_of_day() -> None:
    fmt = LogFormat(name_width=4)
    ts = 1795331732.0  # 2026-11-22T07:15:32Z, as the source parsed it
    row = LogRow("dpkg", "2026-11-22 07:15:32 trigproc libc-bin", ts, None, None, None)
    assert fmt.line(row) == "dpkg │ 07:15:32 trigproc libc-bin"
    bracketed = LogRow("app", "[2026-11-22T07:15:32Z] started", ts, None, None, None)
    assert fmt.line(bracketed) == "app  │ 07:15:32 started"


def test_names_are_capped_on_narrow_screens() -> None:
    fmt = LogFormat(name_width=21, name_cap=12)
    row = LogRow("anomaly-detection-api", "up", 0.0, None, None, None)
    assert fmt.line(row) == "anomal…n-api │ up"
    assert fmt.prefix_cells == 12 + 3
