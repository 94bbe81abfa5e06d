"""Benchmark: the stall model of smmu_top (hit-under-fault, fault -> stall record, RESUME -> reissue),
in clock cycles.

Set-up as bench_translate (Linux bring-up by tb/driver, 4 KiB tables from
tb/model/pagetable.py, T0SZ=16 so every walk reads 4 descriptors), with two streams sharing
the tables:
  * SID 1 (CD.S=0, ASID 1): the unaffected traffic, all TLB hits on 8 warm pages, AXI IDs
    0 .. 2^ID_W-5;
  * SID 2 (CD.S=1, STE.S1STALLD=0, ASID 2): the stalled transactions, AXI IDs 2^ID_W-4 ..
    2^ID_W-1, each to a page whose level-3 descriptor is invalid (F_TRANSLATION after a
    4-descriptor walk), so it stalls; software does nothing until the measurement is over,
    then maps the page and sends CMD_RESUME retry, or CMD_RESUME abort / term.
Traffic goes through the verification env (client BFM, memory responders, protocol checkers,
scoreboard, event-queue checker) and every figure comes from the interface samplers (one
sample per clock edge) plus a per-cycle watch of three internal pulses (the command queue's
`resume_valid` and `cons_we`, the event queue's `prod_we`), so the figures are exact cycle
counts, identical on Icarus and Verilator. Nothing asserts a timing target: a figure that
misses its target is reported (log + JSON). Functional problems (a stall that does not end,
a wrong response, a transaction on m_axi that should not be there, counters that disagree
with what the bench did) fail the bench.

The scoreboard does not model stalls yet (issue 5 item 4), so the SID 2 transactions are kept
away from it (its request/response exports and its m_axi queue skip SID 2 / the stall IDs) and
the event checker accepts Stall=1 records of SID 2 after its usual slot/strobe checks; this
bench checks those transactions itself: every stall record (Stall=1, F_TRANSLATION, SID 2,
InputAddr, RnW), every ending (retry: OKAY, the expected PA on m_axi, write data in memory;
abort: SLVERR, nothing on m_axi; term: OKAY, zero read data, nothing on m_axi) and the
`stall_inst` counters against what it did. BENCH_STALL_SB=1 leaves SID 2 to the scoreboard
instead (for a scoreboard that models stalls: it then checks the stalled transactions too).

Figures (bench/README.md explains each one):
  * hit-under-fault: transactions per cycle of the unaffected stream (reads only, writes only,
    reads and writes together) with 0 (baseline), 1, 4 and STALL_MAX stalled reads, then
    the same with stalled writes (16 beats, so they fit a W park slot), and the ratio to the
    baseline;
  * the limits of hit-under-fault (same direction as the stalls): one unaffected transaction
    that misses the TLB; one more stallable fault with STALL_MAX stalls outstanding (all reads,
    or split between reads and writes); the stalled client issuing more transactions on its
    stalled AXI ID -- each with NTXN hits on the unaffected IDs behind it;
  * fault -> stall record: s_axi handshake of the faulting transaction -> m_axi_tw AW / last W /
    B of its record -> EVENTQ_PROD update, for walker memory latency 1, 10, 50, configuration
    cached (and not cached);
  * RESUME -> transaction: the command queue's resume pulse (and CONS passing the command) ->
    the retried transaction's m_axi AR/AW, and for abort / term -> the client response.

Results: bench/results/stall-<sim>.json and the log ("BENCH stall ...").
Knobs (environment): BENCH_TXNS (unaffected transactions per direction and stream, 512),
BENCH_STALL_WINDOW (cycles a stream may take before the stalls are ended anyway; 4*TXNS+256),
BENCH_STALL_SB (1: the scoreboard checks SID 2, see above).
"""

from __future__ import annotations

import json
import os
from collections import deque
from functools import partial
from pathlib import Path
from typing import Callable, Dict, List, Optional, Set

import cocotb
import pyuvm
from pyuvm import uvm_factory
from cocotb.triggers import ClockCycles, RisingEdge
from cocotb.utils import get_sim_time

from bench.common import Tap as _Tap
from bench.common import counter as _counter
from bench.common import counter_delta
from bench.common import read_counters as _read_counters
from bench.common import stats as _stats
from tb.agents.axi_signals import INCR, OKAY
from tb.agents.axi_txn import AxiTxn
from tb.driver.smmu_driver import SmmuDriver, make_cdtable_ste, make_s1_cd
from tb.driver.testkit import driver_config
from tb.env.base_test import SmmuBaseTest
from tb.env.event_checker import EventChecker
from tb.env.scoreboard import Scoreboard
from tb.env.env import PERIOD_NS
from tb.model import commands as C
from tb.model.events import F_TRANSLATION, EventRecord
from tb.model.pagetable import SIZE_4K, Stage1Tables, TablePool
from tb import hier

SLVERR = 2
SID = 1                          # unaffected stream (CD.S=0)
STALL_SID = 2                    # stalled stream (CD.S=1)
CD_TABLE = 0x4400_0000
CD_TABLE_STALL = 0x4400_1000
PT_POOL = 0x4500_0000
VA_BASE = 0x0010_0000_0000       # page i: VA_BASE + i * 4K -> PA_BASE + i * 4K
PA_BASE = 0x0000_8000_0000
NMAPPED = 64                     # pages 0..63 mapped at bring-up
FAULT_BASE = 512                 # pages 512.. : level-3 descriptor invalid (mapped for a retry)
NFAULT = 256
HIT_PAGES = 8
STALL_LEN = 15                   # stalled transactions: 16 beats (a write fits one park slot)
PEND = 16                        # pending-table entries per direction (rtl/smmu_top.v)
BACKLOG_PAGE = HIT_PAGES + 1     # SID 2's same-ID backlog (mapped, kept in the TLB by warm())
PARK_SLOTS = 4                   # W park slots of 16 beats (rtl/smmu_top.v PARK_N)
NTXN = int(os.environ.get("BENCH_TXNS", "512"))
WINDOW = int(os.environ.get("BENCH_STALL_WINDOW", str(4 * NTXN + 256)))
TW_LATENCIES = (1, 10, 50)
STREAMS = (("reads", "r"), ("writes", "w"), ("reads_and_writes", "rw"))


