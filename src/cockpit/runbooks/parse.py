"""The Markdown walk: headings, boxed lists, numbered steps and code blocks."""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from typing import TYPE_CHECKING

from cockpit.runbooks.inline import heading_text, plain_text
from cockpit.runbooks.model import ImportedChecklist, ImportedItem, Procedure, Runbook
from cockpit.runbooks.steps import StepDraft, drafts_from_block, finish_steps

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

_TASK = re.compile(r"\[([ xX])\](?:[ \t]+|$)(.*)", re.DOTALL)
_LABEL = re.compile(r"(?:\*\*|__)([^*_\n]+?)(?:\*\*|__)\s*:?\s*")
_LINK_ONLY = re.compile(r"\s*\[[^\]]*\]\([^)]*\)\s*")
_CODE = frozenset({"fence", "code_block"})
_LISTS = frozenset({"bullet_list", "ordered_list"})


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Only the block structure is needed; inline text is reduced with plain_text.
    return MarkdownIt("commonmark").disable("inline")


def import_runbook(text: str) -> Runbook:
    """Read a Markdown runbook into checklists and procedures.

    Takes any text: front matter, CRLF, HTML, tables and mis-encoded headings are fine, and
    text that is not Markdown at all yields an empty runbook.
    """
    from markdown_it.tree import SyntaxTreeNode

    lines = _normalise(text)
    source = "\n".join(lines)
    reader = _Reader(lines)
    reader.blocks(SyntaxTreeNode(_parser().parse(source)).children)
    return reader.finish()


def _normalise(text: str) -> list[str]:
    """Lines with CR and CRLF as LF, NUL replaced, BOM and front matter blanked."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    fence = lines[0].strip()
    if fence in ("---", "+++"):
        ends = ("---", "...") if fence == "---" else ("+++",)
        for i in range(1, len(lines)):
            if lines[i].strip() in ends:
                # Blank, not removed, so token line numbers still index ``lines``.
                lines[: i + 1] = [""] * (i + 1)
                break
    return lines


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.title = ""
        self.path: list[tuple[int, str]] = []
        self.label: str | None = None
        self.checklists: list[tuple[str, str, list[ImportedItem]]] = []
        self.open_list: tuple[str, str, list[ImportedItem]] | None = None
        self.procedures: list[Procedure] = []
        self.drafts: list[StepDraft] = []

    # Headings --------------------------------------------------------------------------

    def heading(self, node: SyntaxTreeNode) -> None:
        self.flush()
        level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
        name = heading_text(_inline(node))
        if not self.title and name:
            self.title = name
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, name))
        self.label = None
        self.open_list = None

    def _name_and_section(self) -> tuple[str, str]:
        names = [n for _, n in self.path]
        if self.label is not None:
            return self.label, " / ".join(names)
        if not names:
            return self.title or "Checklist", ""
        return names[-1], " / ".join(names[:-1])

    def flush(self) -> None:
        steps = finish_steps(self.drafts)
        self.drafts = []
        if steps:
            names = [n for _, n in self.path]
            name = names[-1] if names else (self.title or "Procedure")
            self.procedures.append(Procedure(name, " / ".join(names[:-1]), tuple(steps)))

    # Blocks ----------------------------------------------------------------------------

    def blocks(self, nodes: list[SyntaxTreeNode]) -> None:
        for node in nodes:
            kind = node.type
            if kind == "heading":
                self.heading(node)
            elif kind == "paragraph":
                m = _LABEL.fullmatch(_inline(node))
                label = heading_text(m.group(1)).rstrip(":").strip() if m else None
                if label != self.label:
                    self.open_list = None
                self.label = label
            elif kind in _CODE:
                self.drafts.extend(drafts_from_block(node.content, node.info))
            elif kind in _LISTS:
                self.list_block(node, steps=True)
            elif kind == "blockquote":
                self.blocks(node.children)

    def list_block(self, node: SyntaxTreeNode, *, steps: bool) -> None:
        items = node.children
        if steps and all(_LINK_ONLY.fullmatch(_first_text(i)) for i in items):
            steps = False  # a table of contents
        for item in items:
            m = _TASK.match(_first_text(item))
            if m is not None:
                self.task(item, m)
            elif steps and (node.type == "ordered_list" or _has_code(item)):
                self.step(item)
            else:
                self.nested_tasks(item)

    def task(self, item: SyntaxTreeNode, m: re.Match[str]) -> None:
        skip = [_span(n) for n in _descendants(item) if n.type == "list_item" and _is_task(n)]
        first = item.children[0] if item.children else None
        start = (
            _span(first)[1]
            if first is not None and first.type == "paragraph"
            else _span(item)[0] + 1
        )
        hint = self._source(start, _span(item)[1], skip)
        self._items().append(ImportedItem(plain_text(m.group(2)), m.group(1) != " ", hint))
        self.nested_tasks(item)

    def step(self, item: SyntaxTreeNode) -> None:
        children = item.children
        text = _inline(children[0]) if children and children[0].type == "paragraph" else ""
        draft = StepDraft(plain_text(text))
        skip: list[tuple[int, int]] = [_span(children[0])] if text else []
        for node in _descendants(item):
            if node.type in _CODE:
                draft.add_code(node.content, node.info)
                skip.append(_span(node))
            elif node.type == "list_item" and _is_task(node):
                skip.append(_span(node))
        start, end = _span(item)
        draft.add_note(self._source(start, end, skip, strip_marker=not text))
        self.drafts.append(draft)
        self.nested_tasks(item)

    def nested_tasks(self, item: SyntaxTreeNode) -> None:
        for child in item.children:
            if child.type in _LISTS:
                self.list_block(child, steps=False)
            elif child.type == "blockquote":
                for grandchild in child.children:
                    if grandchild.type in _LISTS:
                        self.list_block(grandchild, steps=False)

    def _items(self) -> list[ImportedItem]:
        if self.open_list is None:
            name, section = self._name_and_section()
            self.open_list = (name, section, [])
            self.checklists.append(self.open_list)
        return self.open_list[2]

    def _source(
        self, start: int, end: int, skip: list[tuple[int, int]], *, strip_marker: bool = False
    ) -> str:
        """Lines ``start..end`` of the source less the ``skip`` ranges, dedented."""
        kept = [
            self.lines[i]
            for i in range(start, min(end, len(self.lines)))
            if not any(a <= i < b for a, b in skip)
        ]
        if strip_marker and kept:
            kept[0] = re.sub(r"^\s*(?:[-*+]|\d{1,9}[.)])\s?", "", kept[0])
        return textwrap.dedent("\n".join(kept)).strip()

    def finish(self) -> Runbook:
        self.flush()
        checklists = tuple(
            ImportedChecklist(name, section, tuple(items))
            for name, section, items in self.checklists
        )
        return Runbook(self.title, checklists, tuple(self.procedures))


def _inline(node: SyntaxTreeNode) -> str:
    for child in node.children:
        if child.type == "inline":
            return child.content
    return ""


def _first_text(item: SyntaxTreeNode) -> str:
    children = item.children
    return _inline(children[0]) if children and children[0].type == "paragraph" else ""


def _is_task(item: SyntaxTreeNode) -> bool:
    return _TASK.match(_first_text(item)) is not None


def _span(node: SyntaxTreeNode) -> tuple[int, int]:
    m = node.map
    return (m[0], m[1]) if m else (0, 0)


def _descendants(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    out: list[SyntaxTreeNode] = []
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        out.append(child)
        stack.extend(reversed(child.children))
    return out


def _has_code(item: SyntaxTreeNode) -> bool:
    return any(n.type in _CODE for n in _descendants(item))
