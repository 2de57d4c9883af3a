"""YAML -> plain Python data, remembering where every key and value was written.

The loader composes PyYAML's node tree and builds the data itself instead of using PyYAML's
constructors, so that it can:

* record a :class:`Mark` (1-based line and column) for every mapping key and every value, keyed by
  the same path pydantic puts in an error's ``loc``;
* refuse what YAML would otherwise do silently: duplicate keys (the last one wins), explicit tags
  (``!!python/object`` and friends, but also ``!!str``), octal-looking numbers (``010`` is 8 in
  YAML 1.1) and the YAML 1.1 booleans (``yes``, ``no``, ``on``, ``off``, ``y``, ``n``);
* expand ``${VAR}`` references in strings, reporting a missing variable where it is written.

Plain scalars follow the YAML 1.2 core schema (``true``/``false``, ``null``/``~``, decimal
integers, floats); anything else, dates and ``1:30`` included, stays a string. Anchors, aliases and
``<<`` merge keys work as usual. Problems are collected, not raised one at a time, so that a user
sees every mistake of a file in one run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cockpit.config.base import Loc
from cockpit.config.interpolate import expand

_WORDS: dict[str, bool | None] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}  # fmt: skip
_NUMBER_START = frozenset("+-.0123456789")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}  # fmt: skip
_YAML11_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
_YAML11_FALSE = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF"})
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"

# Aliases can make a tiny file expand into a huge tree ("billion laughs"); a real config is far
# below this many values.
MAX_NODES = 100_000


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in the source text."""

    line: int
    col: int

    @classmethod
    def of(cls, mark: yaml.Mark) -> Mark:
        """Convert PyYAML's 0-based mark."""
        return cls(mark.line + 1, mark.column + 1)


@dataclass(frozen=True, slots=True)
class Problem:
    """A YAML-level mistake (not a schema one) at a position."""

    mark: Mark
    message: str


@dataclass
class Positions:
    """Where each path's key and value were written.

    PyYAML's own marks are kept (converting every one up front would cost more than the parse);
    the accessors convert the few that an error needs.
    """

    keys: dict[Loc, yaml.Mark] = field(default_factory=dict)
    values: dict[Loc, yaml.Mark] = field(default_factory=dict)

    def known(self, loc: Loc) -> bool:
        """Whether ``loc`` was written in the file."""
        return loc in self.values or loc in self.keys

    def key_or_value(self, loc: Loc) -> Mark:
        """The key of an entry if it has one (a mapping entry), else where its value starts."""
        mark = self.keys.get(loc) or self.values.get(loc)
        return Mark.of(mark) if mark is not None else Mark(1, 1)

    def value_or_key(self, loc: Loc) -> Mark:
        """Where the value of ``loc`` starts, falling back to its key."""
        mark = self.values.get(loc) or self.keys.get(loc)
        return Mark.of(mark) if mark is not None else Mark(1, 1)


@dataclass
class ParsedYaml:
    """The outcome of :func:`parse_yaml`.

    Attributes:
        data: plain Python data (dict, list, str, int, float, bool, None).
        positions: where each path was written.
        problems: YAML-level mistakes; empty when the data is trustworthy.
        bad_paths: paths whose value was replaced because of a problem (schema errors at or below
            them repeat what a problem already says and are dropped).
        raw_strings: the text as written for each string that ``${...}`` expansion changed.
        typed_text: the text as written for each plain scalar read as a number or boolean (to
            suggest quoting exactly that text when a string was wanted).
        variables: the value of each environment variable a ``${...}`` reference used, only to
            take them back out of messages (see :meth:`redact`).
    """

    data: Any
    positions: Positions = field(default_factory=Positions)
    problems: list[Problem] = field(default_factory=list)
    bad_paths: set[Loc] = field(default_factory=set)
    raw_strings: dict[Loc, str] = field(default_factory=dict)
    typed_text: dict[Loc, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict, repr=False)

    def redact(self, path: Loc, message: str) -> str:
        """Put ``${VAR}`` back wherever a message about ``path`` repeats an expanded value.

        Validators may quote the value they refuse; when it came from the environment it may be
        a secret, and messages end up in terminals, CI logs and bug reports.
        """
        if not any(path[: len(p)] == p for p in self.raw_strings):
            return message
        for name, value in sorted(self.variables.items(), key=lambda kv: -len(kv[1])):
            # Very short values (``1``, ``on``) would garble messages and reveal little.
            if len(value) >= 3:
                message = message.replace(value, f"${{{name}}}")
        return message

    def raw_data(self) -> Any:
        """The data with every expanded string put back as written (``${VAR}``, not its value)."""
        return _replace(self.data, (), self.raw_strings)


