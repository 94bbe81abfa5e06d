"""pytest wrapper for `make regress`: one test per (simulator, job, seed) of SUITES["regress"],
run in parallel with pytest-xdist (`pytest -n auto sim/test_regress.py`).

Builds happen on demand: run.build() is locked and incremental, so the first worker that
needs a (simulator, parameters) build makes it and the others wait for it.

Environment (set by the Makefile; defaults in brackets):
  REGRESS_SUITE [regress]    suite of sim/suites.py
  REGRESS_SEEDS [5]          seeds per job (every job, directed ones too)
  REGRESS_SEED_BASE [1]      seeds are BASE..BASE+SEEDS-1 (every xdist worker and every shard
                             must see the same value: never derive it from the clock in here)
  REGRESS_SIMS [icarus,verilator]
  REGRESS_TESTS [""]         --tests filter (comma-separated substrings)
  REGRESS_WAVES [""]         1 = FST dumps for every case
  REGRESS_COVERAGE [""]      1 = Verilator jobs run on a coverage build (run.py --coverage)
  REGRESS_SHARD [""]         "i/N": only shard i (1-based) of N (sim/shard.py; the same
                             SEEDS, SEED_BASE, SIMS and TESTS on every shard)
  REGRESS_DURATIONS [sim/regress_durations.json]  seconds per <sim>-<job> to balance shards
                             ("none": round-robin over the sorted case ids)
  REGRESS_TIMEOUT [3600]     wall-clock seconds per case: the simulator is killed and the case
                             fails with "timeout after N s"
  REGRESS_RERUN [1]          a failing case is rerun once with waves (FST kept under
                             results/<sim>/<job>-<seed>-rerun/); it stays a failure
  REGRESS_RERUN_MAX [10]     at most this many reruns per worker process (a broken build must
                             not double the regression's time); later failures are not rerun

Each case writes the simulator's output to results/<sim>/<job>-<seed>/sim.log (kept; pytest
would otherwise swallow it) and records JUnit properties (sim, suite, job, seed, transactions, cycles, and for a
failure first_error, rerun, rerun_reproduced, rerun_waves) for sim/triage.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402
import shard  # noqa: E402
from suites import SUITES  # noqa: E402


def _on(name: str, default: str = "") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "yes", "true", "on")


SEEDS = int(os.environ.get("REGRESS_SEEDS", "5"))
BASE = int(os.environ.get("REGRESS_SEED_BASE", "1"))
SIMS = [s for s in os.environ.get("REGRESS_SIMS", "icarus,verilator").replace(" ", ",").split(",") if s]
FILTERS = [f for f in os.environ.get("REGRESS_TESTS", "").split(",") if f.strip()]
WAVES = _on("REGRESS_WAVES")
COVERAGE = _on("REGRESS_COVERAGE")
SHARD = os.environ.get("REGRESS_SHARD", "").strip()
DURATIONS = os.environ.get("REGRESS_DURATIONS", "")
TIMEOUT = float(os.environ.get("REGRESS_TIMEOUT", run.DEFAULT_JOB_TIMEOUT))
RERUN = _on("REGRESS_RERUN", "1")
RERUN_MAX = int(os.environ.get("REGRESS_RERUN_MAX", "10"))
_reruns = [0]
os.environ.pop("WAVES", None)  # the cocotb runner would let $WAVES override the build choice

SUITE = os.environ.get("REGRESS_SUITE", "regress")
JOBS = run.unique_jobs([run.Job(**dict(j.__dict__)) for j in SUITES[SUITE]])
for s in SIMS:
    if s not in run.SIMS:
        raise ValueError(f"REGRESS_SIMS: unknown simulator {s!r} (one of {', '.join(run.SIMS)})")
ALL = {f"{sim}-{job.name}-{BASE + i}": (sim, job, BASE + i)
       for sim in SIMS for job in JOBS for i in range(SEEDS)
       if job.runs_on(sim)}   # e.g. the Verilator random-initialisation jobs
MINE = shard.select(list(ALL), SHARD,
                    {} if DURATIONS.lower() == "none" else shard.load_durations(DURATIONS or None))
CASES = [pytest.param(*ALL[cid], id=cid) for cid in MINE]


@pytest.mark.parametrize(("sim", "job", "seed"), CASES)
def test_regress(sim: str, job: run.Job, seed: int, record_property) -> None:
    cov = COVERAGE and sim == "verilator"
    bdir = run.build(sim, job.params, WAVES, job.build_args_for(sim), cov)
    res = run.run_job(sim, SUITE, bdir, job, seed, waves=WAVES, filters=FILTERS, coverage=cov,
                      timeout=TIMEOUT, log=True)
    if res.skipped:
        pytest.skip("no test matches REGRESS_TESTS")
    if not res.ok and RERUN and not WAVES and _reruns[0] < RERUN_MAX:
        _reruns[0] += 1
        run.rerun_with_waves(res, FILTERS, TIMEOUT, log=True)
    for k, v in run.job_properties(res).items():
        record_property(k, v)
    assert res.ok, f"{res.first_error}\n{res.describe()}"
