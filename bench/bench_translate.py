"""Benchmark: stage-1 translation of smmu_top (TLB hit path, walker, hit-under-miss), in clock cycles.

The SMMU is brought up like Linux (tb/driver: probe, device_reset, CD + stage-1 STE
written by the hitless entry writer) with a 4 KiB-page table built by
tb/model/pagetable.py (T0SZ=16: every walk reads 4 descriptors). Traffic goes through
the verification env (client BFM on s_axi, memory responders on m_axi and m_axi_tw,
protocol checkers and the scoreboard stay on), and every figure is measured from the
handshakes the interface samplers see, one sample per clock edge, so the numbers are
exact cycle counts and identical on Icarus and Verilator. Nothing here asserts a
timing target: a figure that misses its target is reported (log + JSON), not failed.

Figures (bench/README.md explains each one):
  * hit latency: s_axi AR/AW handshake -> m_axi AR/AW valid for a TLB hit (isolated
    transactions; m_axi is always ready, so valid == handshake); the same figure with
    the SMMU disabled (global bypass) as the reference;
  * all-hit throughput: transactions per cycle per direction on a long stream of
    single-beat bursts that all hit, reads, writes and both at once;
  * miss latency for walker-memory latencies of 1, 10 and 50 cycles (m_axi_tw AR
    handshake -> first R beat), configuration cached and not cached (CFGI_STE + SYNC);
  * TLB hit rate over a working-set sweep (TLB_ENTRIES/4 .. 4*TLB_ENTRIES pages, and
    main-TLB entries/4 .. 4*main-TLB entries, cyclic and random), from the RTL counters
    (micro-TLB: lookups/hits at s_axi; main TLB: probes/hits when a walk starts) and from
    outside (leaf-descriptor reads on m_axi_tw, and latency classification);
  * main-TLB hit latency: a micro-TLB miss that hits the main TLB (no table read), next
    to the walk of the miss-latency figure;
  * hit throughput on other IDs while a walk is outstanding (hit-under-miss);
  * outstanding client transactions reached, walks in flight, and merged misses.

Results: bench/results/translate-<sim>.json and the log ("BENCH translate ...").
Knobs (environment): BENCH_TXNS (stream length, 512), BENCH_SWEEP_N (measured
accesses per sweep point, 512), BENCH_PAGES (pages mapped, 5120: the sweep needs 4x the
main TLB's 1,024 entries plus the other phases' fresh pages; sweep points that do not fit
are left out).
Without the translation RTL (no walk_inst in smmu_top) the same code runs as a dry run
on a bypass STE and the JSON says "dry_run": true.
"""

from __future__ import annotations

import json
import os
from collections import deque
from functools import partial
from pathlib import Path
from typing import Callable, Dict, List, Optional

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from bench.common import Tap as _Tap
from bench.common import counter_delta
from bench.common import read_counters as _read_counters
from bench.common import stats as _stats
from tb.agents.axi_signals import INCR, OKAY
from tb.agents.axi_txn import AxiTxn
from tb.driver.smmu_driver import SmmuDriver, make_bypass_ste, make_cdtable_ste, make_s1_cd
from tb.driver.testkit import driver_config
from tb.env.base_test import SmmuBaseTest
from tb.model import commands as C
from tb.model.pagetable import SIZE_4K, Stage1Tables, TablePool
from tb import hier

SID = 1
ASID = 1
CD_TABLE = 0x4400_0000
PT_POOL = 0x4500_0000           # page tables (inside the SMMU's private area of the image)
VA_BASE = 0x0010_0000_0000       # page i: VA_BASE + i * 4K
PA_BASE = 0x0000_8000_0000       #      -> PA_BASE + i * 4K
NPAGES = int(os.environ.get("BENCH_PAGES", "5120"))
NTXN = int(os.environ.get("BENCH_TXNS", "512"))
SWEEP_N = int(os.environ.get("BENCH_SWEEP_N", "512"))
TW_LATENCIES = (1, 10, 50)
HIT_PAGES = 8                    # hot set of the hit / throughput phases (well inside the TLB)
NID = 16
MANY_MISSES = 128                # all-miss burst per direction: more than XLT_SLOTS can be (<= 64)


