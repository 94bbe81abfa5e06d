"""pyuvm sequences for the client port and the register file."""
