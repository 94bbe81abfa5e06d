"""Base test: outer knobs into ConfigDB, clock, reset, env, watchdog, error collection and the
rerun hint.

build_phase reads the outer knobs once (tb.env.config.read_knobs: environment variables such as
TXNS, COCOTB_RANDOM_SEED, DRV_*, SMMU_PARAMS) and publishes them in ConfigDB at global scope
(``ConfigDB().set(None, "*", name, value)``), with ``DUT`` (cocotb.top) and ``SEEDS``; components
read ConfigDB in their build_phase, tests read a knob with ``self.knob(name, default)``. A test
variant that changes settings or replaces a component overrides ``configure()`` (called before the
env is created): ConfigDB entries for the env's components (``self.cdb_set_env(path, key, value)``)
and factory overrides (``uvm_factory().set_type_override_by_type(Original, Variant)``).

A test overrides ``body()``. The body runs under a simulated-time watchdog
(``timeout_us``), so a hang becomes a failure; every error collected by the
checkers, the scoreboard and the register agent fails the test in
check_phase with the seed and the command that reproduces it.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import List, Optional

import cocotb
from cocotb.triggers import with_timeout
from pyuvm import ConfigDB, uvm_test

from tb.env.config import Seeds, read_knobs, rerun_hint
from tb.env.env import SmmuEnv

_UNSET = object()


class SmmuBaseTest(uvm_test):
    timeout_us: float = 3000.0

    def build_phase(self) -> None:
        self.log = logging.getLogger(f"tb.{type(self).__name__}")
        self.log.setLevel(logging.INFO)
        cdb = ConfigDB()
        for name, value in read_knobs().items():          # the outer knobs, read once
            cdb.set(None, "*", name, value)
        cdb.set(None, "*", "DUT", cocotb.top)
        self.seeds = Seeds.for_test(type(self).__name__, self.knob("COCOTB_RANDOM_SEED", cocotb.RANDOM_SEED))
        cdb.set(None, "*", "SEEDS", self.seeds)
        self.log.info("seed %d (test stream %d)  %s", self.seeds.base, self.seeds.test, self.rerun_hint())
        self.configure()
        self.env = SmmuEnv.create("env", self)
        self.failure: Optional[str] = None
        self.expected_errors = False

    def configure(self) -> None:
        """Test variants: ConfigDB settings and factory overrides, before the env is built."""

    def knob(self, name: str, default=None):
        """An outer knob (or any ConfigDB entry visible to the test), ``default`` when unset."""
        v = ConfigDB().get(self, "", name, _UNSET)
        return default if v is _UNSET else v

    def cdb_set_env(self, path: str, key: str, value) -> None:
        """ConfigDB entry for env component(s) ``path`` (relative to the env, globs allowed)."""
        ConfigDB().set(self, "env." + path if path else "env", key, value)

    def rerun_hint(self) -> str:
        return rerun_hint(type(self).__name__, self.seeds.base, self.knob("SMMU_SIM"), self.knob("SMMU_SUITE"))

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
        """One JSON line per test to the SMMU_SUMMARY_FILE knob (sim/run.py sets it): the s_axi
        transactions and cycles of the test, summed per job into the JUnit properties."""
        path = self.knob("SMMU_SUMMARY_FILE")
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
                   + "\n".join(errs[:20]) + "\n" + self.rerun_hint())
            self.log.error(msg)
            raise AssertionError(msg)
