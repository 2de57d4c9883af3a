"""The audit trail on a real file: ordering, filters, details and immutability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cockpit.state.audit import AuditLog
from cockpit.state.store import Store, utc_now


@pytest.fixture
def store(state_store: Store) -> Store:
    return state_store


@pytest.fixture
def audit(store: Store) -> AuditLog:
    return AuditLog(store)


def test_ids_increase_and_list_is_in_write_order(audit: AuditLog) -> None:
    ids = [audit.record("action.run", "prod", "ann", f"step {i}") for i in range(20)]
    assert ids == sorted(ids) and len(set(ids)) == 20
    records = audit.list()
    assert [r.id for r in records] == ids
    assert [r.summary for r in records] == [f"step {i}" for i in range(20)]
    stamps = [r.ts for r in records]
    assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in stamps)
    assert stamps == sorted(stamps)
    assert audit.last_id() == ids[-1]


def test_empty_log(audit: AuditLog) -> None:
    assert audit.list() == []
    assert audit.last_id() == 0


def test_details_round_trip_and_odd_values_become_text(audit: AuditLog) -> None:
    rid = audit.record(
        "action.run",
        "prod",
        "ann",
        "restart api",
        {"argv": ["kubectl", "rollout", "restart"], "exit": 0, "cwd": Path("/srv"), "ü": "ok"},
    )
    (rec,) = audit.list()
    assert rec.id == rid
    assert rec.details == {
        "argv": ["kubectl", "rollout", "restart"],
        "exit": 0,
        "cwd": "/srv",
        "ü": "ok",
    }
    assert rec.kind == "action.run" and rec.environment == "prod" and rec.who == "ann"


def test_environment_none_is_cockpit_wide(audit: AuditLog) -> None:
    audit.record("cockpit.start", None, "ann", "started")
    audit.record("action.run", "prod", "ann", "x")
    assert [r.summary for r in audit.list(environment="prod")] == ["x"]
    assert [r.environment for r in audit.list()] == [None, "prod"]


def test_filters(audit: AuditLog) -> None:
    audit.record("checklist.tick", "prod", "ann", "a")
    audit.record("checklist.untick", "staging", "bob", "b")
    audit.record("checklists.import", "prod", "ann", "c")  # not under "checklist"
    audit.record("action.run", "prod", "ann", "d")
    assert [r.summary for r in audit.list(kind="checklist")] == ["a", "b"]
    assert [r.summary for r in audit.list(kind="checklist.tick")] == ["a"]
    assert [r.summary for r in audit.list(environment="prod", kind="action")] == ["d"]
    first = audit.list()[1].id
    assert [r.summary for r in audit.list(after_id=first)] == ["c", "d"]


def test_limit_keeps_the_newest_in_order(audit: AuditLog) -> None:
    for i in range(10):
        audit.record("k", "prod", "ann", str(i))
    assert [r.summary for r in audit.list(limit=3)] == ["7", "8", "9"]
    assert audit.list(limit=0) == []


def test_since(audit: AuditLog) -> None:
    audit.record("k", "prod", "ann", "old")
    cut = utc_now()
    audit.record("k", "prod", "ann", "new")
    assert [r.summary for r in audit.list(since=cut)] == ["new"]
    # An aware time in another zone means the same instant.
    other_zone = cut.astimezone(datetime.now().astimezone().tzinfo)
    assert [r.summary for r in audit.list(since=other_zone)] == ["new"]
    assert audit.list(since=utc_now() + timedelta(hours=1)) == []
    assert len(audit.list(since=datetime(2000, 1, 1, tzinfo=UTC))) == 2


def test_naive_since_is_refused(audit: AuditLog) -> None:
    with pytest.raises(ValueError, match="aware"):
        audit.list(since=datetime(2024, 1, 1))


def test_kind_and_who_are_required(audit: AuditLog) -> None:
    with pytest.raises(ValueError):
        audit.record("", "prod", "ann", "x")
    with pytest.raises(ValueError):
        audit.record("k", "prod", "  ", "x")


def test_api_offers_no_way_to_change_history() -> None:
    public = {n for n in dir(AuditLog) if not n.startswith("_")}
    assert public == {"record", "list", "last_id"}


def test_unreadable_details_do_not_break_the_listing(store: Store, audit: AuditLog) -> None:
    with store.write() as conn:
        conn.execute(
            "INSERT INTO audit (ts, kind, environment, who, summary, details) "
            "VALUES (?, 'k', 'prod', 'ann', 'hand-written', 'not json')",
            ("2024-05-01T00:00:00.000000+00:00",),
        )
    (rec,) = audit.list()
    assert rec.details == {"raw": "not json"}