# --------------------------------------------------------------------------- probe
class Rec:
    """One client transaction as the samplers saw it (cycle numbers)."""

    __slots__ = ("seq", "d", "id", "va", "sid", "t_s", "t_m", "pa", "t_done", "resp")

    def __init__(self, seq: int, d: str, id_: int, va: int, sid: int, t_s: int) -> None:
        self.seq, self.d, self.id, self.va, self.sid, self.t_s = seq, d, id_, va, sid, t_s
        self.t_m: Optional[int] = None
        self.pa: Optional[int] = None
        self.t_done: Optional[int] = None
        self.resp = OKAY

    @property
    def lat(self) -> Optional[int]:
        return None if self.t_m is None else self.t_m - self.t_s


class Probe:
    """Handshake log of s_axi, m_axi and m_axi_tw.

    s_axi AR/AW handshakes open a Rec; the m_axi AR/AW handshake of the same direction
    and ID whose address is the expected output address (``xlate``) closes its
    translation (oldest such Rec first); the client response (RLAST / B) completes it.
    m_axi_tw: every AR (cycle, id, addr), the cycles from each AR to its first R beat,
    and the number of walker IDs (ARID >= 2) with a descriptor read outstanding."""

    def __init__(self, env, xlate: Callable[[int, int], Optional[int]]) -> None:
        self.xlate = xlate
        self.recs: List[Rec] = []
        self.wait_m: Dict[tuple, deque] = {}
        self.wait_resp: Dict[tuple, deque] = {}
        self.out = {"r": 0, "w": 0}
        self.out_max = {"r": 0, "w": 0, "rw": 0}
        self.tw_ar: List[tuple] = []            # (cycle, id, addr)
        self.tw_lat: List[tuple] = []           # (id, cycles AR handshake -> first R beat)
        self.tw_r: List[tuple] = []             # (cycle, id, last) of every R beat
        self.tw_pend: Dict[int, deque] = {}
        self.walk_ids = set()
        self.walks_max = 0
        self.errors: List[str] = []
        env.s_smp.add_listener(_Tap(self._s_edge))
        env.m_smp.add_listener(_Tap(self._m_edge))
        env.tw_smp.add_listener(_Tap(self._tw_edge))

    # ---- phases
    def mark(self) -> int:
        return len(self.recs)

    def since(self, mark: int, d: Optional[str] = None) -> List[Rec]:
        return [r for r in self.recs[mark:] if d is None or r.d == d]

    def reset_max(self) -> None:
        self.out_max = {"r": self.out["r"], "w": self.out["w"], "rw": self.out["r"] + self.out["w"]}
        self.walks_max = len(self.walk_ids)

    # ---- s_axi
    def _open(self, d: str, p: dict, cycle: int) -> None:
        a = "ar" if d == "r" else "aw"
        rec = Rec(len(self.recs), d, p[a + "id"], p[a + "addr"], p[a + "mmusid"], cycle)
        self.recs.append(rec)
        self.wait_m.setdefault((d, rec.id), deque()).append(rec)
        self.wait_resp.setdefault((d, rec.id), deque()).append(rec)
        self.out[d] += 1
        self.out_max[d] = max(self.out_max[d], self.out[d])
        self.out_max["rw"] = max(self.out_max["rw"], self.out["r"] + self.out["w"])

    def _close(self, d: str, id_: int, resp: int, cycle: int) -> None:
        q = self.wait_resp.get((d, id_))
        if not q:
            self.errors.append(f"{d.upper()} response id={id_} without a request")
            return
        rec = q.popleft()
        rec.t_done, rec.resp = cycle, resp
        self.out[d] -= 1
        if resp != OKAY:
            self.errors.append(f"{d} id={rec.id} va={rec.va:#x}: response {resp}, expected OKAY")
        if rec.t_m is None:
            self.errors.append(f"{d} id={rec.id} va={rec.va:#x}: completed without reaching m_axi")
            wq = self.wait_m.get((d, rec.id))
            if wq and rec in wq:
                wq.remove(rec)

    def _s_edge(self, cycle: int, snap) -> None:
        s = snap["ar"]
        if s.fire:
            self._open("r", s.payload, cycle)
        s = snap["aw"]
        if s.fire:
            self._open("w", s.payload, cycle)
        s = snap["r"]
        if s.fire and s.payload["rlast"]:
            self._close("r", s.payload["rid"], s.payload["rresp"], cycle)
        s = snap["b"]
        if s.fire:
            self._close("w", s.payload["bid"], s.payload["bresp"], cycle)

    # ---- m_axi
    def _down(self, d: str, id_: int, addr: int, cycle: int) -> None:
        q = self.wait_m.get((d, id_))
        if q:
            for rec in q:
                want = self.xlate(rec.sid, rec.va)
                if want is None or want == addr:
                    q.remove(rec)
                    rec.t_m, rec.pa = cycle, addr
                    return
        self.errors.append(f"m_axi {d.upper()} id={id_} addr={addr:#x} matches no pending client "
                           f"transaction (pending: {[hex(r.va) for r in (q or [])][:4]})")

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
            i = s.payload["arid"]
            self.tw_ar.append((cycle, i, s.payload["araddr"]))
            self.tw_pend.setdefault(i, deque()).append([cycle, False])
            if i >= 2:
                self.walk_ids.add(i)
                self.walks_max = max(self.walks_max, len(self.walk_ids))
        s = snap["r"]
        if s.fire:
            i = s.payload["rid"]
            self.tw_r.append((cycle, i, s.payload["rlast"]))
            q = self.tw_pend.get(i)
            if q:
                head = q[0]
                if not head[1]:
                    head[1] = True
                    self.tw_lat.append((i, cycle - head[0]))
                if s.payload["rlast"]:
                    q.popleft()
                    if not q:
                        self.walk_ids.discard(i)


