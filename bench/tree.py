"""Tree models: trees per second for forward + backward of the SPINN encoder, batched vs one
example at a time.

The workload: ListOps expressions (depth <= 5, length <= 100, as in examples/listops.py), grouped
into batches of similar length the way the training loop groups them. For each hidden size and
batch size, the same batches are encoded with `batched=True` (one cell call per round for the
whole batch) and `batched=False` (one example after another), each followed by backward through
the encoder and the embeddings. Rounds interleave the two, and the figures are medians over
rounds, so a machine that gets busier or quieter affects both alike.

    python bench/tree.py                        # hidden 64/128, batch 1/16/64, no tracker
    python bench/tree.py --tracker 32 --rounds 5
    python bench/tree.py --json bench/results/tree.json
"""
from __future__ import annotations

import argparse
import gc
import statistics
import time

import numpy as np
from report import write_report  # bench/report.py (the script's folder is on sys.path)

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.data import LISTOPS_VOCAB, encode_listops, generate_listops


def length_batches(examples, batch_size: int) -> list:
    ordered = sorted(examples, key=lambda e: len(e.transitions))
    return [ordered[i : i + batch_size] for i in range(0, len(ordered), batch_size)]


def forward_backward(embed, encoder, batches, batched: bool) -> int:
    """Encode every batch, backward from the sum of the vectors; returns the number of trees."""
    n = 0
    for batch in batches:
        words = [embed(encode_listops(e.tokens)) for e in batch]
        encoder(words, [e.transitions for e in batch], batched=batched).sum().backward()
        n += len(batch)
    return n


def measure(hidden: int, batch_size: int, tracker: int | None, examples, rounds: int, dtype) -> dict:
    tg.manual_seed(0)
    embed = nn.Embedding(len(LISTOPS_VOCAB), hidden, dtype=dtype)
    encoder = nn.SPINN(hidden, hidden, tracker, dtype=dtype)
    batches = length_batches(examples, batch_size)
    forward_backward(embed, encoder, batches[:1], True)  # warm up
    rates: dict[str, list[float]] = {"batched": [], "one_at_a_time": []}
    ratios = []
    for _ in range(rounds):
        for mode in rates:
            start = time.perf_counter()
            n = forward_backward(embed, encoder, batches, batched=(mode == "batched"))
            rates[mode].append(n / (time.perf_counter() - start))
        ratios.append(rates["batched"][-1] / rates["one_at_a_time"][-1])
    return {
        "hidden": hidden, "batch": batch_size, "tracker": tracker,
        "batched_trees_per_s": statistics.median(rates["batched"]),
        "one_at_a_time_trees_per_s": statistics.median(rates["one_at_a_time"]),
        "ratio": statistics.median(ratios),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--tracker", type=int, default=0, help="tracker size, 0 for none (default)")
    parser.add_argument("--trees", type=int, default=512, help="trees per round and configuration")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--json", default="bench/results/tree.json")
    args = parser.parse_args(argv)

    dtype = np.dtype(args.dtype)
    examples = generate_listops(args.trees, max_depth=5, max_length=100, seed=1)
    lengths = [len(e.transitions) for e in examples]
    tracker = args.tracker or None
    # As in examples/listops.py: the tape has no reference cycles, so rare cycle collections.
    old_threshold = gc.get_threshold()
    gc.set_threshold(100_000, 50, 50)
    try:
        results = [measure(h, b, tracker, examples, args.rounds, dtype) for h in args.hidden for b in args.batch]
    finally:
        gc.set_threshold(*old_threshold)

    print(f"SPINN encoder, forward + backward, {args.dtype}, tracker {tracker or 'none'}: {args.trees} "
          f"ListOps trees (transitions: mean {np.mean(lengths):.0f}, max {max(lengths)}), batches of "
          f"similar length, medians of {args.rounds} interleaved rounds")
    print(f"{'hidden':>6} {'batch':>5} {'batched trees/s':>16} {'one-at-a-time trees/s':>22} {'ratio':>6}")
    for r in results:
        print(f"{r['hidden']:>6} {r['batch']:>5} {r['batched_trees_per_s']:>16.0f} "
              f"{r['one_at_a_time_trees_per_s']:>22.0f} {r['ratio']:>5.1f}x")

    report = {
        "workload": f"SPINN forward+backward on {args.trees} ListOps trees (depth <= 5, length <= 100), "
                    f"length-bucketed batches, {args.dtype}",
        "tracker": tracker, "rounds": args.rounds, "results": results,
    }
    return write_report(report, args.json)


if __name__ == "__main__":
    main()
