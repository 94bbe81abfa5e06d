"""cocotb helpers shared by the driver-level tests (bring-up, queues).

* ``driver_for(env, **overrides)``: an SmmuDriver on the env's register agent and
  memory image; DriverConfig knobs also from ConfigDB (the outer knobs DRV_CMDQ_SHIFT,
  DRV_EVTQ_SHIFT, DRV_LINUX_CHECKS=0, published by the base test) so suite jobs can run
  the same test with small queues.
* ``one_txn(env, sid, ...)``: one single-beat client transaction, awaited.
* ``expected_event(env, txn)``: the record tb.model.config.lookup_config predicts;
  ``expected_outcome(env, txn)``: the whole outcome (tb.model.outcome.predict: configuration,
  then the stage-1 walk in the same memory image).
* ``tlb_counters(dut)``: the RTL's translation counters (lookups, hits, walks, merges).
* ``collect_events``, ``random_tw_backpressure``.
* ``TwTap``: timestamps of m_axi_tw handshakes (AR, last R, AW, B) by ID.
* ``PulseCounter``: rising edges of a 1-bit output (cmdq_sync_irq).
* Stall model: ``stall_counters(dut)`` (dut.stall_inst counters), ``check_stall_counters(env, base)``
  (RTL counters against the scoreboard's view of stalls and resumes), ``iopf_mapper`` (an IO page
  fault handler mapping the faulting page through the scoreboard), ``wait_until``.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import cocotb
from cocotb.triggers import RisingEdge
from pyuvm import ConfigDB

from tb import hier
from tb.agents.axi_signals import INCR
from tb.agents.axi_txn import AxiTxn
from tb.driver.smmu_driver import DriverConfig, SmmuDriver
from tb.model.config import lookup_config
from tb.model.events import EventRecord, diff_events, format_diff

MEM_BASE = 0x1000_0000


def driver_config(**overrides) -> DriverConfig:
    """DriverConfig from the DRV_* knobs, which the base test publishes in ConfigDB (global scope)."""
    cdb = ConfigDB()
    kw = {}
    if cdb.get(None, "", "DRV_CMDQ_SHIFT", None) is not None:
        kw["cmdq_shift"] = int(cdb.get(None, "", "DRV_CMDQ_SHIFT"))
    if cdb.get(None, "", "DRV_EVTQ_SHIFT", None) is not None:
        kw["evtq_shift"] = int(cdb.get(None, "", "DRV_EVTQ_SHIFT"))
    if not cdb.get(None, "", "DRV_LINUX_CHECKS", True):
        kw["linux_checks"] = False
    kw.update(overrides)
    return DriverConfig(**kw)


def driver_for(env, **overrides) -> SmmuDriver:
    return SmmuDriver(env.regs, env.mem, driver_config(**overrides))


def make_txn(env, sid: int, addr: int = MEM_BASE, write: bool = False, ssid: int = 0, ssidv: int = 0,
             id_: int = 0, prot: int = 0) -> AxiTxn:
    it = AxiTxn(f"sid{sid:#x}")
    db = env.data_bytes
    it.is_write, it.id, it.addr, it.len = write, id_, addr, 0
    it.size = db.bit_length() - 1
    it.burst, it.prot = INCR, prot
    it.sid, it.ssid, it.ssidv = sid, ssid, ssidv
    if write:
        it.data, it.strb = [0x5A5A_0000 + sid], [(1 << db) - 1]
    return it


async def one_txn(env, sid: int, **kw) -> AxiTxn:
    it = make_txn(env, sid, **kw)
    await env.client.send(it)
    await it.done.wait()
    return it


def aborted(it: AxiTxn) -> bool:
    return bool(it.resp) and all(r == 2 for r in it.resp)


def expected_event(env, it: AxiTxn, error_ranges=()) -> Optional[EventRecord]:
    """The configuration outcome's event record for ``it`` (None: no event)."""
    r = lookup_config(env.mem, env.sb.model, env.params, sid=it.sid, ssid=it.ssid, ssv=bool(it.ssidv),
                      addr=it.addr, rnw=not it.is_write, pnu=it.prot & 1, ind=(it.prot >> 2) & 1,
                      error_ranges=error_ranges)
    return r.event


