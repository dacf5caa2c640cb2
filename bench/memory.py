"""What a recorded op costs in memory, and what Python's cyclic garbage collector costs in time.

1. Bytes per node: tracemalloc around the forward pass of a 200,000-op chain that alternately adds
   and multiplies by Python numbers (the graph holds every node, its saved values and its output).
2. The GC effect: forward time of that chain with the collector on, divided by the time with it
   off. Every node and tensor is an object the collector may scan; lists, dicts and many small
   containers per node make its passes more frequent and longer.

    python bench/memory.py [--ops 200000] [--shape 4] [--rounds 5] [--json bench/results/memory.json]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc

import numpy as np
from report import write_report  # bench/report.py (the script's folder is on sys.path)

import tinygrad_edu as tg


def chain(n_ops: int, shape: tuple) -> tg.Tensor:
    x = tg.tensor(np.ones(shape), requires_grad=True)
    y = x
    for i in range(n_ops):
        y = y + 1.0 if i % 2 == 0 else y * 0.999
    return y


def bytes_per_node(n_ops: int, shape: tuple) -> float:
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    y = chain(n_ops, shape)
    used = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    del y
    return used / n_ops


def forward_seconds(n_ops: int, shape: tuple, collector_on: bool) -> float:
    was_on = gc.isenabled()
    gc.collect()
    (gc.enable if collector_on else gc.disable)()
    try:
        start = time.process_time()
        y = chain(n_ops, shape)
        seconds = time.process_time() - start
    finally:
        (gc.enable if was_on else gc.disable)()
    del y
    gc.collect()
    return seconds


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000)
    parser.add_argument("--shape", type=int, default=4, help="length of the chain's vector")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", default="bench/results/memory.json")
    args = parser.parse_args(argv)
    shape = (args.shape,)

    per_node = bytes_per_node(args.ops, shape)
    print(f"memory: {per_node:.0f} bytes per recorded op ({args.ops} ops alternately + and * by a "
          f"Python number, float64 {shape}; includes each op's output tensor and array)")
    on, off = [], []
    for _ in range(args.rounds):  # interleaved rounds
        on.append(forward_seconds(args.ops, shape, True))
        off.append(forward_seconds(args.ops, shape, False))
    ratios = [a / b for a, b in zip(on, off)]
    print(f"GC: forward takes {statistics.median(ratios):.2f}x as long with the collector on as off "
          f"(median of {args.rounds} rounds, {min(ratios):.2f}-{max(ratios):.2f}; "
          f"{statistics.median(on):.2f} s vs {statistics.median(off):.2f} s)")
    report = {"workload": f"{args.ops}-op chain of + and * by Python numbers, float64 {shape}",
              "bytes_per_node": per_node, "gc_on_seconds": on, "gc_off_seconds": off,
              "gc_ratio_median": statistics.median(ratios)}
    return write_report(report, args.json)


if __name__ == "__main__":
    main()
