"""Per-op cost of forward + backward on tiny tensors: tinygrad_edu vs hand-written numpy vs PyTorch.

The workload: a chain of 100 ops on a float32 tensor of shape (4,), alternating add, mul and a
nonlinearity (sigmoid, then tanh), then backward from the end of the chain. For tiny tensors the
arithmetic is nearly free, so this measures what a framework adds per op: Python objects, the
tape, and the backward bookkeeping. The hand-written numpy version does the same math (forward,
then the chain rule by hand) with no framework: it is the floor.

    python bench/ops.py [--rounds 30] [--json bench/results/ops.json]
"""
from __future__ import annotations

import argparse

import numpy as np
from report import write_report  # bench/report.py (the script's folder is on sys.path)
from timing import measure, print_table, torch_one_thread
from w1_chain import KINDS, N_OPS, SHAPE, chain_numpy, inputs  # (the chain, and numpy's version of it)

import tinygrad_edu as tg


def run_chain(y, const):
    """The chain in any library whose tensors have + * .sigmoid() .tanh() (ours and PyTorch's)."""
    for kind in KINDS:
        if kind == "add":
            y = y + const
        elif kind == "mul":
            y = y * const
        elif kind == "sigmoid":
            y = y.sigmoid()
        else:
            y = y.tanh()
    return y


def chain_tinygrad(x0: np.ndarray, c: np.ndarray) -> np.ndarray:
    x = tg.Tensor(x0, requires_grad=True)
    run_chain(x, tg.Tensor(c)).backward(tg.Tensor(np.ones_like(x0)))
    return x.grad.data


def chain_torch(torch, x0: np.ndarray, c: np.ndarray) -> np.ndarray:
    x = torch.tensor(x0, requires_grad=True)
    run_chain(x, torch.tensor(c)).backward(torch.ones_like(x))
    return x.grad.numpy()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--json", default="bench/results/ops.json")
    args = parser.parse_args(argv)

    x0, c = inputs()
    expected = chain_numpy(x0, c)
    np.testing.assert_allclose(chain_tinygrad(x0, c), expected, rtol=1e-5)

    fns = {"numpy (by hand)": lambda: chain_numpy(x0, c), "tinygrad_edu": lambda: chain_tinygrad(x0, c)}
    torch = torch_one_thread()
    if torch is not None:
        np.testing.assert_allclose(chain_torch(torch, x0, c), expected, rtol=1e-5)
        fns["pytorch (1 thread)"] = lambda: chain_torch(torch, x0, c)
    results = measure(fns, args.rounds, args.repeats)
    print_table(f"W1: chain of {N_OPS} ops (add, mul, sigmoid/tanh) on float32 {SHAPE}, forward + "
                f"backward; medians of {args.rounds} interleaved rounds (CPU time)", results, "us/op",
                1e6 / N_OPS)
    report = {"workload": f"{N_OPS}-op chain, float32 {SHAPE}", "results": results}
    return write_report(report, args.json)


if __name__ == "__main__":
    main()
