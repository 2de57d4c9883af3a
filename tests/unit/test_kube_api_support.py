"""Pure helpers of the Kubernetes API stand-in: patches, selectors, time formats, hashing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.kube_api_objects import (
    human_duration,
    parse_rfc3339_ns,
    pod_template,
    rfc3339_nano,
    semantic,
    template_hash,
)
from tests.support.kube_api_patch import PatchError, json_patch, merge_patch, strategic_merge_patch
from tests.support.kube_api_select import SelectorError, field_selector, label_selector


def test_merge_patch_merges_maps_and_deletes_nulls() -> None:
    doc = {"spec": {"replicas": 1, "paused": True}, "keep": [1, 2]}

    assert merge_patch(doc, {"spec": {"replicas": 5, "paused": None}, "keep": [3]}) == {
        "spec": {"replicas": 5},
        "keep": [3],
    }
    assert doc["spec"] == {"replicas": 1, "paused": True}


def test_strategic_merge_patch_merges_named_lists() -> None:
    doc = {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}

    patched = strategic_merge_patch(
        doc,
        {
            "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
            "containers": [{"name": "b", "image": "b:2"}, {"name": "a", "$patch": "delete"}],
        },
    )

    assert patched == {"containers": [{"name": "b", "image": "b:2"}]}
    assert strategic_merge_patch({"a": {"x": 1}}, {"a": {"$patch": "replace", "y": 2}}) == {
        "a": {"y": 2}
    }


def test_json_patch_operations_and_failures() -> None:
    doc = {"metadata": {"annotations": {"a/b": "1"}}, "items": [1, 2]}

    patched = json_patch(
        doc,
        [
            {"op": "replace", "path": "/metadata/annotations/a~1b", "value": "2"},
            {"op": "add", "path": "/items/-", "value": 3},
            {"op": "remove", "path": "/items/0"},
            {"op": "test", "path": "/items", "value": [2, 3]},
        ],
    )

    assert patched == {"metadata": {"annotations": {"a/b": "2"}}, "items": [2, 3]}
    with pytest.raises(PatchError):
        json_patch(doc, [{"op": "replace", "path": "/spec/template", "value": {}}])
    with pytest.raises(PatchError):
        json_patch(doc, [{"op": "test", "path": "/items", "value": []}])


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("app=web", {"app": "web"}, True),
        ("app==web,tier!=db", {"app": "web", "tier": "db"}, False),
        ("env in (prod, staging)", {"env": "staging"}, True),
        ("env notin (prod),app", {"app": "x"}, True),
        ("!canary", {"canary": "yes"}, False),
        ("", {}, True),
    ],
)
def test_label_selector(selector: str, labels: dict[str, str], expected: bool) -> None:
    assert label_selector(selector)(labels) is expected


def test_field_selector_and_errors() -> None:
    pod = {"metadata": {"name": "p"}, "status": {"phase": "Running"}}

    assert field_selector("metadata.name=p,status.phase!=Failed")(pod)
    assert not field_selector("spec.nodeName=n1")(pod)
    with pytest.raises(SelectorError):
        field_selector("metadata.name")
    with pytest.raises(SelectorError):
        label_selector("a in b")


def test_rfc3339_nano_matches_go_formatting() -> None:
    assert rfc3339_nano(1_700_000_000_120_000_000) == "2023-11-14T22:13:20.12Z"
    assert rfc3339_nano(1_700_000_000_000_000_000) == "2023-11-14T22:13:20Z"
    assert parse_rfc3339_ns("2023-11-14T22:13:20.12Z") == 1_700_000_000_120_000_000
    assert parse_rfc3339_ns("2023-11-14T23:13:20.000000001+01:00") == 1_700_000_000_000_000_001


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"),
        (59, "59s"),
        (125, "2m5s"),
        (600, "10m"),
        (3 * 3600 + 60, "3h1m"),
        (30 * 3600, "30h"),
        (3 * 86400 + 3600, "3d1h"),
        (40 * 86400, "40d"),
        (800 * 86400, "2y70d"),
    ],
)
def test_human_duration_matches_apimachinery(seconds: int, text: str) -> None:
    assert human_duration(timedelta(seconds=seconds)) == text


def test_template_hash_ignores_omitted_zero_values_but_not_changes() -> None:
    template = pod_template({"app": "web"}, [("web", "img:1")])
    reencoded = semantic(template)
    changed = pod_template({"app": "web"}, [("web", "img:2")])

    assert template_hash(reencoded) == template_hash(template)
    assert template_hash(changed) != template_hash(template)
    assert len(template_hash(template)) >= 8
