"""Shared building blocks for config models: strict base model, durations, kind-keyed entries."""

from __future__ import annotations

import typing
from functools import cache, cached_property
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from cockpit.domain.durations import DURATION_PATTERN, format_duration, parse_duration


class Model(BaseModel):
    """Base for every config model: unknown keys refused, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    # Editors should offer the written form (`2s`), not the number of seconds it becomes.
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "examples": ["500ms", "2s", "10m", "1h"],
        }
    ),
]
"""Seconds, written in config as `2s`, `500ms`, `10m`..."""


def _printable(what: str, example: str, limit: int, *, blank: bool = False) -> AfterValidator:
    def check(value: str) -> str:
        bad = next((ch for ch in value if not (ch.isprintable() or ch == " ")), None)
        if bad is not None:
            raise ValueError(
                f"{what} holds U+{ord(bad):04X}, a control or invisible character; "
                f"write printable text, e.g. {example}"
            )
        if not blank and not value.strip():
            raise ValueError(f"{what} is blank; write e.g. {example}")
        if len(value) > limit:
            raise ValueError(f"{what} is {len(value)} characters long; keep it under {limit}")
        return value

    return AfterValidator(check)


Name = Annotated[str, _printable("a name", "web-api", 100)]
"""A name shown on screen and typed by users: printable, not blank, at most 100 characters."""

Label = Annotated[str, _printable("this text", "EKS production (payments)", 500, blank=True)]
"""A description or badge shown on screen: printable, at most 500 characters."""


def _colour(value: str) -> str:
    from cockpit.config.colours import colour_problem

    problem = colour_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Colour = Annotated[str, AfterValidator(_colour)]
"""A colour: ``#rrggbb`` (or ``#rgb``), ``rgb(r, g, b)`` or a CSS colour name."""


def _nonempty_environments(value: list[str] | None) -> list[str] | None:
    if value is not None and not value:
        raise ValueError(
            "an empty list would mean nowhere: name the environments, "
            "or leave `environments` out for every environment"
        )
    return value


Environments = Annotated[list[str] | None, AfterValidator(_nonempty_environments)]
"""Environments an entry applies to; None (the key left out) means all of them."""


def _http_url(value: str) -> str:
    from urllib.parse import urlsplit

    if not value.startswith(("http://", "https://")):
        raise ValueError(f"url {value!r} must start with http:// or https://")
    try:
        parts = urlsplit(value)
        port = parts.port  # out of range raises
    except ValueError as exc:
        raise ValueError(f"url {value!r}: {exc}; a port is 1-65535") from None
    if port == 0:
        raise ValueError(f"url {value!r}: port 0 cannot be reached; a port is 1-65535")
    if not parts.hostname:
        raise ValueError(f"url {value!r} has no host; write e.g. http://127.0.0.1:8080/health")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
"""An ``http://`` or ``https://`` URL with a host and, if given, a port in 1-65535."""


Loc = tuple[str | int, ...]
"""A path inside the config data, as pydantic reports it: ``("environments", "prod", "badge")``."""


class LocatedError(ValueError):
    """Problems found by a model validator, each at a path relative to the model validated.

    Raise it from a ``model_validator(mode="after")`` when the problem belongs to a field (such as
    a reference to an unknown environment): the config loader reports each problem at the file
    position of that field instead of at the enclosing mapping. ``str()`` joins the messages, so
    plain pydantic users still read what is wrong.
    """

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = tuple(problems)


class KindSettings(Model):
    """The settings of one kind of check, log source, ...

    A kind-keyed model (``CheckConfig``, ``LogSourceConfig``) holds each kind's settings in an
    optional field named after the kind; :func:`kind_fields` finds them, so the list of kinds
    is the model itself.
    """


@cache
def kind_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The kinds a kind-keyed model accepts: its optional :class:`KindSettings` fields, in order."""
    kinds = []
    for name, info in model.model_fields.items():
        args = typing.get_args(info.annotation)
        if type(None) in args and any(
            isinstance(a, type) and issubclass(a, KindSettings) for a in args
        ):
            kinds.append(name)
    return tuple(kinds)


def split_kind(data: Any, kinds: tuple[str, ...], what: str) -> Any:
    """Validate a kind-keyed list entry (`- http: {url: ...}` plus common fields).

    Exactly one of ``kinds`` must be present as a key. Used from ``model_validator(mode="before")``
    in the models of services, log sources, metrics and actions. Returns the data unchanged; the
    model declares each kind as an optional field and reads :func:`kind_of` afterwards.
    """
    if not isinstance(data, dict):
        return data
    present = [k for k in kinds if k in data]
    if len(present) != 1:
        listed = ", ".join(kinds)
        if not present:
            raise ValueError(f"{what} needs exactly one kind key, one of: {listed}")
        raise ValueError(f"{what} has several kind keys ({', '.join(present)}): keep one")
    return data


def kind_of(model: BaseModel, kinds: tuple[str, ...]) -> str:
    """The name of the kind key that is set on a kind-keyed model."""
    for k in kinds:
        if getattr(model, k, None) is not None:
            return k
    raise LookupError("no kind set")


class KindKeyed(Model):
    """A list entry with exactly one kind key (``- http: {...}``) beside its common fields.

    Subclasses declare each kind as an optional :class:`KindSettings` field and name the entry
    in :attr:`what` for the message when no kind or several are written.
    """

    what: ClassVar[str] = "an entry"

    @model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: Any) -> Any:
        return split_kind(data, kind_fields(cls), cls.what)

    @cached_property
    def kind(self) -> str:
        """The kind key that is set (``http``, ``kubernetes``, ...)."""
        return kind_of(self, kind_fields(type(self)))

    @property
    def spec(self) -> KindSettings:
        """The settings of the kind that is set."""
        value = getattr(self, self.kind)
        assert isinstance(value, KindSettings)
        return value
