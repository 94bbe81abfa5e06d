"""AXI4 / AXI4-Lite channel descriptions, shared by sampler, drivers, monitors and checkers.

A channel is named by its prefix ("aw", "w", ...); payload lists the signal
suffixes that must be stable while VALID is high and READY low.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

OKAY, EXOKAY, SLVERR, DECERR = 0, 1, 2, 3
FIXED, INCR, WRAP = 0, 1, 2


@dataclass(frozen=True)
class ChannelSpec:
    name: str                      # "aw", "w", "b", "ar", "r"
    payload: Tuple[str, ...]       # signal suffixes (without the interface prefix)
    from_master: bool              # VALID driven by the master side
    id_sig: Optional[str] = None
    last_sig: Optional[str] = None

    @property
    def valid(self) -> str:
        return self.name + "valid"

    @property
    def ready(self) -> str:
        return self.name + "ready"


def _addr(ch: str, qos: bool, sideband: bool, domain: bool = False) -> ChannelSpec:
    p = [f"{ch}{s}" for s in ("id", "addr", "len", "size", "burst", "lock", "cache", "prot")]
    if qos:
        p.append(f"{ch}qos")
    if domain:
        p.append(f"{ch}domain")
    if sideband:
        p += [f"{ch}mmusid", f"{ch}mmussid", f"{ch}mmussidv"]
    return ChannelSpec(ch, tuple(p), True, id_sig=f"{ch}id")


def axi4_channels(qos: bool = True, sideband: bool = False, domain: bool = False) -> Tuple[ChannelSpec, ...]:
    """The five AXI4 channels; sideband adds the s_axi StreamID/SubstreamID signals, domain the
    optional ACE5-Lite AxDOMAIN outputs (m_axi_*domain, m_axi_tw_*domain) when the DUT has them."""
    return (
        _addr("aw", qos, sideband, domain),
        ChannelSpec("w", ("wdata", "wstrb", "wlast"), True, last_sig="wlast"),
        ChannelSpec("b", ("bid", "bresp"), False, id_sig="bid"),
        _addr("ar", qos, sideband, domain),
        ChannelSpec("r", ("rid", "rdata", "rresp", "rlast"), False, id_sig="rid", last_sig="rlast"),
    )


def axil_channels() -> Tuple[ChannelSpec, ...]:
    return (
        ChannelSpec("aw", ("awaddr", "awprot"), True),
        ChannelSpec("w", ("wdata", "wstrb"), True),
        ChannelSpec("b", ("bresp",), False),
        ChannelSpec("ar", ("araddr", "arprot"), True),
        ChannelSpec("r", ("rdata", "rresp"), False),
    )