def expected_outcome(env, it: AxiTxn, error_ranges=None):
    """tb.model.outcome.predict for ``it`` with the register state in effect now and the walker
    port's read error ranges (the scoreboard's prediction, for a test's own asserts)."""
    from tb.model.outcome import predict
    return predict(env.sb.model, env.params, addr=it.addr, is_read=not it.is_write, sid=it.sid, ssid=it.ssid,
                   ssidv=bool(it.ssidv), prot=it.prot, mem=env.mem,
                   error_ranges=env.tw_read_error_ranges() if error_ranges is None else error_ranges)


def check_records(got: List[EventRecord], want: List[EventRecord], what: str) -> None:
    """Exact, ordered, field-by-field comparison (AssertionError with every difference)."""
    probs = []
    if len(got) != len(want):
        probs.append(f"{len(got)} records, expected {len(want)}")
    for i, (g, w) in enumerate(zip(got, want)):
        d = diff_events(w, g)
        if d:
            probs.append(f"record {i}: {format_diff(d)}")
    assert not probs, f"{what}: " + "; ".join(probs) + f"\n got: {[str(g) for g in got]}"


async def collect_events(drv, n: int, tries: int = 200) -> List[EventRecord]:
    """Service the event queue until ``n`` new records arrived (the abort response of a
    transaction only means its record was handed to the queue, not that it is written)."""
    got: List[EventRecord] = []
    for _ in range(tries):
        got += await drv.service_evtq()
        if len(got) >= n:
            break
    return got


def random_tw_backpressure(env, rng) -> None:
    """Seed-chosen READY/VALID patterns and latency on m_axi_tw, plus s_axi/m_axi back-pressure."""
    from tb.agents.throttle import Throttle
    env.mem_tw.set_throttles(*(Throttle.random_profile(rng) for _ in range(5)))
    env.mem_tw.latency = (0, rng.choice((0, 3, 10)))
    env.random_backpressure(rng)


class TwTap:
    """Handshake times on m_axi_tw (cycle numbers of the sampler)."""

    def __init__(self, sampler) -> None:
        self.ar: List[Tuple[int, int, int, int]] = []   # (cycle, id, addr, len)
        self.rlast: List[Tuple[int, int, int]] = []     # (cycle, id, resp)
        self.aw: List[Tuple[int, int, int]] = []        # (cycle, id, addr)
        self.b: List[Tuple[int, int, int]] = []         # (cycle, id, resp)
        sampler.add_listener(self)

    def on_edge(self, cycle: int, snap) -> None:
        s = snap["ar"]
        if s.fire:
            p = s.payload
            self.ar.append((cycle, p["arid"], p["araddr"], p["arlen"]))
        s = snap["r"]
        if s.fire and s.payload["rlast"]:
            self.rlast.append((cycle, s.payload["rid"], s.payload["rresp"]))
        s = snap["aw"]
        if s.fire:
            self.aw.append((cycle, s.payload["awid"], s.payload["awaddr"]))
        s = snap["b"]
        if s.fire:
            self.b.append((cycle, s.payload["bid"], s.payload["bresp"]))

    def tb_busy(self) -> bool:
        return False

    def reads(self, arid: int, lo: int = 0, hi: int = 1 << 64) -> List[Tuple[int, int, int, int]]:
        return [a for a in self.ar if a[1] == arid and lo <= a[2] < hi]


class PulseCounter:
    def __init__(self, sig) -> None:
        self.sig = sig
        self.count = 0
        self.times: List[int] = []
        self._task = cocotb.start_soon(self._run())

    async def _run(self) -> None:
        from cocotb.utils import get_sim_time
        while True:
            await RisingEdge(self.sig)
            self.count += 1
            self.times.append(int(get_sim_time("ns")))

    def stop(self) -> None:
        if not self._task.done():
            self._task.cancel()


