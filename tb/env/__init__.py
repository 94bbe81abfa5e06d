"""pyuvm environment: env, scoreboard, coverage, base test."""
