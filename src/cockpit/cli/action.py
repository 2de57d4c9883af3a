"""`cockpit action list|run`: remediation actions through the one executor gate.

``run`` prints the preview (environment, protection, the exact call), then runs only when the
confirmation meets the environment's protection: ``typed`` needs ``--confirm ENV`` (and
``--confirm-target NAME`` for delete and undo), ``confirm`` needs ``--yes``. On a terminal the
missing confirmation is asked for; with stdin not a terminal nothing is ever asked.

Exit status: 0 done (and recovered, when verified), 1 the run failed, timed out or did not
recover, 2 a config or usage error, 3 refused by the gate (nothing ran; the refusal is recorded).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from cockpit.text.sanitize import plain

if TYPE_CHECKING:
    from cockpit.actions.gate import Gate
    from cockpit.actions.model import Confirmation, Plan
    from cockpit.config.loader import LoadedConfig
    from cockpit.state.store import Store

REFUSED_EXIT = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``cockpit action list`` and ``cockpit action run``."""
    from cockpit.cli import _add_common

    subs = parser.add_subparsers(dest="action_command", metavar="COMMAND", required=True)
    ls = subs.add_parser(
        "list", help="the actions of each environment", description="List the actions."
    )
    ls.add_argument("--json", action="store_true", help="print JSON")
    _add_common(ls, under_command=True)
    run_p = subs.add_parser(
        "run",
        help="preview, confirm and run an action",
        description="Preview an action, then run it when the confirmation meets the "
        "environment's protection.",
    )
    run_p.add_argument("name", metavar="NAME", help="the action's name")
    run_p.add_argument(
        "--param",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a parameter value (repeatable)",
    )
    run_p.add_argument(
        "--dry-run", action="store_true", help="send as a dry run (kubernetes, declared commands)"
    )
    run_p.add_argument(
        "--preview", action="store_true", help="only show what would run; run nothing"
    )
    run_p.add_argument(
        "--confirm", metavar="TEXT", help="for typed protection: the environment's name"
    )
    run_p.add_argument(
        "--confirm-target",
        metavar="NAME",
        help="for delete and undo under typed protection: the target's name",
    )
    run_p.add_argument("--yes", action="store_true", help="for confirm protection: yes")
    run_p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    _add_common(run_p, under_command=True)


def _params(pairs: list[str]) -> dict[str, str] | str:
    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            return f"--param {plain(pair, 60)!r}: write NAME=VALUE, e.g. --param replicas=3"
        if name in given:
            return f"--param {plain(name, 40)} is given twice"
        given[name] = value
    return given


def _gate(loaded: LoadedConfig, store: Store, read_only: bool) -> Gate:
    from cockpit.actions.setup import open_gate
    from cockpit.domain.paths import operator_id

    gate, _audit = open_gate(
        loaded.config, store, operator_id(), loaded.base_dir, read_only=read_only
    )
    return gate


def run(args: argparse.Namespace) -> int:
    """List actions, or prepare, confirm and run one."""
    from cockpit.cli.loading import load_or_report, open_store

    loaded = load_or_report(args)
    if loaded is None:
        return 2
    if args.action_command == "list":
        return _list(loaded, getattr(args, "env", None), as_json=args.json)
    given = _params(args.param)
    if isinstance(given, str):
        print(f"cockpit action: {given}", file=sys.stderr)
        return 2
    env = getattr(args, "env", None) or loaded.config.ui.default_environment
    if env is None:
        known = ", ".join(loaded.config.environments)
        print(
            f"cockpit action run: name the environment with --env (one of {known})", file=sys.stderr
        )
        return 2
    store = open_store(args)
    try:
        gate = _gate(loaded, store, bool(getattr(args, "read_only", False)))
        return _run(gate, args, env, given)
    finally:
        store.close()


