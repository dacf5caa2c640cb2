"""Tree models: trees per second for forward + backward of the SPINN encoder, four ways.

- one at a time: the per-example code (`SPINN(..., batched=False)`), eager;
- autobatch: the same per-example code under `tg.autobatch()` (Neubig, Goldberg & Dyer,
  "On-the-fly operation batching in dynamic computation graphs", NeurIPS 2017);
- hand-batched: `SPINN(..., batched=True)`, the batch walked round by round by hand;
- pytorch: the same per-example code in PyTorch (when installed; no tracker), one thread.

The workload: ListOps expressions (depth <= 5, length <= 100, as in examples/listops.py), grouped
into batches of similar length the way the training loop groups them; each batch is embedded,
encoded, and backward runs from the sum of the vectors through the encoder and the embeddings.
Rounds interleave the four, each timed in CPU time (other processes' work does not count), and the
figures are medians over rounds.

    python bench/tree.py                        # hidden 64, batch 1/16/64, no tracker
    python bench/tree.py --tracker 32 --rounds 5
    python bench/tree.py --json bench/results/tree.json
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from report import write_report  # bench/report.py (the script's folder is on sys.path)
from timing import torch_one_thread

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.data import LISTOPS_VOCAB, encode_listops, generate_listops
from tinygrad_edu.runner import rare_garbage_collection

MODES = ("one_at_a_time", "autobatch", "batched", "pytorch")


def length_batches(examples, batch_size: int) -> list:
    ordered = sorted(examples, key=lambda e: len(e.transitions))
    return [ordered[i : i + batch_size] for i in range(0, len(ordered), batch_size)]


def forward_backward(embed, encoder, batches, mode: str) -> int:
    """Encode every batch, backward from the sum of the vectors; returns the number of trees."""
    n = 0
    for batch in batches:
        with tg.autobatch(enabled=mode == "autobatch"):
            words = [embed(encode_listops(e.tokens)) for e in batch]
            vectors = encoder(words, [e.transitions for e in batch], batched=mode == "batched")
        vectors.sum().backward()
        n += len(batch)
    return n


class TorchSPINN:
    """The per-example SPINN encoder (no tracker) in PyTorch, with a copy of our weights."""

    def __init__(self, torch, embed, encoder) -> None:
        self.torch = torch

        def param(t):
            return torch.tensor(np.array(t.data), requires_grad=True)

        self.E = param(embed.weight)
        self.Wp, self.bp = param(encoder.project.weight), param(encoder.project.bias)
        self.Wl, self.bl = param(encoder.reduce.left.weight), param(encoder.reduce.left.bias)
        self.Wr = param(encoder.reduce.right.weight)
        self.H = encoder.hidden_size

    def compose(self, left, right):
        torch, H = self.torch, self.H
        (h_l, c_l), (h_r, c_r) = left, right
        z = torch.nn.functional.linear(h_l, self.Wl, self.bl) + torch.nn.functional.linear(h_r, self.Wr)
        i, f_l, f_r, o = torch.sigmoid(z[:, : 4 * H]).chunk(4, 1)
        c = i * torch.tanh(z[:, 4 * H :]) + f_l * c_l + f_r * c_r
        return o * torch.tanh(c), c

    def encode_one(self, tokens, transitions):
        torch = self.torch
        words = self.E[torch.as_tensor(encode_listops(tokens))]
        h_words, c_words = torch.nn.functional.linear(words, self.Wp, self.bp).chunk(2, 1)
        buffer = list(zip(h_words.split(1), c_words.split(1)))[::-1]
        zero = torch.zeros(1, self.H, dtype=words.dtype)
        stack = [(zero, zero), (zero, zero)]
        for transition in transitions:
            if transition == nn.SHIFT:
                stack.append(buffer.pop())
            else:
                right, left = stack.pop(), stack.pop()
                stack.append(self.compose(left, right))
        return stack[-1][0]

    def forward_backward(self, batches) -> int:
        n = 0
        for batch in batches:
            vectors = self.torch.cat([self.encode_one(e.tokens, e.transitions) for e in batch])
            vectors.sum().backward()
            n += len(batch)
        return n


def measure(hidden: int, batch_size: int, tracker: int | None, examples, rounds: int, dtype, torch) -> dict:
    tg.manual_seed(0)
    embed = nn.Embedding(len(LISTOPS_VOCAB), hidden, dtype=dtype)
    encoder = nn.SPINN(hidden, hidden, tracker, dtype=dtype)
    batches = length_batches(examples, batch_size)
    runs = {mode: (lambda mode=mode: forward_backward(embed, encoder, batches, mode)) for mode in MODES[:3]}
    if torch is not None and tracker is None:
        reference = TorchSPINN(torch, embed, encoder)
        ours = encoder([embed(encode_listops(e.tokens)) for e in batches[0]],
                       [e.transitions for e in batches[0]], batched=False).numpy()
        theirs = torch.cat([reference.encode_one(e.tokens, e.transitions) for e in batches[0]])
        assert np.abs(theirs.detach().numpy() - ours).max() < 1e-4, "PyTorch computes something else"
        runs["pytorch"] = lambda: reference.forward_backward(batches)
    for run in runs.values():  # warm up
        run()
    rates: dict[str, list[float]] = {mode: [] for mode in runs}
    for _ in range(rounds):
        for mode, run in runs.items():
            start = time.process_time()
            n = run()
            rates[mode].append(n / (time.process_time() - start))
    result = {"hidden": hidden, "batch": batch_size, "tracker": tracker}
    for mode in MODES:
        result[f"{mode}_trees_per_s"] = statistics.median(rates[mode]) if mode in rates else None
    result["autobatch_vs_one_at_a_time"] = statistics.median(
        [a / b for a, b in zip(rates["autobatch"], rates["one_at_a_time"])])
    result["autobatch_vs_batched"] = statistics.median(
        [a / b for a, b in zip(rates["autobatch"], rates["batched"])])
    result["ratio"] = statistics.median([a / b for a, b in zip(rates["batched"], rates["one_at_a_time"])])
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[64])
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--tracker", type=int, default=0, help="tracker size, 0 for none (default)")
    parser.add_argument("--trees", type=int, default=256, help="trees per round and configuration")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--json", default="bench/results/tree.json")
    args = parser.parse_args(argv)

    dtype = np.dtype(args.dtype)
    examples = generate_listops(args.trees, max_depth=5, max_length=100, seed=1)
    lengths = [len(e.transitions) for e in examples]
    tracker = args.tracker or None
    torch = None if args.no_torch else torch_one_thread()
    with rare_garbage_collection():  # as the training examples do
        results = [measure(h, b, tracker, examples, args.rounds, dtype, torch)
                   for h in args.hidden for b in args.batch]

    print(f"SPINN encoder, forward + backward, {args.dtype}, tracker {tracker or 'none'}: {args.trees} "
          f"ListOps trees (transitions: mean {np.mean(lengths):.0f}, max {max(lengths)}), batches of "
          f"similar length, trees/s in CPU time, medians of {args.rounds} interleaved rounds")
    print(f"{'hidden':>6} {'batch':>5} {'one at a time':>14} {'autobatch':>10} {'hand-batched':>13} "
          f"{'pytorch':>8} {'auto/one':>9} {'auto/hand':>10}")
    for r in results:
        torch_rate = "-" if r["pytorch_trees_per_s"] is None else f"{r['pytorch_trees_per_s']:.0f}"
        print(f"{r['hidden']:>6} {r['batch']:>5} {r['one_at_a_time_trees_per_s']:>14.0f} "
              f"{r['autobatch_trees_per_s']:>10.0f} {r['batched_trees_per_s']:>13.0f} {torch_rate:>8} "
              f"{r['autobatch_vs_one_at_a_time']:>8.1f}x {r['autobatch_vs_batched']:>9.2f}x")
    if args.no_torch:
        print("(PyTorch left out: --no-torch)")
    elif torch is None:
        print("(PyTorch is not installed: its column is empty)")
    elif tracker is not None:
        print("(the PyTorch reference has no tracker: its column is empty)")

    report = {
        "workload": f"SPINN forward+backward on {args.trees} ListOps trees (depth <= 5, length <= 100), "
                    f"length-bucketed batches, {args.dtype}, CPU time",
        "tracker": tracker, "rounds": args.rounds, "results": results,
    }
    return write_report(report, args.json)


if __name__ == "__main__":
    main()