class YamlSyntaxError(Exception):
    """The text is not YAML at all (or is empty): nothing can be reported beyond this."""

    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class PositionLoader(yaml.SafeLoader):
    """A SafeLoader that notes every explicitly tagged node while composing.

    Only composition is used (no PyYAML construction), so no tag can ever create an object; the
    notes let the builder refuse tags instead of silently honouring ``!!str`` and the like.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.explicit_tags: dict[int, str] = {}

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        """Compose as usual, remembering the tag written on the node, if any."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        written = None if isinstance(event, yaml.AliasEvent) else getattr(event, "tag", None)
        node = super().compose_node(parent, index)
        if written is not None and node is not None:
            self.explicit_tags[id(node)] = written
        return node


def parse_yaml(text: str, environ: Mapping[str, str]) -> ParsedYaml:
    """Parse one YAML document into data plus positions and problems.

    Raises:
        YamlSyntaxError: when the text is not valid YAML or holds no document.
    """
    loader: PositionLoader | None = None
    try:
        loader = PositionLoader(text)  # checks the characters already
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.YAMLError as exc:  # reader errors (e.g. control characters) carry no mark
        character = getattr(exc, "character", None)
        problem = (
            f"character U+{character:04X} is not allowed in YAML; remove it, or write it as an "
            "escape inside double quotes"
            if isinstance(character, int)
            else str(exc)
        )
        raise YamlSyntaxError(_reader_mark(exc, text), f"invalid YAML: {problem}") from None
    except RecursionError:
        raise YamlSyntaxError(Mark(1, 1), "the YAML is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise YamlSyntaxError(
            Mark(1, 1),
            "the config file is empty: it needs at least an `environments:` mapping, e.g. "
            "`environments: {local: {description: This machine}}`",
        )
    return _Builder(loader.explicit_tags, environ).build(root)


