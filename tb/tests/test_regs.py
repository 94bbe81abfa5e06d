"""Register file over s_axil against the RegisterModel (tb/model/registers.py).

Every value comes from tb.regmap through the model; the register agent fails
the test on any non-OKAY response, and the s_axil protocol checker runs
throughout.
"""

from __future__ import annotations

import pyuvm
from cocotb.triggers import ClockCycles

from tb import regmap
from tb.env.base_test import SmmuBaseTest

# 64-bit registers (low word name); the high word is at +4
REG64 = ("STRTAB_BASE", "CMDQ_BASE", "EVENTQ_BASE")
# offsets that are not registers, in page 0 and page 1
HOLES = (0x2C + 0x14, 0x30, 0x3C, 0x48, 0x4C, 0x58, 0x5C, 0x68, 0x6C, 0x70, 0x78, 0x7C, 0x8C, 0xA8, 0xAC,
         0xB0, 0xB4, 0xC0, 0xD0, 0xE0, 0x100, 0x1000, 0xFFFC, 0x10000, 0x10004, 0x10020, 0x10044, 0x10098,
         0x1009C, 0x100A0, 0x100B0, 0x100C8, 0x11000, 0x1FFFC)


def _irq(model, name: str) -> int:
    v = getattr(model, name)
    return int(v() if callable(v) else v)


class RegTest(SmmuBaseTest):
    timeout_us = 2000.0

    async def expect_all(self, what: str) -> None:
        """Every register reads what the model says (acks settled first)."""
        m = self.env.sb.model
        await self.regs.poll("CR0ACK", 0xFFFFFFFF, m.read_name("CR0ACK"))
        await self.regs.poll("IRQ_CTRLACK", 0xFFFFFFFF, m.read_name("IRQ_CTRLACK"))
        bad = []
        for name, r in regmap.REGS.items():
            v = await self.regs.read(name)
            exp = m.read(r.offset)
            if v != exp:
                bad.append(f"{name}@{r.offset:#x}: read {v:#010x}, model {exp:#010x}")
        await ClockCycles(self.env.dut.aclk, 2)
        dut = self.env.dut
        for pin in ("gerror_irq", "evtq_irq"):
            if int(getattr(dut, pin).value) != _irq(m, pin):
                bad.append(f"pin {pin}={getattr(dut, pin).value} model {_irq(m, pin)}")
        assert not bad, f"{what}:\n  " + "\n  ".join(bad)


@pyuvm.test()
class RegResetValues(RegTest):
    """Reset value of every register (for the built parameters) and of the interrupt pins."""

    async def body(self) -> None:
        await self.expect_all("after reset")
        assert int(self.env.dut.cmdq_sync_irq.value) == 0


@pyuvm.test()
class RegReadOnlyIgnoreWrites(RegTest):
    """Read-only registers (IDRn, IIDR, AIDR, CR0ACK, STATUSR, IRQ_CTRLACK, GERROR) ignore writes."""

    async def body(self) -> None:
        rng = self.seeds.py("ro")
        for name, r in regmap.REGS.items():
            if r.wmask(self.env.params) == 0:
                await self.regs.write(name, rng.getrandbits(32))
        await self.expect_all("after writes to read-only registers")


@pyuvm.test()
class RegWriteReadback(RegTest):
    """Random writes (random strobes) to every writable register with the SMMU disabled."""

    async def body(self) -> None:
        rng = self.seeds.py("rw")
        names = [n for n, r in regmap.REGS.items() if r.wmask(self.env.params) and n not in ("CR0", "GBPA")]
        for rnd in range(3):
            rng.shuffle(names)
            for n in names:
                await self.regs.write(n, rng.getrandbits(32), rng.choice((0xF, 0xF, rng.randrange(16))))
            await self.expect_all(f"round {rnd}")


@pyuvm.test()
class Reg64BitHalves(RegTest):
    """64-bit base registers written as two halves in either order, read back as 64 bits."""

    async def body(self) -> None:
        rng = self.seeds.py("r64")
        m = self.env.sb.model
        for i in range(6):
            for name in REG64:
                val = rng.getrandbits(64)
                await self.regs.write64(name, val, high_first=bool(i & 1))
                got = await self.regs.read64(name)
                exp = m.read64(name)
                assert got == exp, f"{name} high_first={bool(i & 1)}: read {got:#x} model {exp:#x} (wrote {val:#x})"
        await self.expect_all("after 64-bit writes")


