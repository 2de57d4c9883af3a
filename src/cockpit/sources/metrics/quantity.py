"""Kubernetes resource quantities (``250m``, ``1``, ``123456n``, ``128Mi``, ``1e3``) as numbers."""

from __future__ import annotations

import re
from decimal import Decimal

_SUFFIXES: dict[str, Decimal] = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
}
# An exponent is tried before the suffixes: "1E3" is 1000, a bare "1E" is one exa.
_QUANTITY = re.compile(
    r"([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)"
)


def parse_quantity(text: str) -> float:
    """The value of a quantity in base units: cores for CPU, bytes for memory.

    Raises:
        ValueError: ``text`` is not a quantity (the message quotes it).
    """
    match = _QUANTITY.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a quantity: {text!r}")
    number, exponent, suffix = match.groups()
    value = Decimal(number)
    if exponent is not None:
        return float(value.scaleb(int(exponent)))
    return float(value * _SUFFIXES[suffix or ""])
