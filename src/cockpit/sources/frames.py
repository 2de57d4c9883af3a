"""Length-prefixed pickle frames over pipes, between the cockpit and its own worker processes.

Both ends run this package's code, so pickle is safe here; nothing else ever writes these pipes.
"""

from __future__ import annotations

import os
import pickle
import select
from typing import IO, Any

_HEADER = 4


def write_frame(stream: IO[bytes], obj: Any) -> None:
    """Write one object and flush."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_HEADER, "big") + data)
    stream.flush()


def _read_exact(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, timeout: float | None) -> Any:
    """Read one object, waiting at most ``timeout`` seconds for it to start.

    Returns:
        The object, or ``None`` when nothing arrived in time.

    Raises:
        EOFError: the other end closed the pipe.
    """
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    size = int.from_bytes(_read_exact(fd, _HEADER), "big")
    return pickle.loads(_read_exact(fd, size))
