"""Issue 3: configuration (SMMUEN=1) -- STE/CD lookup, configuration events, CFGI semantics.

Bring-up is the Linux-faithful driver model (tb/driver/smmu_driver.py): probe,
device_reset polling every ACK, STEs/CDs written into the shared memory image,
CFGI+SYNC through the command queue. Every client transaction is checked by the
scoreboard against tb.model.outcome.predict(mem=..., error_ranges=...), and every
event record written on m_axi_tw is checked field by field by the EventChecker
(tb/env/event_checker.py) against the record predicted for a transaction; missing
records are errors. At the end of each test the records the driver read from the
queue must equal the records seen on the bus.

Valid stage-1 configurations translate (issue 4): the CDs of these tests (``cd_ok``)
point at one set of identity page tables (a 2 MiB block mapping the client memory
window MEM_BASE onto itself, Linux leaf attributes), so stage-1 traffic reaches memory
and the model predicts every permission fault; a CD whose TTB0 points elsewhere walks
empty tables (F_TRANSLATION at the start level).
"""

from __future__ import annotations

from typing import Optional

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles
from pyuvm import uvm_factory
from cocotb.utils import get_sim_time

from tb.agents.axi_mem_responder import ErrorRange
from tb.agents.axi_signals import INCR, SLVERR
from tb.agents.axi_txn import AxiTxn, TxnConstraints
from tb.driver.smmu_driver import DriverConfig, SmmuDriver
from tb.env.base_test import SmmuBaseTest
from tb.env.event_checker import EventChecker
from tb.model import commands as C
from tb.model import events as E
from tb.model.axi import strobes
from tb.model.config import SmmuFeatures, lookup_config
from tb.model.pagetable import SIZE_2M, Stage1Tables, TablePool
from tb.model.structs import (CFG_BYPASS, CFG_S1, IPS_ENCODING, S1DSS_BYPASS, S1DSS_SSID0, S1DSS_TERMINATE,
                              TG0_16K, TG0_64K, TG1_16K, TG1_4K, Cd, Ste, cd_linux, ste_abort, ste_bypass,
                              ste_s1)
from tb.sequences.scenarios import MEM_BASE, MEM_SIZE, init_memory
from tb.sequences.traffic import ListSeq, RandomTrafficSeq

CD_AREA = 0x4400_0000          # CD tables (inside the SMMU's private area of the memory image)
IDENT_POOL = 0x4600_0000       # identity page tables of cd_ok()


