"""Steps that must run to their end: SIGINT and SIGTERM held back while they run, delivered after.

``dgpe run`` turns Ctrl-C (SIGINT) and SIGTERM into an exception raised wherever the main thread is
(:class:`KeyboardInterrupt`, and :class:`dgpe.cli.Terminated`). Raised inside the final renames of a
report or inside the removal of its temporary folder, it would leave a report hidden under a
temporary name or half a folder behind. :func:`deferred_signals` replaces the two handlers, for the
duration of a ``with`` block, by one that only notes the signal; on leaving the block the handlers
are put back and a noted signal is raised again (:func:`signal.raise_signal`), so that it reaches the
handler it was meant for, just later.

Python runs signal handlers in the main thread only, and only the main thread may change them: in
another thread the block runs unchanged (no handler can interrupt it there). Replacing the handlers
rather than masking the signals (``signal.pthread_sigmask``) works the same on Windows, which has
no signal masks, and whatever other threads are running (a mask is per thread, so a signal would be
delivered through another thread and its handler still run in the main one).

>>> import os, signal
>>> caught = []
>>> old = signal.signal(signal.SIGINT, lambda s, f: caught.append("handled"))
>>> with deferred_signals():
...     signal.raise_signal(signal.SIGINT)
...     caught.append("block ended")
>>> caught
['block ended', 'handled']
>>> _ = signal.signal(signal.SIGINT, old)
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["deferred_signals", "DEFERRED"]

#: The signals held back.
DEFERRED = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def deferred_signals() -> Iterator[list[int]]:
    """Hold SIGINT and SIGTERM back while the block runs, deliver them (each once, in order) after.

    Yields the list of the signals noted so far. Nested blocks hold until the outermost ends."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    noted: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        if signum not in noted:
            noted.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in DEFERRED}
    try:
        yield noted
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for signum in noted:
            signal.raise_signal(signum)