# --------------------------------------------------------------------------- helpers
def _rate(n: int, first: Optional[int], last: Optional[int]) -> Optional[float]:
    if not n or first is None or last is None:
        return None
    return round(n / (last - first + 1), 4)


COUNTERS = (("rd_q_inst", "cnt_lookups"), ("rd_q_inst", "cnt_hits"), ("wr_q_inst", "cnt_lookups"),
            ("wr_q_inst", "cnt_hits"), ("walk_inst", "cnt_walks"), ("walk_inst", "cnt_merges"),
            ("cfg_inst", "cnt_hit"), ("cfg_inst", "cnt_miss"),
            ("rd_q_inst", "cnt_mt_lookups"), ("rd_q_inst", "cnt_mt_hits"),
            ("wr_q_inst", "cnt_mt_lookups"), ("wr_q_inst", "cnt_mt_hits"))


read_counters = partial(_read_counters, counters=COUNTERS)


# --------------------------------------------------------------------------- the bench
@pyuvm.test()
class BenchTranslate(SmmuBaseTest):
    """Every item-7 figure of issue 4, one bring-up, phases in sequence."""

    timeout_us = 200_000.0

    # ---- set-up
    def va(self, page: int, off: int = 0) -> int:
        return VA_BASE + page * SIZE_4K + off

    def fresh(self, n: int = 1) -> List[int]:
        out = list(range(self.next_page, self.next_page + n))
        self.next_page += n
        assert self.next_page <= NPAGES, "bench ran out of mapped pages"
        return out

    def xlate(self, sid: int, va: int) -> Optional[int]:
        if not self.translating or sid != SID:
            return va                              # bypass (SMMU disabled / bypass STE)
        page = (va - VA_BASE) >> 12
        if 0 <= page < NPAGES:
            return PA_BASE + page * SIZE_4K + (va & 0xFFF)
        return None

    def txn(self, d: str, page: int, id_: int, k: int = 0) -> AxiTxn:
        db = self.env.data_bytes
        it = AxiTxn("bench")
        it.is_write, it.id, it.len, it.size, it.burst = d == "w", id_, 0, db.bit_length() - 1, INCR
        it.addr = self.va(page, (k * db * 7) & (0xFFF & ~(db - 1)))
        it.prot, it.sid, it.ssid, it.ssidv = 0, SID, 0, 0
        if it.is_write:
            it.data, it.strb = [(page << 16) | k], [(1 << db) - 1]
        return it

    async def one(self, d: str, page: int, id_: int = 0, k: int = 0) -> Rec:
        m = self.probe.mark()
        it = self.txn(d, page, id_, k)
        await self.env.client.send(it)
        await it.done.wait()
        recs = self.probe.since(m)
        return recs[-1] if recs else None

    async def burst(self, items: List[AxiTxn]) -> None:
        for it in items:
            self.env.client.submit(it)
        for it in items:
            await it.done.wait()

    async def idle(self, n: int = 8) -> None:
        await self.env.quiesce()
        await ClockCycles(self.env.dut.aclk, n)

    def tw_latency(self, cycles: int) -> None:
        """Walker memory: first R beat ``cycles`` after the m_axi_tw AR handshake."""
        self.env.mem_tw.latency = (cycles - 1, cycles - 1)

    async def warm(self, pages: List[int], dirs: str = "rw") -> None:
        for p in pages:
            for d in dirs:
                await self.one(d, p, 0)

    async def tlbi_all(self) -> None:
        await self.drv.issue([C.tlbi_nh_all()])

    # ---- body
    async def body(self) -> None:
        env = self.env
        dut = env.dut
        self.res: dict = {"simulator": cocotb.SIM_NAME,
                          "params": {"TLB_ENTRIES": env.params.TLB_ENTRIES, "ID_W": env.params.ID_W,
                                     "DATA_W": env.params.DATA_W, "MTLB_SETS": env.params.MTLB_SETS,
                                     "MTLB_WAYS": env.params.MTLB_WAYS,
                                     "MTLB_BLOCKS": env.params.MTLB_BLOCKS}}
        self.next_page = 0
        self.translating = False
        self.probe = Probe(env, self.xlate)
        env.client.max_outstanding = 256

        # 0. reference: SMMU disabled, global bypass (GBPA.ABORT=0 after reset)
        ref = {}
        for d in "rw":
            lats = [(await self.one(d, p, p % NID)).lat for p in range(8)]
            ref["ar" if d == "r" else "aw"] = _stats(lats)
        self.res["bypass_reference_latency_cycles"] = ref

        # 1. Linux bring-up, stage-1 stream SID 1 (or a bypass STE for the dry run)
        self.drv = drv = SmmuDriver(self.regs, env.mem, driver_config())
        f = await drv.probe()
        await drv.device_reset()
        self.has_xlate = hier.has_block(dut, "walk_inst")
        self.res["dry_run"] = not self.has_xlate
        if self.has_xlate:
            self.tables = Stage1Tables(env.mem, TablePool(PT_POOL), t0sz=16)
            for p in range(NPAGES):
                self.tables.map(self.va(p), PA_BASE + p * SIZE_4K)
            await drv.write_cd(SID, 0, CD_TABLE, make_s1_cd(f, ASID, self.tables.ttb0))
            await drv.write_ste(SID, make_cdtable_ste(f, CD_TABLE))
            self.translating = True
        else:
            self.log.warning("no translation RTL (smmu_top has no walk_inst): DRY RUN on a bypass STE")
            self.tables = None
            await drv.write_ste(SID, make_bypass_ste())
        await self.idle()

        phases = [("hit latency", self.phase_hit_latency), ("throughput", self.phase_throughput),
                  ("miss latency", self.phase_miss_latency), ("hit-rate sweep", self.phase_sweep),
                  ("hit under miss", self.phase_hit_under_miss), ("outstanding", self.phase_outstanding)]
        for name, fn in phases:
            self.log.info("---- phase: %s", name)
            c0 = env.cycles()
            await fn()
            await self.idle()
            self.log.info("---- phase %s: %d cycles", name, env.cycles() - c0)
        self.res["counters_total"] = read_counters(dut)
        self.res["probe_errors"] = self.probe.errors[:10]
        self.write_results()
        assert not self.probe.errors, f"{len(self.probe.errors)} probe error(s): {self.probe.errors[:5]}"

    # ---- 1. hit latency (isolated transactions)
    async def phase_hit_latency(self) -> None:
        self.hot = self.fresh(HIT_PAGES)
        await self.warm(self.hot)
        c0 = read_counters(self.env.dut)
        out = {}
        for d in "rw":
            lats = []
            for k in range(16):
                rec = await self.one(d, self.hot[k % HIT_PAGES], k % NID, k)
                lats.append(rec.lat)
            out["ar" if d == "r" else "aw"] = _stats(lats)
        out["counters"] = counter_delta(c0, read_counters(self.env.dut))
        self.hit_lat_max = max(out["ar"]["max"], out["aw"]["max"])
        self.res["hit_latency_cycles"] = out

    # ---- 2. all-hit throughput
    async def stream(self, dirs: str, n: int) -> dict:
        items = []
        for k in range(n):
            for d in dirs:
                items.append(self.txn(d, self.hot[k % HIT_PAGES], k % NID, k))
        c0 = read_counters(self.env.dut)
        m = self.probe.mark()
        await self.burst(items)
        out = {}
        for d in dirs:
            rs = self.probe.since(m, d)
            ts = [r.t_s for r in rs]
            tm = [r.t_m for r in rs if r.t_m is not None]
            out["reads" if d == "r" else "writes"] = {
                "n": len(rs),
                "txn_per_cycle_s_axi": _rate(len(ts), min(ts, default=None), max(ts, default=None)),
                "txn_per_cycle_m_axi": _rate(len(tm), min(tm, default=None), max(tm, default=None)),
                "latency_cycles": _stats([r.lat for r in rs if r.lat is not None]),
            }
        out["counters"] = counter_delta(c0, read_counters(self.env.dut))
        return out

    async def phase_throughput(self) -> None:
        await self.warm(self.hot)
        self.res["all_hit_throughput"] = {
            "reads_only": await self.stream("r", NTXN),
            "writes_only": await self.stream("w", NTXN),
            "reads_and_writes": await self.stream("rw", NTXN),
        }

    # ---- 3. miss latency vs walker memory latency, configuration cached or not
    async def miss_sample(self, uncached: bool) -> dict:
        if uncached:
            await self.drv.issue([C.cfgi_ste(SID)])
            await self.idle(4)
        page = self.fresh()[0]
        t0 = len(self.probe.tw_ar)
        r0 = len(self.probe.tw_r)
        l0 = len(self.probe.tw_lat)
        rec = await self.one("r", page, 0)
        tw = self.probe.tw_ar[t0:]
        win = [a for a in tw if rec.t_s <= a[0] <= rec.t_m]
        # timeline relative to the s_axi handshake: m_axi_tw AR / last R beat per read, m_axi AR
        ev = [(a[0] - rec.t_s, f"tw AR id{a[1]}") for a in win]
        ev += [(r[0] - rec.t_s, f"tw R id{r[1]}") for r in self.probe.tw_r[r0:]
               if r[2] and rec.t_s <= r[0] <= rec.t_m]
        ev.append((rec.lat, "m_axi AR"))
        return {"lat": rec.lat, "cfg_reads": sum(1 for a in win if a[1] == 0),
                "walk_reads": sum(1 for a in win if a[1] >= 2),
                "tw_lat": [x[1] for x in self.probe.tw_lat[l0:]],
                "timeline": [f"+{t} {what}" for t, what in sorted(ev)]}

    async def mtlb_hit_sample(self, pages: List[int], evict: List[int]) -> List[dict]:
        """Latency of micro-TLB misses that hit the main TLB: ``pages`` are walked (the CFGI_STE of
        the uncached samples empties the main TLB: every CFGI clears all its page entries), then
        reads of the ``evict`` pages push them out of the micro-TLB (round-robin over TLB_ENTRIES)."""
        for p in pages + evict:
            await self.one("r", p, 0)
        out = []
        for p in pages:
            t0 = len(self.probe.tw_ar)
            c0 = read_counters(self.env.dut)
            rec = await self.one("r", p, 0)
            dc = counter_delta(c0, read_counters(self.env.dut))
            win = [a for a in self.probe.tw_ar[t0:] if rec.t_s <= a[0] <= rec.t_m]
            out.append({"lat": rec.lat, "walk_reads": sum(1 for a in win if a[1] >= 2),
                        "micro_hit": dc["rd.hits"], "mtlb_hit": dc["rd.mt_hits"]})
        return out

    async def phase_miss_latency(self) -> None:
        out = {}
        mt_pages = self.fresh(4)
        evict = self.fresh(2 * self.env.params.TLB_ENTRIES + 8)
        for lat in TW_LATENCIES:
            self.tw_latency(lat)
            row = {}
            tw_seen = []
            for name, unc in (("config_cached", False), ("config_not_cached", True), ("walk_cache_hit", False)):
                if not unc:
                    await self.one("r", self.hot[0], 0)   # the configuration is in the cache
                if name == "walk_cache_hit":
                    # a page in a 2 MiB region walked just before: only its level-3 descriptor is read
                    await self.one("r", self.fresh()[0], 0)
                    samples = [await self.miss_sample(False) for _ in range(4)]
                else:
                    # config_cached: a full walk (TLBI_NH_ALL + SYNC empties the walk caches, not the
                    # configuration cache); config_not_cached: CFGI_STE empties both
                    samples = []
                    for _ in range(4):
                        if not unc:
                            await self.tlbi_all()
                            await self.idle(4)
                        samples.append(await self.miss_sample(unc))
                for s in samples:
                    tw_seen += s["tw_lat"]
                row[name] = {"latency_cycles": _stats([s["lat"] for s in samples]),
                             "cfg_reads": sorted({s["cfg_reads"] for s in samples}),
                             "walk_reads": sorted({s["walk_reads"] for s in samples}),
                             "timeline_first_sample": samples[0]["timeline"]}
            row["tw_latency_measured"] = _stats(tw_seen)
            mt = await self.mtlb_hit_sample(mt_pages, evict)
            row["main_tlb_hit"] = {"latency_cycles": _stats([s["lat"] for s in mt]),
                                   "walk_reads": sorted({s["walk_reads"] for s in mt}),
                                   "micro_tlb_hits": sum(s["micro_hit"] for s in mt),
                                   "main_tlb_hits": sum(s["mtlb_hit"] for s in mt)}
            out[str(lat)] = row
        self.tw_latency(1)
        self.res["miss_latency_cycles"] = out

    # ---- 4. TLB hit rate over a working-set sweep (serial accesses: no merges)
    async def phase_sweep(self) -> None:
        e = self.env.params.TLB_ENTRIES
        mt = self.env.params.MTLB_SETS * self.env.params.MTLB_WAYS
        sizes = [max(1, e // 4), max(1, e // 2), e, 2 * e, 4 * e]
        if mt:
            sizes += [mt // 4, mt // 2, mt, 2 * mt, 4 * mt]
        room = NPAGES - self.next_page - 80 - 2 * MANY_MISSES   # fresh pages of the later phases
        skipped = sorted({w for w in sizes if w > room})
        sizes = sorted({w for w in sizes if w <= room})
        if skipped:
            self.log.warning("sweep: %s pages do not fit in BENCH_PAGES=%d: left out", skipped, NPAGES)
        pages = self.fresh(max(sizes))
        leaf = ({self.tables.descriptor_address(self.va(p), 3): p for p in pages} if self.tables else {})
        rng = self.seeds.py("sweep")
        rows = []
        for w in sizes:
            for pattern in ("cyclic", "random"):
                await self.tlbi_all()
                if w <= 4 * e:                               # warm-up pass, not counted: one at a time
                    for p in pages[:w]:
                        await self.one("r", p, 0)
                else:                                        # (main-TLB sizes: 64 at a time)
                    for k in range(0, w, 64):
                        await self.burst([self.txn("r", p, 0) for p in pages[k:k + 64]])
                    await self.idle(4)
                seq = [pages[i % w] if pattern == "cyclic" else pages[rng.randrange(w)]
                       for i in range(SWEEP_N)]
                c0 = read_counters(self.env.dut)
                t0 = len(self.probe.tw_ar)
                lats = []
                for i, p in enumerate(seq):
                    lats.append((await self.one("r", p, i % NID, i)).lat)
                dc = counter_delta(c0, read_counters(self.env.dut))
                walks = sum(1 for a in self.probe.tw_ar[t0:] if a[1] >= 2 and a[2] in leaf)
                lk, hits = dc["rd.lookups"], dc["rd.hits"]
                mlk, mhits = dc["rd.mt_lookups"], dc["rd.mt_hits"]
                rows.append({
                    "pages": w, "pattern": pattern, "accesses": SWEEP_N,
                    "hit_rate_counters": None if not lk else round(hits / lk, 4),
                    "lookups": lk, "hits": hits,
                    "mtlb_lookups": mlk, "mtlb_hits": mhits,
                    "mtlb_hit_rate": None if not mlk else round(mhits / mlk, 4),
                    "hit_rate_outside_walks": round(1 - walks / SWEEP_N, 4),
                    "hit_rate_outside_latency": round(sum(1 for x in lats if x <= self.hit_lat_max) / SWEEP_N, 4),
                })
                self.log.info("sweep %s", rows[-1])
        self.res["tlb_hit_rate"] = {"tlb_entries": e, "mtlb_entries": mt,
                                    "mtlb_blocks": self.env.params.MTLB_BLOCKS if mt else 0,
                                    "points": rows, "skipped_pages": skipped}

    # ---- 5. hits on other IDs while a walk is outstanding
    async def hum_case(self, miss_dir: str, hit_dir: str, n_hits: int) -> dict:
        await self.warm(self.hot)
        page = self.fresh()[0]
        # a full walk: TLBI_NH_VA Leaf=0 of the page empties the walk caches on its path (the hot
        # pages stay in the TLB)
        await self.drv.issue([C.tlbi_nh_va(ASID, self.va(page), leaf=0)])
        m = self.probe.mark()
        miss = self.txn(miss_dir, page, 0)
        self.env.client.submit(miss)
        while not self.probe.since(m):                    # the miss is accepted first
            await ClockCycles(self.env.dut.aclk, 1)
        hits = [self.txn(hit_dir, self.hot[k % HIT_PAGES], 1 + k % (NID - 1), k) for k in range(n_hits)]
        await self.burst(hits)
        await miss.done.wait()
        rs = self.probe.since(m)
        mrec = rs[0]
        hrecs = rs[1:]
        t_first = min(r.t_s for r in hrecs)
        during = [r for r in hrecs if r.t_m is not None and t_first <= r.t_m <= mrec.t_m]
        window = mrec.t_m - t_first + 1
        busy = {r.t_m for r in during}
        idle = [t - t_first for t in range(t_first, mrec.t_m + 1) if t not in busy]
        return {"walk_cycles": mrec.lat, "window_cycles": window, "hits_during_walk": len(during),
                "idle_cycles_in_window": idle[:12],
                "hits_accepted_during_walk": sum(1 for r in hrecs if r.t_s <= mrec.t_m),
                "txn_per_cycle": round(len(during) / window, 4) if window > 0 else None}

    async def phase_hit_under_miss(self) -> None:
        self.tw_latency(50)
        n = 400
        out = {"tw_latency": 50}
        for md, hd in (("r", "r"), ("w", "w"), ("w", "r"), ("r", "w")):
            name = f"{'read' if md == 'r' else 'write'}_miss_{'read' if hd == 'r' else 'write'}_hits"
            out[name] = await self.hum_case(md, hd, n)
            self.log.info("hit under miss %s: %s", name, out[name])
        self.tw_latency(1)
        self.res["hit_under_miss"] = out

    # ---- 6. outstanding transactions, walks in flight, merged misses
    async def phase_outstanding(self) -> None:
        env = self.env
        out = {}
        # a) hits, slow memory: how many client transactions the SMMU keeps in flight
        await self.warm(self.hot)
        env.mem_m.latency = (199, 199)
        n = 128
        for d in ("r", "w", "rw"):
            items = [self.txn(dd, self.hot[k % HIT_PAGES], k % NID, k) for k in range(n) for dd in d]
            self.probe.reset_max()
            await self.burst(items)
            key = {"r": "reads", "w": "writes", "rw": "reads_and_writes"}[d]
            out[f"hits_slow_memory_{key}"] = {"offered": len(items), "max_outstanding": self.probe.out_max[
                "rw" if d == "rw" else d]}
        env.mem_m.latency = (0, 0)
        # b) misses to distinct pages, slow walker memory: pending misses and walks in flight;
        # b2) many misses (more than the largest pending table): how many translations wait at
        # once per direction and how many walks overlap (issue-12 targets >= 64 and >= 8; the
        # walk caches turn most of these into one-read walks, so walker slots are the limit)
        self.tw_latency(50)
        for n, name in ((32, "misses_slow_walker"), (MANY_MISSES, "many_misses_slow_walker")):
            for d in ("r", "w"):
                pages = self.fresh(n)
                items = [self.txn(d, p, k % NID, k) for k, p in enumerate(pages)]
                c0 = read_counters(env.dut)
                self.probe.reset_max()
                m = self.probe.mark()
                await self.burst(items)
                rs = self.probe.since(m)
                out[f"{name}_{'reads' if d == 'r' else 'writes'}"] = {
                    "offered": len(items), "max_outstanding": self.probe.out_max[d],
                    "walks_in_flight_max_outside": self.probe.walks_max,
                    "cycles": max(r.t_done for r in rs) - min(r.t_s for r in rs) + 1,
                    "counters": counter_delta(c0, read_counters(env.dut))}
        # c) two misses to the same page on two IDs share one walk
        for d in ("r", "w"):
            page = self.fresh()[0]
            leaf = self.tables.descriptor_address(self.va(page), 3) if self.tables else None
            c0 = read_counters(env.dut)
            t0 = len(self.probe.tw_ar)
            m = self.probe.mark()
            await self.burst([self.txn(d, page, 1, 0), self.txn(d, page, 2, 1)])
            rs = self.probe.since(m)
            leaf_reads = sum(1 for a in self.probe.tw_ar[t0:] if a[2] == leaf)
            out[f"same_page_two_ids_{'reads' if d == 'r' else 'writes'}"] = {
                "latency_cycles": [r.lat for r in rs], "leaf_descriptor_reads_outside": leaf_reads,
                "counters": counter_delta(c0, read_counters(env.dut))}
        self.tw_latency(1)
        self.res["outstanding"] = out

    # ---- results
    def write_results(self) -> None:
        sim = cocotb.SIM_NAME.lower().split()[0]
        self.res["target"] = {"hit_latency_max": 1, "all_hit_txn_per_cycle_min": 0.95,
                              "hit_under_miss": "hits on other IDs keep flowing during a walk",
                              "outstanding_min": 16, "walks_in_flight_min": 2}
        self.res["knobs"] = {"BENCH_TXNS": NTXN, "BENCH_SWEEP_N": SWEEP_N}
        outdir = Path(__file__).resolve().parent / "results"
        outdir.mkdir(exist_ok=True)
        # the LINK_REG=1 job (bench_translate_lr) writes translate-lr-<sim>.json, the large capacity
        # set (bench_translate_large: WALKERS=8, XLT_SLOTS=64) translate-large-<sim>.json
        over = json.loads(os.environ.get("SMMU_PARAMS") or "{}")
        lr = over.get("LINK_REG", 0)
        self.res["params"].update(over)
        self.res["params"]["LINK_REG"] = lr
        tag = "-lr" if lr else "-large" if over.get("WALKERS", 2) > 2 else ""
        (outdir / f"translate{tag}-{sim}.json").write_text(json.dumps(self.res, indent=2) + "\n")
        self.log.info("BENCH translate: %s", json.dumps(self.res))
        for line in summary_lines(self.res):
            self.log.info("BENCH %s", line)


def summary_lines(r: dict) -> List[str]:
    """A human-readable digest of the JSON (`.venv/bin/python -m bench.bench_translate FILE...`)."""
    out = [f"translate on {r['simulator']}{' (DRY RUN: no translation RTL)' if r.get('dry_run') else ''}"]
    h = r.get("hit_latency_cycles", {})
    b = r.get("bypass_reference_latency_cycles", {})
    for ch in ("ar", "aw"):
        if ch in h:
            out.append(f"hit latency {ch.upper()}: {h[ch]['min']}..{h[ch]['max']} cycles "
                       f"(bypass reference {b.get(ch, {}).get('min')}..{b.get(ch, {}).get('max')})")
    for k, v in r.get("all_hit_throughput", {}).items():
        for d in ("reads", "writes"):
            if d in v:
                out.append(f"all-hit {k} {d}: {v[d]['txn_per_cycle_s_axi']} txn/cycle s_axi, "
                           f"{v[d]['txn_per_cycle_m_axi']} m_axi")
    for lat, row in r.get("miss_latency_cycles", {}).items():
        out.append(f"miss latency, walker memory {lat} (measured {row['tw_latency_measured'].get('min')}): "
                   f"config cached {row['config_cached']['latency_cycles']}, "
                   f"not cached {row['config_not_cached']['latency_cycles']}, "
                   f"main-TLB hit {row.get('main_tlb_hit', {}).get('latency_cycles')}")
        if "walk_cache_hit" in row:
            w = row["walk_cache_hit"]
            out.append(f"miss latency, walker memory {lat}, walk-cache hit (walk reads {w['walk_reads']}): "
                       f"{w['latency_cycles']}")
    for p in r.get("tlb_hit_rate", {}).get("points", []):
        out.append(f"hit rate {p['pages']:4d} pages {p['pattern']:6s}: micro-TLB {p['hit_rate_counters']} "
                   f"main TLB {p.get('mtlb_hit_rate')} ({p.get('mtlb_hits')}/{p.get('mtlb_lookups')}) "
                   f"no walk {p['hit_rate_outside_walks']} outside(latency) {p['hit_rate_outside_latency']}")
    for k, v in r.get("hit_under_miss", {}).items():
        if isinstance(v, dict):
            out.append(f"hit under miss {k}: {v['txn_per_cycle']} txn/cycle over {v['window_cycles']} cycles")
    for k, v in r.get("outstanding", {}).items():
        out.append(f"{k}: {v}")
    return out


if __name__ == "__main__":
    import sys
    for fn in sys.argv[1:]:
        print("\n".join(summary_lines(json.loads(Path(fn).read_text()))))