class ConfigTest(SmmuBaseTest):
    """Bring-up through the driver model plus helpers for directed configuration traffic."""

    timeout_us = 20000.0

    async def bring_up(self, **cfg) -> SmmuDriver:
        self.drv = SmmuDriver(self.regs, self.env.mem, DriverConfig(**cfg))
        self.feat = await self.drv.probe()
        await self.drv.device_reset()
        self.rng = self.seeds.py("config")
        self.cd_next = CD_AREA
        return self.drv

    @property
    def oas(self) -> int:
        return self.env.params.OAS_BITS

    def features(self) -> SmmuFeatures:
        return SmmuFeatures.from_params(self.env.params)

    def identity_tables(self) -> Stage1Tables:
        """Stage-1 tables mapping the client memory window onto itself (a 2 MiB block, Linux leaf)."""
        if getattr(self, "_ident", None) is None:
            self._ident = Stage1Tables(self.env.mem, TablePool(IDENT_POOL, 1 << 20))
            self._ident.map(MEM_BASE & ~(SIZE_2M - 1), MEM_BASE & ~(SIZE_2M - 1), SIZE_2M)
        return self._ident

    def cd_ok(self, asid: int = 1) -> Cd:
        return cd_linux(asid, self.identity_tables().ttb0, oas_bits=min(self.oas, 48), ias_bits=48)

    def alloc_cds(self, n: int) -> int:
        base = self.cd_next
        self.cd_next += max(64 * n, 0x1000)
        return base

    async def set_ste(self, sid: int, ste: Ste) -> None:
        """Quiescent STE install: memory write, CFGI_STE + SYNC (the driver's issue path)."""
        self.env.mem.write(self.drv.ste_addr(sid), ste.pack())
        await self.drv.issue([C.cfgi_ste(sid)])

    async def set_cd(self, sid: int, table: int, idx: int, cd: Cd) -> None:
        self.env.mem.write(table + 64 * idx, cd.pack())
        await self.drv.issue([C.cfgi_cd(sid, idx)])

    async def reconfigure(self, log2size=None, recinvsid=None) -> None:
        """SMMUEN 1->0, change STRTAB_BASE_CFG / CR2 (guarded), CFGI_ALL, SMMUEN 0->1."""
        await self.regs.set_cr0(0xC)
        if log2size is not None:
            await self.regs.write("STRTAB_BASE_CFG", log2size)
        if recinvsid is not None:
            await self.regs.write_fields("CR2", RECINVSID=recinvsid)
        await self.drv.issue([C.cfgi_all()])
        await self.regs.set_cr0(0xD)

    def txn(self, sid: int, addr: int, is_write: bool, *, ssid: int = 0, ssv: int = 0, prot: int = None,
            len_: int = None, tid: int = None) -> AxiTxn:
        rng, db = self.rng, self.env.data_bytes
        t = AxiTxn("cfg")
        t.is_write, t.sid, t.ssid, t.ssidv = is_write, sid, ssid, ssv
        t.size = db.bit_length() - 1
        t.burst = INCR
        t.addr = addr & ~(db - 1)
        room = (0x1000 - (t.addr & 0xFFF)) // db
        t.len = min(rng.choice((0, 0, 1, 3, 7)) if len_ is None else len_, room - 1)
        t.prot = rng.randrange(8) if prot is None else prot
        t.id = rng.randrange(1 << self.env.params.ID_W) if tid is None else tid
        t.cache, t.qos = rng.randrange(16), rng.randrange(16)
        if is_write:
            t.data = [rng.getrandbits(8 * db) for _ in range(t.len + 1)]
            t.strb = strobes(t.addr, t.len, t.size, t.burst, db)
        return t

    def safe_prot(self) -> int:
        """AxPROT without a privileged instruction fetch (the identity leaf is EL0-writable, hence
        PXN): a stage-1 transaction with it translates instead of faulting."""
        return self.rng.choice((0, 1, 2, 3, 4, 6))

    def mem_addr(self) -> int:
        return MEM_BASE + self.rng.randrange(MEM_SIZE // 64) * 64

    async def send(self, items, max_outstanding: int = 16) -> None:
        self.env.client.max_outstanding = max_outstanding
        await ListSeq("cfg", items).start(self.env.agent.seqr)

    async def settle_events(self) -> None:
        """Client drained, event writes finished, then one pass of the driver's event thread."""
        env = self.env
        await env.quiesce()
        for _ in range(2000):
            if not env.mem_tw.tb_busy():
                break
            await ClockCycles(env.dut.aclk, 5)
        await ClockCycles(env.dut.aclk, 20)
        await self.drv.service_evtq()

    async def finish(self) -> None:
        """End of test: queue serviced, bus records == records the driver read, no GERROR."""
        await self.settle_events()
        evc = self.env.evc
        got = [str(r) for r in self.drv.events]
        seen = [str(r) for r in evc.written_ok]
        assert got == seen, f"driver read {len(got)} records, bus carried {len(seen)}: first differences " \
                            f"{[(a, b) for a, b in zip(got, seen) if a != b][:2]}"
        ge, gn = await self.regs.read("GERROR"), await self.regs.read("GERRORN")
        assert ge == gn, f"GERROR {ge:#x} != GERRORN {gn:#x}"
        self.log.info("config counts: %s; %s", self.env.config_summary(), evc.summary())

    def need_types(self, *names: str) -> None:
        missing = [n for n in names if self.env.evc.by_type[n] == 0]
        assert not missing, f"event types never produced: {missing} ({self.env.evc.summary()})"


# ====================================================================== bring-up
@pyuvm.test()
class ConfigBringUp(ConfigTest):
    """Linux bring-up reaches SMMUEN=1 with every ACK; CMDQ drained after CFGI_ALL/TLBI syncs; no GERROR."""

    async def body(self) -> None:
        drv = await self.bring_up()
        assert await self.regs.read("CR0ACK") == 0xD
        assert await self.regs.read("IRQ_CTRLACK") == 0x5
        prod, cons = await self.regs.read("CMDQ_PROD"), await self.regs.read("CMDQ_CONS")
        assert prod & 0xFFFFF == cons & 0xFFFFF == drv.cmdq_prod, (prod, cons, drv.cmdq_prod)
        assert (cons >> 24) & 0x7F == 0, f"CMDQ_CONS.ERR {cons:#x}"
        assert drv.syncs >= 2 and not drv.cmdq_errors
        # default STEs abort without an event; a bypass STE passes data end to end
        init_memory(self.env)
        await self.set_ste(3, ste_bypass())
        await self.send([self.txn(s, self.mem_addr(), w) for s in (0, 3, 7, 3) for w in (False, True)])
        await self.finish()
        s = self.env.sb.stats
        assert s["read_bypass"] + s["write_bypass"] == 4 and s["read_abort"] + s["write_abort"] == 4, s


# ====================================================================== each event type
@pyuvm.test()
class ConfigEvents(ConfigTest):
    """Every configuration event type, reads and writes with varied PnU/InD, every field checked."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        p = env.params
        oas = 1 << self.oas
        cds = self.alloc_cds(8)
        for i in range(8):
            env.mem.write(cds + 64 * i, self.cd_ok(i + 1).pack())
        env.mem.write(cds + 64 * 2, Cd(V=0).pack())                    # C_BAD_CD (index 2)
        cd_single = self.alloc_cds(1)
        env.mem.write(cd_single, self.cd_ok(9).pack())
        await self.set_ste(1, ste_bypass())
        await self.set_ste(2, Ste(V=0, Config=CFG_BYPASS))                  # C_BAD_STE
        await self.set_ste(3, ste_bypass())                                 # F_STE_FETCH (error range)
        await self.set_ste(4, ste_s1(cds, 2, s1dss=S1DSS_TERMINATE))        # S1CDMax=2, S1DSS=0
        await self.set_ste(5, ste_s1(cds, 2, s1dss=S1DSS_SSID0))            # S1DSS=2
        await self.set_ste(6, ste_s1(cd_single, 0))                         # S1CDMax=0
        await self.set_ste(7, ste_s1(cds, 1, s1dss=S1DSS_BYPASS))           # S1DSS=1
        await self.set_ste(8, ste_abort())
        env.mem_tw.errors = [ErrorRange(drv.ste_addr(3), drv.ste_addr(3) + 64, SLVERR, "r"),
                             ErrorRange(cds + 64 * 3, cds + 64 * 4, SLVERR, "r")]   # F_CD_FETCH (index 3)
        await drv.issue([C.cfgi_ste(4)])
        A = self.mem_addr
        cases = [
            (1, A, 0, 0),            # bypass: data end to end
            (1, lambda: oas + A(), 0, 0),                    # F_ADDR_SIZE (bypass STE, address >= 2^OAS)
            (1, lambda: (0xAB << 56) | A(), 0, 0),           # F_ADDR_SIZE, tagged top byte
            (1, A, 1, 3),            # C_BAD_SUBSTREAMID: SSV=1 on a bypass STE
            (2, A, 0, 0),            # C_BAD_STE: V=0
            (2, A, 1, 7),            # C_BAD_STE wins over the SSID checks
            (3, A, 0, 0),            # F_STE_FETCH
            (3, A, 1, 1),            # F_STE_FETCH with SSV/SSID in the record
            (4, A, 0, 0),            # F_STREAM_DISABLED: S1CDMax>0, S1DSS=0, no SSID
            (4, A, 1, 1),            # valid CD 1: stage 1 through the identity tables
            (4, A, 1, 2),            # C_BAD_CD: V=0
            (4, A, 1, 3),            # F_CD_FETCH
            (4, A, 1, 4),            # C_BAD_SUBSTREAMID: SSID >= 2^S1CDMax
            (4, A, 1, (1 << p.SSID_W) - 1),
            (5, A, 1, 0),            # F_STREAM_DISABLED: SSID 0 with S1DSS=2
            (5, A, 0, 0),            # no SSID with S1DSS=2: CD 0 (valid: translates)
            (6, A, 1, 0),            # C_BAD_SUBSTREAMID: SSV=1 with S1CDMax=0
            (6, A, 0, 0),            # S1CDMax=0: the single CD (valid)
            (7, A, 0, 0),            # S1DSS=1, no SSID: stage 1 bypassed
            (7, lambda: oas + A(), 0, 0),                    # F_ADDR_SIZE via S1DSS=1
            (7, A, 1, 1),            # SSID 1 < 2^1: CD 1 valid
            (8, A, 0, 0),            # Config=abort: silent
        ]
        for rnd in range(2):
            items = []
            for sid, addr, ssv, ssid in cases:
                for w in (False, True):
                    for prot in ((0, 5) if rnd == 0 else (self.rng.randrange(8),)):
                        items.append(self.txn(sid, addr(), w, ssv=ssv, ssid=ssid, prot=prot))
            self.rng.shuffle(items)
            await self.send(items)
            await self.settle_events()
        # C_BAD_STREAMID: LOG2SIZE=4 -> SID 0x10.. out of range; RECINVSID=1 records, 0 silent
        await self.reconfigure(log2size=4)
        bad = [0x10, (1 << p.SID_W) - 1]
        await self.send([self.txn(s, A(), w, ssv=v, ssid=3 * v) for s in bad for w in (False, True)
                         for v in (0, 1)] + [self.txn(1, A(), True)])
        await self.settle_events()
        n_bad = env.evc.by_type["C_BAD_STREAMID"]
        await self.reconfigure(recinvsid=0)
        await self.send([self.txn(s, A(), w) for s in bad for w in (False, True)])
        await self.settle_events()
        assert env.evc.by_type["C_BAD_STREAMID"] == n_bad == 4 * len(bad), env.evc.summary()
        env.mem_tw.errors = []
        await self.finish()
        self.need_types("C_BAD_STREAMID", "F_STE_FETCH", "C_BAD_STE", "F_STREAM_DISABLED",
                        "C_BAD_SUBSTREAMID", "F_CD_FETCH", "C_BAD_CD", "F_ADDR_SIZE")
        s = env.sb.stats
        assert s["read_bypass"] and s["write_bypass"], s


# ====================================================================== ILLEGAL STE / CD
def _ste_cases(t: ConfigTest, cd: int):
    """(name, STE, expected: 'bad' C_BAD_STE | 'silent' abort without event | 's1' valid | 'bypass')."""
    f = t.features()
    ok = ste_s1(cd, 0)
    cases = [
        ("V=0", Ste(V=0, Config=CFG_S1, S1ContextPtr=cd), "bad"),
        ("Config=110", Ste(V=1, Config=0b110, S1ContextPtr=cd), "bad"),
        ("Config=111", Ste(V=1, Config=0b111, S1ContextPtr=cd), "bad"),
        ("S1ContextPtr beyond OAS", ste_s1(1 << f.OAS, 0), "bad"),
        ("S1ContextPtr top bit", ste_s1(1 << 55, 0), "bad"),
        ("S1STALLD=1", ste_s1(cd, 0, s1stalld=1), "bad" if f.STALL_MODEL else "s1"),
        ("Config=000 + junk", Ste(V=1, Config=0, S1Fmt=1, S1CDMax=31, S1ContextPtr=1 << 55), "silent"),
        ("Config=001", Ste(V=1, Config=1, S1ContextPtr=cd), "silent"),
        ("Config=010", Ste(V=1, Config=2), "silent"),
        ("Config=011", Ste(V=1, Config=3, S1STALLD=1), "silent"),
        ("bypass + junk S1 fields", Ste(V=1, Config=CFG_BYPASS, S1Fmt=2, S1CDMax=31, S1ContextPtr=1 << 55,
                                        S1STALLD=1, EATS=1, STRW=3), "bypass"),
        ("EATS/STRW ignored", Ste(**{**ok.nonzero(), "EATS": 2, "STRW": 1}), "s1"),
        ("S1CDMax=0, S1Fmt=1 ignored", ste_s1(cd, 0, s1fmt=1), "s1"),
    ]
    if f.SSIDSIZE:
        cases += [
            (f"S1CDMax=SSIDSIZE+1", ste_s1(cd, f.SSIDSIZE + 1, s1dss=S1DSS_SSID0), "bad"),
            ("S1CDMax=SSIDSIZE", ste_s1(cd, f.SSIDSIZE, s1dss=S1DSS_SSID0), "s1"),
            ("S1Fmt=1", ste_s1(cd, 1, s1fmt=1, s1dss=S1DSS_SSID0), "bad"),
            ("S1Fmt=2", ste_s1(cd, 1, s1fmt=2, s1dss=S1DSS_SSID0), "bad"),
            ("S1Fmt=3 reserved as linear", ste_s1(cd, 1, s1fmt=3, s1dss=S1DSS_SSID0), "s1"),
        ]
    return cases


def _cd_cases(t: ConfigTest):
    """(name, CD, STE.S1STALLD, expected 'bad' | 's1')."""
    f = t.features()
    ok = t.cd_ok()
    o = dict(ok.nonzero())
    ips_oas = IPS_ENCODING[min(f.OAS, 48)]

    def cd(**kw) -> Cd:
        return Cd(**{**o, **kw})
    cases = [
        ("V=0", cd(V=0), 0, "bad"),
        ("T0SZ=15", cd(T0SZ=15), 0, "bad"),
        ("T0SZ=40", cd(T0SZ=40), 0, "bad"),
        ("T0SZ=16", cd(T0SZ=16), 0, "s1"),
        ("T0SZ=39", cd(T0SZ=39), 0, "s1"),
        ("TG0=64K", cd(TG0=TG0_64K), 0, "bad"),
        ("TG0=16K", cd(TG0=TG0_16K), 0, "bad"),
        ("TG0=reserved", cd(TG0=3), 0, "bad"),
        ("TTB0 beyond IPS=32", cd(IPS=0, TTB0=1 << 32), 0, "bad"),
        ("TTB0 just inside IPS=32", cd(IPS=0, TTB0=(1 << 32) - 0x1000), 0, "s1"),
        ("TTB0 beyond OAS (IPS=52 clamped)", cd(IPS=6, TTB0=1 << min(f.OAS, 48)), 0, "bad"),
        ("IPS=52 > OAS clamped, TTB0 inside", cd(IPS=6), 0, "s1"),
        ("IPS=7 reserved, clamped", cd(IPS=7), 0, "s1"),
        ("AA64=0", cd(AA64=0), 0, "bad"),
        ("ENDI=1", cd(ENDI=1), 0, "bad"),
        ("ENDI=1 with EPD0=EPD1=1", cd(ENDI=1, EPD0=1), 0, "s1"),
        ("HA=1", cd(HA=1), 0, "bad"),
        ("HD=1", cd(HD=1), 0, "bad"),
        ("HA=HD=1", cd(HA=1, HD=1), 0, "bad"),
        ("EPD0=1, bad T0SZ/TG0/TTB0 ignored", cd(EPD0=1, T0SZ=2, TG0=TG0_64K, IPS=0, TTB0=1 << 40), 0, "s1"),
        ("EPD1=0, good TTB1 half", cd(EPD1=0, T1SZ=25, TG1=TG1_4K, TTB1=0x9000_0000), 0, "s1"),
        ("EPD1=0, T1SZ=10", cd(EPD1=0, T1SZ=10, TG1=TG1_4K), 0, "bad"),
        ("EPD1=0, T1SZ=48", cd(EPD1=0, T1SZ=48, TG1=TG1_4K), 0, "bad"),
        ("EPD1=0, TG1=reserved 0", cd(EPD1=0, T1SZ=25, TG1=0), 0, "bad"),
        ("EPD1=0, TG1=16K", cd(EPD1=0, T1SZ=25, TG1=TG1_16K), 0, "bad"),
        ("EPD1=0, TTB1 beyond IPS", cd(EPD1=0, T1SZ=25, TG1=TG1_4K, IPS=ips_oas, TTB1=1 << min(f.OAS, 48)),
         0, "bad"),
        ("A=0 legal (TERM_MODEL=0)", cd(A=0), 0, "s1"),
        ("ASID[15:8] legal (ASID16)", cd(ASID=0xBEEF), 0, "s1"),
        ("S=1 with S1STALLD=1", cd(S=1), 1, "bad"),
        ("S=1", cd(S=1), 0, "bad" if f.STALL_MODEL == 1 else "s1"),
        ("S=0", cd(S=0), 0, "bad" if f.STALL_MODEL == 2 else "s1"),
    ]
    if f.STALL_MODEL:
        # S1STALLD=1 makes the STE itself ILLEGAL: the STE check comes first
        cases = [c for c in cases if c[2] == 0]
    return cases


class IllegalBase(ConfigTest):
    def _check_model(self, name: str, sid: int, expect: str) -> None:
        """The model must classify the case as the test table says (guards against a vacuous case)."""
        r = lookup_config(self.env.mem, self.env.sb.model, self.env.params, sid=sid, addr=MEM_BASE)
        got = {"abort": "bad" if r.event is not None and r.event.EventID in (E.C_BAD_STE, E.C_BAD_CD)
               else "silent", "bypass": "bypass", "s1": "s1"}[r.kind]
        assert got == expect, f"case {name!r}: model says {got} ({r.reason}), table says {expect}"

    async def run_cases(self, installs) -> None:
        """installs: [(name, sid, expect)] already written to memory; CFGI_ALL then traffic."""
        await self.drv.issue([C.cfgi_all()])
        items = []
        # no privileged instruction fetch: the identity leaf is EL0-writable, hence PXN, and a
        # permission fault under a legal CD.S=1 would stall (issue 5)
        prot = self.safe_prot
        for name, sid, expect in installs:
            self._check_model(name, sid, expect)
            self.log.info("SID %#x: %-40s -> %s", sid, name, expect)
            for w in (False, True):
                items.append(self.txn(sid, self.mem_addr(), w, prot=prot()))
        self.rng.shuffle(items)
        await self.send(items)
        await self.settle_events()
        # a second time (faults are re-fetched, valid configurations may come from the cache)
        await self.send([self.txn(sid, self.mem_addr(), self.rng.random() < 0.5, prot=prot())
                         for _, sid, _ in installs])
        await self.finish()


@pyuvm.test()
class ConfigIllegalSte(IllegalBase):
    """Every ILLEGAL STE condition (C_BAD_STE + abort) and its legal neighbours."""

    async def body(self) -> None:
        drv = await self.bring_up()
        init_memory(self.env)
        cd = self.alloc_cds(64)
        for i in range(64):
            self.env.mem.write(cd + 64 * i, self.cd_ok(i).pack())
        installs = []
        for k, (name, ste, expect) in enumerate(_ste_cases(self, cd)):
            sid = 0x10 + k
            self.env.mem.write(drv.ste_addr(sid), ste.pack())
            installs.append((name, sid, expect))
        if not self.env.params.STALL_MODEL:
            self.log.info("STALL_MODEL=0: S1STALLD=1 is legal here (ILLEGAL only with STALL_MODEL!=0, "
                          "covered by the params job); a CD with S=1 under it is ILLEGAL (ConfigIllegalCd)")
        await self.run_cases(installs)
        self.need_types("C_BAD_STE")


@pyuvm.test()
class ConfigIllegalCd(IllegalBase):
    """Every ILLEGAL CD condition (C_BAD_CD + abort) and its legal neighbours."""

    async def body(self) -> None:
        drv = await self.bring_up()
        init_memory(self.env)
        installs = []
        for k, (name, cd, stalld, expect) in enumerate(_cd_cases(self)):
            sid = 0x10 + k
            table = self.alloc_cds(1)
            self.env.mem.write(table, cd.pack())
            self.env.mem.write(drv.ste_addr(sid), ste_s1(table, 0, s1stalld=stalld).pack())
            installs.append((name, sid, expect))
        await self.run_cases(installs)
        self.need_types("C_BAD_CD")


# ====================================================================== bypass STEs under traffic
@pyuvm.test()
class ConfigBypassSte(ConfigTest):
    """Random traffic over bypass, abort and valid stage-1 STEs (and a few SSIDs), back-pressure everywhere."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        cd = self.alloc_cds(1)
        env.mem.write(cd, self.cd_ok().pack())
        bypass, abort, s1 = [1, 2, 9, 0x33], [4, 0x40], [5]
        for s in bypass:
            await self.set_ste(s, ste_bypass())
        for s in abort:
            await self.set_ste(s, ste_abort())
        await self.set_ste(5, ste_s1(cd, 0))
        env.random_backpressure(self.seeds.py("bp"))
        env.mem_m.latency = (0, 12)
        env.mem_tw.latency = (0, 6)
        n = self.knob("TXNS", 400)
        cons = TxnConstraints(addr_ranges=((MEM_BASE, MEM_BASE + MEM_SIZE),), sids=bypass * 4 + abort + s1)
        rng = self.seeds.py("ssv")

        def few_ssids(t: AxiTxn) -> None:
            if rng.random() < 0.95:                # SSV=1 on a bypass STE is C_BAD_SUBSTREAMID: keep it rare
                t.ssidv, t.ssid = 0, 0

        env.client.max_outstanding = 32
        for ph in range(2):
            env.random_backpressure(self.seeds.py(f"bp{ph}"))
            seq = RandomTrafficSeq(f"cfg{ph}", n // 2, self.seeds.py(f"cfgtraffic{ph}"), cons, env.data_bytes,
                                   env.params.ID_W, env.params.SID_W, env.params.SSID_W, mutate=few_ssids)
            await seq.start(env.agent.seqr)
            await self.settle_events()
        await self.finish()
        s = env.sb.stats
        assert s["read_bypass"] + s["write_bypass"] > n // 2, s
        c = env.config_counts()
        self.log.info("lookups %d, STE fetches %d, hits %d", c["lookups"], c["ste_fetches"], c["hits"])
        assert c["ste_fetches"] < c["lookups"], c


# ====================================================================== CFGI semantics
@pyuvm.test()
class ConfigCfgiSemantics(ConfigTest):
    """STEs (bypass <-> abort) and a CD (V=1 <-> V=0) change while traffic runs: before CFGI+SYNC
    either configuration is accepted, after the SYNC only the new one (a stale cache entry fails)."""

    async def body(self) -> None:
        env = self.env
        sb = env.sb
        drv = await self.bring_up()
        init_memory(env)
        cd = self.alloc_cds(4)
        for i in range(4):
            env.mem.write(cd + 64 * i, self.cd_ok(i).pack())
        sids = [0x20, 0x21, 0x22, 0x23]
        for s in sids:
            await self.set_ste(s, ste_bypass())
        cd_sid = 0x24
        await self.set_ste(cd_sid, ste_s1(cd, 2, s1dss=S1DSS_SSID0))
        env.random_backpressure(self.seeds.py("bp"))
        env.mem_m.latency = (0, 8)
        n = self.knob("TXNS", 500)
        cons = TxnConstraints(addr_ranges=((MEM_BASE, MEM_BASE + MEM_SIZE),), sids=sids * 3 + [cd_sid])
        rng = self.seeds.py("cfgi")

        def mutate(t: AxiTxn) -> None:
            if t.sid != cd_sid or rng.random() < 0.5:
                t.ssidv, t.ssid = 0, 0
            else:
                t.ssidv, t.ssid = 1, rng.randrange(1, 4)

        env.client.max_outstanding = 24
        seq = RandomTrafficSeq("cfgi", n, self.seeds.py("cfgitraffic"), cons, env.data_bytes, env.params.ID_W,
                               env.params.SID_W, env.params.SSID_W, mutate=mutate)
        task = cocotb.start_soon(seq.start(env.agent.seqr))
        kinds = ("ste", "range", "all", "cd")
        changes = 0
        while not task.done():
            kind = kinds[changes % len(kinds)]
            if kind == "cd":
                idx = rng.randrange(4)
                a = cd + 64 * idx
                cur = Cd.unpack(env.mem.read(a, 64))
                cur.V ^= 1
                sb.window_write(cd_sid, a, cur.pack()[:8])
                t0 = int(get_sim_time("ns") // 10)
                await drv.issue([C.cfgi_cd(cd_sid, idx) if changes % 8 == 3 else C.cfgi_cd_all(cd_sid)])
                sb.end_window(cd_sid)
                self.log.info("CD %d of SID %#x -> V=%d: window cycles %d..%d", idx, cd_sid, cur.V, t0,
                              int(get_sim_time("ns") // 10))
            else:
                sid = rng.choice(sids)
                a = drv.ste_addr(sid)
                cur = Ste.unpack(env.mem.read(a, 64))
                new = ste_abort() if cur.Config == CFG_BYPASS else ste_bypass()
                sb.window_write(sid, a, new.pack())
                t0 = int(get_sim_time("ns") // 10)
                cmd = {"ste": C.cfgi_ste(sid), "range": C.cfgi_ste_range(sids[0], 1),
                       "all": C.cfgi_all()}[kind]
                await drv.issue([cmd])
                sb.end_window(sid)
                self.log.info("STE of SID %#x -> Config=%d (CFGI %s): window cycles %d..%d", sid, new.Config,
                              kind, t0, int(get_sim_time("ns") // 10))
            changes += 1
            await ClockCycles(env.dut.aclk, rng.randrange(20, 300))
            if changes % 6 == 0:
                await drv.service_evtq()
        await task
        self.log.info("%d configuration changes under traffic; %d transactions in a change window",
                      changes, sb.stats["window_txns"])
        assert changes >= 4, "traffic ended before the configuration changed"
        # quiescent: everything valid again (bypass STEs, valid CDs), then the cache must be used
        for s in sids:
            await self.set_ste(s, ste_bypass())
        for i in range(4):
            await self.set_cd(cd_sid, cd, i, self.cd_ok(i))
        c0 = env.config_counts()
        items = [self.txn(s, self.mem_addr(), w) for s in sids for w in (False, True) for _ in range(3)]
        items += [self.txn(cd_sid, self.mem_addr(), w, ssv=1, ssid=i) for i in range(1, 4) for w in (False, True)]
        await self.send(items)
        c1 = env.config_counts()
        await self.finish()
        c = env.config_counts()
        assert c["ste_fetches"] < c["lookups"], f"configuration cache never hit: {c}"
        assert c1["ste_fetches"] - c0["ste_fetches"] < c1["lookups"] - c0["lookups"], (c0, c1)


# ====================================================================== fetch errors
@pyuvm.test()
class ConfigFetchErrors(ConfigTest):
    """F_STE_FETCH / F_CD_FETCH with FetchAddr checked; the error range removed: traffic recovers."""

    async def body(self) -> None:
        env = self.env
        drv = await self.bring_up()
        init_memory(env)
        cd = self.alloc_cds(4)
        for i in range(4):
            env.mem.write(cd + 64 * i, self.cd_ok(i).pack())
        ste_sids = [0x31, 0x32]
        for s in ste_sids:
            await self.set_ste(s, ste_bypass())
        cd_sid = 0x35
        await self.set_ste(cd_sid, ste_s1(cd, 2, s1dss=S1DSS_SSID0))
        # error ranges: whole STEs (start-address convention), one unaligned range inside a CD's table
        env.mem_tw.errors = [ErrorRange(drv.ste_addr(0x31), drv.ste_addr(0x31) + 64, SLVERR, "r"),
                             ErrorRange(drv.ste_addr(0x32) - 8, drv.ste_addr(0x32) + 1, 3, "r"),   # DECERR
                             ErrorRange(cd + 64 * 1, cd + 64 * 2, SLVERR, "r"),
                             ErrorRange(cd + 64 * 3 - 32, cd + 64 * 3 + 8, 3, "r")]
        # the CFGI makes sure no valid configuration of these SIDs is cached
        await drv.issue([C.cfgi_all()])
        items = []
        for _ in range(3):
            for w in (False, True):
                items += [self.txn(s, self.mem_addr(), w, prot=self.safe_prot()) for s in ste_sids]
                items += [self.txn(cd_sid, self.mem_addr(), w, ssv=1, ssid=i, prot=self.safe_prot())
                          for i in (1, 2, 3)]
                items += [self.txn(cd_sid, self.mem_addr(), w, prot=self.safe_prot())]
        self.rng.shuffle(items)
        await self.send(items)
        await self.settle_events()
        evc = env.evc
        assert evc.by_type["F_STE_FETCH"] == 12 and evc.by_type["F_CD_FETCH"] == 12, evc.summary()
        fa = sorted({r.FetchAddr for r in evc.written if r.EventID in (E.F_STE_FETCH, E.F_CD_FETCH)})
        assert fa == sorted([drv.ste_addr(0x31), drv.ste_addr(0x32), cd + 64, cd + 192]), [hex(a) for a in fa]
        # recovery: ranges removed (faults are never cached), CFGI_ALL + SYNC as software would do
        env.mem_tw.errors = []
        await drv.issue([C.cfgi_all()])
        n0 = evc.stats["written"]
        await self.send([self.txn(s, self.mem_addr(), w, prot=self.safe_prot()) for s in ste_sids + [cd_sid]
                         for w in (False, True) for _ in range(2)])
        await self.settle_events()
        assert evc.stats["written"] == n0, "events after the error ranges were removed"
        s = env.sb.stats
        assert s["read_bypass"] >= 4 and s["write_bypass"] >= 4, s
        await self.finish()


# ====================================================================== the event checker can fail
class FaultyEventChecker(EventChecker):
    """EventChecker variant (installed with a factory override) whose predictions can be corrupted:
    ``fault`` None (normal), "ssv" (every expected record with SSV inverted) or "drop" (no record
    is expected)."""

    fault: Optional[str] = None

    def expect(self, rec, optional=False, note="", **kw):
        if self.fault == "drop":
            return None
        if self.fault == "ssv":
            rec = E.EventRecord(**{**rec.__dict__, "SSV": rec.SSV ^ 1})
        return super().expect(rec, optional, note, **kw)


@pyuvm.test()
class ConfigNegEventChecker(ConfigTest):
    """A corrupted expectation, a missing record and an unexpected record are each caught."""

    def configure(self) -> None:
        uvm_factory().set_type_override_by_type(EventChecker, FaultyEventChecker)

    async def body(self) -> None:
        env = self.env
        evc = env.evc
        assert isinstance(evc, FaultyEventChecker), f"factory override not applied: {type(evc).__name__}"
        await self.bring_up()
        await self.set_ste(2, Ste(V=0))
        caught = []

        def expect_error(needle: str) -> None:
            caught.append(self.take_errors(evc.errors, needle, 1)[0].splitlines()[0])

        # 1. a wrong field in the prediction (SSV is not part of the match key)
        evc.fault = "ssv"
        await self.send([self.txn(2, self.mem_addr(), False, ssv=0)])
        await self.settle_events()
        evc.fault = None
        expect_error("fields differ: SSV")
        # 2. a record the model did not predict
        evc.fault = "drop"
        await self.send([self.txn(2, self.mem_addr(), True)])
        await self.settle_events()
        evc.fault = None
        expect_error("unexpected event record")
        # 3. a predicted record that is never written
        evc.expect(E.EventRecord(EventID=E.C_BAD_STE, StreamID=0x77))
        evc.final_check()
        expect_error("never written")
        assert evc.forget_pending() == 1
        self.log.info("caught as expected: %s", caught)
        await self.finish()
