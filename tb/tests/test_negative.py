"""The checkers can fail: each test injects a fault and PASSES only if it is caught.

  * scoreboard: a flipped data bit in a monitored m_axi read, a flipped write
    strobe, a dropped m_axi transaction, an m_axi address the DUT never produced
  * protocol checker: synthetic snapshots with a VALID drop, a payload change
    under back-pressure, a wrong WLAST (W before AW), a wrong RLAST, responses
    without requests, a B before the last W, X on VALID
  * register compare: a register changed behind the model's back
"""

from __future__ import annotations

from typing import Dict, List, Optional

import pyuvm
from pyuvm import uvm_factory

from tb.agents.axi_checker import AxiProtocolChecker
from tb.agents.axi_monitor import AxiObs
from tb.agents.axi_sampler import ChannelSample
from tb.agents.axi_signals import axi4_channels
from tb.env.base_test import SmmuBaseTest
from tb.env.scoreboard import Scoreboard
from tb.sequences.scenarios import default_constraints, init_memory, run_traffic
from tb.tests.test_regs import RegTest


class NegativeTest(SmmuBaseTest):
    """Runs a fault scenario; exactly the error its fault provokes is checked and removed (any
    other error fails the test)."""

    scoreboard_variant: Optional[type] = None      # a FaultScoreboard subclass: replaces Scoreboard

    def configure(self) -> None:
        if self.scoreboard_variant is not None:
            uvm_factory().set_type_override_by_type(Scoreboard, self.scoreboard_variant)

    def expect(self, errors: List[str], needle: str, count: Optional[int] = 1) -> None:
        if self.scoreboard_variant is not None:
            assert isinstance(self.env.sb, self.scoreboard_variant), \
                f"factory override not applied: env.sb is a {type(self.env.sb).__name__}"
        self.take_errors(errors, needle, count)


class FaultScoreboard(Scoreboard):
    """Scoreboard variant (installed with a factory override in ``configure``) that applies ``fault``
    to the ``nth`` m_axi observation of direction ``want_write`` (None: either) before matching it,
    once; the fault returns the changed observation or None (dropped)."""

    nth = 3
    want_write: Optional[bool] = None

    @staticmethod
    def fault(o: AxiObs) -> Optional[AxiObs]:
        return o

    def build_phase(self) -> None:
        super().build_phase()
        self.fault_seen, self.fault_done = 0, False

    def filter_down(self, o: AxiObs) -> Optional[AxiObs]:
        o = super().filter_down(o)
        if o is None or self.fault_done or (self.want_write is not None and o.is_write != self.want_write):
            return o
        self.fault_seen += 1
        if self.fault_seen < self.nth:
            return o
        self.fault_done = True
        return self.fault(o)


def _flip_data(o: AxiObs) -> AxiObs:
    o.data = list(o.data)
    o.data[-1] ^= 1 << 5
    return o


def _flip_strb(o: AxiObs) -> AxiObs:
    o.strb = list(o.strb)
    o.strb[0] ^= 1
    return o


def _move_addr(o: AxiObs) -> AxiObs:
    o.addr ^= 0x40
    return o


class ReadDataFault(FaultScoreboard):
    fault, nth, want_write = staticmethod(_flip_data), 3, False


class WriteStrobeFault(FaultScoreboard):
    fault, nth, want_write = staticmethod(_flip_strb), 2, True


class AddressFault(FaultScoreboard):
    fault, nth = staticmethod(_move_addr), 4


class DroppedFault(FaultScoreboard):
    fault, nth = staticmethod(lambda o: None), 5


@pyuvm.test()
class NegScoreboardReadData(NegativeTest):
    scoreboard_variant = ReadDataFault

    async def body(self) -> None:
        init_memory(self.env)
        await run_traffic(self.env, 40, salt="neg")
        self.expect(self.env.sb.errors, "R data differs")


@pyuvm.test()
class NegScoreboardWriteStrobe(NegativeTest):
    scoreboard_variant = WriteStrobeFault

    async def body(self) -> None:
        init_memory(self.env)
        await run_traffic(self.env, 40, salt="neg")
        self.expect(self.env.sb.errors, "W strobes differ")


@pyuvm.test()
class NegScoreboardAddress(NegativeTest):
    scoreboard_variant = AddressFault

    async def body(self) -> None:
        init_memory(self.env)
        await run_traffic(self.env, 40, salt="neg")
        self.expect(self.env.sb.errors, "!= predicted")


