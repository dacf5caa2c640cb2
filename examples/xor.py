"""XOR: the smallest problem that needs a hidden layer, solved by a sigmoid MLP and backpropagation.

Sources: D. E. Rumelhart, G. E. Hinton and R. J. Williams, "Learning representations by
back-propagating errors" (Nature, 1986); scikit-learn's `MLPClassifier` (Pedregosa et al., 2011).

No straight line separates {(0,1), (1,0)} from {(0,0), (1,1)}, so a network without a hidden
layer cannot learn XOR. One hidden layer of a few sigmoid units can: the model is
`nn.Linear(2, H) → nn.Sigmoid() → nn.Linear(H, 2)`, trained with `F.cross_entropy` and SGD with
momentum on the four cases until it gets all four right. When scikit-learn is installed, its
`MLPClassifier` (same hidden size, logistic activation) learns the same table, for comparison.

    python -m tinygrad_edu xor
    python -m tinygrad_edu xor --hidden 2 --epochs 2000
"""
from __future__ import annotations

import argparse

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import xor


def train(hidden: int = 4, epochs: int = 500, lr: float = 0.5, seed: int = 0,
          report_every: int = 100, log=print) -> tuple[nn.Module, list[float]]:
    """Full-batch training on the four cases; returns the model and the loss at every epoch."""
    tg.manual_seed(seed)
    X, y = xor()
    model = nn.Sequential(nn.Linear(2, hidden), nn.Sigmoid(), nn.Linear(hidden, 2))
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    inputs, losses = tg.tensor(X), []
    for epoch in range(1, epochs + 1):
        loss = F.cross_entropy(model(inputs), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if epoch % report_every == 0 or epoch == epochs:
            log(f"epoch {epoch:>5}: cross-entropy {losses[-1]:.6f}")
    return model, losses


def predict_probabilities(model: nn.Module) -> np.ndarray:
    """P(class 1) for the four XOR inputs."""
    X, _ = xor()
    with tg.no_grad():
        return F.softmax(model(tg.tensor(X)), dim=1).numpy()[:, 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", type=int, default=4, help="hidden sigmoid units (default 4)")
    parser.add_argument("--epochs", type=int, default=500, help="full-batch steps (default 500)")
    parser.add_argument("--lr", type=float, default=0.5, help="learning rate of SGD, momentum 0.9 (default 0.5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn's MLPClassifier")
    args = parser.parse_args(argv)
    if args.hidden < 1 or args.epochs < 1:
        parser.error("--hidden and --epochs must be positive")

    print(f"XOR with a 2-{args.hidden}-2 sigmoid MLP, softmax cross-entropy, SGD (lr {args.lr}, momentum 0.9).")
    model, _ = train(args.hidden, args.epochs, args.lr, args.seed, report_every=max(args.epochs // 5, 1))
    X, y = xor()
    probabilities = predict_probabilities(model)
    print("\n  x1 x2 | xor | P(1)")
    for (x1, x2), target, p in zip(X.astype(int), y, probabilities):
        print(f"   {x1}  {x2} |  {target}  | {p:.4f}")
    correct = int(((probabilities > 0.5) == y).sum())
    print(f"correct: {correct} of 4")

    if not args.no_sklearn:
        try:
            from sklearn.neural_network import MLPClassifier
        except ImportError:
            print("scikit-learn is not installed: no comparison")
        else:
            classifier = MLPClassifier(hidden_layer_sizes=(args.hidden,), activation="logistic",
                                       solver="lbfgs", max_iter=1000, random_state=args.seed)
            classifier.fit(X, y)
            correct = int((classifier.predict(X) == y).sum())
            print(f"scikit-learn MLPClassifier (logistic, lbfgs): correct {correct} of 4")
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
