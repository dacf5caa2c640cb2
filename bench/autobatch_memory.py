"""Memory of a long training run under tg.autobatch(): the resident set size (RSS) must stay flat.

Each step records a batch of recursive Tree-LSTM losses lazily (examples/treelstm_sentiment.py),
computes them in batches, backpropagates and takes an Adam step. Nothing of a step may outlive it:
the pending records, the placeholders and the batched graph are freed by reference counting once
the step's tensors go. The script prints the RSS every `--every` steps and the growth from the
first sample (after warm-up) to the last.

    python bench/autobatch_memory.py                   # 10000 steps
    python bench/autobatch_memory.py --steps 2000 --json bench/results/autobatch_memory.json
"""
from __future__ import annotations

import argparse
import os
import time

from report import write_report  # bench/report.py (the script's folder is on sys.path)

import tinygrad_edu as tg
import tinygrad_edu.optim as optim
from tinygrad_edu.runner import load_example, rare_garbage_collection

sentiment = load_example("treelstm_sentiment")


def rss_mb() -> float:
    """The resident set size of this process, in MB (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=8, help="trees per step")
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--every", type=int, default=1000, help="steps between RSS samples")
    parser.add_argument("--json", default="bench/results/autobatch_memory.json")
    args = parser.parse_args(argv)

    tg.manual_seed(0)
    data = sentiment.make_data(512, seed=0, max_words=10)
    model = sentiment.TreeSentiment(args.hidden)
    opt = optim.Adam(model.parameters(), lr=1e-3)
    samples = []
    start = time.process_time()
    with rare_garbage_collection():  # as the training examples do
        for step in range(1, args.steps + 1):
            first = (step * args.batch) % (len(data) - args.batch)
            loss = sentiment.batch_loss(model, data[first:first + args.batch], autobatch=True)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step % args.every == 0 or step == 1:
                samples.append((step, rss_mb(), loss.item()))
                print(f"step {step:>6}: RSS {samples[-1][1]:7.1f} MB, loss {samples[-1][2]:.4f}", flush=True)
    seconds = time.process_time() - start
    baseline = samples[1][1] if len(samples) > 1 else samples[0][1]  # after the first `every` steps
    growth = samples[-1][1] - baseline
    print(f"{args.steps} steps of {args.batch} trees under tg.autobatch() in {seconds:.0f} s of CPU: "
          f"RSS {baseline:.1f} MB at step {samples[1][0] if len(samples) > 1 else 1}, "
          f"{samples[-1][1]:.1f} MB at the end ({growth:+.1f} MB)")
    report = {"workload": f"Tree-LSTM sentiment training under tg.autobatch(), {args.batch} trees per step, "
                          f"hidden {args.hidden}", "steps": args.steps,
              "samples": [{"step": s, "rss_mb": r, "loss": l} for s, r, l in samples],
              "growth_mb": growth, "cpu_seconds": seconds}
    return write_report(report, args.json)


if __name__ == "__main__":
    main()
