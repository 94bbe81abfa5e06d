"""Valid/ready patterns: back-pressure and idle gaps, decided once per cycle.

Patterns are plain callables returning bool so the per-edge code stays cheap.
Modes: "always" (benchmarks), "random" (Bernoulli p), "bursty" (on/off runs,
which exercises long stalls that Bernoulli rarely produces).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable


@dataclass
class Throttle:
    mode: str = "always"   # always | random | bursty
    p: float = 1.0         # probability of "go" for random; duty for bursty
    run: int = 8           # mean run length for bursty

    def make(self, rng: random.Random) -> Callable[[], bool]:
        if self.mode == "always" or self.p >= 1.0:
            return lambda: True
        if self.mode == "random":
            p = self.p
            r = rng.random
            return lambda: r() < p
        state = {"on": True, "left": 1}
        p, run = self.p, max(1, self.run)

        def bursty() -> bool:
            state["left"] -= 1
            if state["left"] <= 0:
                state["on"] = rng.random() < p
                state["left"] = rng.randint(1, 2 * run)
            return state["on"]
        return bursty

    @staticmethod
    def random_profile(rng: random.Random) -> "Throttle":
        """A random back-pressure profile for stress tests."""
        mode = rng.choice(["random", "random", "bursty", "always"])
        return Throttle(mode, rng.choice([0.3, 0.5, 0.7, 0.9]), rng.choice([2, 4, 16]))
