"""Linux bring-up of smmu_top with the driver model (tb.driver.smmu_driver).

The driver discovers everything from the ID registers (nothing hard-coded): the
tests compare what it found against the parameters the DUT was built with, so the
same module runs unchanged on unusual but legal ID values (suite jobs with narrow /
wide SID and SSID, 32/40-bit OAS, STALL_MODEL 1 and 2, tiny queues that Linux would
refuse: DRV_CMDQ_SHIFT/DRV_EVTQ_SHIFT with DRV_LINUX_CHECKS=0).

* LinuxBringUp      probe -> device_reset -> SMMUEN=1, every ACK polled; then the
                    configuration the driver writes is exercised end to end:
                    default abort STEs (abort, no event), bypass STE (bypass),
                    a Linux stage-1 domain (CD + CD-table STE over an io-pgtable
                    from tb/model/pagetable.py: reads and writes translate to the
                    mapped PA; an unmapped VA gives F_TRANSLATION, record checked
                    field by field -- not with STALL_MODEL=2, where CD.S=1 would
                    stall it), a hitless CD-pointer change, a broken STE
                    (C_BAD_STE, record checked field by field) on the highest SID.
* FirmwareHandover  SMMUEN=1 already (firmware left it on): the driver takes the
                    GBPA.ABORT path first (arm_smmu_device_reset), so with SMMUEN=0
                    afterwards incoming traffic aborts.
"""

from __future__ import annotations

import pyuvm

from tb.driver.smmu_driver import (SmmuDriver, make_bypass_ste, make_cdtable_ste, make_s1_cd,
                                   CMDQ_ENT_SZ_SHIFT, EVTQ_ENT_SZ_SHIFT)
from tb.driver.testkit import (aborted, check_records, collect_events, driver_config, expected_event,
                               expected_outcome, one_txn, random_tw_backpressure)
from tb.env.base_test import SmmuBaseTest
from tb.model import commands as C
from tb.model.events import F_TRANSLATION
from tb.model.pagetable import TablePool
from tb.model.structs import Ste
from tb.regmap import fget


async def bring_up(test) -> SmmuDriver:
    env = test.env
    random_tw_backpressure(env, test.seeds.py("bp"))
    drv = SmmuDriver(env.regs, env.mem, driver_config())
    f = await drv.probe()
    p = env.params
    test.log.info("features: %s", drv.describe())
    # what the driver found must be what the DUT was built with
    idr1 = drv.idr["IDR1"]
    exp = dict(sid_bits=p.SID_W, ssid_bits=p.SSID_W, oas=p.OAS_BITS, stall_model=p.STALL_MODEL,
               s1p=True, s2p=False, asid_bits=16, gran4k=True, st_level_2=False)
    got = {k: getattr(f, k) for k in exp}
    assert got == exp, f"probe found {got}, the DUT was built for {exp}"
    cfg = drv.cfg
    if cfg.cmdq_shift is None:
        assert f.cmdq_shift == min(cfg.q_max_sz_shift - CMDQ_ENT_SZ_SHIFT, fget("IDR1", "CMDQS", idr1))
        assert f.evtq_shift == min(cfg.q_max_sz_shift - EVTQ_ENT_SZ_SHIFT, fget("IDR1", "EVENTQS", idr1))
    await drv.device_reset()
    regs = env.regs
    checks = {
        "CR0": (await regs.read("CR0"), 0xD), "CR0ACK": (await regs.read("CR0ACK"), 0xD),
        "IRQ_CTRLACK": (await regs.read("IRQ_CTRLACK"), 0x5),
        "GERROR^GERRORN": ((await regs.read("GERROR")) ^ (await regs.read("GERRORN")), 0),
        "STRTAB_BASE_CFG": (await regs.read("STRTAB_BASE_CFG"), f.sid_bits),
        "CMDQ_BASE.LOG2SIZE": (fget("CMDQ_BASE", "LOG2SIZE", await regs.read("CMDQ_BASE")), f.cmdq_shift),
        "EVENTQ_BASE.LOG2SIZE": (fget("EVENTQ_BASE", "LOG2SIZE", await regs.read("EVENTQ_BASE")),
                                 f.evtq_shift),
        "CMDQ_CONS.RD": (fget("CMDQ_CONS", "RD", await regs.read("CMDQ_CONS")), drv.cmdq_prod),
        "EVENTQ_PROD": (await regs.read("EVENTQ_PROD"), 0),
    }
    bad = {k: v for k, v in checks.items() if v[0] != v[1]}
    assert not bad, f"after device_reset (got, expected): {bad}"
    assert drv.cmdq_prod == drv.commands_issued & ((2 << f.cmdq_shift) - 1)
    assert env.dut.gerror_irq.value == 0 and env.dut.evtq_irq.value == 0
    test.log.info("bring-up complete: CR0ACK=%#x, %d commands, %d SYNCs", checks["CR0ACK"][0],
                  drv.commands_issued, drv.syncs)
    return drv


