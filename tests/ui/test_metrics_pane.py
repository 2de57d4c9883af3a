"""The Metrics pane: the environment in focus only, trouble first, windows, and the chart."""

from __future__ import annotations

from collections.abc import Callable

from cockpit.sources.messages import MetricResults
from cockpit.sources.metrics.poller import PollResult
from cockpit.ui.app import CockpitApp
from cockpit.ui.messages import MetricsArrived
from cockpit.ui.screens.metric_chart import MetricChartScreen
from cockpit.ui.widgets.metric_chart import MetricChart
from cockpit.ui.widgets.metrics_pane import MetricsPane
from tests.support.quiet_feeds import QuietFeeds
from tests.ui.conftest import FIXED_EPOCH, metric_results

AppFactory = Callable[..., CockpitApp]


async def _fill(app: CockpitApp, pilot: object, environment: str) -> MetricsPane:
    for message in metric_results(environment):
        app.post_message(message)
    pane = app.query_one(MetricsPane)
    await pilot.pause()  # type: ignore[attr-defined]
    pane.paint()
    await pilot.pause()  # type: ignore[attr-defined]
    return pane


async def test_production_shows_only_its_own_metrics_with_reasons(make_app: AppFactory) -> None:
    app = make_app(environment="production")
    async with app.run_test(size=(160, 45)) as pilot:
        pane = await _fill(app, pilot, "production")
        titles = [r.title for r in pane.table.rows]
        assert titles == ["error rate", "p95 latency"]  # never this machine's cpu
        error_rate, p95 = pane.table.rows
        assert error_rate.level.label == "warn" and error_rate.limit == "> 5"
        assert p95.error == "prometheus unreachable: connection refused"
        header = str(pane.query_one(".metrics--header").render())
        assert "production · last 5m (w)" in header and "1 warn, 1 failing" in header
        assert "1 failing" in str(pane.border_subtitle)
        assert pane.error is None  # one metric of two still answers


async def test_every_metric_failing_turns_the_pane_red(make_app: AppFactory) -> None:
    app = make_app(environment="production")
    async with app.run_test(size=(160, 45)) as pilot:
        reason = "prometheus unreachable: connection refused"
        failed = (PollResult("error rate", error=reason), PollResult("p95 latency", error=reason))
        app.post_message(MetricsArrived(MetricResults(failed), "production"))
        await pilot.pause()
        pane = app.query_one(MetricsPane)
        pane.paint()
        assert pane.has_class("-error")
        assert pane.error is not None and reason in pane.error


async def test_records_of_another_environment_are_dropped(make_app: AppFactory) -> None:
    app = make_app(environment="production")
    async with app.run_test(size=(160, 45)) as pilot:
        pane = await _fill(app, pilot, "local")
        assert all(r.value is None for r in pane.table.rows)


async def test_an_environment_without_metrics_says_how_to_add_them(make_app: AppFactory) -> None:
    app = make_app(environment="staging")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        pane = app.query_one(MetricsPane)
        header = str(pane.query_one(".metrics--header").render())
        assert header == "no metrics for staging: add them under `metrics:`"
        assert pane.border_subtitle == "not configured"
        assert not pane.table.display


async def test_w_cycles_the_window_and_asks_for_history(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _fill(app, pilot, "local")
        await pilot.press("3")
        await pilot.press("w")
        pane = app.query_one(MetricsPane)
        assert pane.window_name == "1h"
        feeds = app._feeds
        assert isinstance(feeds, QuietFeeds)
        assert ("metrics_window", 3600.0) in feeds.calls
        for _ in range(3):
            await pilot.press("w")
        assert pane.window_name == "5m"


async def test_enter_opens_a_chart_that_follows_the_cursor(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        pane = await _fill(app, pilot, "local")
        await pilot.press("3")
        pane.table.focus()
        assert pane.table.selected is not None and pane.table.selected.title == "disk /"
        await pilot.press("j")
        assert pane.table.selected is not None and pane.table.selected.title == "cpu"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MetricChartScreen)
        chart = app.screen.query_one(MetricChart)
        assert chart.row is not None and chart.row.title == "cpu"
        assert chart.end == FIXED_EPOCH and chart.start == FIXED_EPOCH - 300
        drawn = str(chart.render())
        assert "90.0 %┤╌" in drawn and "80.0 %┤╌" in drawn  # crit and warn lines
        assert "█" in drawn
        title = str(app.screen.query_one(".chart--title").render())
        assert "cpu  15.0 %   min 12.0 % · avg 20.5 % · max 30.0 %" in title
        assert "warn > 80, crit > 90" in title
        await pilot.press("j")
        assert app.screen.key != "cpu\x00"
        await pilot.press("escape")
        assert not isinstance(app.screen, MetricChartScreen)


async def test_stored_history_draws_the_long_windows(make_app: AppFactory) -> None:
    from cockpit.sources.messages import MetricStored
    from cockpit.state.metric_ring import MINUTE, QUARTER

    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        minutes = tuple(("", MINUTE, FIXED_EPOCH - 60.0 * k, 50.0 + k % 5) for k in range(600))
        quarters = tuple(("", QUARTER, FIXED_EPOCH - 900.0 * k, 30.0) for k in range(500))
        app.post_message(MetricsArrived(MetricStored("cpu", minutes + quarters), "local"))
        await pilot.pause()
        pane = app.query_one(MetricsPane)
        await pilot.press("3", "w", "w")
        assert pane.window_name == "24h"
        cpu = next(r for r in pane.rows() if r.metric == "cpu")
        assert len(cpu.points) == 600 and cpu.high == 54.0 and cpu.low == 50.0
        await pilot.press("w")
        cpu = next(r for r in pane.rows() if r.metric == "cpu")
        assert pane.window_name == "7d" and len(cpu.points) == 500  # 125 hours of quarters
