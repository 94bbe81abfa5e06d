"""Run-time configuration shared by env and tests: DUT parameters, seeds, rerun hint, and the
outer knobs.

The environment variables below are the *outer* knob only: SmmuBaseTest.build_phase reads them
once (``read_knobs``) and publishes them in pyuvm's ConfigDB; components and tests read ConfigDB
(``ConfigDB().get(self, "", key, default)``), never ``os.environ``. docs/architecture.md
(testbench section) has the table of ConfigDB keys.
"""

from __future__ import annotations

import json
import os
import random
import zlib
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

import cocotb
import numpy as np

from tb.hier import port_prefix
from tb.regmap import SmmuParams


def _width(handle, default: int) -> int:
    try:
        return len(handle)
    except TypeError:
        return 1
    except Exception:  # noqa: BLE001
        return default


def detect_params(dut, smmu_params: Optional[Mapping[str, Any]] = None) -> SmmuParams:
    """Port widths are authoritative (they are what was built); the SMMU_PARAMS knob (a dict,
    from ConfigDB; None: read the environment variable) fills the rest."""
    env = smmu_params if smmu_params is not None else _json_dict(os.environ.get("SMMU_PARAMS", ""))
    d = SmmuParams().hdl()
    d.update({k: int(v) for k, v in env.items() if k in d})
    p = port_prefix(dut)                                    # smmu_multi wrapper: TBU 0's ports
    d["DATA_W"] = _width(getattr(dut, p + "s_axi_wdata"), d["DATA_W"])
    d["ID_W"] = _width(getattr(dut, p + "s_axi_awid"), d["ID_W"])
    d["OAS_BITS"] = _width(getattr(dut, p + "m_axi_awaddr"), d["OAS_BITS"])
    d["SID_W"] = _width(getattr(dut, p + "s_axi_awmmusid"), d["SID_W"])
    d["SSID_W"] = _width(getattr(dut, p + "s_axi_awmmussid"), d["SSID_W"])
    return SmmuParams.from_hdl(d)


@dataclass
class Seeds:
    base: int
    test: int

    @classmethod
    def for_test(cls, test_name: str, base: Optional[int] = None) -> "Seeds":
        # COCOTB_RANDOM_SEED is what the runner's --seed sets; cocotb.RANDOM_SEED is per-test derived
        if base is None:
            base = int(os.environ.get("COCOTB_RANDOM_SEED", cocotb.RANDOM_SEED))
        return cls(base, (base * 1_000_003 + zlib.crc32(test_name.encode())) & 0xFFFF_FFFF)

    def py(self, salt: str) -> random.Random:
        return random.Random(self.test ^ zlib.crc32(salt.encode()))

    def np(self, salt: str) -> np.random.Generator:
        return np.random.default_rng(self.test ^ zlib.crc32(salt.encode()))


def rerun_hint(test_name: str, seed: int, sim: Optional[str] = None, suite: Optional[str] = None) -> str:
    sim = sim or os.environ.get("SMMU_SIM", "icarus")
    suite = suite or os.environ.get("SMMU_SUITE", "quick")
    target = {"quick": "test-sim", "sim": "sim", "regress": "test-sim"}.get(suite, "test-sim")
    return (f"rerun: python sim/run.py --sim {sim} --suite {suite} --tests {test_name} --seed {seed}"
            f"   (or: make {target} SIM={sim} TESTS={test_name} SEED={seed})")


def env_int(name: str, default: int) -> int:
    """Outside a pyuvm test only (e.g. a module-level constant): inside a test use
    SmmuBaseTest.knob(name, default), which reads ConfigDB."""
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# ---------------------------------------------------------------- outer knobs -> ConfigDB
def _json_dict(text: str) -> Dict[str, Any]:
    return json.loads(text or "{}") or {}


def _flag(text: str) -> bool:
    return text.strip().lower() not in ("", "0", "false", "no", "off")


# name -> (parser, meaning). Only these environment variables reach the testbench; each is published
# in ConfigDB under its own name (global scope "*") when it is set. Unset: the reader's default.
KNOBS: Dict[str, tuple] = {
    "COCOTB_RANDOM_SEED": (int, "base seed (sim/run.py --seed); every random stream derives from it"),
    "SMMU_PARAMS": (_json_dict, "smmu_top parameters of the build (JSON); port widths win"),
    "SMMU_SIM": (str, "simulator name for the rerun hint"),
    "SMMU_SUITE": (str, "suite name for the rerun hint"),
    "SMMU_SEED_TIMING": (_flag, "regress: each test starts from seed-chosen back-pressure and latencies"),
    "SMMU_SUMMARY_FILE": (str, "sim/run.py: per-test JSON summary lines (transactions, cycles) go here"),
    "SMMU_TBU_ALL": (_flag, "smmu_multi jobs: a test that leaves a TBU without traffic fails"),
    "SB_DEBUG": (_flag, "scoreboard and event checker log at DEBUG"),
    "TXNS": (int, "transactions of the random / long tests"),
    "GPU_FAULTS": (int, "faults of the GPU job scenarios (test_main, test_stall)"),
    "HANDOVER_TXNS": (int, "transactions of StallFirmwareHandover"),
    "STALL_EXTRA": (int, "transactions beyond STALL_MAX in StallMaxFull"),
    "STALL_ROUNDS": (int, "rounds of STALL_MAX stalls in CodecovStallTags"),
    "XLT_MAPPINGS": (int, "mappings of TranslateRandom"),
    "LIVENESS_LAT": (int, "walk latency of LivenessSmmuenSweep"),
    "SWEEP_MAX": (int, "sweep length of LivenessSmmuenSweep"),
    "SWEEP_STEP": (int, "sweep step of LivenessSmmuenSweep"),
    "DRV_CMDQ_SHIFT": (int, "driver: command queue log2 size"),
    "DRV_EVTQ_SHIFT": (int, "driver: event queue log2 size"),
    "DRV_LINUX_CHECKS": (_flag, "driver: refuse what Linux refuses (0: allow tiny queues)"),
    "BENCH_TXNS": (int, "benchmarks: stream length"),
    "BENCH_SWEEP_N": (int, "bench_translate: measured accesses per sweep point"),
    "BENCH_STALL_WINDOW": (int, "bench_stall: cycles before stalls are ended anyway"),
    "BENCH_STALL_SB": (_flag, "bench_stall: the scoreboard models the stalled stream too"),
    "BENCH_BURSTS": (int, "bench_bypass: bursts"),
    "BENCH_CMDQ_N": (int, "bench_cmdq: commands"),
    "BENCH_STORM_PAGES": (int, "bench_inv_storm: pages"),
}


def read_knobs(environ: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """The outer knobs that are set, parsed (a value that does not parse is dropped with its default
    left to the reader, as env_int did)."""
    environ = os.environ if environ is None else environ
    out: Dict[str, Any] = {}
    for name, (parse, _) in KNOBS.items():
        text = environ.get(name)
        if text is None or text == "":
            continue
        try:
            out[name] = parse(text)
        except (ValueError, TypeError):
            pass
    return out
