"""`cockpit checklist`: list, show, tick, untick and report the configured checklists.

Exit status: 0 done, 1 when a tick could not be saved, 2 on a config error or an unknown
checklist, item, environment or period (the message lists the names that exist).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cockpit.text.sanitize import plain

if TYPE_CHECKING:
    from cockpit.config.loader import LoadedConfig
    from cockpit.state.checklists import Checklist, ChecklistBook, ChecklistItem
    from cockpit.state.store import Store


def _exact(name: str, typed: str) -> bool:
    return name == typed


def _any_case(name: str, typed: str) -> bool:
    return name.casefold() == typed.strip().casefold()


_MATCHES = (_exact, _any_case)
"""How typed names find checklists and items, in order: exactly, then ignoring case."""


class UsageProblem(Exception):
    """A name or period that does not exist; the message says what does (exit 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``list``, ``show``, ``tick``, ``untick`` and ``report``."""
    from cockpit.cli import _add_common

    subs = parser.add_subparsers(dest="checklist_command", metavar="ACTION", required=True)

    def sub(name: str, help_text: str, *, item: bool = False) -> argparse.ArgumentParser:
        p = subs.add_parser(name, help=help_text, description=help_text)
        if name != "list":
            p.add_argument("name", metavar="NAME", help="the checklist's name")
        if item:
            p.add_argument("item", metavar="ITEM", help="the item's text or number (1-based)")
        p.add_argument(
            "--env",
            metavar="NAME",
            default=argparse.SUPPRESS,
            help="environment (default: ui.default_environment, else the checklist's first)",
        )
        _add_common(p, under_command=True)
        return p

    sub("list", "every checklist with its environment, period, progress, overdue items and runs")
    for name, help_text in (
        ("show", "the items of the current run with who ticked them, overdue and missed marked"),
        ("report", "a run as Markdown for a shift handoff, or as JSON"),
        ("tick", "mark an item done (committed before this says so)"),
        ("untick", "mark an item not done again (the tick stays in the history)"),
    ):
        p = sub(name, help_text, item=name in ("tick", "untick"))
        p.add_argument(
            "--period",
            metavar="P",
            help="the run: 2024-05-01, 2024-W18, 2024-05, 2024-05-01T19 (shift), or the "
            "deploy / incident id (default: the current run)",
        )
        if name in ("tick", "untick"):
            p.add_argument("--note", metavar="TEXT", help="a note kept with the tick")
        if name == "report":
            p.add_argument("--format", choices=("md", "json"), default="md", help="default md")


@dataclass(frozen=True)
class Scope:
    """The loaded config and the checklists it defines, each with its environments."""

    loaded: LoadedConfig
    checklists: list[tuple[Checklist, list[str]]]

    def find(self, name: str) -> tuple[Checklist, list[str]]:
        """The checklist called ``name`` (exact, then ignoring case).

        Raises:
            UsageProblem: No such checklist; the message lists them.
        """
        for same in _MATCHES:
            found = [(c, envs) for c, envs in self.checklists if same(c.title, name)]
            if found:
                return found[0]
        known = ", ".join(repr(plain(c.title, 100)) for c, _ in self.checklists)
        raise UsageProblem(
            f"no checklist named {plain(name, 100)!r}; "
            + (f"known: {known}" if known else "none configured (add them under `checklists:`)")
        )

    def environment(self, requested: str | None, checklist: Checklist, envs: list[str]) -> str:
        """``--env``, else ui.default_environment when the checklist has it, else its first.

        Raises:
            UsageProblem: The environment is unknown or the checklist is not in it.
        """
        config = self.loaded.config
        if requested is None:
            default = config.ui.default_environment
            return default if default in envs else envs[0]
        if requested not in config.environments:
            raise UsageProblem(
                f"unknown environment {plain(requested, 60)!r}; known: "
                + ", ".join(config.environments)
            )
        if requested not in envs:
            raise UsageProblem(
                f"checklist {plain(checklist.title, 100)!r} is not in {requested!r}; "
                f"it is in: {', '.join(envs)}"
            )
        return requested


def find_item(checklist: Checklist, spec: str) -> ChecklistItem:
    """The item numbered ``spec`` (1-based) or whose text is ``spec`` (exact, then any case).

    Raises:
        UsageProblem: No such item; the message lists the items with their numbers.
    """
    items = checklist.items
    if spec.strip().isdigit() and 1 <= int(spec) <= len(items):
        return items[int(spec) - 1]
    for same in _MATCHES:
        found = [item for item in items if same(item.text, spec)]
        if found:
            return found[0]
    listed = "; ".join(f"{n}. {plain(item.text, 100)}" for n, item in enumerate(items, 1))
    raise UsageProblem(
        f"checklist {plain(checklist.title, 100)!r} has no item {plain(spec, 100)!r}; "
        + (f"items: {listed}" if listed else "it has no items")
    )


def run_of(book: ChecklistBook, env: str, checklist: Checklist, period: str | None) -> str:
    """The run named by ``--period``, else the current (or, on demand, the latest) one.

    Raises:
        UsageProblem: A bad period, or an on-demand checklist with no run yet.
    """
    from cockpit.state.checklists import resolve_period

    if period is None:
        active = book.active_period(env, checklist)
        if active is None:
            raise UsageProblem(
                f"{plain(checklist.title, 100)!r} is a {checklist.cadence} checklist with no run "
                f"in {env} yet: open one with --period ID (e.g. the release or incident id)"
            )
        return active
    try:
        return resolve_period(checklist, period, book.now())
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    """Load the config and the state store, then do what the action asks."""
    from cockpit.cli.loading import load_or_report, open_store
    from cockpit.runbooks.configured import all_checklists

    loaded = load_or_report(args)
    if loaded is None:
        return 2
    scope = Scope(
        loaded, all_checklists(loaded.config, loaded.base_dir, config_file=loaded.path is not None)
    )
    store = open_store(args)
    try:
        return _dispatch(args, scope, store)
    except UsageProblem as exc:
        print(f"cockpit checklist: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()


def _dispatch(args: argparse.Namespace, scope: Scope, store: Store) -> int:
    from cockpit.cli import checklist_views as views
    from cockpit.domain.paths import operator_id
    from cockpit.state.checklists import ChecklistBook

    book = ChecklistBook(store)
    action = args.checklist_command
    requested = getattr(args, "env", None)
    if store.warning and action not in ("tick", "untick"):
        print(f"cockpit checklist: {store.warning}", file=sys.stderr)
    if action == "list":
        if requested is not None and requested not in scope.loaded.config.environments:
            known = ", ".join(scope.loaded.config.environments)
            raise UsageProblem(f"unknown environment {plain(requested, 60)!r}; known: {known}")
        print(views.list_table(book, scope.checklists, requested))
        return 0
    checklist, envs = scope.find(args.name)
    env = scope.environment(requested, checklist, envs)
    if action in ("tick", "untick"):
        item = find_item(checklist, args.item)
        if store.in_memory or store.read_only:
            print(f"cockpit checklist: not saved: {store.warning}", file=sys.stderr)
            return 1
        period = run_of(book, env, checklist, args.period)
        return views.record(book, env, checklist, item, period, args, operator_id())
    period = run_of(book, env, checklist, args.period)
    if action == "show":
        print(views.show(book, env, checklist, period))
    elif args.format == "json":
        print(views.report_json(book, env, checklist, period))
    else:
        print(book.export_markdown(env, checklist, period), end="")
    return 0
