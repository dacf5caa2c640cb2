"""Cross-entropy, taken apart: softmax → log → NLL is `F.cross_entropy`, and the binary, clipped form.

Source: PyTorch's documentation of `torch.nn.CrossEntropyLoss`, `NLLLoss` and `BCELoss`.

Many classes. PyTorch defines `CrossEntropyLoss` as `LogSoftmax` followed by `NLLLoss`: turn the
logits z into probabilities with softmax, take logs, pick the log-probability of the target class,
negate, and average over the batch:

    loss = −(1/N) Σₙ log softmax(zₙ)[tₙ]        ∂loss/∂zₙ = (softmax(zₙ) − onehot(tₙ)) / N

This example computes that three ways — written out step by step with tensor ops,
`F.nll_loss(F.log_softmax(z, 1), t)`, and `F.cross_entropy(z, t)` — and shows they agree, in value
and gradient. Then it feeds logits of ±1000: the step-by-step softmax overflows (e¹⁰⁰⁰ = inf, and
inf/inf = nan), while `F.cross_entropy` stays exact, because log-softmax is computed as
z − max(z) − log Σ exp(z − max(z)).

Two classes. With p = P(y = 1), the loss is −[y·log p + (1 − y)·log(1 − p)]. Written by hand, p is
usually clipped to [eps, 1 − eps] so that log never sees 0; PyTorch's `binary_cross_entropy`
instead clamps each log at −100. The two agree except where p is within eps of 0 or 1.

    python -m tinygrad_edu cross_entropy
"""
from __future__ import annotations

import argparse

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F


def softmax_log_nll(logits: tg.Tensor, target: np.ndarray) -> tg.Tensor:
    """The definition, one step at a time: softmax, then log, then the negated mean of the picks."""
    exps = logits.exp()
    probabilities = exps / exps.sum(dim=1, keepdim=True)
    log_probabilities = probabilities.log()
    picked = log_probabilities[np.arange(len(target)), target]
    return -picked.mean()


def clipped_binary_cross_entropy(p: tg.Tensor, y: tg.Tensor, eps: float = 1e-7) -> tg.Tensor:
    """−mean[y·log p + (1 − y)·log(1 − p)] with p clipped to [eps, 1 − eps] (the hand-written form)."""
    p = p.clamp(eps, 1 - eps)
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


def compare_three_ways(logits: np.ndarray, target: np.ndarray) -> dict[str, tuple[float, np.ndarray]]:
    """(loss, gradient with respect to the logits) for each way of computing the cross-entropy."""
    ways = {
        "softmax → log → NLL by hand": softmax_log_nll,
        "F.nll_loss(F.log_softmax(z, 1), t)": lambda z, t: F.nll_loss(F.log_softmax(z, 1), t),
        "F.cross_entropy(z, t)": F.cross_entropy,
    }
    results = {}
    for name, loss_fn in ways.items():
        z = tg.tensor(logits, requires_grad=True)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss = loss_fn(z, target)
            loss.backward()
        results[name] = (loss.item(), z.grad.numpy())
    return results


def reference_cross_entropy(logits: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Plain float64 numpy, stable: the loss and its gradient (softmax − onehot) / N."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(target))
    gradient = np.exp(log_probabilities)
    gradient[rows, target] -= 1
    return float(-log_probabilities[rows, target].mean()), gradient / len(target)


def print_comparison(title: str, logits: np.ndarray, target: np.ndarray) -> None:
    loss, gradient = reference_cross_entropy(logits, target)
    print(f"{title}\n  reference (numpy, stable): loss {loss:.12g}")
    for name, (value, grad) in compare_three_ways(logits, target).items():
        print(f"  {name:<36} loss {value:<20.12g} |loss − ref| {abs(value - loss):.1e}   "
              f"max |grad − ref| {np.abs(grad - gradient).max():.1e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cross_entropy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=4, help="rows of logits (default 4)")
    parser.add_argument("--classes", type=int, default=5, help="number of classes (default 5)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.batch < 1 or args.classes < 2:
        parser.error("--batch must be positive and --classes at least 2")

    rng = tg.manual_seed(args.seed)
    logits = rng.normal(size=(args.batch, args.classes)) * 2
    target = rng.integers(0, args.classes, size=args.batch)
    print(f"Logits z of shape {logits.shape}, targets t = {target.tolist()}.\n")
    print_comparison("Ordinary logits: all three agree.", logits, target)

    huge = logits.copy()
    huge[:, 0] = 1000.0
    huge[:, -1] = -1000.0
    print()
    print_comparison("Logits of ±1000 (column 0 is +1000, the last −1000): the step-by-step softmax "
                     "overflows to nan,\nF.cross_entropy stays exact.", huge, target)

    print("\nTwo classes: −[y·log p + (1 − y)·log(1 − p)], hand-written with p clipped to "
          "[1e-7, 1 − 1e-7],\nversus F.binary_cross_entropy (each log clamped at −100, as PyTorch).")
    print(f"  {'p':>8} {'y':>3} {'clipped by hand':>18} {'F.binary_cross_entropy':>24}")
    for p, y in [(0.9, 1.0), (0.3, 1.0), (0.3, 0.0), (0.999, 0.0), (1e-9, 1.0), (0.0, 1.0), (1.0, 0.0)]:
        by_hand = clipped_binary_cross_entropy(tg.tensor([p]), tg.tensor([y])).item()
        framework = F.binary_cross_entropy(tg.tensor([p]), tg.tensor([y])).item()
        print(f"  {p:>8.3g} {y:>3.0f} {by_hand:>18.10f} {framework:>24.10f}")
    print("  Equal wherever p is at least eps away from 0 and 1; at p = 0 or 1 the clip gives "
          "−log(1e-7) ≈ 16.1,\n  PyTorch's clamp gives 100. Both keep the loss finite.")
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
