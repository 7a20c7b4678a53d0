"""Keep native libraries' chatter off the user's terminal.

C and C++ libraries (the inference runtime, SDL) print straight to file descriptor 2, past
Python's ``sys.stderr``, and some have no setting to stop it. The user is promised one
line per error or per check, so such calls run with fd 2 sent to /dev/null for a moment.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the ``with`` block.

    Process-wide: another thread's error output in that moment is lost too, so keep the
    block to one-off start-up calls.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
