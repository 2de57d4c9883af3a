"""The process table: sanitized rows from samples, a header, zebra rows, cheap updates."""

from __future__ import annotations

from textual.app import App, ComposeResult

from cockpit.sources.metrics.processes import ProcessInfo
from cockpit.ui.widgets.process_table import ProcessTable


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield ProcessTable(id="processes")


def _proc(pid: int, cmd: str, cpu: float = 1.0) -> ProcessInfo:
    return ProcessInfo(
        pid=pid, name="x", user="r\x1bot", cpu_pct=cpu, mem_pct=0.5, status="running", cmdline=cmd
    )


async def test_rows_are_sanitized_and_painted() -> None:
    app = _Host()
    async with app.run_test(size=(80, 6)) as pilot:
        table = app.query_one(ProcessTable)
        table.show([_proc(7, "evil \x1b]0;owned\x07 title"), _proc(8, "", cpu=99.5)])
        await pilot.pause()
        assert table.lines[0].split()[:3] == ["7", "1.0", "0.5"]
        assert "\x1b" not in "".join(table.lines) and "title" in table.lines[0]
        assert table.lines[1].split()[-1] == "x"  # no command line: the process name
        painted = [table.render_line(y).text for y in range(4)]
        assert painted[0].split() == ["PID", "CPU%", "MEM%", "USER", "COMMAND"]
        assert painted[2].startswith(" 8") and "99.5" in painted[2]
        assert painted[3].strip() == ""
        assert all(len(line) == 80 for line in painted)
