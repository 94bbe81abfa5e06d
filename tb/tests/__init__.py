"""cocotb/pyuvm test modules run by sim/run.py."""
