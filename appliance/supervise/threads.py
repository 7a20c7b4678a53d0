"""A worker thread that dies ends the process, so systemd restarts it cleanly.

A background thread (the frame grabber, the voice) that raises would otherwise vanish
while the main loop carries on half-blind. ``exit_on_thread_crash()`` installs a
``threading.excepthook`` that logs the traceback, puts it in ``STATUS=`` and exits with
``EXIT_RUNTIME`` (1), which ``Restart=on-failure`` restarts.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable

from appliance.errors import EXIT_RUNTIME
from appliance.supervise.watchdog import Notify

log = logging.getLogger("hinge_mirror.supervise")


def exit_on_thread_crash(
    notify: Notify | None = None,
    *,
    exit_code: int = EXIT_RUNTIME,
    exit_now: Callable[[int], object] = os._exit,
) -> None:
    """Make an uncaught exception in any thread end the whole process with ``exit_code``.

    ``exit_now`` defaults to ``os._exit``: other threads may hold locks or be blocked, so
    a normal interpreter shutdown could hang; systemd cleans up after us. Tests pass a
    recorder instead.
    """

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        log.critical(
            "thread %s died; exiting so systemd restarts the mirror",
            name,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
        )
        if notify is not None:
            notify.status(f"thread {name} died: {args.exc_type.__name__}: {args.exc_value}")
        for handler in logging.getLogger().handlers:
            handler.flush()
        sys.stderr.flush()
        exit_now(exit_code)

    threading.excepthook = hook
