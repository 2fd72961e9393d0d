"""Child processes with a wall-clock limit (jobs/runner.py): SIGINT first, SIGKILL after grace."""

from __future__ import annotations

import sys
import textwrap
import time

from jobs.runner import ChildProcess

GRACEFUL = textwrap.dedent(
    """
    import signal, sys, time
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    print("ready", flush=True)
    time.sleep(60)
    """
)
STUBBORN = textwrap.dedent(
    """
    import signal, time
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("ready", flush=True)
    time.sleep(60)
    """
)


def test_a_child_past_its_timeout_is_stopped_gracefully_with_sigint():
    child = ChildProcess([sys.executable, "-c", GRACEFUL], timeout=0.5, stop_grace=30)
    started = time.monotonic()
    result = child.run(lambda pid: None)
    assert result.returncode == 0
    assert result.timed_out and not result.stopped
    assert time.monotonic() - started < 10


def test_a_child_that_ignores_sigint_is_killed_after_the_grace_period():
    child = ChildProcess([sys.executable, "-c", STUBBORN], timeout=0.3, stop_grace=0.5)
    result = child.run(lambda pid: None)
    assert result.returncode == -9
    assert result.timed_out


def test_a_stop_request_interrupts_a_child_before_its_timeout():
    child = ChildProcess([sys.executable, "-c", GRACEFUL], timeout=60, stop_grace=30)
    result = child.run(lambda pid: child.request_stop())
    assert result.stopped and not result.timed_out
