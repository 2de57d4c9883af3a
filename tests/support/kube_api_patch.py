"""The three PATCH flavours kubectl and the Python client send to the Kubernetes API stand-in.

* JSON merge patch (RFC 7386), ``application/merge-patch+json``: ``kubectl scale``.
* Strategic merge patch, ``application/strategic-merge-patch+json``: ``kubectl rollout restart``,
  ``kubectl set image``. Like a merge patch, except that lists of named things (containers, env,
  ports, ...) merge element-wise by their merge key, and ``$patch``/``$retainKeys``/
  ``$setElementOrder`` directives are honoured or ignored as noted below.
* JSON patch (RFC 6902), ``application/json-patch+json``: ``kubectl rollout undo``.
"""

from __future__ import annotations

import copy
from typing import Any

# Merge keys of the list fields in the objects this stand-in serves (from the Go struct tags
# ``patchMergeKey``). Other lists are replaced whole, as the apiserver does for atomic lists.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "ports": "containerPort",
    "imagePullSecrets": "name",
    "conditions": "type",
    "ownerReferences": "uid",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "resourceClaims": "name",
}


class PatchError(ValueError):
    """A patch that cannot be applied (the apiserver answers 422 or 400)."""


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply an RFC 7386 JSON merge patch and return the new document."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strategic_merge_patch(target: Any, patch: Any) -> Any:
    """Apply a strategic merge patch and return the new document.

    Supported directives: ``$patch: replace``/``delete`` on maps and on list elements.
    ``$setElementOrder/<list>`` and ``$retainKeys`` only steer ordering and pruning, which this
    stand-in does not need, so they are dropped.
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    directive = patch.get("$patch")
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if not k.startswith("$")}
    if directive == "delete":
        return None
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and key in MERGE_KEYS:
            result[key] = _merge_list(result.get(key), value, MERGE_KEYS[key])
        else:
            merged = strategic_merge_patch(result.get(key), value)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
    return result


def _merge_list(current: Any, patch: list[Any], merge_key: str) -> list[Any]:
    items = copy.deepcopy(current) if isinstance(current, list) else []
    for element in patch:
        if not isinstance(element, dict) or merge_key not in element:
            raise PatchError(f"list element without merge key {merge_key!r}")
        index = next(
            (i for i, item in enumerate(items) if item.get(merge_key) == element[merge_key]),
            None,
        )
        if element.get("$patch") == "delete":
            if index is not None:
                items.pop(index)
        elif index is None:
            items.append({k: v for k, v in element.items() if not k.startswith("$")})
        else:
            items[index] = strategic_merge_patch(items[index], element)
    return items


def json_patch(target: Any, operations: Any) -> Any:
    """Apply an RFC 6902 JSON patch and return the new document.

    Raises:
        PatchError: on a malformed operation, a missing path or a failed ``test``.
    """
    if not isinstance(operations, list):
        raise PatchError("a JSON patch must be a list of operations")
    doc = copy.deepcopy(target)
    for op in operations:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise PatchError(f"malformed operation: {op!r}")
        kind, path = op["op"], _pointer(op["path"])
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif kind == "remove":
            doc, _ = _remove(doc, path)
        elif kind == "replace":
            doc, _ = _remove(doc, path)
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif kind == "move":
            doc, value = _remove(doc, _pointer(op["from"]))
            doc = _add(doc, path, value)
        elif kind == "copy":
            doc = _add(doc, path, copy.deepcopy(_get(doc, _pointer(op["from"]))))
        elif kind == "test":
            if _get(doc, path) != op.get("value"):
                raise PatchError(f"test failed at {op['path']}")
        else:
            raise PatchError(f"unknown operation {kind!r}")
    return doc


def _pointer(text: str) -> list[str]:
    if text == "":
        return []
    if not text.startswith("/"):
        raise PatchError(f"bad JSON pointer {text!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/")]


def _parent(doc: Any, path: list[str]) -> Any:
    node = doc
    for part in path[:-1]:
        node = _step(node, part)
    return node


def _step(node: Any, part: str) -> Any:
    try:
        if isinstance(node, list):
            return node[int(part)]
        if isinstance(node, dict):
            return node[part]
    except (KeyError, IndexError, ValueError):
        pass
    raise PatchError(f"path element {part!r} not found")


def _get(doc: Any, path: list[str]) -> Any:
    return _step(_parent(doc, path), path[-1]) if path else doc


def _add(doc: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent, last = _parent(doc, path), path[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        index = len(parent) if last == "-" else _index(last, len(parent) + 1)
        parent.insert(index, value)
    else:
        raise PatchError(f"cannot add under {last!r}")
    return doc


def _remove(doc: Any, path: list[str]) -> tuple[Any, Any]:
    if not path:
        return None, doc
    parent, last = _parent(doc, path), path[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(f"path element {last!r} not found")
        return doc, parent.pop(last)
    if isinstance(parent, list):
        return doc, parent.pop(_index(last, len(parent)))
    raise PatchError(f"cannot remove under {last!r}")


def _index(text: str, bound: int) -> int:
    if not text.isdigit() or int(text) >= bound:
        raise PatchError(f"bad list index {text!r}")
    return int(text)