class HighCycles:
    """Counts, on every ``edge`` (a cocotb trigger class, e.g. RisingEdge) of ``clk``, how many of
    ``sigs`` are 1 (an X/Z value counts as 0), from construction until ``await stop()``."""

    def __init__(self, clk, sigs, edge) -> None:
        self.clk, self.sigs, self.edge = clk, list(sigs), edge
        self.count = 0
        self._stop = False
        self._task = cocotb.start_soon(self._run())

    async def _run(self) -> None:
        while not self._stop:
            await self.edge(self.clk)
            for s in self.sigs:
                v = s.value
                if v.is_resolvable and int(v):
                    self.count += 1

    async def stop(self) -> int:
        self._stop = True
        await self._task
        return self.count


# ---------------------------------------------------------------------- translation counters
TLB_COUNTERS = {
    "rd_lookups": ("rd_q_inst", "cnt_lookups"), "rd_hits": ("rd_q_inst", "cnt_hits"),
    "wr_lookups": ("wr_q_inst", "cnt_lookups"), "wr_hits": ("wr_q_inst", "cnt_hits"),
    "walks": ("walk_inst", "cnt_walks"), "merges": ("walk_inst", "cnt_merges"),
}


def tlb_counters(dut) -> dict:
    """The RTL's translation performance counters read through the hierarchy: lookups/hits per
    direction at the s_axi handshake, walks started, misses merged into a walk in flight;
    ``misses`` = lookups - hits. Every build has them: a missing or X counter fails the test
    (AssertionError) instead of switching the checks that use it off."""
    out = {}
    for k, (inst, sig) in TLB_COUNTERS.items():
        out[k] = _read_counter(dut, inst, sig)
    out["lookups"] = out["rd_lookups"] + out["wr_lookups"]
    out["hits"] = out["rd_hits"] + out["wr_hits"]
    out["misses"] = out["lookups"] - out["hits"]
    return out


def _read_counter(dut, inst: str, sig: str) -> int:
    """dut.<inst>.<sig> as an integer; AssertionError naming it when it is absent or not 0/1."""
    try:
        return hier.counter(dut, inst, sig)                   # smmu_multi: summed over the TBUs
    except AttributeError:
        raise AssertionError(f"RTL counter {inst}.{sig} not found in this build: the check that needs "
                             f"it cannot run") from None
    except ValueError as e:
        raise AssertionError(f"RTL counter {e}: the check that needs it cannot run") from None


def counters_delta(a: dict, b: dict) -> dict:
    return {k: b[k] - a[k] for k in a}


def format_counters(c: dict) -> str:
    return (f"TLB lookups {c['lookups']} (reads {c['rd_lookups']}, writes {c['wr_lookups']}), hits {c['hits']}, "
            f"misses {c['misses']}, walks {c['walks']}, merged misses {c['merges']}")


def walk_reads_outstanding_max(tap: "TwTap", ids=(2, 3), since: int = 0) -> int:
    """Most walk descriptor reads in flight at once on m_axi_tw, counting reads whose AR was at or
    after cycle ``since`` (each R is paired with the oldest open AR of its ID: one beat per read)."""
    ev = []
    for i in ids:
        ars = [a[0] for a in tap.ar if a[1] == i]
        rs = [r[0] for r in tap.rlast if r[1] == i]
        for k, t_ar in enumerate(ars):
            if t_ar >= since:
                ev.append((t_ar, 1))
                if k < len(rs):
                    ev.append((rs[k], -1))
    cur = best = 0
    for _, d in sorted(ev):                  # an R ends its read before an AR of the same cycle counts
        cur += d
        best = max(best, cur)
    return best


