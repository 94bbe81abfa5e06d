"""The software side: a driver model faithful to Linux arm-smmu-v3.

What it does, and the Linux function it follows (drivers/iommu/arm/arm-smmu-v3):

* ``probe()``            arm_smmu_device_hw_probe: everything from the ID registers,
                         nothing hard-coded; refuses what Linux refuses.
* ``device_reset()``     arm_smmu_device_reset: the bring-up order of smmuv3-facts.md
                         section 8, polling every ACK.
* ``issue()``            arm_smmu_cmdq_issue_cmdlist: commands written at PROD in
                         batches ending in CMD_SYNC (CS=SEV without MSI), CONS polled
                         wrap-aware until it passes the SYNC.
* ``service_evtq()``     arm_smmu_evtq_thread: records from CONS to PROD, CONS written
                         back, overflow acknowledged (OVACKFLG := OVFLG).
* ``handle_gerror()``    arm_smmu_gerror_handler + arm_smmu_cmdq_skip_err: an illegal
                         command is overwritten with a CMD_SYNC, then GERRORN := GERROR.
* ``write_ste()``        arm_smmu_write_entry: the hitless STE update (only the used
                         bits of one qword change -> no V=0 window), otherwise
                         V=0 / rest / qword 0, each step followed by CFGI_STE + SYNC,
                         then CMD_PREFETCH_CONFIG.
* ``write_cd()``         the same writer on a Context Descriptor with CFGI_CD.

Register access goes through an object with async ``read(name)``, ``write(name, v)``
and ``write64(name, v)`` (tb.agents.reg_agent.RegAgent); structures live in the
shared sparse memory image (tb.model.memory.SparseMemory), as a CPU's stores to DRAM.
Deviation from Linux, on purpose: queue sizes may be forced smaller than the
ID registers allow (``DriverConfig``) so that tests can wrap queues quickly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence

from tb.model import commands as C
from tb.model.events import EventRecord
from tb.model.memory import SparseMemory
from tb.regmap import fget
from tb.model.structs import Cd, Ste

log = logging.getLogger("tb.driver")

CMDQ_ENT = 16
EVTQ_ENT = 32
CMDQ_BATCH = 64          # CMDQ_BATCH_ENTRIES in Linux
GERROR_CMDQ_ERR = 1 << 0
GERROR_EVTQ_ABT = 1 << 2
CONS_ERR_ILL, CONS_ERR_ABT = 1, 2


class DriverError(Exception):
    """The driver refuses the hardware or a queue does not make progress."""


@dataclass
class Features:
    """What probe() discovered (names as in Linux's struct arm_smmu_device)."""

    s1p: bool = False
    s2p: bool = False
    ttf_aarch64: bool = False
    asid_bits: int = 8
    stall_model: int = 0
    term_model: int = 0
    sid_bits: int = 0
    ssid_bits: int = 0
    cmdq_shift: int = 0
    evtq_shift: int = 0
    oas: int = 48
    gran4k: bool = False
    st_level_2: bool = False
    msi: bool = False
    sev: bool = False

    @property
    def stall_supported(self) -> bool:
        return self.stall_model in (0, 2)


@dataclass
class DriverConfig:
    """Where the driver puts its tables (all inside the shared memory image)."""

    strtab_base: int = 0x4000_0000
    cmdq_base: int = 0x4100_0000
    evtq_base: int = 0x4200_0000
    cmdq_shift: Optional[int] = None     # None: Linux's choice (min(IDR1.CMDQS, 8))
    evtq_shift: Optional[int] = None     # None: min(IDR1.EVENTQS, 7)
    default_ste: str = "abort"           # Linux disable_bypass=1: unused StreamIDs abort
    poll_limit: int = 20000              # register polls before a queue is declared stuck
    linux_checks: bool = True            # refuse what Linux refuses (CMDQS <= 6 ...)


def _q_idx(ptr: int, shift: int) -> int:
    return ptr & ((1 << shift) - 1)


def _q_wrp(ptr: int, shift: int) -> int:
    return ptr & (1 << shift)


def _q_inc(ptr: int, shift: int) -> int:
    return (ptr + 1) & ((2 << shift) - 1)


def _q_used(prod: int, cons: int, shift: int) -> int:
    return (prod - cons) & ((2 << shift) - 1)


class SmmuDriver:
    """One SMMU, one (single-threaded) driver."""

    def __init__(self, regs, mem: SparseMemory, cfg: DriverConfig = DriverConfig(),
                 irq_wait: Optional[Callable] = None) -> None:
        self.regs = regs
        self.mem = mem
        self.cfg = cfg
        self.f = Features()
        self.strtab_log2 = 0
        self.cmdq_prod = 0
        self.evtq_cons = 0
        self.events: List[EventRecord] = []   # every record serviced, in order
        self.overflows = 0
        self.cmdq_errors: List[int] = []       # CONS.ERR codes seen by the gerror handler
        self.commands_issued = 0
        self.syncs = 0
        self.cd_tables: dict = {}              # sid -> CD table base

    # ------------------------------------------------------------------ probe
    async def probe(self) -> Features:
        idr0 = await self.regs.read("IDR0")
        idr1 = await self.regs.read("IDR1")
        idr5 = await self.regs.read("IDR5")
        f = self.f
        f.s1p = bool(fget("IDR0", "S1P", idr0))
        f.s2p = bool(fget("IDR0", "S2P", idr0))
        f.ttf_aarch64 = bool(fget("IDR0", "TTF", idr0) & 2)
        f.asid_bits = 16 if fget("IDR0", "ASID16", idr0) else 8
        f.stall_model = fget("IDR0", "STALL_MODEL", idr0)
        f.term_model = fget("IDR0", "TERM_MODEL", idr0)
        f.st_level_2 = fget("IDR0", "ST_LEVEL", idr0) == 1
        f.msi = bool(fget("IDR0", "MSI", idr0))
        f.sev = bool(fget("IDR0", "SEV", idr0))
        if not (f.s1p or f.s2p):
            raise DriverError("no translation support!")
        if fget("IDR1", "TABLES_PRESET", idr1) or fget("IDR1", "QUEUES_PRESET", idr1):
            raise DriverError("embedded implementation not supported")
        if fget("IDR1", "REL", idr1):
            raise DriverError("relative base addresses not supported")
        cmdqs = fget("IDR1", "CMDQS", idr1)
        evtqs = fget("IDR1", "EVENTQS", idr1)
        f.cmdq_shift = self.cfg.cmdq_shift if self.cfg.cmdq_shift is not None else min(8, cmdqs)
        f.evtq_shift = self.cfg.evtq_shift if self.cfg.evtq_shift is not None else min(7, evtqs)
        if f.cmdq_shift > cmdqs or f.evtq_shift > evtqs:
            raise DriverError("requested queue larger than IDR1 allows")
        if self.cfg.linux_checks and f.cmdq_shift <= 6:
            raise DriverError(f"command queue size <= {CMDQ_BATCH} entries not supported")
        f.sid_bits = fget("IDR1", "SIDSIZE", idr1)
        f.ssid_bits = fget("IDR1", "SSIDSIZE", idr1)
        oas = fget("IDR5", "OAS", idr5)
        f.oas = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48, 6: 52}.get(oas, 48)
        f.gran4k = bool(fget("IDR5", "GRAN4K", idr5))
        if f.s1p and not f.gran4k:
            raise DriverError("no supported page size for stage 1")
        log.info("probe: %s", f)
        return f

    # ------------------------------------------------------------------ bring-up
    async def _write_cr0(self, val: int) -> None:
        await self.regs.write("CR0", val)
        await self._poll("CR0ACK", 0xFFFFFFFF, val, "CR0ACK")

    async def _poll(self, name: str, mask: int, value: int, what: str) -> int:
        for _ in range(self.cfg.poll_limit):
            v = await self.regs.read(name)
            if v & mask == value:
                return v
        raise DriverError(f"timeout waiting for {what}")

    async def device_reset(self) -> None:
        """arm_smmu_device_reset, step by step (smmuv3-facts.md section 8)."""
        f = self.f
        # 1. leave a running SMMU safely: abort incoming traffic first
        cr0 = await self.regs.read("CR0")
        if cr0 & 1:
            await self.update_gbpa(abort=1)
        # 2. disable everything
        await self._write_cr0(0)
        # 3. table/queue attributes: inner-shareable, write-back
        await self.regs.write("CR1", (3 << 10) | (1 << 8) | (1 << 6) | (3 << 4) | (1 << 2) | 1)
        # 4. PTM | RECINVSID
        await self.regs.write("CR2", (1 << 2) | (1 << 1))
        # 5. stream table: linear, one STE per StreamID
        self.strtab_log2 = f.sid_bits
        self._init_strtab()
        await self.regs.write64("STRTAB_BASE", self.cfg.strtab_base | (1 << 62))
        await self.regs.write("STRTAB_BASE_CFG", self.strtab_log2)
        # 6. command queue
        await self.regs.write64("CMDQ_BASE", self.cfg.cmdq_base | f.cmdq_shift | (1 << 62))
        await self.regs.write("CMDQ_PROD", 0)
        await self.regs.write("CMDQ_CONS", 0)
        self.cmdq_prod = 0
        # 7. enable the command queue
        await self._write_cr0(0x8)
        # 8. invalidate cached configuration and TLBs
        await self.issue([C.cfgi_all()])
        if f.s1p or f.s2p:
            await self.issue([C.tlbi_nsnh_all()])
        # 9. event queue
        await self.regs.write64("EVENTQ_BASE", self.cfg.evtq_base | f.evtq_shift | (1 << 62))
        await self.regs.write("EVENTQ_PROD", 0)
        await self.regs.write("EVENTQ_CONS", 0)
        self.evtq_cons = 0
        # 10. enable the event queue
        await self._write_cr0(0x8 | 0x4)
        # 11. interrupts: off, then event queue + global errors
        await self.regs.write("IRQ_CTRL", 0)
        await self._poll("IRQ_CTRLACK", 0xFFFFFFFF, 0, "IRQ_CTRLACK")
        await self.regs.write("IRQ_CTRL", (1 << 2) | 1)
        await self._poll("IRQ_CTRLACK", 0xFFFFFFFF, 5, "IRQ_CTRLACK")
        # 12. enable translation
        await self._write_cr0(0x8 | 0x4 | 0x1)
        log.info("device_reset: SMMUEN=1 (CR0ACK=%#x)", await self.regs.read("CR0ACK"))

    async def update_gbpa(self, abort: int) -> None:
        """GBPA with the UPDATE handshake (arm_smmu_update_gbpa)."""
        await self._poll("GBPA", 1 << 31, 0, "GBPA.UPDATE clear")
        val = await self.regs.read("GBPA")
        val = (val & ~((1 << 20) | (1 << 31))) | (abort << 20) | (1 << 31)
        await self.regs.write("GBPA", val)
        await self._poll("GBPA", 1 << 31, 0, "GBPA.UPDATE")

    # ------------------------------------------------------------------ command queue
    def _sync_cmd(self) -> bytes:
        return C.sync(cs=C.CS_IRQ if self.f.msi else C.CS_SEV)

    async def issue(self, cmds: Sequence[bytes], sync: bool = True) -> None:
        """Submit commands in batches (each ends in CMD_SYNC when ``sync``), wait for completion."""
        shift = self.f.cmdq_shift
        size = 1 << shift
        per_batch = min(CMDQ_BATCH, size) - (1 if sync else 0)
        if per_batch < 1:
            raise DriverError("command queue too small for a batch")
        todo = list(cmds)
        while todo or sync:
            batch, todo = todo[:per_batch], todo[per_batch:]
            if sync:
                batch.append(self._sync_cmd())
            await self._wait_space(len(batch))
            for cmd in batch:
                self.mem.write(self.cfg.cmdq_base + _q_idx(self.cmdq_prod, shift) * CMDQ_ENT, cmd)
                self.cmdq_prod = _q_inc(self.cmdq_prod, shift)
            self.commands_issued += len(batch)
            await self.regs.write("CMDQ_PROD", self.cmdq_prod)
            if sync:
                self.syncs += 1
                await self._wait_consumed(self.cmdq_prod)
            if not todo:
                break

    async def _read_cons(self) -> int:
        cons = await self.regs.read("CMDQ_CONS")
        if (await self.regs.read("GERROR")) ^ (await self.regs.read("GERRORN")):
            await self.handle_gerror()
            cons = await self.regs.read("CMDQ_CONS")
        return cons & ((2 << self.f.cmdq_shift) - 1)

    async def _wait_space(self, n: int) -> None:
        shift = self.f.cmdq_shift
        for _ in range(self.cfg.poll_limit):
            cons = await self._read_cons()
            if (1 << shift) - _q_used(self.cmdq_prod, cons, shift) >= n:
                return
        raise DriverError("command queue full: CONS does not advance")

    async def _wait_consumed(self, target: int) -> None:
        """Poll CONS until it has passed the SYNC at target-1 (wrap-aware: equal to target)."""
        for _ in range(self.cfg.poll_limit):
            if await self._read_cons() == target:
                return
        raise DriverError(f"CMD_SYNC timeout: CONS stuck, PROD={self.cmdq_prod:#x}")

    # ------------------------------------------------------------------ global errors
    async def handle_gerror(self) -> int:
        gerror = await self.regs.read("GERROR")
        gerrorn = await self.regs.read("GERRORN")
        active = gerror ^ gerrorn
        if not active:
            return 0
        if active & GERROR_CMDQ_ERR:
            await self._cmdq_skip_err()
        if active & GERROR_EVTQ_ABT:
            log.warning("EVTQ write aborted -- events may have been lost")
        await self.regs.write("GERRORN", gerror)
        return active

    async def _cmdq_skip_err(self) -> None:
        cons = await self.regs.read("CMDQ_CONS")
        err = (cons >> 24) & 0x7F
        self.cmdq_errors.append(err)
        idx = _q_idx(cons, self.f.cmdq_shift)
        addr = self.cfg.cmdq_base + idx * CMDQ_ENT
        bad = self.mem.read(addr, CMDQ_ENT)
        log.warning("CMDQ error (cons %#x, err %d): %s", cons, err, bad.hex())
        if err == CONS_ERR_ABT:
            return                                  # retry the fetch
        self.mem.write(addr, self._sync_cmd())      # skip: replace with a CMD_SYNC

    # ------------------------------------------------------------------ event queue
    async def service_evtq(self) -> List[EventRecord]:
        """One pass of the event-queue thread; returns the new records."""
        shift = self.f.evtq_shift
        mask = (2 << shift) - 1
        new: List[EventRecord] = []
        prod = await self.regs.read("EVENTQ_PROD")
        while (prod & mask) != (self.evtq_cons & mask):
            addr = self.cfg.evtq_base + _q_idx(self.evtq_cons, shift) * EVTQ_ENT
            new.append(EventRecord.unpack(self.mem.read(addr, EVTQ_ENT)))
            self.evtq_cons = (self.evtq_cons & (1 << 31)) | _q_inc(self.evtq_cons & mask, shift)
            if (prod & mask) == (self.evtq_cons & mask):
                await self.regs.write("EVENTQ_CONS", self.evtq_cons)
                prod = await self.regs.read("EVENTQ_PROD")
        # overflow: acknowledge by copying OVFLG into OVACKFLG
        if (prod >> 31) != (self.evtq_cons >> 31):
            self.overflows += 1
            log.warning("event queue overflow detected -- events lost")
            self.evtq_cons = (prod & (1 << 31)) | (self.evtq_cons & mask)
        await self.regs.write("EVENTQ_CONS", self.evtq_cons)
        self.events.extend(new)
        return new

    # ------------------------------------------------------------------ stream table
    def ste_addr(self, sid: int) -> int:
        return self.cfg.strtab_base + sid * 64

    def _init_strtab(self) -> None:
        ste = Ste(V=1, Config=0b100, SHCFG=1) if self.cfg.default_ste == "bypass" else Ste(V=1, Config=0)
        raw = ste.pack()
        self.mem.write(self.cfg.strtab_base, raw * (1 << self.strtab_log2))

    def read_ste(self, sid: int) -> Ste:
        return Ste.unpack(self.mem.read(self.ste_addr(sid), 64))

    async def write_ste(self, sid: int, target: Ste) -> None:
        """Install ``target`` for ``sid`` the way Linux does (hitless when it can)."""

        async def sync() -> None:
            await self.issue([C.cfgi_ste(sid)])

        await self._write_entry(self.ste_addr(sid), target.pack(), _ste_used, sync)
        await self.issue([C.prefetch_config(sid)])

    async def write_cd(self, sid: int, ssid: int, cd_table: int, target: Cd) -> None:
        async def sync() -> None:
            await self.issue([C.cfgi_cd(sid, ssid)])

        await self._write_entry(cd_table + ssid * 64, target.pack(), _cd_used, sync)

    async def _write_entry(self, addr: int, target: bytes, used_fn, sync) -> None:
        """arm_smmu_write_entry: qword-granular update that never exposes a torn entry."""
        cur = _qwords(self.mem.read(addr, 64))
        tgt = _qwords(target)
        cur_used, tgt_used = used_fn(cur), used_fn(tgt)
        # bits unused by the current entry can take their target value at once
        unused_update = [(c & u) | (t & ~u) for c, u, t in zip(cur, cur_used, tgt)]
        diff = [i for i in range(8) if (unused_update[i] ^ tgt[i]) & tgt_used[i]]

        def store(qws: List[int], only: Optional[List[int]] = None) -> None:
            for i, q in enumerate(qws):
                if only is None or i in only:
                    self.mem.write_u64(addr + 8 * i, q)

        if len(diff) == 1:
            # hitless: one critical qword changes used bits
            crit = diff[0]
            unused_update[crit] = cur[crit]
            store(unused_update)
            await sync()
            store(tgt, [crit])
            await sync()
            if tgt != self._read_qwords(addr):
                store(tgt)
                await sync()
        elif diff:
            # breaking: make it invalid, fill the rest, then validate
            store([cur[0] & ~1], [0])
            await sync()
            store(tgt, list(range(1, 8)))
            await sync()
            store(tgt, [0])
            await sync()
        else:
            store(tgt)
            await sync()

    def _read_qwords(self, addr: int) -> List[int]:
        return _qwords(self.mem.read(addr, 64))