def _list(loaded: LoadedConfig, env: str | None, *, as_json: bool) -> int:
    from cockpit.actions.params import describe

    config = loaded.config
    if env is not None and env not in config.environments:
        known = ", ".join(config.environments)
        print(
            f"cockpit action: unknown environment {plain(env, 60)!r}; known: {known}",
            file=sys.stderr,
        )
        return 2
    envs = [env] if env else list(config.environments)
    rows: list[dict[str, Any]] = []
    for name in envs:
        e = config.environments[name]
        for action in config.actions_for(name):
            rows.append(
                {
                    "name": action.name,
                    "environment": name,
                    "kind": action.kind,
                    "protection": e.guard.value,
                    "read_only": e.read_only,
                    "description": action.description,
                    "params": {p: describe(s) for p, s in action.params.items()},
                }
            )
    if as_json:
        print(json.dumps({"actions": rows}, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        where = f" in {env}" if env else ""
        print(f"no actions{where}: add them under `actions:` in the config")
        return 0
    for row in rows:
        guard = "read-only" if row["read_only"] else row["protection"]
        params = " ".join(f"{p}=<{d}>" for p, d in row["params"].items())
        line = f"{row['environment']:<14} {row['name']:<24} {row['kind']:<13} {guard:<9} {params}"
        print(plain(line.rstrip(), 0))
        if row["description"]:
            print(f"{'':<14} {plain(row['description'], 200)}")
    return 0


def _print_preview(plan: Plan) -> None:
    env = plan.environment
    guard = "read-only" if env.read_only else env.guard.value
    prod = " PRODUCTION" if env.is_production else ""
    mode = " (dry run)" if plan.dry_run else ""
    print(f"action {plan.action.name}{mode} in {env.name}{prod} [protection: {guard}]")
    if plan.params:
        values = " ".join(f"{k}={v}" for k, v in plan.params.items())
        print(f"  params: {plain(values, 300)}")
    for line in plan.call.lines():
        print(f"  {plain(line, 0)}")


def _confirmation(args: argparse.Namespace, plan: Plan) -> Confirmation:
    from cockpit.actions.model import Confirmation

    given = Confirmation(yes=args.yes, typed=args.confirm, typed_target=args.confirm_target)
    guard = plan.environment.guard.value
    missing = (guard == "confirm" and not given.yes) or (
        guard == "typed"
        and (
            given.typed is None
            or (plan.call.confirm_target is not None and given.typed_target is None)
        )
    )
    if not missing or not sys.stdin.isatty():
        return given
    try:
        if guard == "confirm":
            answer = input(f"run {plan.action.name} in {plan.environment.name}? [y/N] ")
            return Confirmation(yes=answer.strip().lower() in ("y", "yes"))
        typed = given.typed
        if typed is None:
            typed = input(f"type the environment's name ({plan.environment.name}) to confirm: ")
        target = given.typed_target
        if plan.call.confirm_target is not None and target is None:
            target = input(f"type the target's name ({plan.call.confirm_target}) to confirm: ")
        return Confirmation(typed=typed.strip(), typed_target=(target or "").strip() or None)
    except EOFError:
        return given


def _run(gate: Gate, args: argparse.Namespace, env: str, given: dict[str, str]) -> int:
    import asyncio

    from cockpit.actions.model import Refused

    async def go() -> int:
        try:
            plan = await gate.prepare(args.name, env, given, origin="cli", dry_run=args.dry_run)
        except Refused as exc:
            print(f"cockpit action: refused: {exc}", file=sys.stderr)
            return REFUSED_EXIT
        if not args.json:
            _print_preview(plan)
        if args.preview:
            return 0
        confirmation = _confirmation(args, plan)

        def line(text: str) -> None:
            if not args.json:
                print(f"| {text}", flush=True)

        async def confirm_step(step: Plan) -> Confirmation | None:
            # Each step that changes things is shown and confirmed on its own; without a
            # terminal the confirmation given on the command line stands for every step.
            _print_preview(step)
            return _confirmation(args, step)

        stepper = confirm_step if plan.steps and sys.stdin.isatty() else None
        try:
            outcome = await gate.execute(plan, confirmation, on_line=line, confirm_step=stepper)
        except Refused as exc:
            print(f"cockpit action: refused: {exc}", file=sys.stderr)
            return REFUSED_EXIT
        if args.json:
            print(
                json.dumps(
                    {
                        "action": plan.action.name,
                        "environment": plan.environment.name,
                        "params": plan.params,
                        "outcome": outcome.status,
                        "exit_code": outcome.exit_code,
                        "http_status": outcome.http_status,
                        "detail": outcome.detail,
                        "verification": outcome.verification,
                        "output": outcome.output,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        else:
            print(f"{outcome.status}: {plain(outcome.detail, 300)} ({outcome.seconds:.1f} s)")
            if outcome.verification:
                print(f"verification: {plain(outcome.verification, 300)}")
        recovered = outcome.verification is None or outcome.verification.startswith("recovered")
        return 0 if outcome.ok and recovered else 1

    return asyncio.run(go())
