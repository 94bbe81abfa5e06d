"""Register agent: the uvm_agent of s_axil, with name-based access to the SMMUv3 register file.

Like every AXI agent (tb.agents.axi_agent) it owns the s_axil sampler, protocol checker and
monitor (AxilMonitor: one AxilObs per completed access on ``monitor.ap``); when active it also
builds the AXI4-Lite master BFM that read()/write() use. A passive register agent only observes
(read()/write() raise).

Offsets and fields come only from tb.regmap. Every write is mirrored into the
RegisterModel (the scoreboard predicts from it), every response must be OKAY
(interface contract), and poll() has a watchdog so a missing acknowledge
fails the test instead of hanging it.
"""

from __future__ import annotations

import logging
from typing import List, Optional, Union

from tb import regmap
from tb.agents.axi_agent import AxiAgentBase
from tb.agents.axil_master import AxiLiteMasterBfm, AxilOp
from tb.agents.axil_monitor import AxilMonitor
from tb.model.registers import RegisterModel

RegRef = Union[str, int]


def offset_of(ref: RegRef) -> int:
    return regmap.REGS[ref].offset if isinstance(ref, str) else int(ref)


def name_of(off: int) -> str:
    r = regmap.BY_OFFSET.get(off & ~3)
    return r.name if r else f"{off:#x}"


class RegAgent(AxiAgentBase):
    monitor_type = AxilMonitor

    def __init__(self, name: str, parent) -> None:
        super().__init__(name, parent)
        self.bfm: Optional[AxiLiteMasterBfm] = None
        self.model: Optional[RegisterModel] = None
        self.mirror = True
        self.errors: List[str] = []
        self.log = logging.getLogger("tb.regs")
        self.log.setLevel(logging.INFO)
        self.accesses = 0

    def build_bfm(self) -> AxiLiteMasterBfm:
        return AxiLiteMasterBfm(self.dut, self.cfg.prefix, self.sampler, self.seeds.py(self.cfg.rng_salt))

    def bind(self, model: RegisterModel) -> None:
        """The register model every write is mirrored into (the scoreboard's)."""
        self.model = model

    def _bfm(self) -> AxiLiteMasterBfm:
        if self.bfm is None:
            raise RuntimeError(f"{self.get_full_name()} is passive: it has no AXI4-Lite master to access registers")
        return self.bfm

    # ------------------------------------------------------------ raw access
    async def read(self, ref: RegRef) -> int:
        off = offset_of(ref)
        op = await self._bfm().access(AxilOp(False, off))
        self._check_resp(op, "read", off)
        self.accesses += 1
        return op.data

    async def write(self, ref: RegRef, value: int, strb: int = 0xF) -> None:
        off = offset_of(ref)
        op = await self._bfm().access(AxilOp(True, off, value & 0xFFFF_FFFF, strb))
        self._check_resp(op, "write", off)
        self.accesses += 1
        if self.mirror and self.model is not None:
            self.model.write(off, value & 0xFFFF_FFFF, strb)

    def _check_resp(self, op: AxilOp, what: str, off: int) -> None:
        if op.resp == -2:
            return    # reset hit while the access was in flight
        if op.resp != 0:
            self.errors.append(f"s_axil {what} {name_of(off)} ({off:#x}) got resp {op.resp}, expected OKAY")

    async def read64(self, lo: RegRef) -> int:
        off = offset_of(lo)
        low = await self.read(off)
        high = await self.read(off + 4)
        return high << 32 | low

    async def write64(self, lo: RegRef, value: int, high_first: bool = False) -> None:
        off = offset_of(lo)
        words = [(off, value & 0xFFFF_FFFF), (off + 4, value >> 32)]
        for o, v in (reversed(words) if high_first else words):
            await self.write(o, v)

    # ------------------------------------------------------------ fields
    async def read_field(self, reg: str, fld: str) -> int:
        return regmap.fget(reg, fld, await self.read(reg))

    async def write_fields(self, reg: str, **kw: int) -> None:
        """Read-modify-write of named fields."""
        v = await self.read(reg)
        for k, fv in kw.items():
            v = regmap.fput(reg, k, v, fv)
        await self.write(reg, v)

    async def poll(self, ref: RegRef, mask: int, value: int, timeout: int = 200) -> int:
        """Read until (reg & mask) == value; raise after ``timeout`` reads."""
        for _ in range(timeout):
            v = await self.read(ref)
            if v & mask == value:
                return v
        raise TimeoutError(f"poll {ref}: (value & {mask:#x}) never became {value:#x} (last {v:#x})")

    # ------------------------------------------------------------ procedures
    async def set_cr0(self, value: int) -> None:
        """Write CR0 and wait for CR0ACK to follow (the SMMUv3 enable handshake)."""
        await self.write("CR0", value)
        wm = regmap.REGS["CR0"].wmask(regmap.SmmuParams())
        await self.poll("CR0ACK", wm, value & wm)

    async def set_gbpa(self, value: int) -> None:
        """GBPA update protocol: write with UPDATE=1, wait for UPDATE to clear."""
        upd = regmap.REGS["GBPA"].field("UPDATE").mask
        await self.poll("GBPA", upd, 0)
        await self.write("GBPA", value | upd)
        await self.poll("GBPA", upd, 0)

    async def set_gbpa_abort(self, abort: int) -> None:
        cur = await self.read("GBPA")
        await self.set_gbpa(regmap.fput("GBPA", "ABORT", cur, abort))
