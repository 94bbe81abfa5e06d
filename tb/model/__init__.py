"""Pure-Python reference model of smmu_top, written from the SMMUv3 spec (no cocotb).

- :mod:`tb.model.registers`  settled register-file model (``RegisterModel``)
- :mod:`tb.model.axi`        AMBA AXI4 burst arithmetic and response codes
- :mod:`tb.model.outcome`    what happens to one client transaction (``predict``)
- :mod:`tb.model.memory`     sparse byte-addressed memory image (``SparseMemory``)
"""

from tb.model.axi import Burst, Resp, beat_addresses, byte_lanes, is_legal
from tb.model.memory import SparseMemory
from tb.model.outcome import Outcome, predict, expected_read_response, expected_write_response
from tb.model.registers import RegisterModel

__all__ = [
    "Burst", "Resp", "beat_addresses", "byte_lanes", "is_legal",
    "SparseMemory", "Outcome", "predict", "expected_read_response", "expected_write_response",
    "RegisterModel",
]
