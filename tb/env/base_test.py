"""Base test: clock, reset, env, watchdog, error collection and the rerun hint.

A test overrides ``body()``. The body runs under a simulated-time watchdog
(``timeout_us``), so a hang becomes a failure; every error collected by the
checkers, the scoreboard and the register agent fails the test in
check_phase with the seed and the command that reproduces it.
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from typing import List, Optional

from cocotb.triggers import with_timeout
from pyuvm import uvm_test

from tb.env.config import Seeds, rerun_hint
from tb.env.env import SmmuEnv


class SmmuBaseTest(uvm_test):
    timeout_us: float = 3000.0

    def build_phase(self) -> None:
        self.log = logging.getLogger(f"tb.{type(self).__name__}")
        self.log.setLevel(logging.INFO)
        self.seeds = Seeds.for_test(type(self).__name__)
        self.log.info("seed %d (test stream %d)  %s", self.seeds.base, self.seeds.test,
                      rerun_hint(type(self).__name__, self.seeds.base))
        self.env = SmmuEnv("env", self, self.seeds)
        self.failure: Optional[str] = None
        self.expected_errors = False

    @property
    def regs(self):
        return self.env.regs

    async def body(self) -> None:
        raise NotImplementedError

    def take_errors(self, errors: List[str], needle: str, count: Optional[int] = 1) -> List[str]:
        """A fault the test injected was caught: remove from ``errors`` exactly the errors that name
        it (``needle``), ``count`` of them (None: at least one), and return them. Every other error
        stays in the list and fails the test in check_phase."""
        hits = [e for e in errors if needle in e]
        assert hits, f"fault not detected: no error containing {needle!r}; errors were {errors[:3]}"
        assert count is None or len(hits) == count, \
            f"expected {count} error(s) containing {needle!r} for the injected fault, got {len(hits)}: {hits[:3]}"
        for e in hits:
            errors.remove(e)
        self.log.info("caught as expected: %s", hits[0].splitlines()[0])
        return hits

    async def run_phase(self) -> None:
        self.raise_objection()
        try:
            await with_timeout(self.env.start(), 10, "us")
            await with_timeout(self.body(), self.timeout_us, "us")
            await with_timeout(self.env.quiesce(), 200, "us")
        except Exception:  # noqa: BLE001 - reported in check_phase with the rerun hint
            self.failure = traceback.format_exc()
            self.log.error("test body failed:\n%s", self.failure)
        self.drop_objection()

    def extract_phase(self) -> None:
        self.env.final_check()
        self.log.info("summary: %s", self.env.summary())
        self._write_summary()
        self.env.cov.report()

    def _write_summary(self) -> None:
        """One JSON line per test to $SMMU_SUMMARY_FILE (sim/run.py sets it): the s_axi
        transactions and cycles of the test, summed per job into the JUnit properties."""
        path = os.environ.get("SMMU_SUMMARY_FILE")
        if not path:
            return
        st = self.env.s_mon.stats
        rec = {"test": type(self).__name__, "seed": self.seeds.base, "transactions": st["aw"] + st["ar"],
               "cycles": self.env.cycles()}
        with open(path, "a") as fh:
            fh.write(json.dumps(rec) + "\n")

    def check_phase(self) -> None:
        errs: List[str] = self.env.collect_errors()
        if self.failure:
            errs.insert(0, "exception: " + self.failure)
        if errs:
            msg = (f"{type(self).__name__} FAILED with {len(errs)} error(s), seed {self.seeds.base}\n"
                   + "\n".join(errs[:20]) + "\n" + rerun_hint(type(self).__name__, self.seeds.base))
            self.log.error(msg)
            raise AssertionError(msg)
