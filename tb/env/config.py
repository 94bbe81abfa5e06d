"""Run-time configuration shared by env and tests: DUT parameters, seeds, rerun hint."""

from __future__ import annotations

import json
import os
import random
import zlib
from dataclasses import dataclass

import cocotb
import numpy as np

from tb.regmap import SmmuParams


def _width(handle, default: int) -> int:
    try:
        return len(handle)
    except TypeError:
        return 1
    except Exception:  # noqa: BLE001
        return default


def detect_params(dut) -> SmmuParams:
    """Port widths are authoritative (they are what was built); SMMU_PARAMS fills the rest."""
    env = json.loads(os.environ.get("SMMU_PARAMS", "{}") or "{}")
    d = SmmuParams().hdl()
    d.update({k: int(v) for k, v in env.items() if k in d})
    d["DATA_W"] = _width(dut.s_axi_wdata, d["DATA_W"])
    d["ID_W"] = _width(dut.s_axi_awid, d["ID_W"])
    d["OAS_BITS"] = _width(dut.m_axi_awaddr, d["OAS_BITS"])
    d["SID_W"] = _width(dut.s_axi_awmmusid, d["SID_W"])
    d["SSID_W"] = _width(dut.s_axi_awmmussid, d["SSID_W"])
    return SmmuParams.from_hdl(d)


@dataclass
class Seeds:
    base: int
    test: int

    @classmethod
    def for_test(cls, test_name: str) -> "Seeds":
        # COCOTB_RANDOM_SEED is what the runner's --seed sets; cocotb.RANDOM_SEED is per-test derived
        base = int(os.environ.get("COCOTB_RANDOM_SEED", cocotb.RANDOM_SEED))
        return cls(base, (base * 1_000_003 + zlib.crc32(test_name.encode())) & 0xFFFF_FFFF)

    def py(self, salt: str) -> random.Random:
        return random.Random(self.test ^ zlib.crc32(salt.encode()))

    def np(self, salt: str) -> np.random.Generator:
        return np.random.default_rng(self.test ^ zlib.crc32(salt.encode()))


def rerun_hint(test_name: str, seed: int) -> str:
    sim = os.environ.get("SMMU_SIM", "icarus")
    suite = os.environ.get("SMMU_SUITE", "quick")
    target = {"quick": "test-sim", "sim": "sim", "regress": "test-sim"}.get(suite, "test-sim")
    return (f"rerun: python sim/run.py --sim {sim} --suite {suite} --tests {test_name} --seed {seed}"
            f"   (or: make {target} SIM={sim} TESTS={test_name} SEED={seed})")


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default
