"""Functional coverage of client traffic (cocotb-coverage), as a pyuvm subscriber.

Covers burst type x length bucket x size, direction x outcome, AXI IDs,
address-channel back-pressure seen and W-before-AW seen. The coverage points
are module-level (cocotb-coverage keeps one global database per process);
bins that depend on parameters come from SMMU_PARAMS.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_db
from pyuvm import uvm_subscriber

from tb.agents.axi_monitor import AxiObs

_P = json.loads(os.environ.get("SMMU_PARAMS", "{}") or "{}")
_ID_W = int(_P.get("ID_W", 4))
_DATA_W = int(_P.get("DATA_W", 64))
SIZES = list(range((_DATA_W // 8).bit_length()))
LEN_BINS = ["1", "2", "3-4", "5-8", "9-16", "17-64", "65-255", "256"]
BURSTS = ["FIXED", "INCR", "WRAP"]
# AXI4: WRAP is 2/4/8/16 beats, FIXED at most 16 beats
INFEASIBLE_BURST_LEN = [("WRAP", b) for b in ("1", "17-64", "65-255", "256")] + \
                       [("FIXED", b) for b in ("17-64", "65-255", "256")]
# final outcome kinds of tb.model.outcome (KINDS): a stalled transaction ends as one of these
# too; how its stall ended is the client.stall_end point
OUTCOME_KINDS = ("bypass", "abort", "raz", "translate")
# how the last stall of a stalled transaction ended (tb.env.scoreboard StallToken.action)
STALL_ENDS = ["retry", "abort", "term", "stall_term", "disable"]
OUTCOMES = [(d, k) for d in ("read", "write") for k in OUTCOME_KINDS]


def len_bin(n_beats: int) -> str:
    if n_beats <= 2:
        return str(n_beats)
    for hi, name in ((4, "3-4"), (8, "5-8"), (16, "9-16"), (64, "17-64"), (255, "65-255")):
        if n_beats <= hi:
            return name
    return "256"


def _kind(o: AxiObs) -> str:
    return getattr(o.predicted, "kind", "none")


def _stall_end(o: AxiObs) -> str:
    th = getattr(o, "thread", None)
    return th.tokens[-1].action if th is not None and th.tokens else "none"


def _stalls(o: AxiObs) -> str:
    th = getattr(o, "thread", None)
    n = len(th.tokens) if th is not None else 0
    return "0" if n == 0 else ("1" if n == 1 else "2+")


@CoverPoint("client.burst", xf=lambda o: BURSTS[o.burst] if o.burst < 3 else "RSVD", bins=BURSTS)
@CoverPoint("client.len", xf=lambda o: len_bin(o.len + 1), bins=LEN_BINS)
@CoverPoint("client.size", xf=lambda o: o.size, bins=SIZES)
@CoverCross("client.burst_x_len", items=["client.burst", "client.len"], ign_bins=INFEASIBLE_BURST_LEN)
@CoverCross("client.burst_x_size", items=["client.burst", "client.size"])
@CoverPoint("client.dir_x_outcome", xf=lambda o: ("write" if o.is_write else "read", _kind(o)), bins=OUTCOMES)
@CoverPoint("client.id", xf=lambda o: o.id, bins=list(range(1 << _ID_W)))
@CoverPoint("client.stall_end", xf=lambda o: ("write" if o.is_write else "read", _stall_end(o)),
            bins=[(d, a) for d in ("read", "write") for a in STALL_ENDS])
@CoverPoint("client.stalls", xf=_stalls, bins=["1", "2+"])
@CoverPoint("client.addr_backpressure", xf=lambda o: o.stalled, bins=[False, True])
@CoverPoint("client.w_before_aw", xf=lambda o: o.w_early, bins=[True])
def sample_client(o: AxiObs) -> None:
    """Sampled once per completed client transaction."""


class CoverageCollector(uvm_subscriber):
    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.samples = 0
        self.log = logging.getLogger("tb.coverage")
        self.log.setLevel(logging.INFO)

    def write(self, o: AxiObs) -> None:
        self.samples += 1
        sample_client(o)

    def report(self, out_dir: Path = Path(".")) -> str:
        """Log the per-point summary and export XML/YAML into the test directory."""
        if not self.samples:
            return "no client transactions sampled"
        lines = []
        for name in ("client.burst", "client.len", "client.size", "client.burst_x_len", "client.burst_x_size",
                     "client.dir_x_outcome", "client.stall_end", "client.stalls", "client.id", "client.addr_backpressure", "client.w_before_aw"):
            cp = coverage_db[name]
            lines.append(f"  {name:28s} {cp.coverage:4d}/{cp.size:<4d} ({cp.cover_percentage:5.1f}%)")
        text = "coverage:\n" + "\n".join(lines)
        self.log.info(text)
        try:
            coverage_db.export_to_xml(filename=str(out_dir / "coverage.xml"))
            coverage_db.export_to_yaml(filename=str(out_dir / "coverage.yml"))
        except Exception as e:  # noqa: BLE001 - export problems must not mask test results
            self.log.warning("coverage export failed: %s", e)
        return text