def now() -> int:
    """The samplers' cycle number (AxiSampler: sim time // period at each rising edge)."""
    return int(get_sim_time("ns") // PERIOD_NS)


# --------------------------------------------------------------------------- probe
class Rec:
    """One client transaction as the samplers saw it (cycle numbers)."""

    __slots__ = ("seq", "d", "id", "va", "sid", "len", "t_s", "t_m", "pa", "t_first", "t_done",
                 "resp", "data")

    def __init__(self, seq: int, d: str, id_: int, va: int, sid: int, len_: int, t_s: int) -> None:
        self.seq, self.d, self.id, self.va, self.sid, self.len, self.t_s = seq, d, id_, va, sid, len_, t_s
        self.t_m: Optional[int] = None
        self.pa: Optional[int] = None
        self.t_first: Optional[int] = None
        self.t_done: Optional[int] = None
        self.resp: List[int] = []
        self.data: List[int] = []

    @property
    def lat(self) -> Optional[int]:
        return None if self.t_m is None else self.t_m - self.t_s


class Probe:
    """Handshake log of s_axi, m_axi and m_axi_tw.

    s_axi AR/AW open a Rec; the m_axi AR/AW of the same direction and ID at the expected
    output address (``xlate``) closes its translation; R beats / B complete it. m_axi_tw:
    every AR (cycle, id, addr), and the event-record writes: k-th AW, k-th W burst (4
    beats, decoded into an EventRecord) and k-th B (the event queue is the only writer)."""

    def __init__(self, env, xlate: Callable[[int, int], Optional[int]]) -> None:
        self.xlate = xlate
        self.recs: List[Rec] = []
        self.by_va: Dict[tuple, Rec] = {}
        self.wait_m: Dict[tuple, deque] = {}
        self.wait_resp: Dict[tuple, deque] = {}
        self.tw_ar: List[tuple] = []
        self.tw_lat: List[int] = []             # cycles from each m_axi_tw AR to its first R beat
        self._tw_pend: Dict[int, deque] = {}
        self.ev_aw: List[tuple] = []            # (cycle, addr)
        self.ev_w: List[tuple] = []             # (last-beat cycle, EventRecord)
        self.ev_b: List[tuple] = []             # (cycle, resp)
        self._wbeats: List[int] = []
        self.errors: List[str] = []
        env.s_smp.add_listener(_Tap(self._s_edge))
        env.m_smp.add_listener(_Tap(self._m_edge))
        env.tw_smp.add_listener(_Tap(self._tw_edge))

    def mark(self) -> int:
        return len(self.recs)

    def since(self, mark: int, d: Optional[str] = None) -> List[Rec]:
        return [r for r in self.recs[mark:] if d is None or r.d == d]

    def records(self, k0: int = 0) -> List[dict]:
        """Event-record writes from the k0-th on, with their AW / last W / B cycles."""
        out = []
        for k in range(k0, len(self.ev_w)):
            out.append({"aw": self.ev_aw[k][0] if k < len(self.ev_aw) else None,
                        "wlast": self.ev_w[k][0], "rec": self.ev_w[k][1],
                        "b": self.ev_b[k][0] if k < len(self.ev_b) else None})
        return out

    # ---- s_axi
    def _open(self, d: str, p: dict, cycle: int) -> None:
        a = "ar" if d == "r" else "aw"
        rec = Rec(len(self.recs), d, p[a + "id"], p[a + "addr"], p[a + "mmusid"], p[a + "len"], cycle)
        self.recs.append(rec)
        self.by_va[(d, rec.sid, rec.va)] = rec
        self.wait_m.setdefault((d, rec.id), deque()).append(rec)
        self.wait_resp.setdefault((d, rec.id), deque()).append(rec)

    def _s_edge(self, cycle: int, snap) -> None:
        s = snap["ar"]
        if s.fire:
            self._open("r", s.payload, cycle)
        s = snap["aw"]
        if s.fire:
            self._open("w", s.payload, cycle)
        s = snap["r"]
        if s.fire:
            q = self.wait_resp.get(("r", s.payload["rid"]))
            if not q:
                self.errors.append(f"R id={s.payload['rid']} without a request")
            else:
                rec = q[0]
                if rec.t_first is None:
                    rec.t_first = cycle
                rec.resp.append(s.payload["rresp"])
                rec.data.append(s.payload["rdata"])
                if s.payload["rlast"]:
                    q.popleft()
                    rec.t_done = cycle
        s = snap["b"]
        if s.fire:
            q = self.wait_resp.get(("w", s.payload["bid"]))
            if not q:
                self.errors.append(f"B id={s.payload['bid']} without a request")
            else:
                rec = q.popleft()
                rec.t_first = rec.t_done = cycle
                rec.resp = [s.payload["bresp"]]

    # ---- m_axi
    def _down(self, d: str, id_: int, addr: int, cycle: int) -> None:
        q = self.wait_m.get((d, id_))
        if q:
            for rec in q:
                if rec.t_done is None and self.xlate(rec.sid, rec.va) == addr:
                    q.remove(rec)
                    rec.t_m, rec.pa = cycle, addr
                    return
        self.errors.append(f"cycle {cycle}: m_axi {d.upper()} id={id_} addr={addr:#x} matches no pending "
                           f"client transaction (pending: {[hex(r.va) for r in (q or [])][:4]})")

    def _m_edge(self, cycle: int, snap) -> None:
        s = snap["ar"]
        if s.fire:
            self._down("r", s.payload["arid"], s.payload["araddr"], cycle)
        s = snap["aw"]
        if s.fire:
            self._down("w", s.payload["awid"], s.payload["awaddr"], cycle)

    # ---- m_axi_tw
    def _tw_edge(self, cycle: int, snap) -> None:
        s = snap["ar"]
        if s.fire:
            self.tw_ar.append((cycle, s.payload["arid"], s.payload["araddr"]))
            self._tw_pend.setdefault(s.payload["arid"], deque()).append([cycle, False])
        s = snap["r"]
        if s.fire:
            q = self._tw_pend.get(s.payload["rid"])
            if q:
                if not q[0][1]:
                    q[0][1] = True
                    self.tw_lat.append(cycle - q[0][0])
                if s.payload["rlast"]:
                    q.popleft()
        s = snap["aw"]
        if s.fire:
            self.ev_aw.append((cycle, s.payload["awaddr"]))
        s = snap["w"]
        if s.fire:
            self._wbeats.append(s.payload["wdata"])
            if s.payload["wlast"]:
                raw = b"".join(int(x).to_bytes(8, "little") for x in self._wbeats[:4])
                self.ev_w.append((cycle, EventRecord.unpack(raw.ljust(32, b"\0"))))
                self._wbeats = []
        s = snap["b"]
        if s.fire:
            self.ev_b.append((cycle, s.payload["bresp"]))


class Watch:
    """Cycles at which internal one-cycle pulses were high (sampled like the interface samplers,
    at each rising edge): the command queue's resume pulse and CONS write, the event queue's
    PROD write."""

    SIGNALS = (("resume", "cmdq_inst", "resume_valid"), ("cons", "cmdq_inst", "cons_we"),
               ("prod", "evtq_inst", "prod_we"))

    def __init__(self, dut) -> None:
        self.dut = dut
        self.h = []
        for name, blk, sig in self.SIGNALS:
            try:
                self.h.append((name, getattr(getattr(dut, blk), sig)))
            except AttributeError:
                pass
        self.seen: Dict[str, List[int]] = {name: [] for name, _, _ in self.SIGNALS}
        self.task = None

    def start(self) -> None:
        self.task = cocotb.start_soon(self._run())

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
        self.task = None

    async def _run(self) -> None:
        clk = RisingEdge(self.dut.aclk)
        while True:
            await clk
            c = now()
            for name, h in self.h:
                try:
                    if int(h.value):
                        self.seen[name].append(c)
                except ValueError:
                    pass

    def first(self, name: str, after: Optional[int]) -> Optional[int]:
        if after is None:
            return None
        return next((c for c in self.seen[name] if c >= after), None)


# --------------------------------------------------------------------------- helpers
def _diff(a: Optional[int], b: Optional[int]) -> Optional[int]:
    return None if a is None or b is None else b - a


COUNTERS = (("stall_inst", "cnt_stalls"), ("stall_inst", "cnt_retry"), ("stall_inst", "cnt_abort"),
            ("stall_inst", "cnt_term"), ("stall_inst", "cnt_nomatch"),
            ("rd_q_inst", "cnt_lookups"), ("rd_q_inst", "cnt_hits"), ("wr_q_inst", "cnt_lookups"),
            ("wr_q_inst", "cnt_hits"), ("walk_inst", "cnt_walks"))


read_counters = partial(_read_counters, counters=COUNTERS)


class Stall:
    """One stalled transaction: the client item, its page, its probe record and its STAG."""

    __slots__ = ("it", "page", "rec", "stag", "evrec", "action")

    def __init__(self, it: AxiTxn, page: int) -> None:
        self.it, self.page = it, page
        self.rec: Optional[Rec] = None
        self.stag: Optional[int] = None
        self.evrec: Optional[dict] = None
        self.action: Optional[str] = None


# --------------------------------------------------------------------------- the bench
class StallStreamScoreboard(Scoreboard):
    """The scoreboard without the stalled stream (BENCH_STALL_SB=0): SID 2's client transactions and
    the m_axi transactions on the stall IDs (``stall_ids``, set by the bench) are not checked."""

    stall_ids: Set[int] = frozenset()

    def on_request(self, o) -> None:
        if o.sid != STALL_SID:
            super().on_request(o)

    def on_client(self, o) -> None:
        if o.sid != STALL_SID:
            super().on_client(o)

    def filter_down(self, o):
        return None if o.id in self.stall_ids else super().filter_down(o)


class StallStreamEventChecker(EventChecker):
    """The event checker without SID 2's stall records (BENCH_STALL_SB=0): the bench counts them
    (``bench.stall_records``) and reports only what the checker found wrong in them."""

    bench = None

    def _match(self, rec, probs, tag, *args, **kw) -> None:
        if rec.Stall and rec.StreamID == STALL_SID and self.bench is not None:
            self.bench.stall_records += 1
            if probs:
                self.error(f"stall record {rec}{tag}: " + "; ".join(probs))
            return
        super()._match(rec, probs, tag, *args, **kw)


@pyuvm.test()
class BenchStall(SmmuBaseTest):
    """Every item-7 figure of issue 5, one bring-up, phases in sequence."""

    timeout_us = 400_000.0

    # ---- addresses and items
    @staticmethod
    def va(page: int, off: int = 0) -> int:
        return VA_BASE + page * SIZE_4K + off

    @staticmethod
    def pa(page: int) -> int:
        return PA_BASE + page * SIZE_4K

    def xlate(self, sid: int, va: int) -> Optional[int]:
        page = (va - VA_BASE) >> 12
        if 0 <= page < FAULT_BASE + NFAULT:
            return self.pa(page) + (va & 0xFFF)
        return None

    def fresh_fault(self, n: int = 1) -> List[int]:
        out = list(range(self.next_fault, self.next_fault + n))
        self.next_fault += n
        assert self.next_fault <= FAULT_BASE + NFAULT, "bench ran out of fault pages"
        return out

    def item(self, d: str, sid: int, id_: int, va: int, len_: int, tag: int) -> AxiTxn:
        assert (id_ in self.stall_ids) == (sid == STALL_SID), "stall IDs are SID 2's only"
        db = self.env.data_bytes
        it = AxiTxn("bench")
        it.is_write, it.id, it.len, it.size, it.burst = d == "w", id_, len_, db.bit_length() - 1, INCR
        it.addr, it.prot, it.sid, it.ssid, it.ssidv = va, 0, sid, 0, 0
        if it.is_write:
            it.data = [(tag << 16) | k for k in range(len_ + 1)]
            it.strb = [(1 << db) - 1] * (len_ + 1)
        return it

    def hot_txn(self, d: str, k: int, ids: Optional[List[int]] = None) -> AxiTxn:
        ids = ids or self.free_ids
        db = self.env.data_bytes
        off = (k * db * 7) & (0xFFF & ~(db - 1))
        return self.item(d, SID, ids[k % len(ids)], self.va(k % HIT_PAGES, off), 0, k)

    async def warm(self) -> None:
        """Touch the page of the same-ID backlog (SID 2) and then the hot pages (SID 1) in both
        directions (retried stalls fill TLB entries and may have evicted them; the TLB replaces
        round-robin, so the last fills survive the next 31): the streams then hit every time."""
        items = [self.item(d, STALL_SID, self.stall_ids[0], self.va(BACKLOG_PAGE), 0, 0) for d in "rw"]
        items += [self.hot_txn(d, p) for p in range(HIT_PAGES) for d in "rw"]
        for it in items:
            self.env.client.submit(it)
            await it.done.wait()
        await self.idle()

    def misses(self, c0: dict, d: str) -> int:
        """TLB lookups of direction ``d`` that missed since the counters ``c0``."""
        c = counter_delta(c0, read_counters(self.env.dut))
        k = "rd" if d == "r" else "wr"
        return c[f"{k}.lookups"] - c[f"{k}.hits"]

    def check_misses(self, fig: dict, c0: dict, d: str, want: int, what: str) -> None:
        fig["tlb_misses_in_window"] = self.misses(c0, d)
        if fig["tlb_misses_in_window"] != want:
            self.fail(f"{what}: {fig['tlb_misses_in_window']} TLB misses in the window, the set-up "
                      f"makes {want} (a hot page was evicted?)")

    def stall_txn(self, d: str, page: int, k: int) -> AxiTxn:
        return self.item(d, STALL_SID, self.stall_ids[k % len(self.stall_ids)], self.va(page), STALL_LEN,
                         page)

    # ---- waiting
    async def wait_items(self, items: List[AxiTxn], max_cycles: int, step: int = 4) -> bool:
        t0 = now()
        while not all(it.done.is_set() for it in items):
            if now() - t0 >= max_cycles:
                return False
            await ClockCycles(self.env.dut.aclk, step)
        return True

    async def idle(self, n: int = 8) -> None:
        await self.env.quiesce()
        await ClockCycles(self.env.dut.aclk, n)

    def tw_latency(self, cycles: int) -> None:
        """Walker memory: first R beat ``cycles`` after the m_axi_tw AR handshake (also the B
        of an event-record write, counted from its last W beat)."""
        self.env.mem_tw.latency = (cycles - 1, cycles - 1)

    def outstanding(self) -> Optional[int]:
        return _counter(self.env.dut, "stall_inst", "outstanding")

    def table_state(self, d: str) -> dict:
        """Pending-table entries in use and the s_axi address READY of direction ``d`` (now)."""
        dut = self.env.dut
        q = "rd_q_inst" if d == "r" else "wr_q_inst"
        pv = _counter(dut, q, "tbl_inst.p_v")
        rdy = None
        try:
            rdy = int((dut.s_axi_arready if d == "r" else dut.s_axi_awready).value)
        except ValueError:
            pass
        return {"pending_entries_used": None if pv is None else bin(pv).count("1"), "s_axi_addr_ready": rdy}

    def fail(self, msg: str) -> None:
        self.log.error("BENCH stall check: %s", msg)
        self.errors.append(msg)

    # ---- keep SID 2 away from the scoreboard (BENCH_STALL_SB=0): factory overrides, see configure()
    def configure(self) -> None:
        self.native_sb = bool(self.knob("BENCH_STALL_SB", False))
        if not self.native_sb:
            uvm_factory().set_type_override_by_type(Scoreboard, StallStreamScoreboard)
            uvm_factory().set_type_override_by_type(EventChecker, StallStreamEventChecker)

    def isolate_stall_stream(self) -> None:
        self.env.sb.stall_ids = set(self.stall_ids)
        self.env.evc.bench = self

    # ---- stalls: make them, end them, check them
    async def make_stalls(self, d: str, n: int) -> List[Stall]:
        """Submit ``n`` faulting SID 2 transactions, wait until all are stalled and their records
        read by software (STAGs from the records, as Linux does)."""
        base = self.outstanding() or 0
        stalls = [Stall(self.stall_txn(d, p, k), p) for k, p in enumerate(self.fresh_fault(n))]
        for s in stalls:
            self.env.client.submit(s.it)
        await self.wait_outstanding(base + n, f"{n} {d} faults")
        await self.collect(stalls)
        return stalls

    async def wait_outstanding(self, n: int, what: str, max_cycles: int = 20_000) -> None:
        t0 = now()
        while (self.outstanding() or 0) < n:
            if now() - t0 > max_cycles:
                self.fail(f"{what}: {self.outstanding()} stalls outstanding after {max_cycles} cycles, "
                          f"expected {n}")
                return
            await ClockCycles(self.env.dut.aclk, 4)

    async def collect(self, stalls: List[Stall]) -> None:
        """Software reads the event queue until every stall of ``stalls`` has its record; checks the
        records and the STAGs (unique among outstanding stalls)."""
        got: Dict[int, EventRecord] = {}
        want = {s.it.addr for s in stalls}
        for _ in range(200):
            for r in await self.drv.service_evtq():
                if r.InputAddr in want and r.Stall:
                    got[r.InputAddr] = r
                else:
                    self.fail(f"unexpected event record while stalling: {r}")
            if len(got) == len(want):
                break
            await ClockCycles(self.env.dut.aclk, 16)
        recs = {r["rec"].InputAddr: r for r in self.probe.records()}
        for s in stalls:
            d = "w" if s.it.is_write else "r"
            s.rec = self.probe.by_va.get((d, STALL_SID, s.it.addr))
            r = got.get(s.it.addr)
            if r is None:
                self.fail(f"no stall record read by software for {d} va={s.it.addr:#x}")
                continue
            self.n_stalls += 1
            s.stag = r.STAG
            s.evrec = recs.get(s.it.addr)
            probs = []
            if r.EventID != F_TRANSLATION:
                probs.append(f"EventID {r.EventID:#x}")
            if r.StreamID != STALL_SID:
                probs.append(f"StreamID {r.StreamID}")
            if r.RnW != int(d == "r"):
                probs.append(f"RnW {r.RnW}")
            if probs:
                self.fail(f"stall record for va={s.it.addr:#x}: {', '.join(probs)}: {r}")
            if s.it.done.is_set():
                self.fail(f"stalled {d} va={s.it.addr:#x} completed before any RESUME (resp {s.it.resp})")
        tags = [s.stag for s in stalls if s.stag is not None]
        live = tags + list(self.live_tags)
        if len(set(live)) != len(live):
            self.fail(f"STAGs not unique among outstanding stalls: {sorted(live)}")
        self.live_tags.update(tags)

    def plan_end(self, stalls: List[Stall], actions=("retry", "abort")) -> List[bytes]:
        """RESUME commands ending ``stalls`` (actions in rotation); a retried page is mapped first."""
        cmds = []
        for k, s in enumerate(stalls):
            s.action = actions[k % len(actions)]
            if s.action == "retry":
                self.tables.map(self.va(s.page), self.pa(s.page))
            if s.stag is not None:
                cmds.append(C.resume(STALL_SID, s.stag, s.action))
                self.live_tags.discard(s.stag)
                self.n_actions[s.action] += 1
        return cmds

    def check_end(self, s: Stall) -> None:
        it, rec, d = s.it, s.rec, "w" if s.it.is_write else "r"
        what = f"stalled {d} va={it.addr:#x} ended by {s.action}"
        if rec is None or rec.t_done is None:
            self.fail(f"{what}: no client response")
            return
        n = it.len + 1
        if s.action == "retry":
            if any(r != OKAY for r in rec.resp):
                self.fail(f"{what}: response {rec.resp}, expected OKAY")
            if rec.t_m is None or rec.pa != self.pa(s.page):
                self.fail(f"{what}: m_axi address {rec.pa}, expected {self.pa(s.page):#x}")
            db = self.env.data_bytes
            if d == "w":
                got = [int.from_bytes(self.env.mem.read(self.pa(s.page) + i * db, db), "little") for i in range(n)]
                if got != it.data:
                    self.fail(f"{what}: memory at the PA holds {[hex(x) for x in got[:4]]}..., "
                              f"expected the write's data {[hex(x) for x in it.data[:4]]}...")
            elif len(rec.data) != n:
                self.fail(f"{what}: {len(rec.data)} R beats, expected {n}")
        else:
            want = SLVERR if s.action == "abort" else OKAY
            if rec.t_m is not None:
                self.fail(f"{what}: reached m_axi at cycle {rec.t_m} ({rec.pa:#x})")
            if d == "r":
                if len(rec.resp) != n or any(r != want for r in rec.resp):
                    self.fail(f"{what}: R resp {rec.resp}, expected {n} x {want}")
                if s.action == "term" and any(x != 0 for x in rec.data):
                    self.fail(f"{what}: RAZ read data not zero")
            elif rec.resp != [want]:
                self.fail(f"{what}: B resp {rec.resp}, expected [{want}]")

    async def end_stalls(self, stalls: List[Stall], others: List[AxiTxn] = (),
                         actions=("retry", "abort")) -> None:
        cmds = self.plan_end(stalls, actions)
        await self.drv.issue(cmds)
        ok = await self.wait_items([s.it for s in stalls] + list(others), 20_000, step=8)
        if not ok:
            left = [s for s in stalls if not s.it.done.is_set()]
            self.fail(f"{len(left)} of {len(stalls)} stalled transactions and "
                      f"{sum(1 for it in others if not it.done.is_set())} others not complete 20000 cycles "
                      f"after their RESUME (first: {[(s.action, hex(s.it.addr)) for s in left[:4]]}; "
                      f"stalls outstanding {self.outstanding()})")
            raise AssertionError(self.errors[-1])
        for s in stalls:
            self.check_end(s)
        extra = await self.drv.service_evtq()
        if extra:
            self.fail(f"event records after the RESUMEs (a retry faulted again?): {extra[:3]}")
        if self.outstanding():
            self.fail(f"{self.outstanding()} stalls still outstanding after ending them all")

    # ---- body
    async def body(self) -> None:
        env = self.env
        dut = env.dut
        nid = 1 << env.params.ID_W
        self.stall_ids = list(range(nid - 4, nid))
        self.free_ids = list(range(0, nid - 4))
        self.errors: List[str] = []
        self.live_tags = set()
        self.n_stalls = 0
        self.n_actions = {"retry": 0, "abort": 0, "term": 0}
        self.n_nomatch = 0
        self.stall_records = 0
        self.next_fault = FAULT_BASE
        self.next_miss = 2 * HIT_PAGES         # mapped pages the bench has not touched yet
        self.probe = Probe(env, self.xlate)
        if not self.native_sb:
            self.isolate_stall_stream()
        env.client.max_outstanding = 4 * NTXN

        if not hier.has_block(dut, "stall_inst"):
            raise AssertionError("smmu_top has no stall_inst: the stall model is not in this RTL")

        # Linux bring-up; SID 1 S=0, SID 2 S=1, both on one set of tables
        self.drv = drv = SmmuDriver(self.regs, env.mem, driver_config())
        f = await drv.probe()
        await drv.device_reset()
        self.stall_max = f.stall_max
        self.res: dict = {"simulator": cocotb.SIM_NAME,
                          "params": {"TLB_ENTRIES": env.params.TLB_ENTRIES, "ID_W": env.params.ID_W,
                                     "DATA_W": env.params.DATA_W, "STALL_MAX": f.stall_max,
                                     "STALL_MODEL": f.stall_model, "PEND": PEND},
                          "ids": {"unaffected": self.free_ids, "stalled": self.stall_ids}}
        if not f.stalls:
            raise AssertionError(f"STALL_MODEL={f.stall_model}: no stalls to measure")
        self.tables = Stage1Tables(env.mem, TablePool(PT_POOL), t0sz=16)
        for p in range(NMAPPED):
            self.tables.map(self.va(p), self.pa(p))
        for p in range(FAULT_BASE, FAULT_BASE + NFAULT):
            self.tables.put_invalid(self.va(p), 3)
        await drv.write_cd(SID, 0, CD_TABLE, make_s1_cd(f, 1, self.tables.ttb0, stall_enabled=False))
        await drv.write_ste(SID, make_cdtable_ste(f, CD_TABLE, stall_enabled=False))
        await drv.write_cd(STALL_SID, 0, CD_TABLE_STALL, make_s1_cd(f, 2, self.tables.ttb0, stall_enabled=True))
        await drv.write_ste(STALL_SID, make_cdtable_ste(f, CD_TABLE_STALL, stall_enabled=True))
        await self.idle()
        self.c_start = read_counters(dut)

        phases = [("hit under fault", self.phase_hit_under_fault),
                  ("miss under fault", self.phase_miss_under_fault), ("stall queue full", self.phase_queue_full),
                  ("same-ID backlog", self.phase_same_id_backlog),
                  ("stall latency", self.phase_latency),
                  ("resume no-match", self.phase_nomatch)]
        for name, fn in phases:
            self.log.info("---- phase: %s", name)
            c0 = now()
            await fn()
            await self.idle()
            self.log.info("---- phase %s: %d cycles", name, now() - c0)
        total = read_counters(dut)
        self.res["counters_total"] = total
        self.check_counters(counter_delta(self.c_start, total))
        self.res["stall_records_seen_by_event_checker"] = self.stall_records
        self.res["probe_errors"] = self.probe.errors[:10]
        self.res["check_errors"] = self.errors[:20]
        self.write_results()
        assert not self.probe.errors, f"{len(self.probe.errors)} probe error(s): {self.probe.errors[:5]}"
        assert not self.errors, f"{len(self.errors)} stall check error(s): {self.errors[:5]}"

    def check_counters(self, d: dict) -> None:
        if self.native_sb:
            self.stall_records = self.env.evc.stats.get("stall_records", self.n_stalls)
        want = {"stall.stalls": self.n_stalls, "stall.retry": self.n_actions["retry"],
                "stall.abort": self.n_actions["abort"], "stall.term": self.n_actions["term"],
                "stall.nomatch": self.n_nomatch}
        self.res["counters_expected"] = want
        bad = {k: (d.get(k), v) for k, v in want.items() if d.get(k) != v}
        if bad:
            self.fail(f"stall_inst counters (got, expected): {bad}")
        if self.stall_records != self.n_stalls:
            self.fail(f"{self.stall_records} stall records written, {self.n_stalls} stalls made")

    # ---- 1. hit-under-fault throughput
    def stream_figures(self, rs: List[Rec], n: int, t_end: int, t_sub: int) -> dict:
        """Transactions per cycle of a stream submitted at ``t_sub`` whose window ended at ``t_end``:
        n / (last - first handshake + 1) when all ``n`` were issued in the window (as
        bench_translate), otherwise the number accepted / issued divided by the window (t_sub ..
        t_end)."""
        ts = [r.t_s for r in rs if r.t_s <= t_end]
        issued = [r for r in rs if r.t_m is not None and r.t_m <= t_end]
        tm = [r.t_m for r in issued]
        complete = len(issued) == n
        if complete:
            rate_s = round(n / (max(ts) - min(ts) + 1), 4)
            rate_m = round(n / (max(tm) - min(tm) + 1), 4)
            span = None
        else:
            # not all issued before the stalls were ended: rate over the window
            span = t_end - t_sub + 1
            rate_s = round(len(ts) / span, 4)
            rate_m = round(len(issued) / span, 4)
        return {"n": n, "accepted_in_window": len(ts), "issued_in_window": len(issued),
                "complete_in_window": complete, "window_cycles": span,
                "txn_per_cycle_s_axi": rate_s, "txn_per_cycle_m_axi": rate_m,
                "latency_cycles": _stats([r.lat for r in issued])}

    async def stream(self, dirs: str, stalls: List[Stall]) -> tuple:
        items = [self.hot_txn(d, k) for k in range(NTXN) for d in dirs]
        m = self.probe.mark()
        t_sub = now()
        for it in items:
            self.env.client.submit(it)
        done = await self.wait_items(items, WINDOW)
        t_end = now()
        still = self.outstanding()
        out = {}
        for d in dirs:
            out["reads" if d == "r" else "writes"] = self.stream_figures(self.probe.since(m, d), NTXN, t_end, t_sub)
        out["stalls_outstanding_at_window_end"] = still
        out["at_window_end"] = {("reads" if d == "r" else "writes"): self.table_state(d) for d in "rw"}
        if stalls and still != len(stalls):
            self.fail(f"{len(stalls)} stalls made, {still} outstanding at the end of the window")
        ended_early = [s for s in stalls if s.it.done.is_set()]
        if ended_early:
            self.fail(f"{len(ended_early)} stalled transactions completed during the window")
        return out, items, done

    @staticmethod
    def all_hits(c: dict, dirs: str) -> bool:
        return all(c[f"{'rd' if d == 'r' else 'wr'}.lookups"] == c[f"{'rd' if d == 'r' else 'wr'}.hits"]
                   for d in dirs)

    async def phase_hit_under_fault(self) -> None:
        env = self.env
        nmax = min(self.stall_max, PEND)
        counts = sorted({1, 4, nmax})
        out = {"window_limit_cycles": WINDOW, "stall_counts": counts,
               "stalled_txn_beats": STALL_LEN + 1, "baseline": {}}
        for name, dirs in STREAMS:
            await self.warm()
            c0 = read_counters(env.dut)
            fig, items, done = await self.stream(dirs, [])
            fig["counters"] = counter_delta(c0, read_counters(env.dut))
            fig["all_hits"] = self.all_hits(fig["counters"], dirs)
            if not done:
                self.fail(f"baseline {name}: stream did not complete in {WINDOW} cycles")
            await self.idle()
            out["baseline"][name] = fig
            self.log.info("hit under fault: baseline %s: %s", name, fig)
        for sd, sname in (("r", "stalled_reads"), ("w", "stalled_writes")):
            out[sname] = {}
            for n in counts:
                row = {}
                for name, dirs in STREAMS:
                    await self.warm()
                    stalls = await self.make_stalls(sd, n)
                    c0 = read_counters(env.dut)
                    fig, items, done = await self.stream(dirs, stalls)
                    fig["counters"] = counter_delta(c0, read_counters(env.dut))
                    fig["all_hits"] = self.all_hits(fig["counters"], dirs)
                    if not fig["all_hits"]:
                        self.fail(f"{n} stalled {sd}, stream {name}: not every unaffected lookup hit "
                                  f"({fig['counters']})")
                    for dk in ("reads", "writes"):
                        if dk in fig:
                            base = out["baseline"][name][dk]["txn_per_cycle_m_axi"]
                            fig[dk]["ratio_to_baseline"] = (round(fig[dk]["txn_per_cycle_m_axi"] / base, 4)
                                                            if base else None)
                    t_win = now()
                    await self.end_stalls(stalls, items)
                    fig["stalls_ended"] = {a: sum(1 for s in stalls if s.action == a) for a in ("retry", "abort")}
                    fig["cycles_window_end_to_stream_done"] = (max(it.t_done for it in items) - t_win
                                                               if not done else None)
                    await self.idle()
                    row[name] = fig
                    self.log.info("hit under fault: %d %s stalled, %s: %s", n, "reads" if sd == "r" else "writes",
                                  name, {k: v for k, v in fig.items() if k != "counters"})
                out[sname][str(n)] = row
        self.res["hit_under_fault"] = out

    # ---- 1b. an unaffected transaction that misses, with stalls outstanding
    async def phase_miss_under_fault(self) -> None:
        """One miss (a mapped page not in the TLB) on an unaffected ID, then NTXN hits on the
        other unaffected IDs, same direction as the stalls. With every pending entry of that
        direction taken by stalls the miss has nowhere to wait."""
        nmax = min(self.stall_max, PEND)
        out = {}
        for sd, n in sorted({("r", 4), ("r", nmax), ("w", 1), ("w", 4)}):
            await self.warm()
            stalls = await self.make_stalls(sd, n)
            page = self.next_miss
            self.next_miss += 1
            assert self.next_miss <= NMAPPED
            miss = self.item(sd, SID, self.free_ids[0], self.va(page), 0, page)
            hits = [self.hot_txn(sd, k, self.free_ids[1:]) for k in range(NTXN)]
            c0 = read_counters(self.env.dut)
            m = self.probe.mark()
            self.env.client.submit(miss)
            while not self.probe.since(m):
                await ClockCycles(self.env.dut.aclk, 1)
            t_sub = now()
            for it in hits:
                self.env.client.submit(it)
            done = await self.wait_items([miss] + hits, WINDOW)
            t_end = now()
            rs = self.probe.since(m)
            mrec = rs[0]
            fig = self.stream_figures(rs[1:], NTXN, t_end, t_sub)
            fig["miss_issued_in_window"] = mrec.t_m is not None and mrec.t_m <= t_end
            self.check_misses(fig, c0, sd, 1, f"miss under fault ({n} {sd})")
            fig["at_window_end"] = self.table_state(sd)
            fig["stalls_outstanding_at_window_end"] = self.outstanding()
            await self.end_stalls(stalls, [miss] + hits)
            fig["miss_latency_cycles"] = mrec.lat
            await self.idle()
            key = f"{n}_stalled_{'reads' if sd == 'r' else 'writes'}"
            out[key] = fig
            self.log.info("miss under fault, %s: %s", key, fig)
        self.res["miss_under_fault"] = out

    # ---- 1c. one more stallable fault with STALL_MAX stalls outstanding
    async def phase_queue_full(self) -> None:
        """STALL_MAX stalls outstanding (all reads, or split between reads and writes), then one
        more faulting read on a stall ID (no STAG free: it must wait without a record) and NTXN
        read hits on the unaffected IDs. Then the first stalls are aborted; the waiting fault gets
        its record and STAG and is retried."""
        nmax = min(self.stall_max, PEND)
        if self.stall_max > PEND:
            self.res["stall_queue_full"] = {"skipped": f"STALL_MAX {self.stall_max} > {PEND} pending entries"}
            return
        out = {}
        for name, nr in (("all_reads", nmax), ("split_reads_writes", nmax // 2)):
            await self.warm()
            stalls = await self.make_stalls("r", nr)
            if nmax - nr:
                stalls += await self.make_stalls("w", nmax - nr)
            page = self.fresh_fault()[0]
            extra = Stall(self.stall_txn("r", page, 0), page)
            c0 = read_counters(self.env.dut)
            m = self.probe.mark()
            self.env.client.submit(extra.it)
            while not self.probe.since(m):
                await ClockCycles(self.env.dut.aclk, 1)
            hits = [self.hot_txn("r", k) for k in range(NTXN)]
            t_sub = now()
            for it in hits:
                self.env.client.submit(it)
            done = await self.wait_items(hits, WINDOW)
            t_end = now()
            k_rec = len(self.probe.ev_w)
            fig = self.stream_figures(self.probe.since(m)[1:], NTXN, t_end, t_sub)
            fig["stalls_outstanding_at_window_end"] = self.outstanding()
            fig["at_window_end"] = self.table_state("r")
            self.check_misses(fig, c0, "r", 1, f"queue full ({name})")
            fig["extra_fault_recorded_in_window"] = any(r.InputAddr == extra.it.addr
                                                        for _, r in self.probe.ev_w)
            if fig["extra_fault_recorded_in_window"] or self.outstanding() != nmax:
                self.fail(f"queue full ({name}): the extra fault got a record / STAG while {nmax} stalls "
                          f"were outstanding (outstanding {self.outstanding()})")
            if extra.it.done.is_set():
                self.fail(f"queue full ({name}): the extra fault completed without a RESUME")
            # abort the first stalls; the waiting fault then stalls (record + STAG) and is retried
            cmds = self.plan_end(stalls, ("abort",))
            t_cmd = now()
            await self.drv.issue(cmds)
            await self.wait_outstanding(1, f"queue full ({name}): the waiting fault after the aborts")
            if not await self.wait_items([s.it for s in stalls] + hits, 20_000, step=8):
                self.fail(f"queue full ({name}): transactions not complete after the aborts")
                raise AssertionError(self.errors[-1])
            for s in stalls:
                self.check_end(s)
            await self.collect([extra])
            ev = next((r for r in self.probe.records(k_rec) if r["rec"].InputAddr == extra.it.addr), None)
            fig["extra_fault_record_cycles_after_abort_commands"] = _diff(t_cmd, ev["aw"] if ev else None)
            fig["window_end_to_hits_done"] = max(it.t_done for it in hits) - t_end if not done else None
            await self.end_stalls([extra], actions=("retry",))
            await self.idle()
            out[name] = fig
            self.log.info("stall queue full, %s: %s", name, fig)
        self.res["stall_queue_full"] = out

    # ---- 1d. the stalled ID keeps issuing
    async def phase_same_id_backlog(self) -> None:
        """One stalled transaction; its client issues K more transactions on the same AXI ID (to a
        mapped page; they must wait behind the stalled one); then NTXN hits on the unaffected
        IDs, same direction. K around the limits: reads PEND-1 / PEND (pending entries), writes
        PARK_SLOTS-1 / PARK_SLOTS (W park slots) and PEND."""
        out = {}
        for d, ks in (("r", (PEND - 1, PEND)), ("w", (PARK_SLOTS - 1, PARK_SLOTS, PEND))):
            for kk in ks:
                await self.warm()
                stalls = await self.make_stalls(d, 1)
                sid_id = stalls[0].it.id
                backlog = [self.item(d, STALL_SID, sid_id, self.va(BACKLOG_PAGE, 64 * (k % 32)), 0, k)
                           for k in range(kk)]
                c0 = read_counters(self.env.dut)
                m = self.probe.mark()
                for it in backlog:
                    self.env.client.submit(it)
                await ClockCycles(self.env.dut.aclk, 2 * kk + 16)
                m2 = self.probe.mark()
                hits = [self.hot_txn(d, k) for k in range(NTXN)]
                t_sub = now()
                for it in hits:
                    self.env.client.submit(it)
                done = await self.wait_items(hits, WINDOW)
                t_end = now()
                fig = self.stream_figures([r for r in self.probe.since(m2) if r.sid == SID], NTXN, t_end, t_sub)
                fig["same_id_accepted_in_window"] = sum(1 for r in self.probe.since(m) if r.sid == STALL_SID)
                fig["same_id_completed_in_window"] = sum(1 for it in backlog if it.done.is_set())
                fig["at_window_end"] = self.table_state(d)
                fig["stalls_outstanding_at_window_end"] = self.outstanding()
                self.check_misses(fig, c0, d, 0, f"same-ID backlog ({d}, {kk})")
                await self.end_stalls(stalls, list(backlog) + hits, actions=("retry",))
                brs = [r for r in self.probe.since(m) if r.sid == STALL_SID]
                order = [stalls[0].rec.t_done] + [r.t_done for r in brs]
                if order != sorted(order) or any(x != OKAY for r in brs for x in r.resp):
                    self.fail(f"same-ID backlog ({d}, {kk}): responses out of order or not OKAY")
                fig["window_end_to_hits_done"] = max(it.t_done for it in hits) - t_end if not done else None
                await self.idle()
                out[f"{'reads' if d == 'r' else 'writes'}_{kk}_younger"] = fig
                self.log.info("same-ID backlog, %s, %d younger: %s", d, kk, fig)
        self.res["same_id_backlog"] = out

    # ---- 2 + 3. fault -> stall record, RESUME -> reissue / response
    async def one_stall(self, d: str, action: str, watch: Watch) -> dict:
        """One stalled transaction on its own: its timeline from the fault to its ending."""
        stalls = await self.make_stalls(d, 1)
        s = stalls[0]
        rec, ev = s.rec, s.evrec or {}
        t_s = rec.t_s if rec else None
        t_prod = watch.first("prod", ev.get("b"))
        cmds = self.plan_end(stalls, (action,))
        t_sub = now()
        await self.drv.submit(cmds)                      # no CMD_SYNC, as Linux sends RESUME
        if not await self.wait_items([s.it], 20_000):
            self.fail(f"{d} stall ended by {action}: no response 20000 cycles after the RESUME")
            raise AssertionError(self.errors[-1])
        await ClockCycles(self.env.dut.aclk, 4)
        self.check_end(s)
        t_res = watch.first("resume", t_sub)
        t_cons = watch.first("cons", t_res)
        fetch = [a[0] for a in self.probe.tw_ar if a[1] == 1 and t_sub <= a[0] <= (t_res or 0)]
        row = {"fault_to_record_aw": _diff(t_s, ev.get("aw")), "fault_to_record_wlast": _diff(t_s, ev.get("wlast")),
               "fault_to_record_b": _diff(t_s, ev.get("b")), "fault_to_prod_update": _diff(t_s, t_prod),
               "cmd_fetch_ar_to_resume": _diff(fetch[-1] if fetch else None, t_res),
               "resume_to_cons": _diff(t_res, t_cons)}
        if action == "retry":
            row["resume_to_reissue"] = _diff(t_res, rec.t_m if rec else None)
            row["cons_to_reissue"] = _diff(t_cons, rec.t_m if rec else None)
            row["walk_reads_after_resume"] = sum(1 for a in self.probe.tw_ar
                                                 if a[1] >= 2 and t_res is not None and a[0] >= t_res
                                                 and rec.t_m is not None and a[0] <= rec.t_m)
        else:
            row["resume_to_first_response"] = _diff(t_res, rec.t_first if rec else None)
            row["resume_to_response_done"] = _diff(t_res, rec.t_done if rec else None)
            row["cons_to_response_done"] = _diff(t_cons, rec.t_done if rec else None)
        return row

    async def phase_latency(self) -> None:
        env = self.env
        watch = Watch(env.dut)
        self.res["watched_signals"] = [n for n, _ in watch.h]
        watch.start()
        out = {}
        try:
            for lat in TW_LATENCIES:
                self.tw_latency(lat)
                row = {}
                l0 = len(self.probe.tw_lat)
                # the configuration of SID 2 is cached: one translated read of a mapped page
                it = self.item("r", STALL_SID, self.stall_ids[0], self.va(HIT_PAGES), 0, 0)
                env.client.submit(it)
                await it.done.wait()
                for d in "rw":
                    key = "read" if d == "r" else "write"
                    for action in ("retry", "abort", "term"):
                        row[f"{key}_{action}"] = await self.one_stall(d, action, watch)
                        self.log.info("stall latency, walker memory %d, %s %s: %s", lat, key, action,
                                      row[f"{key}_{action}"])
                # configuration not cached: CFGI_STE + SYNC before the fault (ended by abort)
                for d in "rw":
                    key = "read" if d == "r" else "write"
                    await self.drv.issue([C.cfgi_ste(STALL_SID)])
                    await self.idle(4)
                    row[f"{key}_abort_config_not_cached"] = await self.one_stall(d, "abort", watch)
                row["tw_latency_measured"] = _stats(self.probe.tw_lat[l0:])
                out[str(lat)] = row
        finally:
            watch.stop()
            self.tw_latency(1)
        self.res["latency"] = self.latency_summary(out)
        self.res["latency_samples"] = out

    @staticmethod
    def latency_summary(out: dict) -> dict:
        summ = {}
        for lat, row in out.items():
            s = {}
            cached = [v for k, v in row.items() if isinstance(v, dict) and "not_cached" not in k and k != "tw_latency_measured"]
            unc = [v for k, v in row.items() if isinstance(v, dict) and "not_cached" in k]
            for f in ("fault_to_record_aw", "fault_to_record_b", "fault_to_prod_update"):
                s[f + "_config_cached"] = _stats([v.get(f) for v in cached])
                s[f + "_config_not_cached"] = _stats([v.get(f) for v in unc])
            for d in ("read", "write"):
                r = row.get(f"{d}_retry", {})
                s[f"{d}_resume_to_reissue"] = r.get("resume_to_reissue")
                s[f"{d}_cons_to_reissue"] = r.get("cons_to_reissue")
                for a in ("abort", "term"):
                    r = row.get(f"{d}_{a}", {})
                    s[f"{d}_{a}_resume_to_response_done"] = r.get("resume_to_response_done")
                    s[f"{d}_{a}_resume_to_first_response"] = r.get("resume_to_first_response")
            s["resume_to_cons"] = _stats([v.get("resume_to_cons") for v in cached + unc])
            s["cmd_fetch_ar_to_resume"] = _stats([v.get("cmd_fetch_ar_to_resume") for v in cached + unc])
            summ[lat] = s
        return summ

    # ---- RESUME that matches nothing (stale STAG, wrong StreamID): a no-op
    async def phase_nomatch(self) -> None:
        out = {}
        stalls = await self.make_stalls("r", 1)
        s = stalls[0]
        c0 = read_counters(self.env.dut)
        # the right STAG with another StreamID, then a STAG never handed out (other generation)
        bogus = [C.resume(SID, s.stag, "abort"), C.resume(STALL_SID, s.stag ^ 0x8000, "abort")]
        await self.drv.issue(bogus)
        self.n_nomatch += len(bogus)
        await ClockCycles(self.env.dut.aclk, 64)
        out["stall_still_outstanding_after_bogus_resumes"] = self.outstanding()
        if s.it.done.is_set() or self.outstanding() != 1:
            self.fail(f"a RESUME matching nothing ended a stall (resp {s.it.resp}, outstanding {self.outstanding()})")
        stag = s.stag
        await self.end_stalls(stalls, actions=("abort",))
        # the same STAG again after its stall ended
        await self.drv.issue([C.resume(STALL_SID, stag, "retry")])
        self.n_nomatch += 1
        await ClockCycles(self.env.dut.aclk, 16)
        out["counters"] = counter_delta(c0, read_counters(self.env.dut))
        self.res["resume_nomatch"] = out

    # ---- results
    def write_results(self) -> None:
        sim = cocotb.SIM_NAME.lower().split()[0]
        self.res["target"] = {"hit_under_fault_ratio_min": 0.9}
        self.res["knobs"] = {"BENCH_TXNS": NTXN, "BENCH_STALL_WINDOW": WINDOW}
        outdir = Path(__file__).resolve().parent / "results"
        outdir.mkdir(exist_ok=True)
        (outdir / f"stall-{sim}.json").write_text(json.dumps(self.res, indent=2) + "\n")
        self.log.info("BENCH stall: %s", json.dumps(self.res))
        for line in summary_lines(self.res):
            self.log.info("BENCH %s", line)


def summary_lines(r: dict) -> List[str]:
    """A human-readable digest of the JSON (`.venv/bin/python -m bench.bench_stall FILE...`)."""
    out = [f"stall on {r['simulator']} (STALL_MAX {r['params']['STALL_MAX']})"]
    h = r.get("hit_under_fault", {})
    for name, fig in h.get("baseline", {}).items():
        out.append(f"baseline {name}: " + ", ".join(
            f"{dk} {fig[dk]['txn_per_cycle_m_axi']}" for dk in ("reads", "writes") if dk in fig))
    for sname in ("stalled_reads", "stalled_writes"):
        for n, row in h.get(sname, {}).items():
            for name, fig in row.items():
                parts = []
                for dk in ("reads", "writes"):
                    if dk in fig:
                        x = fig[dk]
                        parts.append(f"{dk} {x['txn_per_cycle_m_axi']} (ratio {x.get('ratio_to_baseline')}"
                                     f"{'' if x['complete_in_window'] else ', NOT complete in window'})")
                out.append(f"{n:>2} {sname}, {name}: " + ", ".join(parts))
    for key, fig in r.get("miss_under_fault", {}).items():
        out.append(f"miss under fault, {key}: hits {fig['txn_per_cycle_m_axi']} txn/cycle"
                   f"{'' if fig['complete_in_window'] else ' (NOT complete in window)'}, miss latency "
                   f"{fig['miss_latency_cycles']}{'' if fig['miss_issued_in_window'] else ' (after the RESUMEs)'}")
    for key, fig in r.get("stall_queue_full", {}).items():
        if isinstance(fig, dict):
            out.append(f"STALL_MAX stalled ({key}) + 1 more read fault: read hits {fig['txn_per_cycle_m_axi']} "
                       f"txn/cycle{'' if fig['complete_in_window'] else ' (NOT complete in window)'}")
    for key, fig in r.get("same_id_backlog", {}).items():
        d, k = key.split("_")[:2]
        out.append(f"1 stalled {d[:-1]} + {k} younger on its ID ({fig['same_id_accepted_in_window']} accepted): "
                   f"unaffected {d} {fig['txn_per_cycle_m_axi']} txn/cycle"
                   f"{'' if fig['complete_in_window'] else ' (NOT complete in window)'}")
    for lat, s in r.get("latency", {}).items():
        out.append(f"walker memory {lat}: fault -> record AW {s['fault_to_record_aw_config_cached'].get('min')}"
                   f"..{s['fault_to_record_aw_config_cached'].get('max')}, -> PROD "
                   f"{s['fault_to_prod_update_config_cached'].get('min')}..{s['fault_to_prod_update_config_cached'].get('max')}"
                   f" (not cached: PROD {s['fault_to_prod_update_config_not_cached'].get('min')}); "
                   f"resume -> reissue read {s['read_resume_to_reissue']} write {s['write_resume_to_reissue']}; "
                   f"abort -> response read {s['read_abort_resume_to_response_done']} "
                   f"write {s['write_abort_resume_to_response_done']}; term -> response read "
                   f"{s['read_term_resume_to_response_done']} write {s['write_term_resume_to_response_done']}")
    out.append(f"counters {r.get('counters_total')}")
    return out


if __name__ == "__main__":
    import sys
    for fn in sys.argv[1:]:
        print("\n".join(summary_lines(json.loads(Path(fn).read_text()))))
