"""Register-file reference model (SMMUv3 programming interface, IHI 0070 chapter 6).

Everything about offsets, fields, reset values, write masks and guards comes
from :mod:`tb.regmap`; this module only adds *behaviour*:

* **Settled (timeless) semantics.** The hardware acknowledges CR0 through
  CR0ACK, IRQ_CTRL through IRQ_CTRLACK and a GBPA update by clearing
  GBPA.UPDATE, each some cycles after the write. The model has no clock: every
  write takes effect at once, so ``read()`` always returns the value software
  sees once it has polled to completion (CR0ACK == CR0, IRQ_CTRLACK ==
  IRQ_CTRL, GBPA.UPDATE == 0). A test compares the RTL against the model only
  after polling the acknowledge. ``settle()`` exists for symmetry and is a
  no-op.
* **Guards** are evaluated against CR0 and CR0ACK, which in the settled model
  are equal; ``regmap.writable_mask`` does the work.
* **GBPA**: only a write with UPDATE=1 while UPDATE reads 0 takes effect
  (latching the masked fields); a write with UPDATE=0 is ignored (the only
  behaviour SMMUv3.2+ permits, 6.3.14.1).
* **Byte strobes**: ``strb`` bit *i* enables byte *i* of the 32-bit word; the
  disabled bytes keep their old value before the write rules apply.
* **Unimplemented offsets** read 0 and ignore writes (interface.md).

SMMU-side state changes (an event record written, a global error raised) go
through the explicit hooks ``smmu_set_eventq_prod`` and ``raise_gerror`` so that
later issues (command/event queues) reuse this class unchanged.
"""

from __future__ import annotations

from typing import Dict

from tb import regmap
from tb.regmap import BY_OFFSET, REGS, FEATURES, SmmuParams, fget

MASK32 = 0xFFFF_FFFF

# Offsets by name, taken from regmap (never hard-coded here).
_OFF = {name: r.offset for name, r in REGS.items()}


def strb_mask(strb: int) -> int:
    """32-bit bit mask of the bytes enabled by a 4-bit AXI-Lite write strobe."""
    m = 0
    for i in range(4):
        if (strb >> i) & 1:
            m |= 0xFF << (8 * i)
    return m


