"""Imported at start-up by every simulation's Python (sim/run.py puts sim/pyenv on PYTHONPATH).

cocotbext-axi and cocotb-bus use cocotb APIs that cocotb 2.1 deprecates: hide those
packages' DeprecationWarnings only; our own code's warnings stay visible.
(sim/run.py also sets PYTHONWARNINGS=default so cocotb does not reset the filters.)
"""
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(cocotbext|cocotb_bus)(\.|$)")
