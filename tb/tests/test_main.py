"""`make sim`: bring-up of the register file, then bypass traffic with a summary."""

from __future__ import annotations

import pyuvm

from tb import regmap
from tb.env.base_test import SmmuBaseTest
from tb.env.config import env_int
from tb.sequences.scenarios import init_memory, run_traffic


@pyuvm.test()
class MainBringUp(SmmuBaseTest):
    async def body(self) -> None:
        env, regs = self.env, self.regs
        idr = {n: await regs.read(n) for n in ("IDR0", "IDR1", "IDR5", "IIDR", "AIDR")}
        f = regmap.fget
        self.log.info(
            "SMMU discovered: S1P=%d S2P=%d TTF=%d STALL_MODEL=%d TERM_MODEL=%d ST_LEVEL=%d | SIDSIZE=%d "
            "SSIDSIZE=%d CMDQS=%d EVENTQS=%d | OAS=%d GRAN4K=%d STALL_MAX=%d | IIDR=%#x AIDR=%#x",
            f("IDR0", "S1P", idr["IDR0"]), f("IDR0", "S2P", idr["IDR0"]), f("IDR0", "TTF", idr["IDR0"]),
            f("IDR0", "STALL_MODEL", idr["IDR0"]), f("IDR0", "TERM_MODEL", idr["IDR0"]),
            f("IDR0", "ST_LEVEL", idr["IDR0"]), f("IDR1", "SIDSIZE", idr["IDR1"]),
            f("IDR1", "SSIDSIZE", idr["IDR1"]), f("IDR1", "CMDQS", idr["IDR1"]),
            f("IDR1", "EVENTQS", idr["IDR1"]), f("IDR5", "OAS", idr["IDR5"]), f("IDR5", "GRAN4K", idr["IDR5"]),
            f("IDR5", "STALL_MAX", idr["IDR5"]), idr["IIDR"], idr["AIDR"])
        for n, v in idr.items():
            exp = env.sb.model.read_name(n)
            assert v == exp, f"{n} = {v:#x}, model {exp:#x}"
        gbpa = await regs.read("GBPA")
        self.log.info("GBPA=%#x CR0=%#x -> SMMU disabled, bypass", gbpa, await regs.read("CR0"))
        init_memory(env)
        env.random_backpressure(self.seeds.py("bp"))
        await run_traffic(env, env_int("TXNS", 500), salt="main")