class RegisterModel:
    """Settled model of the SMMUv3 register file for one parameter set."""

    def __init__(self, params: SmmuParams = SmmuParams()):
        self.params = params
        self._v: Dict[str, int] = {}
        self.reset()

    # ------------------------------------------------------------------ access
    def reset(self) -> None:
        """aresetn: every register to its regmap reset value."""
        self._v = {name: regmap.reset_value(name, self.params) for name in REGS}

    def settle(self) -> None:
        """No-op: the model is always settled (see module docstring)."""

    def read(self, offset: int) -> int:
        """32-bit read at a byte offset; unimplemented offsets read 0.

        Returns the settled value (after any acknowledge handshake completed).
        """
        reg = BY_OFFSET.get(offset & ~0x3)   # a 32-bit bus ignores address bits [1:0]
        if reg is None:
            return 0
        return self._v[reg.name] & MASK32

    def write(self, offset: int, value: int, strb: int = 0xF) -> None:
        """32-bit AXI-Lite write with byte strobes, applying masks and guards."""
        reg = BY_OFFSET.get(offset & ~0x3)
        if reg is None or strb & 0xF == 0:
            return
        old = self._v[reg.name]
        bm = strb_mask(strb)
        value = ((value & bm) | (old & ~bm)) & MASK32

        if reg.guard == "GBPA":
            # UPDATE=1 in the written word and no update in progress (always
            # true when settled); UPDATE then completes at once -> reads 0.
            if (value >> 31) & 1 and not (old >> 31) & 1:
                wm = reg.wmask(self.params)
                self._v[reg.name] = (old & ~wm) | (value & wm)
            return

        wm = regmap.writable_mask(reg, self.params, self._v["CR0"], self._v["CR0ACK"])
        new = (old & ~wm) | (value & wm)
        self._v[reg.name] = new
        self._after_write(reg.name)

    def _after_write(self, name: str) -> None:
        # The acknowledges follow their control register (settled model).
        if name == "CR0":
            self._v["CR0ACK"] = self._v["CR0"]
        elif name == "IRQ_CTRL":
            self._v["IRQ_CTRLACK"] = self._v["IRQ_CTRL"]

    # by-name conveniences (tests and the scoreboard)
    def get(self, name: str) -> int:
        return self._v[name]

    def read_name(self, name: str) -> int:
        return self.read(_OFF[name])

    def write_name(self, name: str, value: int, strb: int = 0xF) -> None:
        self.write(_OFF[name], value, strb)

    def write64(self, lo_name: str, value: int, high_first: bool = False) -> None:
        """A 64-bit register as two 32-bit writes (low word at the lower offset)."""
        lo, hi = _OFF[lo_name], _OFF[lo_name] + 4
        words = [(lo, value & MASK32), (hi, (value >> 32) & MASK32)]
        for off, v in (reversed(words) if high_first else words):
            self.write(off, v)

    def read64(self, lo_name: str) -> int:
        lo = _OFF[lo_name]
        return self.read(lo) | self.read(lo + 4) << 32

    def field(self, reg: str, fld: str) -> int:
        return fget(reg, fld, self._v[reg])

    # ------------------------------------------------------- SMMU-side hooks
    def raise_gerror(self, name: str) -> bool:
        """The SMMU activates a global error: toggles GERROR.<name> unless already active.

        Returns True if it toggled (an active error is not raised again; SMMU_GERROR).
        """
        f = REGS["GERROR"].field(name)
        if (self._v["GERROR"] ^ self._v["GERRORN"]) & f.mask:
            return False
        self._v["GERROR"] ^= f.mask
        return True

    def smmu_set_eventq_prod(self, value: int) -> None:
        """The SMMU (not software) advances EVENTQ_PROD; no guard applies."""
        self._v["EVENTQ_PROD"] = value & REGS["EVENTQ_PROD"].wmask(self.params)

    def smmu_set_cmdq_cons(self, value: int) -> None:
        """The SMMU (not software) advances CMDQ_CONS (RD and ERR); no guard applies."""
        r = REGS["CMDQ_CONS"]
        self._v["CMDQ_CONS"] = value & (r.field("RD").mask | r.field("ERR").mask)

    # ----------------------------------------------------------------- state
    @property
    def cr0(self) -> int:
        return self._v["CR0"]

    @property
    def cr0ack(self) -> int:
        return self._v["CR0ACK"]

    @property
    def smmuen(self) -> bool:
        """SMMUEN *in effect*, i.e. CR0ACK.SMMUEN (what translation obeys)."""
        return bool(self.field("CR0ACK", "SMMUEN"))

    @property
    def cmdqen(self) -> bool:
        return bool(self.field("CR0ACK", "CMDQEN"))

    @property
    def eventqen(self) -> bool:
        return bool(self.field("CR0ACK", "EVENTQEN"))

    @property
    def gbpa(self) -> int:
        return self._v["GBPA"]

    @property
    def gbpa_abort(self) -> bool:
        return bool(self.field("GBPA", "ABORT"))

    @property
    def gbpa_update(self) -> bool:
        return bool(self.field("GBPA", "UPDATE"))

    @property
    def oas_bits(self) -> int:
        return self.params.OAS_BITS

    @property
    def gerror_active(self) -> int:
        """Active global errors: GERROR ^ GERRORN on the implemented bits."""
        return (self._v["GERROR"] ^ self._v["GERRORN"]) & REGS["GERRORN"].wmask(self.params)

    @staticmethod
    def _queue_bits(log2size: int, qmax: int) -> int:
        """Mask of index + wrap bits for a queue: [QS:0], QS capped at IDR1.*QS."""
        qs = min(log2size, qmax)
        return (1 << (qs + 1)) - 1

    @property
    def eventq_log2size(self) -> int:
        return min(self.field("EVENTQ_BASE", "LOG2SIZE"), FEATURES["EVENTQS"])

    @property
    def cmdq_log2size(self) -> int:
        return min(self.field("CMDQ_BASE", "LOG2SIZE"), FEATURES["CMDQS"])

    @property
    def eventq_empty(self) -> bool:
        m = self._queue_bits(self.field("EVENTQ_BASE", "LOG2SIZE"), FEATURES["EVENTQS"])
        return (self._v["EVENTQ_PROD"] ^ self._v["EVENTQ_CONS"]) & m == 0

    @property
    def cmdq_empty(self) -> bool:
        m = self._queue_bits(self.field("CMDQ_BASE", "LOG2SIZE"), FEATURES["CMDQS"])
        return (self._v["CMDQ_PROD"] ^ self._v["CMDQ_CONS"]) & m == 0

    # ------------------------------------------------------------ interrupts
    @property
    def gerror_irq(self) -> bool:
        """Level: IRQ_CTRL.GERROR_IRQEN and an active global error (interface.md)."""
        return bool(self.field("IRQ_CTRL", "GERROR_IRQEN")) and self.gerror_active != 0

    @property
    def evtq_irq(self) -> bool:
        """Level: IRQ_CTRL.EVENTQ_IRQEN and the event queue not empty (interface.md)."""
        return bool(self.field("IRQ_CTRL", "EVENTQ_IRQEN")) and not self.eventq_empty

    def snapshot(self) -> Dict[str, int]:
        """name -> value of every register as software reads it."""
        return {name: self.read(r.offset) for name, r in REGS.items()}