@pyuvm.test()
class LinuxBringUp(SmmuBaseTest):
    async def body(self) -> None:
        env = self.env
        drv = await bring_up(self)
        f = drv.f
        top_sid = (1 << f.sid_bits) - 1
        sids = sorted({0, top_sid, top_sid // 2})
        # default STEs abort without an event
        for sid in sids:
            it = await one_txn(env, sid)
            assert aborted(it), f"sid {sid}: default abort STE did not abort: {it}"
        # bypass STE (abort -> bypass is hitless: only qword 0's used bits change, V stays 1)
        steps = await drv.write_ste(sids[-1], make_bypass_ste())
        self.log.info("abort->bypass wrote %d step(s)", len(steps))
        it = await one_txn(env, sids[-1], write=True)
        assert not aborted(it), f"bypass STE aborted: {it}"
        it = await one_txn(env, sids[-1])
        assert not aborted(it), f"bypass STE aborted: {it}"
        # stage 1: CD first, then the STE (arm_smmu_attach_dev order), over an io-pgtable
        cd_tab, cd_tab2 = 0x4400_0000, 0x4400_1000
        va, pa = 0x1000_0000, 0x2000_0000                 # PA below 2^32: fits every OAS
        pt = drv.new_pgtable(TablePool(0x4500_0000, 1 << 20))
        pt.map(va, pa)
        cd = make_s1_cd(f, asid=0x1234 & ((1 << f.asid_bits) - 1), ttb0=pt.ttb0)
        for tab in (cd_tab, cd_tab2):
            await drv.write_cd(sids[0], 0, tab, cd)
        await drv.write_ste(sids[0], make_cdtable_ste(f, cd_tab))
        for write in (False, True):
            it = await one_txn(env, sids[0], addr=va + 0x40, write=write, prot=1)
            out = expected_outcome(env, it)
            assert out.kind == "translate" and out.out_addr == pa + 0x40, out
            assert not aborted(it), f"stage-1 translation aborted: {it}"
        steps = await drv.write_ste(sids[0], make_cdtable_ste(f, cd_tab2))
        assert len(steps) == 1, f"S1->S1 with a new CD pointer must be hitless (one store), got {len(steps)}"
        it = await one_txn(env, sids[0], addr=va + 0x80, prot=1)
        assert not aborted(it)
        if not f.stall_force:
            it = await one_txn(env, sids[0], addr=va + 0x1000, write=True, prot=1)      # unmapped
            want = expected_outcome(env, it).event
            assert want is not None and want.EventID == F_TRANSLATION and aborted(it), want
            check_records(await collect_events(drv, 1), [want], "F_TRANSLATION")
        # a broken STE (V=0) on the highest SID: C_BAD_STE with every field checked
        env.mem.write(drv.ste_addr(top_sid), Ste(V=0, Config=0b100).pack())
        await drv.issue([C.cfgi_ste(top_sid)])
        it = await one_txn(env, top_sid, addr=0x1000_0040, prot=0b101)
        want = expected_event(env, it)
        assert want is not None and aborted(it)
        check_records(await collect_events(drv, 1), [want], "C_BAD_STE")
        assert drv.overflows == 0 and not drv.cmdq_errors
        self.log.info("events: %s", [str(e) for e in drv.events])


@pyuvm.test()
class FirmwareHandover(SmmuBaseTest):
    async def body(self) -> None:
        env = self.env
        # "firmware" left the SMMU enabled (no tables: every StreamID faults silently)
        await env.regs.set_cr0(1)
        assert (await env.regs.read("GBPA")) >> 20 & 1 == 0
        drv = await bring_up(self)
        gbpa = await env.regs.read("GBPA")
        assert fget("GBPA", "ABORT", gbpa) == 1 and fget("GBPA", "UPDATE", gbpa) == 0, \
            f"device_reset on an enabled SMMU must set GBPA.ABORT first (GBPA={gbpa:#x})"
        # the GBPA.ABORT=1 it left behind governs traffic once SMMUEN is cleared
        await drv._write_cr0(0xC)
        for sid in (0, (1 << drv.f.sid_bits) - 1):
            it = await one_txn(env, sid)
            assert aborted(it), f"GBPA.ABORT=1 with SMMUEN=0 must abort: {it}"
        assert env.m_mon.stats["ar"] + env.m_mon.stats["aw"] == 0
