"""Interrupt-driven service of the SMMU, like Linux's threaded IRQ handlers.

``IrqHandlers(dut, drv).start()`` starts two coroutines:

* event queue  (arm_smmu_evtq_thread):  waits for ``evtq_irq`` high, runs
  ``drv.service_evtq()``; the line is level-sensitive, so while it is still
  high after a pass (new records arrived meanwhile) it services again.
* global error (arm_smmu_gerror_handler): waits for ``gerror_irq`` high, runs
  ``drv.handle_gerror()`` (skips an illegal command, acknowledges GERRORN).

With the handlers running the driver should not run the gerror handler from its
command-queue poll loop (``DriverConfig.poll_gerror=False``, as in Linux); the
driver's locks make it safe either way. ``stop()`` ends both coroutines.
Counters: ``evtq_runs``/``gerror_runs`` (handler invocations), ``evtq_raised``/
``gerror_raised`` (rising edges seen).
"""

from __future__ import annotations

import logging
from typing import List

import cocotb
from cocotb.triggers import RisingEdge

log = logging.getLogger("tb.driver.irq")
log.setLevel(logging.INFO)


def _level(sig, errors: List[str]) -> int:
    """The line's level; X/Z is an error (the handler cannot follow such a line), read as 0."""
    v = sig.value
    try:
        return int(v)
    except ValueError:
        errors.append(f"interrupt line {sig._name} is X/Z ({v}) while its handler runs")
        return 0


class IrqHandlers:
    def __init__(self, dut, drv, clk=None) -> None:
        self.dut = dut
        self.drv = drv
        self.clk = clk if clk is not None else dut.aclk
        self.evtq_runs = 0
        self.gerror_runs = 0
        self.evtq_raised = 0
        self.gerror_raised = 0
        self.errors: List[str] = []
        self._tasks: List = []

    def start(self) -> "IrqHandlers":
        self._tasks = [cocotb.start_soon(self._thread(self.dut.evtq_irq, "evtq")),
                       cocotb.start_soon(self._thread(self.dut.gerror_irq, "gerror"))]
        return self

    def stop(self) -> None:
        for t in self._tasks:
            if not t.done():
                t.cancel()
        self._tasks = []

    async def _thread(self, line, kind: str) -> None:
        while True:
            if not _level(line, self.errors):
                await RisingEdge(line)
                # continue on the next clock edge: the line rises at a clock edge, and where a
                # coroutine woken by it runs relative to that edge's other callbacks differs between
                # simulators; from the edge on, every simulator sees the same cycle
                await RisingEdge(self.clk)
                setattr(self, f"{kind}_raised", getattr(self, f"{kind}_raised") + 1)
            try:
                if kind == "evtq":
                    self.evtq_runs += 1
                    await self.drv.service_evtq()
                else:
                    self.gerror_runs += 1
                    if not await self.drv.handle_gerror():
                        log.warning("gerror_irq high but no active global error (IRQ_NONE)")
            except Exception as e:  # noqa: BLE001 - reported by the test
                self.errors.append(f"{kind} handler: {e!r}")
                log.error("%s handler failed: %r", kind, e)
                return
            # the level follows the register writes of the handler one cycle later
            await RisingEdge(self.clk)
            await RisingEdge(self.clk)
