"""Reusable test scenarios on top of the env (traffic phases with a fixed config)."""

from __future__ import annotations

from typing import Optional

from tb.agents.axi_txn import TxnConstraints
from tb.sequences.traffic import RandomTrafficSeq

MEM_BASE = 0x0000_1000_0000
MEM_SIZE = 0x10_0000          # 1 MiB of random-initialised memory for client traffic


def default_constraints(**kw) -> TxnConstraints:
    return TxnConstraints(addr_ranges=((MEM_BASE, MEM_BASE + MEM_SIZE),), **kw)


def init_memory(env, base: int = MEM_BASE, size: int = MEM_SIZE) -> None:
    env.mem.fill_random(env.seeds.np("mem"), base, size)


async def run_traffic(env, n: int, cons: Optional[TxnConstraints] = None, salt: str = "traffic",
                      max_outstanding: int = 48) -> RandomTrafficSeq:
    """Run n random client transactions to completion through the sequencer."""
    p = env.params
    env.client.max_outstanding = max_outstanding
    seq = RandomTrafficSeq(salt, n, env.seeds.py(salt), cons or default_constraints(), env.data_bytes,
                           p.ID_W, p.SID_W, p.SSID_W)
    await seq.start(env.agent.seqr)
    return seq