@pyuvm.test()
class RegUnimplementedOffsets(RegTest):
    """Offsets that are not registers (both pages) read 0 and ignore writes; responses OKAY."""

    async def body(self) -> None:
        rng = self.seeds.py("holes")
        holes = [h for h in HOLES if (h & ~3) not in regmap.BY_OFFSET]
        for off in holes:
            await self.regs.write(off, rng.getrandbits(32) | 1)
        for off in holes:
            v = await self.regs.read(off)
            assert v == 0, f"unimplemented offset {off:#x} reads {v:#x}"
        await self.expect_all("after writes to unimplemented offsets")


@pyuvm.test()
class RegWriteGuards(RegTest):
    """CR0/CR0ACK handshake; registers guarded by SMMUEN/CMDQEN/EVENTQEN ignore writes while enabled.

    The command queue is live once CMDQEN=1: it is always enabled empty (PROD = CONS) and
    PROD is not scribbled on while it is enabled, or the SMMU would consume (and reject)
    whatever the random base points at; PROD's own write rule is covered by RegWriteReadback."""

    async def empty_cmdq(self) -> None:
        await self.regs.write("CMDQ_PROD", await self.regs.read("CMDQ_CONS") & 0xFFFFF)

    async def body(self) -> None:
        rng = self.seeds.py("guards")
        guards = {"SMMUEN": 0x1, "CMDQEN": 0x8, "EVENTQEN": 0x4}
        for g, bit in guards.items():
            await self.empty_cmdq()
            await self.regs.set_cr0(bit)
            for name, r in regmap.REGS.items():
                if name == "CMDQ_PROD" and bit & 0x8:
                    continue
                if r.wmask(self.env.params) and name not in ("CR0", "GBPA"):
                    await self.regs.write(name, rng.getrandbits(32))
            await self.expect_all(f"writes with CR0.{g}=1")
            await self.regs.set_cr0(0)
            for name in ("STRTAB_BASE", "CMDQ_BASE", "EVENTQ_BASE", "CR1"):
                await self.regs.write(name, rng.getrandbits(32))
            await self.expect_all(f"writes after CR0.{g}=0")
        await self.empty_cmdq()
        await self.regs.set_cr0(0xD)
        await self.regs.set_cr0(0)
        await self.expect_all("after CR0 handshakes")


@pyuvm.test()
class RegGbpaUpdate(RegTest):
    """GBPA: a write without UPDATE is ignored; with UPDATE=1 it applies once UPDATE reads 0."""

    async def body(self) -> None:
        rng = self.seeds.py("gbpa")
        wm = regmap.REGS["GBPA"].wmask(self.env.params)
        for _ in range(8):
            await self.regs.write("GBPA", rng.getrandbits(31) & wm)          # UPDATE=0: ignored
            await self.expect_all("GBPA write without UPDATE")
            await self.regs.set_gbpa(rng.getrandbits(31) & wm & ~regmap.REGS["GBPA"].field("ABORT").mask)
            await self.expect_all("GBPA update")
        await self.regs.set_gbpa_abort(1)
        assert regmap.fget("GBPA", "ABORT", await self.regs.read("GBPA")) == 1
        await self.regs.set_gbpa(regmap.reset_value("GBPA", self.env.params))
        await self.expect_all("GBPA back to reset")


@pyuvm.test()
class RegIrqAndGerror(RegTest):
    """IRQ_CTRL/IRQ_CTRLACK handshake, GERRORN writable bits and the gerror_irq/evtq_irq pins."""

    async def body(self) -> None:
        rng = self.seeds.py("irq")
        for v in (0x5, 0x1, 0x4, 0x0, 0x7, 0x5):
            await self.regs.write("IRQ_CTRL", v)
            await self.expect_all(f"IRQ_CTRL={v:#x}")
            for _ in range(3):
                await self.regs.write("GERRORN", rng.getrandbits(32))
                await self.expect_all("GERRORN write")
