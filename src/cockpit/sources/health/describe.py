"""One-line reasons for network errors (sanitized, see :func:`cockpit.text.sanitize.excerpt`)."""

from __future__ import annotations

import socket
import ssl

from cockpit.domain.durations import format_duration
from cockpit.text.sanitize import excerpt


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.append(current)
        # anyio reports "All connection attempts failed" with the real errors in a group.
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        nxt = current.__cause__ or current.__context__
        if nxt is not None:
            todo.append(nxt)
    return seen


def describe_error(exc: BaseException, *, host: str = "", timeout: float | None = None) -> str:
    """A short human reason for a connection-level failure (DNS, refused, TLS, timeout)."""
    chain = _chain(exc)
    for err in chain:
        if isinstance(err, ssl.SSLCertVerificationError):
            return f"TLS error: certificate verify failed: {err.verify_message or err}"
        if isinstance(err, ssl.SSLError):
            return f"TLS error: {err.reason or err}"
    for err in chain:
        if isinstance(err, socket.gaierror):
            where = f" for {host}" if host else ""
            return f"DNS lookup failed{where}: {err.strerror or err}"
        if isinstance(err, ConnectionRefusedError):
            return "connection refused"
        if isinstance(err, TimeoutError) or type(err).__name__.endswith("Timeout"):
            after = f" after {format_duration(timeout)}" if timeout is not None else ""
            return f"timed out{after}"
    for err in chain:
        if isinstance(err, OSError) and err.strerror:
            return err.strerror
    text = str(exc) or type(exc).__name__
    return excerpt(text, 200)
