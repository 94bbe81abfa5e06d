"""sim/run.py's wall-clock limit per job: a timer kills every process the runner started."""
import subprocess
import sys
import time
from pathlib import Path

SIM = Path(__file__).resolve().parents[2] / "sim"
if str(SIM) not in sys.path:
    sys.path.insert(0, str(SIM))

import run  # noqa: E402


def test_descendants_lists_grandchildren():
    # a shell that starts a sleep: both are below this process
    p = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    try:
        deadline = time.monotonic() + 5
        kids = []
        while time.monotonic() < deadline:
            kids = run._descendants(run.os.getpid())
            if len(kids) >= 2:
                break
            time.sleep(0.05)
        assert p.pid in kids and len(kids) >= 2
    finally:
        p.kill()
        p.wait()


def test_time_limit_kills_the_simulator_and_says_so():
    state: dict = {}
    timer = run._with_time_limit(0.3, state)
    t0 = time.monotonic()
    rc = subprocess.run(["sh", "-c", "sleep 30 & wait"]).returncode
    timer.cancel()
    assert rc != 0 and time.monotonic() - t0 < 10
    assert state.get("timed_out") is True


def test_no_limit_and_a_job_that_ends_in_time():
    assert run._with_time_limit(None, {}) is None
    state: dict = {}
    timer = run._with_time_limit(5, state)
    assert subprocess.run(["true"]).returncode == 0
    timer.cancel()
    assert "timed_out" not in state
