"""Functional coverage (cocotb-coverage), sampled from what happened on the DUT's interfaces.

Sources (wired by :meth:`CoverageCollector.bind` in the env's connect_phase):

* s_axi monitor: every completed client transaction (``write``) and every address handshake
  (``on_request``, which notes the mode -- SMMUEN/GBPA -- and decodes the STE/CD/translation
  tables the driver put in memory for that SID/SSID/address);
* m_axi monitor: downstream bursts (responses, back-pressure) and which client transactions
  reached memory (matched by direction, ID, len/size/burst and time, independently of the
  scoreboard's prediction);
* m_axi_tw monitor: configuration fetches, walk reads (TLB miss = a walk read of the
  transaction's own descriptors during its lifetime), command fetches (decoded; executed /
  CERROR_ILL / CERROR_ABT) and event-record writes (decoded records: event type, PnU, InD, RnW,
  SSV, Stall; queue wrap, write aborts);
* s_axil listener: register writes and reads seen on the bus (CMDQ_PROD batches,
  EVENTQ_PROD.OVFLG overflow);
* the scoreboard's stall bookkeeping (StallToken.action, set from the RESUME / STALL_TERM
  commands seen on m_axi_tw and from SMMUEN clears) for how each stall ended.

Details that are not on any bus (walk level of a fault, page/block size, TBI, STE Config,
S1DSS, which CD field made a CD illegal) are decoded from the configuration and tables in the
shared memory image (what the driver configured), for the transaction or record observed.

Bins are parameter independent (the same bins in every build), so databases of every job,
seed and simulator merge bin by bin (sim/funcov.py). Groups are the first component of the
cover-point names: axi, trans, config, cmd, evq, inv, stall. Infeasible bins are ``ign_bins``
here (structurally impossible) or waived with a reason in tb/env/coverage_waivers.yml
(impossible with the parameters or suites we run).

Every test exports the (per-process, cumulative) database to ``funcov.xml`` in its results
directory, results/<sim>/<job>-<seed>/, at the end of every test.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict, deque
from pathlib import Path
from typing import Dict, List, Optional

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_db
from pyuvm import uvm_subscriber

from tb.agents.axi_monitor import AxiObs

DB_NAME = "funcov.xml"

# ---------------------------------------------------------------- bins (parameter independent)
BURSTS = ["FIXED", "INCR", "WRAP"]
LEN_BINS = ["1", "2", "3-4", "5-8", "9-16", "17-64", "65-255", "256"]
SIZES = [0, 1, 2, 3, 4]                     # 16-byte beats need DATA_W >= 128 (traffic_w128 job)
ID_BINS = ["0", "1", "2-3", "4-7", "8-15", "16-63"]
# AXI4: WRAP is 2/4/8/16 beats, FIXED at most 16 beats
INFEASIBLE_BURST_LEN = [("WRAP", b) for b in ("1", "17-64", "65-255", "256")] + \
                       [("FIXED", b) for b in ("17-64", "65-255", "256")]
DIRS = ["read", "write"]
RESPS = ["OKAY", "SLVERR", "DECERR"]
RESP_NAMES = {0: "OKAY", 1: "EXOKAY", 2: "SLVERR", 3: "DECERR"}
CHANNELS = ["aw", "w", "ar", "r", "b"]
PAGE_BINS = ["starts_at_4k", "ends_at_4k", "wrap_wraps", "interior"]
TW_KINDS = ["ste_fetch", "cd_fetch", "walk_read", "cmd_fetch", "event_write"]
TW_ONLY_READ = ("ste_fetch", "cd_fetch", "walk_read", "cmd_fetch")

OUTCOMES = ["ok", "abort", "raz", "stall"]
TLB = ["hit", "miss"]
LEVELS = ["L0", "L1", "L2", "L3", "input"]
SIZE_NAMES = {1 << 12: "4K", 1 << 21: "2M", 1 << 30: "1G"}
TBI_BINS = ["off", "on_untagged", "on_tagged"]

F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION, F_WALK_EABT = 0x10, 0x11, 0x12, 0x13, 0x0B
TRANS_EVENTS = {F_TRANSLATION: "F_TRANSLATION", F_ADDR_SIZE: "F_ADDR_SIZE", F_ACCESS: "F_ACCESS",
                F_PERMISSION: "F_PERMISSION", F_WALK_EABT: "F_WALK_EABT"}
# (event, level) pairs that exist for a 4K-granule stage-1 walk (start level 0..3, blocks at 1/2,
# pages at 3): access-flag and permission faults need a leaf (levels 1..3); F_ADDR_SIZE at "input"
# is the input address beyond the IAS/TxSZ range, at a level an output address beyond OAS
EVENT_LEVELS = ([("F_TRANSLATION", l) for l in ("L0", "L1", "L2", "L3", "input")]
                + [("F_ADDR_SIZE", l) for l in ("L0", "L1", "L2", "L3", "input")]
                + [("F_ACCESS", l) for l in ("L1", "L2", "L3")]
                + [("F_PERMISSION", l) for l in ("L1", "L2", "L3")]
                + [("F_WALK_EABT", l) for l in ("L0", "L1", "L2", "L3")])
# record fields: (event, RnW, PnU, InD); InD is 0 for writes (InD only applies to reads)
EVENT_ACCESS = [(e, d, p, i) for e in TRANS_EVENTS.values() for d in DIRS for p in (0, 1)
                for i in ((0, 1) if d == "read" else (0,))]

CFG_EVENTS = {0x02: "C_BAD_STREAMID", 0x03: "F_STE_FETCH", 0x04: "C_BAD_STE", 0x06: "F_STREAM_DISABLED",
              0x08: "C_BAD_SUBSTREAMID", 0x09: "F_CD_FETCH", 0x0A: "C_BAD_CD"}
# configuration records and the SSV they can carry: F_STREAM_DISABLED and C_BAD_SUBSTREAMID
# carry no SSV (IHI 0070 7.3); the others carry the transaction's
CFG_EVENT_SSV = [(n, s) for n in ("C_BAD_STREAMID", "F_STE_FETCH", "C_BAD_STE", "F_CD_FETCH", "C_BAD_CD")
                 for s in (0, 1)] + [("F_STREAM_DISABLED", 0), ("C_BAD_SUBSTREAMID", 0)]
# STE kinds x SSV x S1DSS x S1CDMax (only Config=S1 has S1DSS / S1CDMax meaning)
# (S1DSS only matters with S1CDMax > 0)
STE_BINS = ([(k, s, "-", "-") for k in ("invalid", "abort", "bypass") for s in (0, 1)]
            + [("s1", s, "-", "cdmax0") for s in (0, 1)]
            + [("s1", s, d, "cdmax>0") for s in (0, 1) for d in ("terminate", "bypass", "ssid0")])
CD_LEGALITY = ["legal", "V=0", "S=1 with S1STALLD", "A=0 with TERM_MODEL", "S=1 with STALL_MODEL=1",
               "S=0 with STALL_MODEL=2", "ENDI", "AA64=0", "HA/HD", "ASID[15:8]", "TxSZ", "TGx", "TTBx"]

CMD_NAMES = ["PREFETCH_CONFIG", "PREFETCH_ADDR", "CFGI_STE", "CFGI_STE_RANGE", "CFGI_ALL", "CFGI_CD",
             "CFGI_CD_ALL", "TLBI_NH_ALL", "TLBI_NH_ASID", "TLBI_NH_VA", "TLBI_NH_VAA", "TLBI_EL2_ALL",
             "TLBI_EL2_ASID", "TLBI_EL2_VA", "TLBI_EL2_VAA", "TLBI_S12_VMALL", "TLBI_S2_IPA",
             "TLBI_NSNH_ALL", "ATC_INV", "PRI_RESP", "RESUME", "STALL_TERM", "SYNC", "unknown"]
CMD_OUTCOMES = ["executed", "CERROR_ILL"]
CMD_BINS = [(c, o) for c in CMD_NAMES for o in CMD_OUTCOMES if not (c == "unknown" and o == "executed")] \
    + [("*", "CERROR_ABT")]
SYNC_CS = ["SIG_NONE", "SIG_IRQ", "SIG_SEV", "reserved"]
BATCH_BINS = ["1", "2-4", "5-16", "17+"]
EVQ_BINS = ["record", "stall_record", "wrap", "full", "overflow", "write_abort", "drop_eventqen0",
            "drop_full", "drop_abort", "stall_record_after_full"]
INV_FORMS = ["CFGI_STE", "CFGI_STE_RANGE", "CFGI_ALL", "CFGI_CD", "CFGI_CD_ALL", "TLBI_NH_ALL",
             "TLBI_NH_ASID", "TLBI_NH_VA", "TLBI_NH_VAA", "TLBI_NSNH_ALL"]
INFLIGHT = ["idle", "pending", "walk", "stalled", "m_axi"]
STALL_ENDS = ["retry", "abort", "term", "stall_term", "disable"]


def len_bin(n_beats: int) -> str:
    if n_beats <= 2:
        return str(n_beats)
    for hi, name in ((4, "3-4"), (8, "5-8"), (16, "9-16"), (64, "17-64"), (255, "65-255")):
        if n_beats <= hi:
            return name
    return "256"


def id_bin(i: int) -> str:
    if i <= 1:
        return str(i)
    for hi, name in ((3, "2-3"), (7, "4-7"), (15, "8-15")):
        if i <= hi:
            return name
    return "16-63"


def batch_bin(n: int) -> str:
    return "1" if n == 1 else "2-4" if n <= 4 else "5-16" if n <= 16 else "17+"


def page_bins(o: AxiObs) -> List[str]:
    """Where a burst sits in its 4 KiB page (AXI4 forbids crossing one: the SMMU translates per
    page, so the edges are where an off-by-one shows)."""
    nbytes = (o.len + 1) << o.size
    out = []
    if o.burst == 2:
        span = nbytes
        if o.addr & (span - 1):
            out.append("wrap_wraps")
    elif o.burst == 1:
        first = o.addr & ~((1 << o.size) - 1)
        last = first + nbytes - 1
        if o.addr & 0xFFF == 0:
            out.append("starts_at_4k")
        if last & 0xFFF == 0xFFF:
            out.append("ends_at_4k")
    return out or ["interior"]


def _in(val, b) -> bool:
    return b in val


def _rel_set(val, b) -> bool:
    """val = (key, set-of-states): bin (key, state) hit for each state in the set."""
    return b[0] == val[0] and b[1] in val[1]


# ---------------------------------------------------------------- cover points
# axi: client (s_axi)
@CoverPoint("axi.client.burst", xf=lambda o: BURSTS[o.burst] if o.burst < 3 else "RSVD", bins=BURSTS)
@CoverPoint("axi.client.len", xf=lambda o: len_bin(o.len + 1), bins=LEN_BINS)
@CoverPoint("axi.client.size", xf=lambda o: o.size, bins=SIZES)
@CoverCross("axi.client.burst_x_len", items=["axi.client.burst", "axi.client.len"], ign_bins=INFEASIBLE_BURST_LEN)
@CoverCross("axi.client.burst_x_size", items=["axi.client.burst", "axi.client.size"])
@CoverPoint("axi.client.id", xf=lambda o: id_bin(o.id), bins=ID_BINS)
@CoverPoint("axi.client.dir_x_resp", xf=lambda o: ("write" if o.is_write else "read",
                                                   RESP_NAMES[max(o.resp) if o.resp else 0]),
            bins=[(d, r) for d in DIRS for r in RESPS])
@CoverPoint("axi.client.backpressure", xf=lambda o: o.cov_bp, bins=CHANNELS, rel=_in)
@CoverPoint("axi.client.w_before_aw", xf=lambda o: o.w_early, bins=[True])
@CoverPoint("axi.client.page", xf=lambda o: page_bins(o), bins=PAGE_BINS, rel=_in)
def sample_client(o: AxiObs) -> None:
    """Once per completed client transaction."""


@CoverPoint("axi.m.dir_x_resp", xf=lambda o: ("write" if o.is_write else "read",
                                              RESP_NAMES[max(o.resp) if o.resp else 0]),
            bins=[(d, r) for d in DIRS for r in RESPS])
@CoverPoint("axi.m.backpressure", xf=lambda o: o.cov_bp, bins=CHANNELS, rel=_in)
def sample_m(o: AxiObs) -> None:
    """Once per completed m_axi burst."""


@CoverPoint("axi.tw.kind_x_resp", xf=lambda k, ok, bp: (k, "OKAY" if ok else "error"),
            bins=[(k, r) for k in TW_KINDS for r in ("OKAY", "error")])
@CoverPoint("axi.tw.backpressure", xf=lambda k, ok, bp: bp, bins=CHANNELS, rel=_in)
def sample_tw(kind: str, ok: bool, bp) -> None:
    """Once per completed m_axi_tw burst the SMMU issued for itself."""


# trans: stage-1 translation
@CoverPoint("trans.dir_x_outcome_x_tlb", xf=lambda d, out, tlb: (d, out, tlb),
            bins=[(d, o, t) for d in DIRS for o in OUTCOMES for t in TLB])
def sample_trans(d: str, out: str, tlb: str) -> None:
    """Once per completed client transaction that a valid stage-1 configuration translated."""


@CoverPoint("trans.size_x_tbi", xf=lambda size, tbi: (size, tbi),
            bins=[(s, t) for s in ("4K", "2M", "1G") for t in TBI_BINS])
def sample_leaf(size: str, tbi: str) -> None:
    """Once per translated (ok) client transaction."""


@CoverPoint("trans.event_x_level", xf=lambda ev, lvl, acc: (ev, lvl), bins=EVENT_LEVELS)
@CoverPoint("trans.event_x_access", xf=lambda ev, lvl, acc: (ev,) + acc, bins=EVENT_ACCESS)
def sample_fault(ev: str, lvl: str, acc: tuple) -> None:
    """Once per translation-fault record written to the event queue."""


# config
@CoverPoint("config.ste", xf=lambda b: b, bins=STE_BINS)
def sample_ste(b: tuple) -> None:
    """Once per client transaction with SMMUEN=1 whose STE was read (valid StreamID, no fetch abort)."""


@CoverPoint("config.event_x_ssv", xf=lambda ev, ssv: (ev, ssv), bins=CFG_EVENT_SSV)
def sample_cfg_event(ev: str, ssv: int) -> None:
    """Once per configuration record written to the event queue."""


@CoverPoint("config.cd_legality", xf=lambda why: why, bins=CD_LEGALITY)
def sample_cd(why: str) -> None:
    """Once per C_BAD_CD record (the reason) and per transaction translated with a legal CD."""


# cmd
@CoverPoint("cmd.opcode_x_outcome", xf=lambda op, out: (op, out), bins=CMD_BINS)
def sample_cmd(op: str, out: str) -> None:
    """Once per command fetched on m_axi_tw."""


@CoverPoint("cmd.sync_cs", xf=lambda cs: cs, bins=SYNC_CS)
def sample_sync(cs: str) -> None:
    """Once per CMD_SYNC fetched."""


@CoverPoint("cmd.queue", xf=lambda what: what, bins=["wrap"])
def sample_cmdq(what: str) -> None:
    """Command queue events seen on the bus."""


@CoverPoint("cmd.batch", xf=lambda n: batch_bin(n), bins=BATCH_BINS)
def sample_batch(n: int) -> None:
    """Once per CMDQ_PROD write on s_axil that publishes n > 0 new commands."""


# evq
@CoverPoint("evq.state", xf=lambda what: what, bins=EVQ_BINS)
def sample_evq(what: str) -> None:
    """Event queue situations seen on the bus (records, wrap, full, overflow, aborts, drops)."""


# inv
@CoverPoint("inv.form_x_inflight", xf=lambda form, states: (form, states),
            bins=[(f, s) for f in INV_FORMS for s in INFLIGHT], rel=_rel_set)
def sample_inv(form: str, states) -> None:
    """Once per executed TLBI/CFGI fetched: what was in flight at that moment."""


# stall
@CoverPoint("stall.end_x_dir_x_followers_x_full", xf=lambda end, d, fol, full: (end, d, fol, full),
            bins=[(e, d, f, q) for e in STALL_ENDS for d in DIRS for f in ("alone", "followers")
                  for q in ("not_full", "full")])
@CoverPoint("stall.count", xf=lambda end, d, fol, full: end, bins=STALL_ENDS)
def sample_stall(end: str, d: str, fol: str, full: str) -> None:
    """Once per stall (Stall=1 record) of a completed client transaction."""


@CoverPoint("stall.per_txn", xf=lambda n: "1" if n == 1 else "2+", bins=["1", "2+"])
def sample_stalls(n: int) -> None:
    """Once per completed client transaction that stalled."""


GROUP_DOC = {
    "axi": "AXI traffic: client burst x len x size, IDs, responses, back-pressure per channel, W before AW, "
           "4 KiB edges and WRAP; m_axi responses / back-pressure; m_axi_tw kinds and back-pressure",
    "trans": "stage-1 translation: direction x outcome x TLB hit/miss, page/block size x TBI, fault "
             "records by level and by RnW/PnU/InD",
    "config": "STE Config x SSV x S1DSS x S1CDMax, configuration records x SSV, CD legality reasons",
    "cmd": "commands: opcode x outcome, CMD_SYNC CS, queue wrap, batch sizes",
    "evq": "event queue: records, wrap, full, overflow, write abort, drops, stall records after full",
    "inv": "TLBI/CFGI form x what was in flight",
    "stall": "stall end cause x direction x same-ID followers x stall queue full",
}


# ---------------------------------------------------------------- collector
class _Listener:
    """s_axil bus listener: pairs AW/W and AR/R handshakes into register writes and reads."""

    def __init__(self, cov: "CoverageCollector") -> None:
        self.cov = cov
        self.aw: deque = deque()
        self.w: deque = deque()
        self.ar: deque = deque()

    def reset(self) -> None:
        self.aw.clear()
        self.w.clear()
        self.ar.clear()

    def on_edge(self, cycle: int, snap) -> None:
        s = snap["aw"]
        if s.valid and s.ready:
            self.aw.append(s.payload["awaddr"])
        s = snap["w"]
        if s.valid and s.ready:
            self.w.append((s.payload["wdata"], s.payload["wstrb"]))
        while self.aw and self.w:
            a = self.aw.popleft()
            d, st = self.w.popleft()
            self.cov.on_reg_write(a & 0xFFFFC, d, st)
        s = snap["ar"]
        if s.valid and s.ready:
            self.ar.append(s.payload["araddr"])
        s = snap["r"]
        if s.valid and s.ready and self.ar:
            self.cov.on_reg_read(self.ar.popleft() & 0xFFFFC, s.payload["rdata"])

    def tb_busy(self) -> bool:
        return False


class CoverageCollector(uvm_subscriber):
    """Subscriber of the s_axi monitor (completed client transactions); ``bind(env)`` adds the
    other sources. Sampling never raises into the test: an internal error is logged once and
    counted (``errors``), coverage is a report, not a checker."""

    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.samples = 0
        self.errors = 0
        self.env = None
        self.log = logging.getLogger("tb.coverage")
        self.log.setLevel(logging.INFO)
        self._reset_state()

    def build_phase(self) -> None:
        # the exports of the other sources (connected by bind in the env's connect_phase), made
        # the way the scoreboard makes its own
        self.req_export = uvm_subscriber.uvm_AnalysisImp("req_export", self, self._guard(self.on_request))
        self.m_export = uvm_subscriber.uvm_AnalysisImp("m_export", self, self._guard(self.on_m))
        self.tw_export = uvm_subscriber.uvm_AnalysisImp("tw_export", self, self._guard(self.on_tw))

    def _reset_state(self) -> None:
        self.m_done: Dict[tuple, deque] = defaultdict(deque)   # (is_write, id) -> completed m_axi bursts
        self.walks: deque = deque(maxlen=4096)                  # (cycle, addr) of walk reads
        self.cmdq_prod: Optional[int] = None
        self.cmd_last_slot: Optional[int] = None
        self.evq_last_slot: Optional[int] = None
        self.ovflg_seen: Optional[int] = None

    # ------------------------------------------------------------ wiring
    def bind(self, env) -> None:
        """Connect to the env's sources (called from the env's connect_phase)."""
        self.env = env
        self.params = env.params
        env.s_mon.req_ap.connect(self.req_export)
        env.m_mon.ap.connect(self.m_export)
        env.tw_mon.ap.connect(self.tw_export)
        self._axil = _Listener(self)
        env.l_smp.add_listener(self._axil)
        from tb.model.config import SmmuFeatures
        self.features = SmmuFeatures.from_params(self.params)

    def reset(self) -> None:
        self._reset_state()
        if self.env is not None:
            self._axil.reset()

    def _guard(self, fn):
        def run(*a):
            try:
                fn(*a)
            except Exception as e:  # noqa: BLE001 - coverage must never break a test
                self.errors += 1
                if self.errors <= 3:
                    self.log.warning("coverage sampling error in %s: %r", fn.__name__, e, exc_info=True)
        return run

    # ------------------------------------------------------------ helpers
    def _now(self) -> int:
        return self.env.sb.now() if self.env is not None else 0

    def _lookup(self, sid: int, ssid: int, ssv: bool, addr: int, is_read: bool, prot: int):
        """The configuration (and translation) the tables in memory give: (cfg, translation or None)."""
        from tb.model.attrs import effective_pnu_ind
        from tb.model.config import lookup_config
        from tb.model.translate import translate
        sb = self.env.sb
        cfg = lookup_config(self.env.mem, sb.model, self.params, sid=sid, ssid=ssid, ssv=ssv, addr=addr,
                            rnw=is_read, pnu=prot & 1, ind=(prot >> 2) & 1,
                            error_ranges=self.env.tw_read_error_ranges(), features=self.features)
        tr = None
        if cfg.kind == "s1":
            pnu, ind = effective_pnu_ind(cfg.ste, prot, is_read)
            tr = translate(self.env.mem, cfg.cd, va=addr, rnw=is_read, pnu=pnu, ind=ind,
                           oas_bits=self.params.OAS_BITS, error_ranges=self.env.tw_read_error_ranges())
        return cfg, tr

    # ------------------------------------------------------------ s_axi
    def on_request(self, o: AxiObs) -> None:
        m = self.env.sb.model
        o.cov_mode = "smmu" if m.smmuen else ("gbpa_abort" if m.gbpa_abort else "bypass")
        o.cov_cfg = o.cov_tr = None
        if o.cov_mode != "smmu":
            return
        cfg, tr = self._lookup(o.sid, o.ssid, bool(o.ssidv), o.addr, not o.is_write, o.prot)
        o.cov_cfg, o.cov_tr = cfg, tr
        ste = cfg.ste
        if ste is None:
            return
        ssv = int(bool(o.ssidv))
        if not ste.V:
            b = ("invalid", ssv, "-", "-")
        elif ste.Config & 0b100 == 0:
            b = ("abort", ssv, "-", "-")
        elif ste.Config == 0b100:
            b = ("bypass", ssv, "-", "-")
        elif ste.Config == 0b101:
            if ste.S1CDMax == 0:
                b = ("s1", ssv, "-", "cdmax0")
            else:
                b = ("s1", ssv, {0: "terminate", 1: "bypass", 2: "ssid0"}.get(ste.S1DSS, "terminate"), "cdmax>0")
        else:
            return
        sample_ste(b)

    def write(self, o: AxiObs) -> None:
        self._guard(self._client)(o)

    def _client(self, o: AxiObs) -> None:
        self.samples += 1
        o.cov_bp = getattr(o, "bp", set()) | ({"aw" if o.is_write else "ar"} if o.stalled else set())
        sample_client(o)
        if self.env is None:
            return
        d = "write" if o.is_write else "read"
        reached = self._claim_m(o)
        th = getattr(o, "thread", None)
        tokens = list(th.tokens) if th is not None else []
        if tokens:
            sample_stalls(len(tokens))
            fol = self._followers(o)
            for t in tokens:
                if t.action in STALL_ENDS:
                    sample_stall(t.action, d, fol, "full" if getattr(t, "cov_full", False) else "not_full")
        cfg, tr = getattr(o, "cov_cfg", None), getattr(o, "cov_tr", None)
        if cfg is not None and not reached and not tokens and not self.env.sb.model.eventqen:
            # terminated with a cause that writes a record (a configuration event; F_WALK_EABT; a
            # translation fault with CD.R=1) while software had EVENTQEN=0: the record is dropped
            f = tr.fault if tr is not None else None
            if cfg.event is not None or (f is not None and (f.event_id == F_WALK_EABT or cfg.cd.R)):
                sample_evq("drop_eventqen0")
        if cfg is None or cfg.kind != "s1" or tr is None:
            return
        if reached:
            out = "ok"
        elif tokens and not reached:
            out = "stall"
        elif o.resp and max(o.resp) == 2:
            out = "abort"
        else:
            out = "raz"
        sample_trans(d, out, "miss" if self._walked(o, tr) else "hit")

        if reached and tr.ok:
            sample_cd("legal")
            size = SIZE_NAMES.get(tr.size)
            if size:
                tbi = self._tbi(cfg.cd, o.addr)
                sample_leaf(size, tbi)

    @staticmethod
    def _tbi(cd, addr: int) -> str:
        upper = (addr >> 55) & 1
        on = cd.TBI1 if upper else cd.TBI0
        if not on:
            return "off"
        top = (addr >> 56) & 0xFF
        return "on_tagged" if top not in (0, 0xFF) else "on_untagged"

    def _claim_m(self, o: AxiObs) -> bool:
        """The oldest unclaimed m_axi burst of this direction/ID, issued after this request and done
        before its response, with its len/size/burst: this transaction reached memory."""
        q = self.m_done.get((o.is_write, o.id))
        while q and q[0].t_done < o.t_addr:
            q.popleft()                      # belongs to no transaction we saw (e.g. before a reset)
        if not q:
            return False
        m = q[0]
        if (o.t_addr <= m.t_addr <= o.t_done and m.len == o.len and m.size == o.size and m.burst == o.burst
                and (not o.is_write or m.data == o.data)):
            q.popleft()
            return True
        return False

    def _walked(self, o: AxiObs, tr) -> bool:
        pas = {pa for _, pa, _ in tr.walk}
        if not pas:
            return False
        return any(o.t_addr <= c <= o.t_done and a in pas for c, a in self.walks)

    def _followers(self, o: AxiObs) -> str:
        mon = self.env.s_mon
        q = (mon.b_wait if o.is_write else mon.r_wait).get(o.id)
        return "followers" if q else "alone"

    # ------------------------------------------------------------ m_axi
    def on_m(self, o: AxiObs) -> None:
        o.cov_bp = getattr(o, "bp", set()) | ({"aw" if o.is_write else "ar"} if o.stalled else set())
        sample_m(o)
        self.m_done[(o.is_write, o.id)].append(o)

    # ------------------------------------------------------------ m_axi_tw
    def on_tw(self, o: AxiObs) -> None:
        ok = all(r == 0 for r in o.resp)
        bp = getattr(o, "bp", set()) | ({"aw" if o.is_write else "ar"} if o.stalled else set())
        if o.is_write:
            if o.id == 0 and o.len == 3:
                sample_tw("event_write", ok, bp)
                self._event_write(o, ok)
            return
        if o.id in (2, 3):
            sample_tw("walk_read", ok, bp)
            self.walks.append((o.t_addr, o.addr))
        elif o.id == 1:
            sample_tw("cmd_fetch", ok, bp)
            self._cmd_fetch(o, ok)
        elif o.id == 0:
            sample_tw("ste_fetch" if o.len == 1 else "cd_fetch", ok, bp)

    def _cmd_fetch(self, o: AxiObs, ok: bool) -> None:
        from tb.model import commands as C
        m = self.env.sb.model
        log2 = m.field("CMDQ_BASE", "LOG2SIZE")
        slot = (o.addr >> 4) & ((1 << log2) - 1) if log2 else 0
        if self.cmd_last_slot is not None and slot < self.cmd_last_slot:
            sample_cmdq("wrap")
        self.cmd_last_slot = slot
        if not ok or len(o.data) < 2:
            sample_cmd("*", "CERROR_ABT")
            return
        # a fetch is a burst of up to MAX_BURST 16-byte commands (two 8-byte beats each); the SMMU
        # executes them in order and stops at the first illegal one (the rest are fetched again
        # after software fixed it)
        inflight = None
        for k in range(len(o.data) // 2):
            raw = b"".join(int(d).to_bytes(8, "little") for d in o.data[2 * k:2 * k + 2])
            op = raw[0]
            legal, _ = C.command_legal(C.decode(raw), self.features)
            name = self._cmd_name(op, raw)
            sample_cmd(name, "executed" if legal else "CERROR_ILL")
            if op == C.SYNC:
                sample_sync(SYNC_CS[(int.from_bytes(raw[:8], "little") >> 12) & 3])
            if not legal:
                return
            if name in INV_FORMS:
                inflight = inflight if inflight is not None else self._inflight()
                sample_inv(name, inflight)

    @staticmethod
    def _cmd_name(op: int, raw: bytes) -> str:
        from tb.model import commands as C
        names = {getattr(C, n): n for n in CMD_NAMES if n not in ("CFGI_ALL", "unknown") and hasattr(C, n)}
        n = names.get(op, "unknown")
        if op == C.CFGI_STE_RANGE and (int.from_bytes(raw[8:16], "little") & 0x1F) == C.CFGI_ALL_RANGE:
            n = "CFGI_ALL"
        return n

    def _inflight(self) -> set:
        env = self.env
        st = set()
        if any(q for i, q in env.tw_mon.r_wait.items() if i in (2, 3)):
            st.add("walk")
        if env.sb.outstanding_stalls():
            st.add("stalled")
        if env.m_mon.outstanding():
            st.add("m_axi")
        if env.s_mon.outstanding():
            if not st:
                st.add("pending")
        else:
            st.add("idle")
        return st

    def _event_write(self, o: AxiObs, ok: bool) -> None:
        from tb.model.events import EventRecord
        evc = self.env.evc
        base, log2 = evc.queue()
        if not (base <= o.addr < base + (32 << log2)):
            return
        slot = (o.addr - base) >> 5
        if self.evq_last_slot is not None and slot < self.evq_last_slot:
            sample_evq("wrap")
        self.evq_last_slot = slot
        if not ok:
            sample_evq("write_abort")
            return
        raw = b"".join(int(d).to_bytes(8, "little") for d in o.data[:4])
        rec = EventRecord.unpack(raw.ljust(32, b"\0"))
        sample_evq("stall_record" if rec.Stall else "record")
        if evc._full():
            sample_evq("full")
        if rec.Stall:
            self._stall_record(o)
        self._record(rec)

    def _stall_record(self, o: AxiObs) -> None:
        env = self.env
        out = env.sb.outstanding_stalls()
        if len(out) >= self.params.STALL_MAX:
            for t in out:
                t.cov_full = True
        # a stall record written soon after the event queue was full (it waited for space)
        if any(r == "full" and b is not None and 0 <= o.t_addr - b <= 256 for a, b, r in env.evc.drop_ivs):
            sample_evq("stall_record_after_full")

    def _record(self, rec) -> None:
        ev = rec.EventID
        if ev in TRANS_EVENTS:
            name = TRANS_EVENTS[ev]
            acc = ("read" if rec.RnW else "write", rec.PnU, rec.InD if rec.RnW else 0)
            lvl = "input"
            cfg, tr = self._lookup(rec.StreamID, rec.SubstreamID, bool(rec.SSV), rec.InputAddr,
                                   bool(rec.RnW), rec.PnU | (rec.InD << 2))
            if tr is not None and tr.fault is not None and tr.fault.level is not None:
                lvl = f"L{tr.fault.level}"
            sample_fault(name, lvl, acc)
        elif ev in CFG_EVENTS:
            name = CFG_EVENTS[ev]
            sample_cfg_event(name, rec.SSV)
            if name == "C_BAD_CD":
                cfg, _ = self._lookup(rec.StreamID, rec.SubstreamID, bool(rec.SSV), 0, True, 0)
                sample_cd(self._cd_reason(cfg.reason))

    @staticmethod
    def _cd_reason(why: str) -> str:
        for key, b in (("CD.V=0", "V=0"), ("S1STALLD", "S=1 with S1STALLD"), ("TERM_MODEL", "A=0 with TERM_MODEL"),
                       ("STALL_MODEL=01", "S=1 with STALL_MODEL=1"), ("STALL_MODEL=10", "S=0 with STALL_MODEL=2"),
                       ("ENDI", "ENDI"), ("AA64", "AA64=0"), ("HA/HD", "HA/HD"), ("HD=1", "HA/HD"),
                       ("ASID", "ASID[15:8]"), ("SZ=", "TxSZ"), ("granule", "TGx"), ("TTB", "TTBx")):
            if key in why:
                return b
        return "other"

    # ------------------------------------------------------------ s_axil
    def on_reg_write(self, off: int, value: int, strb: int) -> None:
        from tb.regmap import REGS
        if off == REGS["CMDQ_PROD"].offset:
            m = self.env.sb.model
            log2 = m.field("CMDQ_BASE", "LOG2SIZE")
            mask = (2 << log2) - 1
            new = value & mask
            old = self.cmdq_prod if self.cmdq_prod is not None else m.get("CMDQ_CONS") & mask
            n = (new - old) & mask
            if 0 < n <= 1 << log2:
                sample_batch(n)
            self.cmdq_prod = new
        elif off == REGS["CMDQ_BASE"].offset:
            self.cmdq_prod = None
            self.cmd_last_slot = None
        elif off == REGS["EVENTQ_BASE"].offset:
            self.evq_last_slot = None

    def on_reg_read(self, off: int, value: int) -> None:
        from tb.regmap import REGS
        if off == REGS["EVENTQ_PROD"].offset:
            ovf = (value >> 31) & 1
            ack = (self.env.sb.model.get("EVENTQ_CONS") >> 31) & 1
            if ovf != ack and self.ovflg_seen != ovf:
                sample_evq("overflow")
            self.ovflg_seen = ovf

    # ------------------------------------------------------------ end of test
    def _drops(self) -> None:
        """Records the event checker excused as dropped, by reason (after its final_check)."""
        evc = self.env.evc
        for e in evc.expected:
            if e.matched or e.cancelled or e.optional or e.stall:
                continue
            for r in evc.drop_reasons(e):
                if r.startswith("EVENTQEN=0"):
                    sample_evq("drop_eventqen0")
                elif r.startswith("full"):
                    sample_evq("drop_full")
                elif r.startswith("EVENTQ_ABT_ERR"):
                    sample_evq("drop_abort")

    def report(self, out_dir: Path = Path(".")) -> str:
        """Log the per-group summary and export this process's cumulative database."""
        if self.env is not None:
            self._guard(self._drops)()
        lines = []
        for g in GROUP_DOC:
            hit = size = 0
            for n in coverage_db:
                cp = coverage_db[n]
                if n.startswith(g + ".") and isinstance(cp, (CoverPoint, CoverCross)):
                    size += cp.size
                    hit += cp.coverage
            if size:
                lines.append(f"  {g:8s} {hit:4d}/{size:<4d} ({100.0 * hit / size:5.1f}%)")
        text = f"functional coverage (this job so far, {self.samples} client samples):\n" + "\n".join(lines)
        if self.errors:
            text += f"\n  ({self.errors} sampling errors, see the first warnings)"
        self.log.info(text)
        try:
            tmp = out_dir / (DB_NAME + ".tmp")
            coverage_db.export_to_xml(filename=str(tmp))
            os.replace(tmp, out_dir / DB_NAME)
        except Exception as e:  # noqa: BLE001 - export problems must not mask test results
            self.log.warning("coverage export failed: %s", e)
        return text
