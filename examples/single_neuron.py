"""A single neuron in nine lines of numpy, and the same neuron trained with autograd.

Source: M. Spencer-Harper, "How to build a simple neural network in 9 lines of Python code"
(Medium, 2015), itself after A. Trask, "A Neural Network in 11 lines of Python" (2015).

The famous tiny network: four training examples of three bits, the answer is the first bit.
One sigmoid neuron with three weights, drawn after `np.random.seed(1)` as `2·random((3, 1)) − 1`,
trained 10,000 times with

    out = σ(X·w)        w += Xᵀ · ((y − out) · out · (1 − out))

and then asked about the new case [1, 0, 0]; it answers a number very close to 1.

That update is exactly minus the gradient of `½ Σ (y − out)²`, so with autograd the loop is
`loss.backward(); w −= w.grad` — and it prints the same digits.

    python -m tinygrad_edu single_neuron
"""
from __future__ import annotations

import argparse

import numpy as np

import tinygrad_edu as tg

X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=np.float64)
Y = np.array([[0, 1, 1, 0]], dtype=np.float64).T
NEW_CASE = np.array([1, 0, 0], dtype=np.float64)


def initial_weights(seed: int = 1) -> np.ndarray:
    np.random.seed(seed)
    return 2 * np.random.random((3, 1)) - 1


def predict_by_hand(iterations: int = 10_000, seed: int = 1) -> tuple[float, np.ndarray]:
    """The nine-line version. Returns σ([1, 0, 0]·w) and the trained weights."""
    w = initial_weights(seed)
    for _ in range(iterations):
        out = 1 / (1 + np.exp(-(X @ w)))
        w += X.T @ ((Y - out) * out * (1 - out))
    return float((1 / (1 + np.exp(-(NEW_CASE @ w))))[0]), w


def predict_with_autograd(iterations: int = 10_000, seed: int = 1) -> tuple[float, np.ndarray]:
    """Gradient descent on ½Σ(y − out)² with learning rate 1. Returns what `predict_by_hand` returns."""
    w = tg.tensor(initial_weights(seed), requires_grad=True, name="w")
    x, y = tg.tensor(X), tg.tensor(Y)
    for _ in range(iterations):
        out = (x @ w).sigmoid()
        loss = 0.5 * ((y - out) ** 2).sum()
        loss.backward()
        with tg.no_grad():
            w -= w.grad
        w.grad = None
    with tg.no_grad():
        prediction = (tg.tensor(NEW_CASE) @ w).sigmoid()
    return prediction[0].item(), w.numpy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="single_neuron", description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=10_000, help="training iterations (default 10000)")
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be positive")

    print(f"One sigmoid neuron, 3 inputs, trained {args.iterations} times on {len(X)} examples")
    print("(the output is the first input bit). Then: what does it say for [1, 0, 0]?")
    by_hand, w_hand = predict_by_hand(args.iterations)
    autograd, w_auto = predict_with_autograd(args.iterations)
    print(f"  nine lines of numpy:  {by_hand:.15f}")
    print(f"  autograd:             {autograd:.15f}")
    print(f"  difference {abs(by_hand - autograd):.1e}; weights differ by at most "
          f"{np.abs(w_hand - w_auto).max():.1e}")
    print("  trained weights:", np.round(w_auto.ravel(), 6).tolist())
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