@pyuvm.test()
class NegScoreboardDropped(NegativeTest):
    scoreboard_variant = DroppedFault

    async def body(self) -> None:
        init_memory(self.env)
        await run_traffic(self.env, 40, default_constraints(ids=[1]), salt="neg")
        self.expect(self.env.sb.errors, "no m_axi transaction")


@pyuvm.test()
class NegScoreboardUnexpectedDownstream(NegativeTest):
    """An m_axi transaction while everything aborts is flagged at the end of the test."""

    async def body(self) -> None:
        await self.regs.set_gbpa_abort(1)
        await run_traffic(self.env, 20, salt="neg")
        self.env.sb.on_down(AxiObs("m_axi", False, 2, 0x1000, 0, 3, 1, 0, data=[0], resp=[0], last=[1]))
        self.env.sb.final_check([])
        self.expect(self.env.sb.errors, "without a matching bypassed client transaction")
        self.env.sb.down.clear()            # the injected observation (final_check runs again at the end)


# ---------------------------------------------------------------- protocol checker
def _snap(**chans: Dict) -> Dict[str, ChannelSample]:
    """Build one edge snapshot: chans maps channel -> (valid, ready, payload)."""
    snap = {}
    for ch in axi4_channels():
        s = ChannelSample()
        v, r, p = chans.get(ch.name, (0, 0, None))
        s.valid, s.ready = v, r
        s.payload = dict(p) if p is not None else None
        snap[ch.name] = s
    return snap


AW = dict(awid=1, awaddr=0x1000, awlen=1, awsize=3, awburst=1, awlock=0, awcache=0, awprot=0, awqos=0)
AR = dict(arid=2, araddr=0x2000, arlen=1, arsize=3, arburst=1, arlock=0, arcache=0, arprot=0, arqos=0)


def _run(seq: List[Dict[str, ChannelSample]]) -> List[str]:
    c = AxiProtocolChecker("synthetic")
    for cyc, s in enumerate(seq):
        c.on_edge(cyc, s)
    return c.errors


@pyuvm.test()
class NegProtocolChecker(NegativeTest):
    """Synthetic fault streams into the protocol checker; a legal stream must stay clean."""

    async def body(self) -> None:
        w = lambda last: dict(wdata=0, wstrb=0xFF, wlast=last)  # noqa: E731
        r = lambda rid, last: dict(rid=rid, rdata=0, rresp=0, rlast=last)  # noqa: E731
        legal = [_snap(w=(1, 1, w(0))), _snap(aw=(1, 0, AW)), _snap(aw=(1, 1, AW), w=(1, 1, w(1))),
                 _snap(b=(1, 1, dict(bid=1, bresp=0)), ar=(1, 1, AR)),
                 _snap(r=(1, 0, r(2, 0))), _snap(r=(1, 1, r(2, 0))), _snap(r=(1, 1, r(2, 1)))]
        assert _run(legal) == [], f"legal stream flagged: {_run(legal)}"
        cases = {
            "valid dropped": [_snap(aw=(1, 0, AW)), _snap()],
            "changed while stalled": [_snap(ar=(1, 0, AR)), _snap(ar=(1, 1, dict(AR, araddr=0x2040)))],
            "WLAST=0 on beat 1": [_snap(w=(1, 1, w(0))), _snap(w=(1, 1, w(0))), _snap(aw=(1, 1, AW))],
            "RLAST=1 on beat 0": [_snap(ar=(1, 1, AR)), _snap(r=(1, 1, r(2, 1)))],
            "no outstanding read": [_snap(r=(1, 1, r(7, 1)))],
            "no outstanding write": [_snap(b=(1, 1, dict(bid=3, bresp=0)))],
            "before the write's last W": [_snap(aw=(1, 1, AW), w=(1, 1, w(0))), _snap(b=(1, 1, dict(bid=1, bresp=0)))],
        }
        for needle, seq in cases.items():
            self.expect(_run(seq), needle)
        s = _snap()
        s["ar"].x = "arvalid"
        self.expect(_run([s]), "X/Z")


@pyuvm.test()
class NegRegisterCompare(RegTest):
    """A register written behind the model's back makes the register compare fail."""

    async def body(self) -> None:
        self.regs.mirror = False
        await self.regs.write("GERRORN", 0x1)
        self.regs.mirror = True
        try:
            await self.expect_all("unmirrored write")
        except AssertionError as e:
            self.log.info("caught as expected: %s", str(e).splitlines()[0])
        else:
            raise AssertionError("register compare did not notice an unmirrored write")
        await self.regs.write("GERRORN", 0)
