"""Helpers shared by the benchmarks (no tests here): a sampler listener, summary statistics and
the RTL performance counters read through the hierarchy."""

from __future__ import annotations

from statistics import mean
from typing import Dict, List, Optional, Sequence, Tuple

from tb import hier


class Tap:
    """An AxiSampler listener calling ``fn(cycle, snap)`` on every clock edge."""

    def __init__(self, fn) -> None:
        self.on_edge = fn

    def tb_busy(self) -> bool:
        return False


def stats(vals: List[Optional[int]]) -> dict:
    """min / max / mean / n of the values that are not None."""
    vals = [v for v in vals if v is not None]
    if not vals:
        return {"n": 0}
    return {"min": min(vals), "max": max(vals), "mean": round(mean(vals), 2), "n": len(vals)}


def counter(dut, block: str, name: str) -> Optional[int]:
    """RTL counter ``<block>.<name>`` as an int (smmu_multi: summed over the TBUs), None if this
    build has no such signal or it is X/Z."""
    try:
        return hier.counter(dut, block, name)
    except (AttributeError, ValueError):
        return None


def read_counters(dut, counters: Sequence[Tuple[str, str]]) -> Dict[str, Optional[int]]:
    """{"<block prefix>.<name without cnt_>": value} for every (block, name) of ``counters``."""
    return {f"{b.split('_')[0]}.{n[4:]}": counter(dut, b, n) for b, n in counters}


def counter_delta(a: dict, b: dict) -> Dict[str, Optional[int]]:
    return {k: (None if a[k] is None or b[k] is None else b[k] - a[k]) for k in a}


def write_results(name: str, res: dict, log, summary_lines) -> None:
    """bench/results/<name>-<simulator>.json, the JSON on one log line and the digest lines."""
    import json
    from pathlib import Path

    import cocotb

    sim = cocotb.SIM_NAME.lower().split()[0]
    outdir = Path(__file__).resolve().parent / "results"
    outdir.mkdir(exist_ok=True)
    (outdir / f"{name}-{sim}.json").write_text(json.dumps(res, indent=2) + "\n")
    log.info("BENCH %s: %s", name, json.dumps(res))
    for line in summary_lines(res):
        log.info("BENCH %s", line)
