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

import tinygrad_edu as tg

N_OPS = 100
SHAPE = (4,)


def kinds() -> list[str]:
    """add, mul, sigmoid, add, mul, tanh, ... (100 ops)."""
    nonlinear = ["sigmoid", "tanh"]
    return [("add", "mul", nonlinear[(i // 3) % 2])[i % 3] for i in range(N_OPS)]


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


def chain_numpy(x0: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The same chain with the chain rule written by hand: the cost of the math alone."""
    saved = []
    y = x0
    for kind in KINDS:
        if kind == "add":
            y = y + c
            saved.append(None)
        elif kind == "mul":
            saved.append(None)
            y = y * c
        elif kind == "sigmoid":
            y = 1 / (1 + np.exp(-y))
            saved.append(y)
        else:
            y = np.tanh(y)
            saved.append(y)
    grad = np.ones_like(x0)
    for kind, s in zip(reversed(KINDS), reversed(saved)):
        if kind == "mul":
            grad = grad * c
        elif kind == "sigmoid":
            grad = grad * (s * (1 - s))
        elif kind == "tanh":
            grad = grad * (1 - s * s)
    return grad


def chain_torch(torch, x0: np.ndarray, c: np.ndarray) -> np.ndarray:
    x = torch.tensor(x0, requires_grad=True)
    run_chain(x, torch.tensor(c)).backward(torch.ones_like(x))
    return x.grad.numpy()


KINDS = kinds()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--json", default="bench/results/ops.json")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    x0 = rng.standard_normal(SHAPE).astype(np.float32)
    c = rng.uniform(0.5, 1.0, SHAPE).astype(np.float32)
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