# ---------------------------------------------------------------------- stall model
STALL_COUNTERS = ("cnt_stalls", "cnt_retry", "cnt_abort", "cnt_term", "cnt_nomatch", "outstanding")


def stall_counters(dut) -> dict:
    """dut.stall_inst counters (every build has the stall queue: a missing or X counter fails the
    test instead of switching the counter comparison off)."""
    return {k: _read_counter(dut, "stall_inst", k) for k in STALL_COUNTERS}


def sb_stall_counts(sb) -> dict:
    """The scoreboard's view in the RTL counters' terms (RESUME / STALL_TERM as consumed)."""
    s = sb.stats
    return {"cnt_stalls": s["stalls"], "cnt_retry": s["resume_retry"],
            "cnt_abort": s["resume_abort"] + s["stall_term_aborts"] + s["disable_aborts"],
            "cnt_term": s["resume_term"], "cnt_nomatch": s["resume_nomatch"],
            "outstanding": len(sb.outstanding_stalls()), "ambiguous": s["stall_maybe_ambiguous"]}


def check_stall_counters(env, base: Optional[dict] = None, sb_base: Optional[dict] = None) -> dict:
    """RTL counters (minus ``base``) == the scoreboard's counts (minus ``sb_base``); returns the RTL
    deltas. Call when quiet (every command consumed and executed)."""
    c = stall_counters(env.dut)
    m = sb_stall_counts(env.sb)
    d = {k: c[k] - (base or {}).get(k, 0) if k != "outstanding" else c[k] for k in c}
    mm = {k: m[k] - (sb_base or {}).get(k, 0) if k != "outstanding" else m[k] for k in c}
    diff = {k: (d[k], mm[k]) for k in d if d[k] != mm[k]}
    # a RESUME of a stall that a STALL_TERM / SMMUEN clear may have aborted first, when the RESUME
    # would have aborted it too: the RTL counts one of the two ways (the outcome is the same)
    amb = env.sb.stats["stall_maybe_ambiguous"] - (sb_base or {}).get("ambiguous", 0)
    for k in ("cnt_retry", "cnt_abort", "cnt_term", "cnt_nomatch"):
        if k in diff and abs(d[k] - mm[k]) <= amb:
            del diff[k]
    assert not diff, f"stall counters RTL != scoreboard: {diff} (RTL {d}, scoreboard {mm})"
    return d


async def wait_until(env, cond, cycles: int = 20000, step: int = 4, what: str = "condition") -> int:
    """Wait until ``cond()`` holds (checked every ``step`` cycles); returns the cycles waited."""
    from cocotb.triggers import ClockCycles
    n = 0
    while not cond():
        if n >= cycles:
            raise TimeoutError(f"{what} not reached after {cycles} cycles")
        await ClockCycles(env.dut.aclk, step)
        n += step
    return n


def iopf_mapper(env, tables_for, pa_for, fail=None, perms=None):
    """An IO page fault handler (tb.driver.smmu_driver.IopfQueue) that maps the faulting page:
    ``tables_for(req)`` -> the Stage1Tables of the faulting context (None: cannot map -> ABORT),
    ``pa_for(req)`` -> the PA for the page, ``fail(req)`` -> True to refuse (ABORT),
    ``perms(req)`` -> Stage1Tables.map keyword arguments. The store goes through the scoreboard's
    ``pt_fill`` (an invalid descriptor made valid: no TLBI needed, as Linux maps without one)."""

    async def handler(req) -> bool:
        if fail is not None and fail(req):
            return False
        t = tables_for(req)
        if t is None:
            return False
        va = req.addr & ~0xFFF & ((1 << t.ias) - 1)
        if t.lookup(va) is not None:
            return True                        # mapped meanwhile (another fault on the page)
        kw = perms(req) if perms is not None else {}
        env.sb.pt_fill([(a, n) for _, a, n in t.tables], lambda: t.map(va, pa_for(req), **kw),
                       note=f"iopf {req}")
        return True

    return handler