def _qwords(raw: bytes) -> List[int]:
    return [int.from_bytes(raw[8 * i:8 * i + 8], "little") for i in range(8)]


def _ste_used(q: List[int]) -> List[int]:
    """arm_smmu_get_ste_used: the bits of an STE the SMMU looks at in its current config."""
    used = [0] * 8
    used[0] = 1                                   # V
    if not q[0] & 1:
        return used
    used[0] |= 0b1110                             # Config
    cfg = (q[0] >> 1) & 7
    if cfg == 0b100:
        used[1] |= 0x3 << 44                      # SHCFG
    if cfg & 0b101 == 0b101:                      # stage 1 enabled
        used[0] |= (0x3 << 4) | (((1 << 50) - 1) << 6) | (0x1F << 59)   # S1Fmt S1ContextPtr S1CDMax
        used[1] |= 0x3 | (0x3F << 2) | (1 << 19) | (1 << 27) | (0x3 << 28) | (0x3 << 30)
    return used


def _cd_used(q: List[int]) -> List[int]:
    """arm_smmu_get_cd_used: a valid CD uses its first four qwords (config, TTB0, TTB1, MAIR)."""
    used = [0] * 8
    used[0] = 1 << 31                             # V
    if q[0] & (1 << 31):
        used[0] = (1 << 64) - 1
        used[1] = used[2] = used[3] = (1 << 64) - 1
    return used
