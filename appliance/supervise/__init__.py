"""Supervision by systemd: sd_notify, READY/watchdog from stage progress, crash-to-exit.

- ``sd_notify``: the notification protocol, no dependencies, never raises.
- ``watchdog``: READY once every stage works; pings only while every stage progresses.
- ``threads``: a dead worker thread ends the process so systemd restarts it.
"""

from appliance.supervise.sd_notify import Notifier, watchdog_interval_s
from appliance.supervise.threads import exit_on_thread_crash
from appliance.supervise.watchdog import StageHeartbeat, Watchdog

__all__ = ["Notifier", "StageHeartbeat", "Watchdog", "exit_on_thread_crash", "watchdog_interval_s"]
