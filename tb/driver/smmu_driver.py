"""The software side: a driver model faithful to Linux arm-smmu-v3.

What it does, and the Linux function it follows (drivers/iommu/arm/arm-smmu-v3):

* ``probe()``            arm_smmu_device_hw_probe: everything from the ID registers,
                         nothing hard-coded; refuses what Linux refuses (no S1P/S2P,
                         no AArch64 tables, no little-endian tables, TABLES/QUEUES_PRESET,
                         REL, a command queue of <= CMDQ_BATCH_ENTRIES entries).
                         Queue sizes: min(Q_MAX_SZ_SHIFT - entry shift, IDR1.xQS)
                         (Linux with 4K pages, MAX_PAGE_ORDER 10: CMDQ 18, EVTQ 17).
* ``device_reset()``     arm_smmu_device_reset: GBPA.ABORT first if SMMUEN is already 1
                         (firmware hand-over), CR0=0, CR1, CR2, stream table, command
                         queue, CMDQEN, CFGI_ALL + SYNC, TLBI_NSNH_ALL + SYNC, event
                         queue, EVTQEN, IRQ_CTRL=0 then EVTQ|GERROR (arm_smmu_setup_irqs),
                         SMMUEN; every write to CR0/IRQ_CTRL polls its ACK.
* ``issue()``            arm_smmu_cmdq_issue_cmdlist: commands written at PROD in
                         batches ending in CMD_SYNC (CS=SEV, MSH=ISH, MSIATTR=OIWB: no
                         MSI), CONS polled until the SYNC is consumed (queue_consumed).
                         ``submit()`` + ``wait_consumed()`` split it for tests that
                         look at the queue in between. Commands without a SYNC
                         (arm_smmu_cmdq_issue_cmd, e.g. PREFETCH_CONFIG) are not waited for.
* ``service_evtq()``     arm_smmu_evtq_thread: queue_remove_raw (CONS written back after
                         each record), queue_sync_prod_in (an OVFLG change is one
                         overflow), repeated until empty, then queue_sync_cons_ovf
                         (OVACKFLG := OVFLG).
* ``handle_gerror()``    arm_smmu_gerror_handler + arm_smmu_cmdq_skip_err: CERROR_ABT is
                         retried as is, CERROR_ILL is overwritten with a CMD_SYNC, then
                         GERRORN := GERROR.
* ``write_ste()``        arm_smmu_write_ste -> arm_smmu_write_entry with
                         arm_smmu_get_ste_used: hitless when the used bits of only one
                         qword change, otherwise V=0 / qwords 1..7 / qword 0; every step
                         that changes memory is followed by CFGI_STE + SYNC
                         (entry_set); then CMD_PREFETCH_CONFIG without a SYNC.
* ``write_cd()``         the same writer on a Context Descriptor (arm_smmu_get_cd_used,
                         CFGI_CD + SYNC).
* ``attach_s1()``        arm_smmu_attach_dev for a stage-1 domain: the CD (arm_smmu_make_s1_cd
                         with the domain's ASID and TTB0) is written first, then the
                         CD-table STE (arm_smmu_make_cdtable_ste); ``new_pgtable()`` gives
                         the domain its io-pgtable (tb.model.pagetable.Stage1Tables in the
                         memory the SMMU walks).
* TLB invalidation       arm_smmu_tlb_inv_context -> ``tlbi_asid`` (TLBI_NH_ASID + SYNC);
                         arm_smmu_tlb_inv_range_asid -> ``tlbi_range`` (one TLBI_NH_VA per
                         granule, Leaf as io-pgtable asks, no range invalidation: IDR3.RIL=0,
                         then SYNC); and, for tests, ``tlbi_vaa``, ``tlbi_nh_all``,
                         ``tlbi_nsnh_all`` (arm_smmu_device_reset's flush). Every completed
                         SYNC batch is passed to ``sync_hooks`` (the scoreboard's
                         invalidation windows listen there).

Register access goes through an object with async ``read(name)``, ``write(name, v)``
and ``write64(name, v)`` (tb.agents.reg_agent.RegAgent); structures live in the
shared sparse memory image (tb.model.memory.SparseMemory), as a CPU's stores to DRAM.

Polling mode vs. interrupts: without interrupt handlers (tb.driver.irq) the command
queue poll loop also checks GERROR and runs the gerror handler itself (``poll_gerror``);
with them, set ``poll_gerror=False`` as Linux does (the gerror IRQ thread skips the
bad command). The handlers are serialised by locks, so both may run.

Stall model (issue 5), as Linux drives it:

* ``service_evtq()`` hands every record to ``handle_evt()`` right after consuming it
  (arm_smmu_handle_evt): a Stall=1 record becomes a :class:`PageRequest` (grpid = STAG,
  addr = InputAddr, pasid = SSID if SSV, perms from RnW/InD/PnU) reported to the fault handler
  of the master owning the StreamID (``set_fault_handler``, iommu_report_device_fault). A master
  without a handler gets ABORT at once (iopf_error_response); a StreamID of no known master is
  left stalled (Linux: -EINVAL, the event is dumped) and queued in ``pending_stalls`` for the
  test. Every other record goes to ``event_hooks``.
* ``page_response(req, ok)``  arm_smmu_page_response: CMD_RESUME with the master's FIRST StreamID,
  STAG = grpid, RETRY on success, ABORT otherwise, and no CMD_SYNC.
* ``resume(sid, stag, action)`` / ``stall_term(sid)``: the raw commands (no CMD_SYNC) for tests;
  Linux itself never uses TERM and never issues STALL_TERM.
* :class:`IopfQueue`: Linux's iopf queue -- page requests are served in order by a worker task
  (not in the IRQ thread): ``handler(req) -> bool`` maps the page (or cannot), then page_response.
* :class:`GpuJobFaults`: the GPU pattern (msm/adreno): the first stall of a job schedules a
  deferred snapshot task that answers it later (TERM or ABORT); every other stall of that job is
  answered ABORT at once from the handler.
* ``make_s1_cd(..., stall_enabled=True)`` / ``attach_s1(..., stall_enabled=True)`` (CD.S=1 and
  STE.S1STALLD=0), ``make_sva_cd`` (arm_smmu_make_sva_cd, also the "fault everything" CD of a
  process that exited: EPD0=1, S=R=0 unless stalls are forced), ``sva_exit`` / ``sva_unbind``.
* ``entry_store``: optional hook receiving every STE/CD store of the entry writer (sid, address,
  bytes) instead of the plain memory write (a scoreboard configuration window).

Deviations from Linux, on purpose and only when asked (``DriverConfig``): queue sizes
may be forced smaller than Linux would pick (``cmdq_shift``/``evtq_shift``), and
``linux_checks=False`` accepts a command queue Linux would refuse (<= 64 entries).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from dataclasses import dataclass
from typing import Awaitable, Callable, Dict, List, Optional, Sequence, Tuple

from tb.model import commands as C
from tb.model.events import EventRecord
from tb.model.memory import SparseMemory
from tb.model.structs import Cd, Ste
from tb.regmap import fget

log = logging.getLogger("tb.driver")
log.setLevel(logging.INFO)

CMDQ_ENT = 16
EVTQ_ENT = 32
CMDQ_ENT_SZ_SHIFT = 4
EVTQ_ENT_SZ_SHIFT = 5
CMDQ_BATCH = 64          # CMDQ_BATCH_ENTRIES (BITS_PER_LONG) in Linux
GERROR_CMDQ_ERR = 1 << 0
GERROR_EVTQ_ABT = 1 << 2
GERROR_ERR_MASK = 0x1FD
CONS_ERR_NONE, CONS_ERR_ILL, CONS_ERR_ABT, CONS_ERR_ATC_INV_SYNC = 0, 1, 2, 3
Q_OVF = 1 << 31
OAS_DECODE = {0: 32, 1: 36, 2: 40, 3: 42, 4: 44, 5: 48, 6: 52}


class DriverError(Exception):
    """The driver refuses the hardware or a queue does not make progress."""


@dataclass
class Features:
    """What probe() discovered (names as in Linux's struct arm_smmu_device)."""

    s1p: bool = False
    s2p: bool = False
    ttf_aarch64: bool = False
    tt_le: bool = False
    asid_bits: int = 8
    stall_model: int = 0
    term_model: int = 0
    sid_bits: int = 0
    ssid_bits: int = 0
    cmdqs: int = 0           # IDR1.CMDQS (maximum)
    evtqs: int = 0
    cmdq_shift: int = 0      # what the driver uses
    evtq_shift: int = 0
    oas: int = 48
    gran4k: bool = False
    gran16k: bool = False
    gran64k: bool = False
    st_level_2: bool = False
    msi: bool = False
    sev: bool = False
    hyp: bool = False
    stall_max: int = 0

    @property
    def stalls(self) -> bool:
        """ARM_SMMU_FEAT_STALLS: STALL_MODEL 0b00 (stall or terminate) or 0b10 (stall forced)."""
        return self.stall_model in (0, 2)

    stall_supported = stalls

    @property
    def stall_force(self) -> bool:
        return self.stall_model == 2


@dataclass
class DriverConfig:
    """Where the driver puts its tables (all inside the shared memory image)."""

    strtab_base: int = 0x4000_0000
    cmdq_base: int = 0x4100_0000
    evtq_base: int = 0x4200_0000
    cmdq_shift: Optional[int] = None     # None: Linux's choice, min(CMDQ_MAX_SZ_SHIFT, IDR1.CMDQS)
    evtq_shift: Optional[int] = None     # None: min(EVTQ_MAX_SZ_SHIFT, IDR1.EVENTQS)
    q_max_sz_shift: int = 22             # Linux Q_MAX_SZ_SHIFT = PAGE_SHIFT (12) + MAX_PAGE_ORDER (10)
    default_ste: str = "abort"           # Linux disable_bypass=1: unused StreamIDs abort
    poll_limit: int = 20000              # register polls before a queue is declared stuck
    linux_checks: bool = True            # refuse what Linux refuses (CMDQS <= 6 ...)
    poll_gerror: bool = True             # the CONS poll loop runs the gerror handler (no IRQ thread)


# ---------------------------------------------------------------- queue pointer arithmetic
def q_idx(ptr: int, shift: int) -> int:
    return ptr & ((1 << shift) - 1)


def q_wrp(ptr: int, shift: int) -> int:
    return ptr & (1 << shift)


def q_ovf(ptr: int) -> int:
    return ptr & Q_OVF


def q_inc(ptr: int, shift: int) -> int:
    """queue_inc_prod/cons: index+wrap incremented, OVF kept."""
    v = (q_wrp(ptr, shift) | q_idx(ptr, shift)) + 1
    return q_ovf(ptr) | q_wrp(v, shift) | q_idx(v, shift)


def q_empty(prod: int, cons: int, shift: int) -> bool:
    return q_idx(prod, shift) == q_idx(cons, shift) and q_wrp(prod, shift) == q_wrp(cons, shift)


def q_full(prod: int, cons: int, shift: int) -> bool:
    return q_idx(prod, shift) == q_idx(cons, shift) and q_wrp(prod, shift) != q_wrp(cons, shift)


def q_used(prod: int, cons: int, shift: int) -> int:
    return ((q_wrp(prod, shift) | q_idx(prod, shift)) - (q_wrp(cons, shift) | q_idx(cons, shift))) \
        & ((2 << shift) - 1)


def q_consumed(cons: int, pos: int, shift: int) -> bool:
    """queue_consumed: CONS has passed the entry at ``pos`` (Linux passes the CMD_SYNC's
    own position, not the PROD after it: with a full queue CONS == PROD-after-SYNC - size
    would otherwise look "consumed")."""
    if q_wrp(cons, shift) == q_wrp(pos, shift):
        return q_idx(cons, shift) > q_idx(pos, shift)
    return q_idx(cons, shift) <= q_idx(pos, shift)


def q_dec(ptr: int, shift: int) -> int:
    return (ptr - 1) & ((2 << shift) - 1)


# backwards-compatible names
_q_idx, _q_wrp, _q_inc, _q_used = q_idx, q_wrp, q_inc, q_used


def _cocotb_running() -> bool:
    try:
        import cocotb
        return getattr(cocotb, "top", None) is not None
    except Exception:  # noqa: BLE001
        return False


def spawn(coro):
    """Start ``coro`` as a task: a cocotb task under a simulator, an asyncio task otherwise."""
    if _cocotb_running():
        import cocotb
        return cocotb.start_soon(coro)
    return asyncio.get_event_loop().create_task(coro)


class _Signal:
    """A wake-up event usable with or without cocotb."""

    def __init__(self) -> None:
        if _cocotb_running():
            from cocotb.triggers import Event
            self._ev = Event()
        else:
            self._ev = asyncio.Event()

    def set(self) -> None:
        self._ev.set()

    def clear(self) -> None:
        self._ev.clear()

    async def wait(self) -> None:
        await self._ev.wait()


async def sleep_cycles(n: int, period_ns: int = 10) -> None:
    """Let ``n`` clock cycles pass (rising edges of the DUT's aclk, so that a task woken this way
    runs at the same point of the cycle on every simulator; a Timer if there is no aclk), or just
    yield without a simulator."""
    if _cocotb_running():
        import cocotb
        from cocotb.triggers import ClockCycles, Timer
        if n > 0:
            clk = getattr(cocotb.top, "aclk", None)
            if clk is not None:
                await ClockCycles(clk, n)
            else:
                await Timer(n * period_ns, unit="ns")
    else:
        await asyncio.sleep(0)


@dataclass(eq=False)
class Master:
    """arm_smmu_master: one device, its StreamIDs (Linux answers a stall with streams[0])."""

    name: str
    sids: List[int]
    stall_enabled: bool = True


@dataclass(eq=False)
class PageRequest:
    """iommu_fault.prm built by arm_smmu_handle_evt from a stall record."""

    rec: EventRecord
    sid: int
    grpid: int                       # the STAG
    addr: int                        # InputAddr
    pasid: Optional[int]             # SubstreamID if SSV
    read: bool
    write: bool
    exec_: bool
    priv: bool
    master: Optional[Master] = None
    answered: Optional[str] = None   # the action software sent (retry / abort / term)

    @classmethod
    def from_record(cls, rec: EventRecord, master: Optional[Master] = None) -> "PageRequest":
        return cls(rec, rec.StreamID, rec.STAG, rec.InputAddr, rec.SubstreamID if rec.SSV else None,
                   bool(rec.RnW), not rec.RnW, bool(rec.InD), bool(rec.PnU), master)

    def __str__(self) -> str:
        perm = ("r" if self.read else "") + ("w" if self.write else "") + ("x" if self.exec_ else "") + \
               ("p" if self.priv else "")
        pas = f" pasid {self.pasid}" if self.pasid is not None else ""
        return f"page request sid {self.sid:#x}{pas} grpid {self.grpid:#06x} addr {self.addr:#x} {perm} ({self.rec.name})"


FaultHandler = Callable[[PageRequest], Awaitable[None]]


class _Lock:
    """A cooperative lock usable with or without cocotb (unit tests run without a scheduler)."""

    def __init__(self) -> None:
        self._lock = None

    def _get(self):
        if self._lock is None:
            self._lock = False                  # no simulator (unit tests): single-threaded use
            try:
                import cocotb
                if getattr(cocotb, "top", None) is not None:
                    from cocotb.triggers import Lock
                    self._lock = Lock()
            except Exception:  # noqa: BLE001
                pass
        return self._lock

    async def __aenter__(self):
        lk = self._get()
        if lk:
            await lk.acquire()
        return self

    async def __aexit__(self, *exc):
        lk = self._get()
        if lk:
            lk.release()
        return False


class SmmuDriver:
    """One SMMU, one driver (the command queue is used by one thread at a time)."""

    def __init__(self, regs, mem: SparseMemory, cfg: Optional[DriverConfig] = None) -> None:
        self.regs = regs
        self.mem = mem
        self.cfg = cfg or DriverConfig()
        self.f = Features()
        self.idr = {}
        self.strtab_log2 = 0
        self.cmdq_prod = 0
        self.evtq_prod = 0                    # llq.prod of the event queue (with OVF)
        self.evtq_cons = 0                    # llq.cons (with OVF)
        self.events: List[EventRecord] = []   # every record serviced, in order
        self.overflows = 0                    # OVFLG changes seen by service_evtq
        self.cmdq_errors: List[int] = []      # CONS.ERR codes seen by the gerror handler
        self.gerrors: List[int] = []          # active bits seen by each handle_gerror call
        self.evtq_abt_errors = 0
        self.commands_issued = 0
        self.syncs = 0
        self.sync_log: List[int] = []         # PROD value each SYNC completion waited for
        self.sync_hooks: List[Callable[[List[bytes]], None]] = []   # called after each SYNC completed
        self._cmdq_lock = _Lock()
        self._evtq_lock = _Lock()
        self._gerror_lock = _Lock()
        # stall model (issue 5)
        self.masters: Dict[int, Master] = {}                  # StreamID -> master
        self.fault_handlers: Dict[int, FaultHandler] = {}     # id(master) -> iopf handler
        self.stall_log: List[PageRequest] = []                # every stall record serviced
        self.pending_stalls: List[PageRequest] = []           # stalls of unknown StreamIDs (left stalled)
        self.event_hooks: List[Callable[[EventRecord], None]] = []   # every non-stall record
        self.submit_hooks: List[Callable[[bytes], None]] = []        # every command written to the queue
        self.resumes: Dict[str, int] = {"retry": 0, "abort": 0, "term": 0}
        self.stall_terms = 0
        self.entry_store: Optional[Callable[[int, int, bytes], None]] = None
        self.sleep = sleep_cycles

    # ------------------------------------------------------------------ probe
    async def probe(self) -> Features:
        idr0 = await self.regs.read("IDR0")
        idr1 = await self.regs.read("IDR1")
        idr5 = await self.regs.read("IDR5")
        self.idr = {"IDR0": idr0, "IDR1": idr1, "IDR5": idr5}
        f = self.f
        f.s1p = bool(fget("IDR0", "S1P", idr0))
        f.s2p = bool(fget("IDR0", "S2P", idr0))
        ttf = fget("IDR0", "TTF", idr0)
        f.ttf_aarch64 = ttf in (2, 3)
        tte = fget("IDR0", "TTENDIAN", idr0)
        f.tt_le = tte in (0, 2)                        # mixed or little
        f.asid_bits = 16 if fget("IDR0", "ASID16", idr0) else 8
        f.stall_model = fget("IDR0", "STALL_MODEL", idr0)
        f.term_model = fget("IDR0", "TERM_MODEL", idr0)
        f.st_level_2 = fget("IDR0", "ST_LEVEL", idr0) == 1
        f.msi = bool(fget("IDR0", "MSI", idr0))
        f.sev = bool(fget("IDR0", "SEV", idr0))
        f.hyp = bool(fget("IDR0", "HYP", idr0))
        if not (f.s1p or f.s2p):
            raise DriverError("no translation support!")
        if not f.ttf_aarch64:
            raise DriverError("AArch64 table format not supported!")
        if not f.tt_le:
            raise DriverError("unknown/unsupported TT endianness!")
        if fget("IDR1", "TABLES_PRESET", idr1) or fget("IDR1", "QUEUES_PRESET", idr1):
            raise DriverError("embedded implementation not supported")
        if fget("IDR1", "REL", idr1):
            raise DriverError("relative base addresses not supported")
        f.cmdqs = fget("IDR1", "CMDQS", idr1)
        f.evtqs = fget("IDR1", "EVENTQS", idr1)
        linux_cmdq = min(self.cfg.q_max_sz_shift - CMDQ_ENT_SZ_SHIFT, f.cmdqs)
        linux_evtq = min(self.cfg.q_max_sz_shift - EVTQ_ENT_SZ_SHIFT, f.evtqs)
        f.cmdq_shift = self.cfg.cmdq_shift if self.cfg.cmdq_shift is not None else linux_cmdq
        f.evtq_shift = self.cfg.evtq_shift if self.cfg.evtq_shift is not None else linux_evtq
        if f.cmdq_shift > f.cmdqs or f.evtq_shift > f.evtqs:
            raise DriverError("requested queue larger than IDR1 allows")
        if self.cfg.linux_checks and f.cmdq_shift <= CMDQ_BATCH.bit_length() - 1:
            raise DriverError(f"command queue size <= {CMDQ_BATCH} entries not supported")
        f.sid_bits = fget("IDR1", "SIDSIZE", idr1)
        f.ssid_bits = fget("IDR1", "SSIDSIZE", idr1)
        oas = fget("IDR5", "OAS", idr5)
        if oas not in OAS_DECODE:
            log.warning("unknown output address size. Truncating to 48-bit")
        f.oas = OAS_DECODE.get(oas, 48)
        f.gran4k = bool(fget("IDR5", "GRAN4K", idr5))
        f.gran16k = bool(fget("IDR5", "GRAN16K", idr5))
        f.gran64k = bool(fget("IDR5", "GRAN64K", idr5))
        f.stall_max = fget("IDR5", "STALL_MAX", idr5)
        if f.s1p and not (f.gran4k or f.gran16k or f.gran64k):
            raise DriverError("no supported page size for stage 1")
        log.info("probe: %s", self.describe())
        return f

    def describe(self) -> str:
        f = self.f
        return (f"S1P={int(f.s1p)} S2P={int(f.s2p)} ASID bits={f.asid_bits} SID bits={f.sid_bits} "
                f"SSID bits={f.ssid_bits} OAS={f.oas} stall_model={f.stall_model} "
                f"(stalls={int(f.stalls)} force={int(f.stall_force)}) term_model={f.term_model} "
                f"CMDQS={f.cmdqs}->{f.cmdq_shift} EVENTQS={f.evtqs}->{f.evtq_shift} "
                f"gran4k={int(f.gran4k)} 2lvl_strtab={int(f.st_level_2)} msi={int(f.msi)} "
                f"sev={int(f.sev)} stall_max={f.stall_max}")

    # ------------------------------------------------------------------ bring-up
    async def _write_reg_sync(self, name: str, val: int, ack: str) -> None:
        """arm_smmu_write_reg_sync: write, then poll the ACK register until it matches."""
        await self.regs.write(name, val)
        await self._poll(ack, 0xFFFFFFFF, val, ack)

    async def _write_cr0(self, val: int) -> None:
        await self._write_reg_sync("CR0", val, "CR0ACK")

    async def _poll(self, name: str, mask: int, value: int, what: str) -> int:
        for _ in range(self.cfg.poll_limit):
            v = await self.regs.read(name)
            if v & mask == value:
                return v
        raise DriverError(f"timeout waiting for {what}")

    async def device_reset(self, invalidate: bool = True) -> None:
        """arm_smmu_device_reset, step by step (smmuv3-facts.md section 8). ``invalidate=False``
        leaves out CFGI_ALL and the TLBI_*_ALL commands (a firmware-style bring-up that relies on
        the caches being empty after reset: docs/architecture.md "Reset")."""
        f = self.f
        # leave a running SMMU safely: abort incoming traffic first
        cr0 = await self.regs.read("CR0")
        if cr0 & 1:
            log.warning("SMMU currently enabled! Resetting...")
            await self.update_gbpa(set_bits=1 << 20, clr_bits=0)
        # arm_smmu_device_disable
        await self._write_cr0(0)
        # CR1: table and queue memory attributes (inner-shareable, write-back)
        await self.regs.write("CR1", (3 << 10) | (1 << 8) | (1 << 6) | (3 << 4) | (1 << 2) | 1)
        # CR2: PTM | RECINVSID (E2H only with HYP... and E2H support)
        await self.regs.write("CR2", (1 << 2) | (1 << 1))
        # stream table: linear, one STE per StreamID
        self.strtab_log2 = f.sid_bits
        self._init_strtab()
        await self.regs.write64("STRTAB_BASE", self.cfg.strtab_base | (1 << 62))
        await self.regs.write("STRTAB_BASE_CFG", self.strtab_log2)
        # command queue
        await self.regs.write64("CMDQ_BASE", self.cfg.cmdq_base | f.cmdq_shift | (1 << 62))
        self.cmdq_prod = 0
        await self.regs.write("CMDQ_PROD", 0)
        await self.regs.write("CMDQ_CONS", 0)
        enables = 0x8
        await self._write_cr0(enables)
        # invalidate any cached configuration, then stale TLB entries
        if invalidate:
            await self.issue([C.cfgi_all()])
            if f.hyp:
                await self.issue([C.tlbi_el2_all()])
            await self.issue([C.tlbi_nsnh_all()])
        # event queue
        await self.regs.write64("EVENTQ_BASE", self.cfg.evtq_base | f.evtq_shift | (1 << 62))
        self.evtq_prod = self.evtq_cons = 0
        await self.regs.write("EVENTQ_PROD", 0)
        await self.regs.write("EVENTQ_CONS", 0)
        enables |= 0x4
        await self._write_cr0(enables)
        # arm_smmu_setup_irqs: disable, then EVTQ | GERROR
        await self._write_reg_sync("IRQ_CTRL", 0, "IRQ_CTRLACK")
        await self._write_reg_sync("IRQ_CTRL", (1 << 2) | 1, "IRQ_CTRLACK")
        # enable the SMMU interface
        enables |= 0x1
        await self._write_cr0(enables)
        log.info("device_reset: SMMUEN=1 (CR0ACK=%#x)", await self.regs.read("CR0ACK"))

    async def update_gbpa(self, set_bits: int = 0, clr_bits: int = 0, abort: Optional[int] = None) -> None:
        """arm_smmu_update_gbpa: wait UPDATE=0, read-modify-write with UPDATE=1, wait UPDATE=0."""
        if abort is not None:
            set_bits, clr_bits = (1 << 20, 0) if abort else (0, 1 << 20)
        val = await self._poll("GBPA", 1 << 31, 0, "GBPA.UPDATE clear")
        val = (val & ~clr_bits) | set_bits
        await self.regs.write("GBPA", val | (1 << 31))
        await self._poll("GBPA", 1 << 31, 0, "GBPA.UPDATE")

    # ------------------------------------------------------------------ command queue
    def sync_cmd(self) -> bytes:
        """arm_smmu_cmdq_build_sync_cmd without MSI: CS=SEV, MSH=ISH, MSIATTR=OIWB."""
        return C.sync(cs=C.CS_SEV, msh=3, msiattr=0xF)

    _sync_cmd = sync_cmd

    async def submit(self, cmds: Sequence[bytes]) -> int:
        """Write ``cmds`` at PROD (waiting for space) and publish PROD; returns the new PROD."""
        shift = self.f.cmdq_shift
        if len(cmds) > 1 << shift:
            raise DriverError("batch larger than the command queue")
        await self._wait_space(len(cmds))
        for cmd in cmds:
            self.mem.write(self.cfg.cmdq_base + q_idx(self.cmdq_prod, shift) * CMDQ_ENT, cmd)
            self.cmdq_prod = q_inc(self.cmdq_prod, shift)
            for hook in self.submit_hooks:
                hook(cmd)
        self.commands_issued += len(cmds)
        await self.regs.write("CMDQ_PROD", self.cmdq_prod)
        return self.cmdq_prod

    async def issue(self, cmds: Sequence[bytes], sync: bool = True) -> int:
        """Submit commands in batches (each ends in CMD_SYNC when ``sync``), wait for each SYNC.
        Returns the PROD after the last command (``wait_consumed(prod)`` waits for it)."""
        size = 1 << self.f.cmdq_shift
        per_batch = min(CMDQ_BATCH, size) - (1 if sync else 0)
        if per_batch < 1:
            raise DriverError("command queue too small for a batch")
        todo = list(cmds)
        prod = self.cmdq_prod
        async with self._cmdq_lock:
            while True:
                batch, todo = todo[:per_batch], todo[per_batch:]
                if sync:
                    batch.append(self.sync_cmd())
                prod = await self.submit(batch)
                if sync:
                    self.syncs += 1
                    await self.wait_consumed(prod)
                    for hook in self.sync_hooks:
                        hook(batch)
                if not todo:
                    break
        return prod

    async def read_cons(self) -> int:
        cons = await self.regs.read("CMDQ_CONS")
        if self.cfg.poll_gerror and (cons >> 24) & 0x7F:
            if (await self.regs.read("GERROR")) ^ (await self.regs.read("GERRORN")):
                await self.handle_gerror()
                cons = await self.regs.read("CMDQ_CONS")
        return cons

    _read_cons = read_cons

    async def _wait_space(self, n: int) -> None:
        shift = self.f.cmdq_shift
        for _ in range(self.cfg.poll_limit):
            cons = await self.read_cons()
            if (1 << shift) - q_used(self.cmdq_prod, cons, shift) >= n:
                return
        raise DriverError("command queue full: CONS does not advance")

    async def wait_consumed(self, prod: int) -> None:
        """Poll CONS until everything before ``prod`` is consumed (the SYNC at prod-1 completed;
        arm_smmu_cmdq_poll_until_sync without MSI -> __arm_smmu_cmdq_poll_until_consumed)."""
        shift = self.f.cmdq_shift
        sync_pos = q_dec(prod, shift)
        cons = 0
        for _ in range(self.cfg.poll_limit):
            cons = await self.read_cons()
            if q_consumed(cons, sync_pos, shift):
                self.sync_log.append(prod)
                return
        raise DriverError(f"CMD_SYNC timeout at {prod:#x} [hwprod {self.cmdq_prod:#x}, hwcons {cons:#x}]")

    _wait_consumed = wait_consumed

    # ------------------------------------------------------------------ global errors
    async def handle_gerror(self) -> int:
        """arm_smmu_gerror_handler; returns the active bits it handled (0: IRQ_NONE)."""
        async with self._gerror_lock:
            gerror = await self.regs.read("GERROR")
            gerrorn = await self.regs.read("GERRORN")
            active = (gerror ^ gerrorn) & GERROR_ERR_MASK
            if not active:
                return 0
            self.gerrors.append(active)
            log.warning("unexpected global error reported (0x%08x), this could be serious", active)
            if active & GERROR_EVTQ_ABT:
                self.evtq_abt_errors += 1
                log.warning("EVTQ write aborted -- events may have been lost")
            if active & GERROR_CMDQ_ERR:
                await self._cmdq_skip_err()
            await self.regs.write("GERRORN", gerror)
            return active

    async def _cmdq_skip_err(self) -> None:
        """arm_smmu_cmdq_skip_err."""
        cons = await self.regs.read("CMDQ_CONS")
        err = (cons >> 24) & 0x7F
        self.cmdq_errors.append(err)
        idx = q_idx(cons, self.f.cmdq_shift)
        addr = self.cfg.cmdq_base + idx * CMDQ_ENT
        if err == CONS_ERR_ABT:
            log.error("retrying command fetch")       # CERROR_ABT: the command is fetched again
            return
        if err == CONS_ERR_ATC_INV_SYNC:
            log.error("ATC invalidate timeout")        # Linux also retries the (SYNC) command
            return
        if err != CONS_ERR_ILL:
            log.error("unknown CMDQ_CONS.ERR %d", err)
        bad = self.mem.read(addr, CMDQ_ENT)
        log.error("CMDQ error (cons 0x%08x): %s", cons, C.decode(bad) if len(bad) == CMDQ_ENT else bad.hex())
        self.mem.write(addr, self.sync_cmd())          # skip: replace with a CMD_SYNC

    # ------------------------------------------------------------------ event queue
    async def service_evtq(self) -> List[EventRecord]:
        """arm_smmu_evtq_thread; returns the records it consumed."""
        async with self._evtq_lock:
            shift = self.f.evtq_shift
            new: List[EventRecord] = []
            while True:
                while not q_empty(self.evtq_prod, self.evtq_cons, shift):     # queue_remove_raw
                    addr = self.cfg.evtq_base + q_idx(self.evtq_cons, shift) * EVTQ_ENT
                    rec = EventRecord.unpack(self.mem.read(addr, EVTQ_ENT))
                    new.append(rec)
                    log.info("event %s", rec)
                    self.evtq_cons = q_inc(self.evtq_cons, shift)
                    await self.regs.write("EVENTQ_CONS", self.evtq_cons)     # queue_sync_cons_out
                    await self.handle_evt(rec)                               # arm_smmu_handle_evt
                prod = await self.regs.read("EVENTQ_PROD")                   # queue_sync_prod_in
                if q_ovf(prod) != q_ovf(self.evtq_prod):
                    self.overflows += 1
                    log.error("EVTQ overflow detected -- events lost")
                self.evtq_prod = prod
                if q_empty(self.evtq_prod, self.evtq_cons, shift):
                    break
            if q_ovf(self.evtq_prod) != q_ovf(self.evtq_cons):               # queue_sync_cons_ovf
                self.evtq_cons = q_ovf(self.evtq_prod) | q_wrp(self.evtq_cons, shift) | q_idx(self.evtq_cons, shift)
                await self.regs.write("EVENTQ_CONS", self.evtq_cons)
            self.events.extend(new)
            return new

    # ------------------------------------------------------------------ faults (stall model)
    def add_master(self, sids: Sequence[int], stall_enabled: bool = True, name: str = "") -> Master:
        """arm_smmu_probe_device: a device with its StreamIDs ("dma-can-stall" -> stall_enabled)."""
        m = Master(name or f"dev{sids[0]:#x}", list(sids), stall_enabled)
        for sid in sids:
            self.masters[sid] = m
        return m

    def find_master(self, sid: int) -> Optional[Master]:
        return self.masters.get(sid)

    def set_fault_handler(self, master: Master, handler: Optional[FaultHandler]) -> None:
        """The iopf handler of the master's domain (None: no handler -> ABORT, iopf_error_response)."""
        if handler is None:
            self.fault_handlers.pop(id(master), None)
        else:
            self.fault_handlers[id(master)] = handler

    async def handle_evt(self, rec: EventRecord) -> None:
        """arm_smmu_handle_evt: a stall record becomes a page request for the master's handler."""
        if not rec.Stall:
            for hook in self.event_hooks:
                hook(rec)
            return
        master = self.find_master(rec.StreamID)
        req = PageRequest.from_record(rec, master)
        self.stall_log.append(req)
        if master is None:
            log.warning("stall event for unknown StreamID %#x: left stalled (%s)", rec.StreamID, req)
            self.pending_stalls.append(req)
            return
        handler = self.fault_handlers.get(id(master))
        if handler is None:
            log.info("no fault handler for %s: %s -> ABORT", master.name, req)
            await self.page_response(req, False)              # iopf_error_response
            return
        await handler(req)

    async def page_response(self, req: PageRequest, ok: bool) -> int:
        """arm_smmu_page_response: CMD_RESUME(master's first StreamID, grpid, RETRY / ABORT), no SYNC."""
        master = req.master or self.find_master(req.sid)
        sid = master.sids[0] if master is not None else req.sid
        req.answered = "retry" if ok else "abort"
        return await self.resume(sid, req.grpid, req.answered)

    async def resume(self, sid: int, stag: int, action: str = "retry", wait: bool = False) -> int:
        """CMD_RESUME (no CMD_SYNC: it adds nothing for RESUME); ``wait``: poll CONS until consumed.
        Returns the PROD after it."""
        self.resumes[action] += 1
        log.info("CMD_RESUME sid %#x stag %#06x %s", sid, stag, action)
        prod = await self.issue([C.resume(sid, stag, action)], sync=False)
        if wait:
            await self.wait_consumed(prod)
        return prod

    async def stall_term(self, sid: int, wait: bool = False) -> int:
        """CMD_STALL_TERM(sid), no CMD_SYNC."""
        self.stall_terms += 1
        log.info("CMD_STALL_TERM sid %#x", sid)
        prod = await self.issue([C.stall_term(sid)], sync=False)
        if wait:
            await self.wait_consumed(prod)
        return prod

    async def wait_cmd_consumed(self, prod: int) -> None:
        """CONS has passed the command just before ``prod`` (any command, not only a SYNC)."""
        await self.wait_consumed(prod)

    # ------------------------------------------------------------------ SVA (PASID) contexts
    async def sva_exit(self, sid: int, ssid: int, cd_table: int, asid: int, stall_enabled: bool = True) -> None:
        """arm_smmu_mm_release: the process is gone but the PASID is still bound -- the CD becomes the
        "fault everything" SVA CD (EPD0=1; S=R=0 unless stalls are forced), written hitlessly."""
        await self.write_cd(sid, ssid, cd_table, make_sva_cd(self.f, asid, None, stall_enabled=stall_enabled))

    async def sva_unbind(self, sid: int, ssid: int, cd_table: int) -> None:
        """arm_smmu_remove_dev_pasid -> arm_smmu_clear_cd: the CD is cleared (V=0), CFGI_CD + SYNC."""
        await self.write_cd(sid, ssid, cd_table, Cd())

    # ------------------------------------------------------------------ stream table
    def ste_addr(self, sid: int) -> int:
        return self.cfg.strtab_base + sid * 64

    def _init_strtab(self) -> None:
        """arm_smmu_init_strtab_linear + arm_smmu_init_initial_stes."""
        ste = Ste(V=1, Config=0b100, SHCFG=1) if self.cfg.default_ste == "bypass" else Ste(V=1, Config=0)
        self.mem.write(self.cfg.strtab_base, ste.pack() * (1 << self.strtab_log2))

    def read_ste(self, sid: int) -> Ste:
        return Ste.unpack(self.mem.read(self.ste_addr(sid), 64))

    async def write_ste(self, sid: int, target: Ste, prefetch: bool = True) -> List[List[int]]:
        """arm_smmu_write_ste: install ``target`` for ``sid``; returns the qword steps written."""

        async def sync() -> None:
            await self.issue([C.cfgi_ste(sid)])

        steps = await write_entry(self.mem, self.ste_addr(sid), target.pack(), ste_used, sync,
                                  store=self._store_for(sid))
        if prefetch:
            await self.issue([C.prefetch_config(sid)], sync=False)
        return steps

    async def write_cd(self, sid: int, ssid: int, cd_table: int, target: Cd) -> List[List[int]]:
        async def sync() -> None:
            await self.issue([C.cfgi_cd(sid, ssid)])

        return await write_entry(self.mem, cd_table + ssid * 64, target.pack(), cd_used, sync,
                                 store=self._store_for(sid))

    def _store_for(self, sid: int):
        if self.entry_store is None:
            return None
        return lambda addr, data: self.entry_store(sid, addr, data)


    # ------------------------------------------------------------------ stage-1 domains
    def new_pgtable(self, pool, t0sz: int = 16):
        """The io-pgtable of a new stage-1 domain: Stage1Tables in the memory the SMMU walks.
        ``pool``: a tb.model.pagetable.TablePool or a 4K-aligned base address."""
        from tb.model.pagetable import Stage1Tables
        return Stage1Tables(self.mem, pool, t0sz=t0sz)

    async def attach_s1(self, sid: int, cd_table: int, cd: Cd, ssid: int = 0, s1cdmax: int = 0,
                        s1dss: int = 0b10, stall_enabled: Optional[bool] = None) -> None:
        """arm_smmu_attach_dev (stage-1 domain): CD first (arm_smmu_write_cd_entry), then the
        CD-table STE if the StreamID does not already point at ``cd_table`` with ``s1cdmax``."""
        await self.write_cd(sid, ssid, cd_table, cd)
        want = make_cdtable_ste(self.f, cd_table, s1cdmax=s1cdmax, s1dss=s1dss, stall_enabled=stall_enabled)
        if self.read_ste(sid) != want:
            await self.write_ste(sid, want)

    async def tlbi_asid(self, asid: int) -> None:
        """arm_smmu_tlb_inv_context (stage 1): TLBI_NH_ASID + CMD_SYNC."""
        await self.issue([C.tlbi_nh_asid(asid)])

    async def tlbi_range(self, asid: int, iova: int, size: int, granule: int = 1 << 12,
                         leaf: bool = True) -> None:
        """arm_smmu_tlb_inv_range_asid without range invalidation (IDR3.RIL=0): one TLBI_NH_VA per
        ``granule`` in [iova, iova+size), Leaf=``leaf`` (io-pgtable: 1 for unmapped leaves, 0 for a
        walk flush), then CMD_SYNC (arm_smmu_cmdq_batch_submit)."""
        if size <= 0:
            return
        await self.issue([C.tlbi_nh_va(asid, a, leaf=int(leaf)) for a in range(iova, iova + size, granule)])

    async def tlbi_va(self, asid: int, va: int, leaf: bool = True) -> None:
        """One page (arm_smmu_tlb_inv_page_nosync + sync)."""
        await self.tlbi_range(asid, va & ~0xFFF, 1 << 12, leaf=leaf)

    async def tlbi_vaa(self, va: int, leaf: bool = True) -> None:
        """TLBI_NH_VAA (every ASID) + CMD_SYNC."""
        await self.issue([C.tlbi_nh_vaa(va & ~0xFFF, leaf=int(leaf))])

    async def tlbi_nh_all(self) -> None:
        await self.issue([C.tlbi_nh_all()])

    async def tlbi_nsnh_all(self) -> None:
        """arm_smmu_device_reset's TLB flush: TLBI_NSNH_ALL + CMD_SYNC."""
        await self.issue([C.tlbi_nsnh_all()])


# ---------------------------------------------------------------------- entry writer
NUM_ENTRY_QWORDS = 8
M64 = (1 << 64) - 1


def qwords(raw: bytes) -> List[int]:
    return [int.from_bytes(raw[8 * i:8 * i + 8], "little") for i in range(NUM_ENTRY_QWORDS)]


_qwords = qwords


def entry_qword_diff(cur: List[int], tgt: List[int], used_fn) -> tuple:
    """arm_smmu_entry_qword_diff: (bit mask of qwords whose used bits must change, unused_update)."""
    cur_used, tgt_used = used_fn(cur), used_fn(tgt)
    unused_update = [0] * NUM_ENTRY_QWORDS
    diff = 0
    for i in range(NUM_ENTRY_QWORDS):
        if tgt[i] & ~tgt_used[i] & M64:
            log.warning("entry writer: target qword %d sets bits its used mask does not cover", i)
        unused_update[i] = (cur[i] & cur_used[i]) | (tgt[i] & ~cur_used[i] & M64)
        if (unused_update[i] & tgt_used[i]) != tgt[i]:
            diff |= 1 << i
    return diff, unused_update


def plan_entry_update(cur: List[int], tgt: List[int], used_fn) -> List[List[int]]:
    """The sequence of full-entry images arm_smmu_write_entry stores, one per sync.

    Each element is the entry after one entry_set() that changed something (each
    followed by a CFGI + SYNC). Pure: no memory, no simulator.
    """
    diff, unused_update = entry_qword_diff(cur, tgt, used_fn)
    entry = list(cur)
    steps: List[List[int]] = []

    def entry_set(src: List[int], start: int, n: int) -> None:
        changed = False
        for i in range(start, start + n):
            if entry[i] != src[i]:
                entry[i] = src[i]
                changed = True
        if changed:
            steps.append(list(entry))

    if bin(diff).count("1") == 1:
        crit = diff.bit_length() - 1
        unused_update[crit] = entry[crit]
        entry_set(unused_update, 0, NUM_ENTRY_QWORDS)
        entry_set(tgt, crit, 1)
        entry_set(tgt, 0, NUM_ENTRY_QWORDS)
    elif diff:
        unused_update[0] = 0
        entry_set(unused_update, 0, 1)
        entry_set(tgt, 1, NUM_ENTRY_QWORDS - 1)
        entry_set(tgt, 0, 1)
    else:
        entry_set(tgt, 0, NUM_ENTRY_QWORDS)
    return steps


async def write_entry(mem: SparseMemory, addr: int, target: bytes, used_fn,
                      sync: Callable, store: Optional[Callable[[int, bytes], None]] = None) -> List[List[int]]:
    """arm_smmu_write_entry on memory: each step stored, then ``sync()`` (CFGI + SYNC).
    ``store(addr, bytes)`` replaces the plain 64-bit memory store (e.g. a scoreboard window)."""
    cur = qwords(mem.read(addr, 64))
    steps = plan_entry_update(cur, qwords(target), used_fn)
    prev = cur
    for img in steps:
        for i in range(NUM_ENTRY_QWORDS):
            if img[i] != prev[i]:
                if store is None:
                    mem.write_u64(addr + 8 * i, img[i])
                else:
                    store(addr + 8 * i, img[i].to_bytes(8, "little"))
        prev = img
        await sync()
    return steps


def _bits(hi: int, lo: int) -> int:
    return ((1 << (hi - lo + 1)) - 1) << lo


# STE fields as Linux names them (arm-smmu-v3.h)
STE_0_V = 1 << 0
STE_0_CFG = _bits(3, 1)
STE_0_S1FMT = _bits(5, 4)
STE_0_S1CTXPTR = _bits(51, 6)
STE_0_S1CDMAX = _bits(63, 59)
STE_1_S1DSS = _bits(1, 0)
STE_1_S1CIR = _bits(3, 2)
STE_1_S1COR = _bits(5, 4)
STE_1_S1CSH = _bits(7, 6)
STE_1_S1STALLD = 1 << 27
STE_1_EATS = _bits(29, 28)
STE_1_STRW = _bits(31, 30)
STE_1_SHCFG = _bits(45, 44)
STE_2_S2VMID = _bits(15, 0)
STE_CFG_BYPASS = 0b100
STE_S1DSS_BYPASS = 0b01


def ste_used(q: List[int]) -> List[int]:
    """arm_smmu_get_ste_used (stage 1 / bypass / abort; this SMMU has no stage 2)."""
    used = [0] * NUM_ENTRY_QWORDS
    used[0] = STE_0_V
    if not q[0] & STE_0_V:
        return used
    used[0] |= STE_0_CFG
    cfg = (q[0] & STE_0_CFG) >> 1
    if cfg & 1:                                   # S1 translates
        used[0] |= STE_0_S1FMT | STE_0_S1CTXPTR | STE_0_S1CDMAX
        used[1] |= (STE_1_S1DSS | STE_1_S1CIR | STE_1_S1COR | STE_1_S1CSH | STE_1_S1STALLD
                    | STE_1_STRW | STE_1_EATS)
        used[2] |= STE_2_S2VMID
        if q[1] & STE_1_S1DSS == STE_S1DSS_BYPASS:
            used[1] |= STE_1_SHCFG
    if cfg & 2:                                   # S2 translates: not implemented (IDR0.S2P=0)
        pass
    if cfg == STE_CFG_BYPASS:
        used[1] |= STE_1_SHCFG
    return used


CD_0_V = 1 << 31
CD_0_EPD0 = 1 << 14
CD_0_TCR0 = _bits(13, 0)                          # T0SZ TG0 IRGN0 ORGN0 SH0
CD_1_TTB0 = _bits(51, 4)


def cd_used(q: List[int]) -> List[int]:
    """arm_smmu_get_cd_used."""
    used = [0] * NUM_ENTRY_QWORDS
    used[0] = CD_0_V
    if not q[0] & CD_0_V:
        return used
    used = [M64] * NUM_ENTRY_QWORDS
    if q[0] & CD_0_EPD0:
        used[0] &= ~CD_0_TCR0 & M64
        used[1] &= ~CD_1_TTB0 & M64
    return used


_ste_used, _cd_used = ste_used, cd_used


# ---------------------------------------------------------------------- Linux STE/CD makers
def make_abort_ste() -> Ste:
    """arm_smmu_make_abort_ste."""
    return Ste(V=1, Config=0)


def make_bypass_ste() -> Ste:
    """arm_smmu_make_bypass_ste: Config=bypass, SHCFG=incoming."""
    return Ste(V=1, Config=0b100, SHCFG=1)


def make_cdtable_ste(f: Features, cd_table: int, s1cdmax: int = 0, s1dss: int = 0b10,
                     stall_enabled: Optional[bool] = None) -> Ste:
    """arm_smmu_make_cdtable_ste (no ATS, no E2H): linear CD table, WBRA ISH walks,
    S1STALLD when stalls are supported but not enabled for the master, STRW=NS-EL1."""
    stall_enabled = f.stall_force if stall_enabled is None else stall_enabled
    return Ste(V=1, Config=0b101, S1Fmt=0, S1ContextPtr=cd_table & STE_0_S1CTXPTR, S1CDMax=s1cdmax,
               S1DSS=s1dss, S1CIR=1, S1COR=1, S1CSH=3,
               S1STALLD=int(f.stalls and not stall_enabled), EATS=0, STRW=0,
               SHCFG=1 if s1dss == STE_S1DSS_BYPASS else 0)


def make_s1_cd(f: Features, asid: int, ttb0: int, stall_enabled: Optional[bool] = None,
               ias_bits: int = 48) -> Cd:
    """arm_smmu_make_s1_cd: TTB0 walk of ``ias_bits`` (T0SZ = 64 - ias; Linux: the io-pgtable's
    ias, 48 by default), EPD1, IPS from OAS, AA64, R=A=ASET=1, S=stall_enabled (forced with
    STALL_MODEL=0b10)."""
    from tb.model.structs import cd_linux
    stall_enabled = f.stall_force if stall_enabled is None else stall_enabled
    return cd_linux(asid, ttb0, oas_bits=f.oas, ias_bits=ias_bits, stall=stall_enabled)


def make_sva_cd(f: Features, asid: int, tables=None, stall_enabled: Optional[bool] = None,
                ias_bits: int = 48) -> Cd:
    """arm_smmu_make_sva_cd: with ``tables`` (the mm's page tables, a Stage1Tables) a normal stage-1
    CD (S = the master can stall, R=A=ASET=1); without, the "fault everything" CD of a process that
    exited before its PASID was unbound: EPD0=1 (TTB0/T0SZ ignored, so the change is hitless) and,
    unless stalls are forced (STALL_MODEL=0b10), S=R=0: every access aborts silently."""
    stall_enabled = f.stall_force if stall_enabled is None else (stall_enabled or f.stall_force)
    if tables is not None:
        return make_s1_cd(f, asid, tables.ttb0, stall_enabled=stall_enabled, ias_bits=64 - tables.t0sz)
    from tb.model.structs import IPS_ENCODING, LINUX_MAIR
    # T0SZ/TG0/IR0/OR0/SH0 and TTB0 stay 0 (unused with EPD0=1); MAIR is written either way (mair_el1)
    cd = Cd(EPD0=1, EPD1=1, V=1, IPS=IPS_ENCODING[min(f.oas, 48)], AA64=1, S=int(stall_enabled), R=1, A=1,
            ASET=1, ASID=asid, MAIR=LINUX_MAIR)
    if not f.stall_force:
        cd.S = cd.R = 0
    return cd


# ---------------------------------------------------------------------- fault flows (stall model)
class IopfQueue:
    """Linux's IO page fault path: arm_smmu_handle_evt -> iommu_report_device_fault -> iopf queue;
    a worker (Linux: a workqueue, here a task) serves the requests in order: ``handler(req)`` returns
    True once the page is mapped (False: it cannot be), then iopf_group_response ->
    arm_smmu_page_response (RESUME RETRY / ABORT with the master's first StreamID, no SYNC).
    ``delay`` (lo, hi) cycles before each request is served (seeded by ``rng``)."""

    def __init__(self, drv: SmmuDriver, handler: Callable[[PageRequest], Awaitable[bool]],
                 delay: Tuple[int, int] = (0, 0), rng: Optional[random.Random] = None) -> None:
        self.drv, self.handler = drv, handler
        self.delay, self.rng = delay, rng or random.Random(0)
        self.q: deque = deque()
        self.served: List[Tuple[PageRequest, bool]] = []
        self.errors: List[str] = []
        self._wake = None
        self._task = None

    def attach(self, master: Master) -> "IopfQueue":
        self.drv.set_fault_handler(master, self.report)
        return self

    async def report(self, req: PageRequest) -> None:
        """Called from the event-queue thread: queue the request, never wait."""
        self.q.append(req)
        if self._task is None:
            self._wake = _Signal()
            self._task = spawn(self._worker())
        self._wake.set()

    def busy(self) -> bool:
        return bool(self.q) or getattr(self, "_serving", False)

    async def _worker(self) -> None:
        while True:
            if not self.q:
                self._wake.clear()
                await self._wake.wait()
                continue
            req = self.q.popleft()
            self._serving = True
            try:
                lo, hi = self.delay
                if hi:
                    await self.drv.sleep(self.rng.randint(lo, hi))
                ok = bool(await self.handler(req))
                self.served.append((req, ok))
                await self.drv.page_response(req, ok)
            except Exception as e:  # noqa: BLE001 - reported by the test
                self.errors.append(f"iopf worker: {e!r} on {req}")
                log.error("iopf worker failed on %s: %r", req, e)
            finally:
                self._serving = False

    def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None


@dataclass
class JobState:
    first: Optional[PageRequest] = None
    snapshot_task: object = None
    snapshot_done: bool = False
    aborted: int = 0
    faults: int = 0


class GpuJobFaults:
    """GPU job faults (msm/adreno style): the first stall of a job schedules a deferred snapshot (a
    task started from the handler that answers the stall ``snapshot`` cycles later with ``final``:
    "term" or "abort", never from inside the interrupt handler); every other stall of that job is
    answered ABORT at once from the handler. ``job_of(req)`` names the job (default: StreamID and
    PASID); ``new_job(job)`` starts it afresh."""

    def __init__(self, drv: SmmuDriver, snapshot: Tuple[int, int] = (200, 600), final: str = "term",
                 rng: Optional[random.Random] = None,
                 job_of: Optional[Callable[[PageRequest], object]] = None) -> None:
        if final not in ("term", "abort"):
            raise ValueError("the snapshot answers TERM or ABORT")
        self.drv, self.snapshot, self.final = drv, snapshot, final
        self.rng = rng or random.Random(0)
        self.job_of = job_of or (lambda r: (r.sid, r.pasid))
        self.jobs: Dict[object, JobState] = {}
        self.snapshots: List[Tuple[object, PageRequest]] = []
        self.errors: List[str] = []

    def attach(self, master: Master) -> "GpuJobFaults":
        self.drv.set_fault_handler(master, self.report)
        return self

    def new_job(self, job) -> None:
        self.jobs[job] = JobState()

    async def report(self, req: PageRequest) -> None:
        job = self.job_of(req)
        st = self.jobs.setdefault(job, JobState())
        st.faults += 1
        if st.first is None:
            st.first = req
            st.snapshot_task = spawn(self._snapshot(job, st, req))
            return
        st.aborted += 1
        await self.drv.resume(self._sid(req), req.grpid, "abort")
        req.answered = "abort"

    def _sid(self, req: PageRequest) -> int:
        m = req.master or self.drv.find_master(req.sid)
        return m.sids[0] if m is not None else req.sid

    async def _snapshot(self, job, st: JobState, req: PageRequest) -> None:
        try:
            await self.drv.sleep(self.rng.randint(*self.snapshot))
            self.snapshots.append((job, req))
            await self.drv.resume(self._sid(req), req.grpid, self.final)
            req.answered = self.final
            st.snapshot_done = True
        except Exception as e:  # noqa: BLE001
            self.errors.append(f"snapshot of job {job}: {e!r}")

    def busy(self) -> bool:
        return any(st.first is not None and not st.snapshot_done for st in self.jobs.values())
