"""A three-layer network in numpy with hand-written backprop, and the same loop with autograd.

Source: the 3-layer network of A. Trask, "A Neural Network in 11 lines of Python (Part 1)" (blog
article, 2015), in a common variant with a fifth example and a learning rate of 0.1.

The classic tutorial network: five 3-bit inputs, one 0/1 output, weights drawn with
`np.random.seed(1)`, two sigmoid layers, learning rate 0.1, 60,000 iterations, the loss
`mean((l2 − y)² / 2)` printed every 10,000 iterations. Its backward pass is written by hand:

    l2_delta = (l2 − y) · l2(1 − l2)          l1_delta = (l2_delta · w1ᵀ) · l1(1 − l1)
    w1 −= lr · l1ᵀ · l2_delta                  w0 −= lr · Xᵀ · l1_delta

Those deltas are the gradient of `sum((l2 − y)² / 2)`, not of the mean that is printed (the mean
would divide every delta by 5). So the autograd twin calls `backward()` on the sum, prints the mean,
and takes the same steps: the two loss columns agree to about 1e-15.

    python -m tinygrad_edu numpy_three_layer
    python -m tinygrad_edu numpy_three_layer --iterations 20000 --report-every 5000
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import tinygrad_edu as tg

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1], [0, 0, 1]], dtype=np.float64)
Y = np.array([[0], [1], [1], [0], [0]], dtype=np.float64)
LEARNING_RATE = 0.1


def initial_weights(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's draws: uniform in [-1, 1), first (3, 4) then (4, 1), from `np.random.seed(seed)`."""
    np.random.seed(seed)
    w0 = 2 * np.random.random((3, 4)) - 1
    w1 = 2 * np.random.random((4, 1)) - 1
    return w0, w1


def train_by_hand(iterations: int = 60_000, report_every: int = 10_000, lr: float = LEARNING_RATE,
                  seed: int = 1) -> tuple[list[tuple[int, float]], np.ndarray, np.ndarray]:
    """The hand-written numpy loop. Returns the reported (iteration, mean loss) pairs and w0, w1."""
    w0, w1 = initial_weights(seed)
    losses = []
    for i in range(iterations):
        l1 = 1 / (1 + np.exp(-(X @ w0)))
        l2 = 1 / (1 + np.exp(-(l1 @ w1)))
        if i % report_every == 0:
            losses.append((i, float(np.mean((l2 - Y) ** 2 / 2))))
        l2_delta = (l2 - Y) * l2 * (1 - l2)
        l1_delta = (l2_delta @ w1.T) * l1 * (1 - l1)
        w1 -= lr * l1.T @ l2_delta
        w0 -= lr * X.T @ l1_delta
    return losses, w0, w1


def train_with_autograd(iterations: int = 60_000, report_every: int = 10_000, lr: float = LEARNING_RATE,
                        seed: int = 1) -> tuple[list[tuple[int, float]], np.ndarray, np.ndarray]:
    """The same loop, with `backward()` in place of the deltas. Returns what `train_by_hand` returns."""
    start_w0, start_w1 = initial_weights(seed)
    w0 = tg.tensor(start_w0, requires_grad=True, name="w0")
    w1 = tg.tensor(start_w1, requires_grad=True, name="w1")
    x, y = tg.tensor(X), tg.tensor(Y)
    losses = []
    for i in range(iterations):
        l1 = (x @ w0).sigmoid()
        l2 = (l1 @ w1).sigmoid()
        squared_errors = (l2 - y) ** 2 / 2
        if i % report_every == 0:
            losses.append((i, squared_errors.mean().item()))
        squared_errors.sum().backward()   # the gradient the hand-written deltas compute
        with tg.no_grad():
            w1 -= lr * w1.grad
            w0 -= lr * w0.grad
        w0.grad = w1.grad = None
    return losses, w0.numpy(), w1.numpy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="numpy_three_layer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=60_000, help="training iterations (default 60000)")
    parser.add_argument("--report-every", type=int, default=10_000, help="print the loss this often")
    parser.add_argument("--lr", type=float, default=LEARNING_RATE, help="learning rate (default 0.1)")
    args = parser.parse_args(argv)
    if args.iterations < 1 or args.report_every < 1:
        parser.error("--iterations and --report-every must be positive")

    print(f"Training the 3-4-1 sigmoid network on {len(X)} examples for {args.iterations} iterations,")
    print("once with hand-written numpy deltas and once with tinygrad_edu's backward().", flush=True)
    start = time.perf_counter()
    by_hand, w0_hand, w1_hand = train_by_hand(args.iterations, args.report_every, args.lr)
    print(f"  numpy by hand: {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    autograd, w0_auto, w1_auto = train_with_autograd(args.iterations, args.report_every, args.lr)
    print(f"  autograd:      {time.perf_counter() - start:.1f} s", flush=True)

    print(f"\n{'iteration':>9}  {'loss, numpy by hand':>22}  {'loss, autograd':>22}  {'difference':>10}")
    for (i, hand), (_, auto) in zip(by_hand, autograd):
        print(f"{i:>9}  {hand:>22.17f}  {auto:>22.17f}  {abs(hand - auto):>10.1e}")
    weight_gap = max(np.abs(w0_hand - w0_auto).max(), np.abs(w1_hand - w1_auto).max())
    print(f"\nlargest difference between the final weights: {weight_gap:.1e}")
    with tg.no_grad():
        l2 = ((tg.tensor(X) @ tg.tensor(w0_auto)).sigmoid() @ tg.tensor(w1_auto)).sigmoid()
    print("predictions after training:", np.round(l2.numpy().ravel(), 4).tolist(),
          " targets:", Y.ravel().tolist())
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