def _syntax_error(exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    mark = exc.problem_mark or exc.context_mark
    position = Mark.of(mark) if mark is not None else Mark(1, 1)
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "invalid YAML: " + ", ".join(parts)
    if (
        exc.context_mark is not None
        and exc.problem_mark is not None
        and (exc.context_mark.line != exc.problem_mark.line)
    ):
        message += f" (the construct started at line {exc.context_mark.line + 1})"
    if "\\t" in (exc.problem or "") or "tab" in (exc.problem or ""):
        message += "; indent with spaces, not tabs"
    return YamlSyntaxError(position, message)


def _reader_mark(exc: yaml.YAMLError, text: str) -> Mark:
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return Mark(1, 1)
    line_start = text.rfind("\n", 0, position) + 1
    return Mark(text.count("\n", 0, position) + 1, position - line_start + 1)


def label(path: Loc) -> str:
    """``services[0].checks[1].http`` for a path; ``the config`` for the root.

    A key that is empty or holds dots, spaces or unprintable characters is shown JSON-quoted, so
    a label is unambiguous and never sends control characters to the terminal.
    """
    text = ""
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
            continue
        plain = element and element.isprintable() and not any(c in element for c in '. "')
        part = element if plain else json.dumps(element)
        text += f".{part}" if text else part
    return text or "the config"


def _replace(data: Any, path: Loc, raw: Mapping[Loc, str]) -> Any:
    if not raw:
        return data
    if path in raw:
        return raw[path]
    if isinstance(data, dict):
        return {k: _replace(v, (*path, k), raw) for k, v in data.items()}
    if isinstance(data, list):
        return [_replace(v, (*path, i), raw) for i, v in enumerate(data)]
    return data


def _show_tag(tag: str) -> str:
    if tag.startswith(_STANDARD_TAG_PREFIX):
        return "!!" + tag[len(_STANDARD_TAG_PREFIX) :]
    return tag


class _Builder:
    """Turns a composed node tree into data, positions and problems."""

    def __init__(self, explicit_tags: Mapping[int, str], environ: Mapping[str, str]) -> None:
        self.tags = explicit_tags
        self.environ = environ
        self.out = ParsedYaml(data=None)
        self.count = 0
        self.active: set[int] = set()

    def build(self, root: Node) -> ParsedYaml:
        try:
            self.out.data = self.node(root, ())
        except RecursionError:
            raise YamlSyntaxError(Mark(1, 1), "the YAML is nested too deeply") from None
        except _TooLarge as exc:
            self.out.problems.append(
                Problem(
                    exc.mark,
                    f"the document expands to more than {MAX_NODES} values "
                    "(aliases repeated too often); write the values out instead",
                )
            )
            self.out.bad_paths.add(())
        return self.out

    def problem(self, mark: Mark, message: str, path: Loc) -> None:
        self.out.problems.append(Problem(mark, f"{label(path)}: {message}"))
        self.out.bad_paths.add(path)

    def node(self, node: Node, path: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(Mark.of(node.start_mark))
        self.out.positions.values[path] = node.start_mark
        tag = self.tags.get(id(node))
        if tag is not None:
            self.problem(
                Mark.of(node.start_mark),
                f"explicit YAML tag {_show_tag(tag)} is not allowed: write the plain value "
                "(quote it if it must be text)",
                path,
            )
            return None
        if id(node) in self.active:
            self.problem(
                Mark.of(node.start_mark), "this alias refers to a value that contains itself", path
            )
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.node(child, (*path, i)) for i, child in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: MappingNode, path: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Mark] = {}
        merges: list[Node] = []
        explicit: list[tuple[str, yaml.Mark, Node]] = []
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            if (
                isinstance(key_node, ScalarNode)
                and key_node.tag == _MERGE_TAG
                and id(key_node) not in self.tags
            ):
                merges.append(value_node)
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in first_seen:
                # Only the first one is read, so its errors are still worth reporting.
                self.out.problems.append(
                    Problem(
                        Mark.of(key_mark),
                        f"{label((*path, key))}: duplicate key {key!r} (first written at line "
                        f"{first_seen[key].line + 1}): remove or rename one of them",
                    )
                )
                continue
            first_seen[key] = key_mark
            explicit.append((key, key_mark, value_node))
        # Merged mappings first so that the keys written here override them; the first merge
        # source wins over later ones, as the merge-key spec says.
        for source in reversed(merges):
            result.update(self.merge_source(source, path))
        for key, key_mark, value_node in explicit:
            self.out.positions.keys[(*path, key)] = key_mark
            result[key] = self.node(value_node, (*path, key))
        return result

    def merge_source(self, source: Node, path: Loc) -> dict[str, Any]:
        sources = source.value if isinstance(source, SequenceNode) else [source]
        merged: dict[str, Any] = {}
        for item in reversed(sources):
            if not isinstance(item, MappingNode) or id(item) in self.tags:
                self.problem(
                    Mark.of(item.start_mark),
                    "a `<<` merge key needs a mapping "
                    "(or a list of mappings), usually an alias like `<<: *defaults`",
                    path,
                )
                continue
            for key_node, value_node in item.value:
                key = self.key(key_node, path)
                if key is not None:
                    self.out.positions.keys[(*path, key)] = key_node.start_mark
                    merged[key] = self.node(value_node, (*path, key))
        return merged

    def key(self, node: Node, path: Loc) -> str | None:
        # Keys are names: always text, never typed (so `on:` or `3:` mean what they say).
        if isinstance(node, ScalarNode) and id(node) not in self.tags:
            return str(node.value)
        self.problem(
            Mark.of(node.start_mark),
            "a mapping key must be a plain name, not a list, a mapping or a tagged value",
            path,
        )
        return None

    def scalar(self, node: ScalarNode, path: Loc) -> Any:
        text: str = node.value
        if node.style is None:  # plain, unquoted: typed by the YAML 1.2 core schema
            typed = self.plain(text, node, path)
            if typed is not _TEXT:
                if typed is not None:
                    self.out.typed_text[path] = text
                return typed
        return self.expand(text, node, path)

    def plain(self, text: str, node: ScalarNode, path: Loc) -> Any:
        if text in _WORDS:
            return _WORDS[text]
        if text and text[0] not in _NUMBER_START:
            if text in _YAML11_TRUE or text in _YAML11_FALSE:
                meaning = "true" if text in _YAML11_TRUE else "false"
                why = f"is ambiguous (older YAML reads it as {meaning})"
                return self.ambiguous(text, node, path, why, "true or false")
            return _TEXT
        if _LEADING_ZERO.match(text):
            digits = text.replace("_", "").lstrip("+-").lstrip("0") or "0"
            number = ("-" if text.startswith("-") else "") + digits
            why = "has a leading zero (older YAML reads it as an octal number)"
            return self.ambiguous(text, node, path, why, number)
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        if text in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[text]
        return _TEXT

    def ambiguous(self, text: str, node: ScalarNode, path: Loc, why: str, instead: str) -> str:
        """Refuse a scalar older YAML reads differently; the text stays, the path is marked."""
        self.problem(
            Mark.of(node.start_mark),
            f'{text} {why}: write {instead}, or quote it ("{text}") if it is text',
            path,
        )
        return text

    def expand(self, text: str, node: ScalarNode, path: Loc) -> str:
        if "$" not in text:
            return text
        result = expand(text, self.environ)
        if result.value != text:
            self.out.raw_strings[path] = text
        for name in result.names:
            if name in self.environ:
                self.out.variables[name] = self.environ[name]
        for problem in result.problems:
            self.problem(_mark_in_node(node, problem.token), problem.message, path)
        return result.value


class _Text:
    """Marker: a plain scalar that is none of the typed forms, i.e. a string."""


_TEXT = _Text()


class _TooLarge(Exception):
    def __init__(self, mark: Mark) -> None:
        super().__init__("too many values")
        self.mark = mark


def _mark_in_node(node: ScalarNode, token: str) -> Mark:
    """Where ``token`` (e.g. ``${DB_PASSWORD}``) is written inside the node's source text."""
    start, end = node.start_mark, node.end_mark
    buffer = getattr(start, "buffer", None)
    if not isinstance(buffer, str):
        return Mark.of(start)
    source = buffer[start.index : end.index]
    offset = source.find(token)
    if offset < 0:
        return Mark.of(start)
    before = source[:offset]
    newlines = before.count("\n")
    if newlines:
        return Mark(start.line + 1 + newlines, offset - before.rfind("\n"))
    return Mark(start.line + 1, start.column + 1 + offset)
