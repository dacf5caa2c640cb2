"""Timing several implementations of one workload fairly on a shared, noisy machine.

Rounds interleave the implementations (a machine that gets busier or quieter affects them alike),
each round times `repeats` calls in CPU time (`time.process_time`: other processes' work does not
count), and results are medians over rounds, with the spread (the 10th and 90th percentiles).
The headline number is a throughput ratio against the first implementation, the floor (usually
hand-written numpy): its time divided by ours, so 1.0 means as fast as the floor and 0.5 half as fast.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def measure(fns: dict[str, Callable[[], object]], rounds: int, repeats: int) -> dict[str, dict]:
    """For each implementation: seconds per call (median) and the throughput ratio floor/ours
    (median, p10, p90 over rounds), where the floor is the first implementation in `fns`."""
    for fn in fns.values():
        fn()  # warm up (imports, caches, first allocations)
    seconds = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.process_time()
            for _ in range(repeats):
                fn()
            seconds[name].append((time.process_time() - start) / repeats)
    floor = seconds[next(iter(fns))]
    out = {}
    for name, ts in seconds.items():
        ratios = [f / t for f, t in zip(floor, ts) if t > 0]
        out[name] = {"seconds": statistics.median(ts), "ratio": statistics.median(ratios),
                     "ratio_p10": percentile(ratios, 0.1), "ratio_p90": percentile(ratios, 0.9)}
    return out


def print_table(title: str, results: dict[str, dict], unit: str, scale: float) -> None:
    """One line per implementation: time per `unit` and the throughput ratio with its spread."""
    print(title)
    print(f"  {'implementation':<28} {unit:>12} {'throughput vs floor (p10-p90)':>32}")
    for name, r in results.items():
        spread = f"{r['ratio']:.2f} ({r['ratio_p10']:.2f}-{r['ratio_p90']:.2f})"
        print(f"  {name:<28} {r['seconds'] * scale:>12.2f} {spread:>32}")


def torch_one_thread():
    """PyTorch limited to one thread, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        print("(PyTorch is not installed: its rows are left out)")
        return None
    torch.set_num_threads(1)
    return torch
