"""pytest wrapper for `make regress`: one test per (simulator, job, seed) of SUITES["regress"],
run in parallel with pytest-xdist (`pytest -n auto sim/test_regress.py`).

Build first (`python sim/run.py --sim S --suite regress --build-only`, as `make regress`
does) so that workers only reuse the build; run.build() is locked and incremental, so
running this file without the build step is correct too, just slower to start.

Environment (set by the Makefile; defaults in brackets):
  REGRESS_SUITE [regress]    suite of sim/suites.py
  REGRESS_SEEDS [5]          seeds per job
  REGRESS_SEED_BASE [1]      seeds are BASE..BASE+SEEDS-1 (every xdist worker must see the
                             same value: never derive it from the clock in here)
  REGRESS_SIMS [icarus,verilator]
  REGRESS_TESTS [""]         --tests filter (comma-separated substrings)
  REGRESS_WAVES [""]         1 = FST dumps
  REGRESS_COVERAGE [""]      1 = Verilator jobs run on a coverage build (run.py --coverage)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402
from suites import SUITES  # noqa: E402

SEEDS = int(os.environ.get("REGRESS_SEEDS", "5"))
BASE = int(os.environ.get("REGRESS_SEED_BASE", "1"))
SIMS = [s for s in os.environ.get("REGRESS_SIMS", "icarus,verilator").split(",") if s]
FILTERS = [f for f in os.environ.get("REGRESS_TESTS", "").split(",") if f.strip()]
WAVES = os.environ.get("REGRESS_WAVES", "").lower() in ("1", "yes", "true", "on")
COVERAGE = os.environ.get("REGRESS_COVERAGE", "").lower() in ("1", "yes", "true", "on")
os.environ.pop("WAVES", None)  # the cocotb runner would let $WAVES override the build choice

SUITE = os.environ.get("REGRESS_SUITE", "regress")
JOBS = run.unique_jobs([run.Job(**dict(j.__dict__)) for j in SUITES[SUITE]])
CASES = [
    pytest.param(sim, job, BASE + i, id=f"{sim}-{job.name}-{BASE + i}")
    for sim in SIMS
    for job in JOBS
    for i in range(SEEDS)
]


@pytest.mark.parametrize(("sim", "job", "seed"), CASES)
def test_regress(sim: str, job: run.Job, seed: int) -> None:
    if job.sims is not None and sim not in job.sims:
        pytest.skip(f"job {job.name} runs on {', '.join(job.sims)} only")
    cov = COVERAGE and sim == "verilator"
    bdir = run.build(sim, job.params, WAVES, job.build_args.get(sim, ()), cov)
    res = run.run_job(sim, SUITE, bdir, job, seed, waves=WAVES, filters=FILTERS, coverage=cov)
    if res.skipped:
        pytest.skip("no test matches REGRESS_TESTS")
    assert res.ok, "\n" + res.describe()
