"""Bus-level agents: one sampling coroutine per interface, listeners for driving, monitoring, checking."""
