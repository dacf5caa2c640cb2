"""A Bernoulli Restricted Boltzmann Machine learns features of the digits; a logistic classifier uses them.

Sources: G. E. Hinton, "Training Products of Experts by Minimizing Contrastive Divergence"
(Neural Computation, 2002); the scikit-learn example "Restricted Boltzmann Machine features for
digit classification", which pairs `BernoulliRBM` with a logistic regression the same way.

An RBM has visible units v (the 64 pixels, read as probabilities of being on) and hidden units h,
joined by weights W, with biases b (visible) and c (hidden); no links inside a layer, so

    P(h_j = 1 | v) = σ(c_j + Σᵢ vᵢ W_ij)        P(v_i = 1 | h) = σ(b_i + Σⱼ W_ij h_j)

Training lowers the energy of the data and raises that of the model's own fantasies. Contrastive
divergence (CD-1) estimates that gradient with one step of Gibbs sampling from each example:

    h₀ ~ P(h | v₀),   v₁ = P(v | h₀),   h₁ = P(h | v₁)
    ΔW = α (v₀ᵀ P(h|v₀) − v₁ᵀ h₁) / N,   Δb = α mean(v₀ − v₁),   Δc = α mean(P(h|v₀) − h₁)

That update is computed directly (with tensors, under `tg.no_grad()`) — it is not the gradient of
a loss we could backpropagate. The hidden probabilities P(h | v) then become the input of a
logistic-regression classifier (`nn.Linear` + `F.cross_entropy`, trained with autograd), compared
with the same classifier on the raw pixels. Same seeded 80/20 split as the other digit examples.

    python -m tinygrad_edu rbm
    python -m tinygrad_edu rbm --hidden 200 --epochs 30
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import batches, load_digits


class BernoulliRBM:
    """Binary hidden units on [0, 1]-valued visible units, trained by CD-1."""

    def __init__(self, n_visible: int, n_hidden: int) -> None:
        self.W = tg.randn(n_visible, n_hidden) * 0.01
        self.b = tg.zeros(n_visible)   # visible biases
        self.c = tg.zeros(n_hidden)    # hidden biases

    def hidden_probabilities(self, v: tg.Tensor) -> tg.Tensor:
        return (v @ self.W + self.c).sigmoid()

    def visible_probabilities(self, h: tg.Tensor) -> tg.Tensor:
        return (h @ self.W.T + self.b).sigmoid()

    @tg.no_grad()
    def contrastive_divergence(self, v0: tg.Tensor, learning_rate: float) -> float:
        """One CD-1 update from the batch `v0`; returns its mean squared reconstruction error."""
        h0 = self.hidden_probabilities(v0)
        h0_sample = (tg.rand(*h0.shape) < h0).double()
        v1 = self.visible_probabilities(h0_sample)
        h1 = self.hidden_probabilities(v1)
        n = v0.shape[0]
        self.W += learning_rate * (v0.T @ h0 - v1.T @ h1) / n
        self.b += learning_rate * (v0 - v1).mean(dim=0)
        self.c += learning_rate * (h0 - h1).mean(dim=0)
        return ((v0 - v1) ** 2).mean().item()


def train_rbm(X: np.ndarray, n_hidden: int, epochs: int, learning_rate: float, batch_size: int,
              log=print) -> BernoulliRBM:
    rbm = BernoulliRBM(X.shape[1], n_hidden)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        errors = [rbm.contrastive_divergence(tg.tensor(batch), learning_rate)
                  for batch, in batches(X, batch_size=batch_size)]
        log(f"  RBM epoch {epoch:>2}/{epochs}: reconstruction error {np.mean(errors):.4f}, "
            f"{time.perf_counter() - start:.2f} s")
    return rbm


def logistic_regression_accuracy(X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray,
                                 y_test: np.ndarray, steps: int = 300, lr: float = 0.05,
                                 weight_decay: float = 1e-3, seed: int = 0) -> float:
    """Softmax regression trained with autograd (full batch, Adam); returns its test accuracy.

    The problem is convex, so enough full-batch steps reach (nearly) the same optimum from any
    start: the comparison between feature sets does not hinge on a lucky seed.
    """
    tg.manual_seed(seed)
    model = nn.Linear(X_train.shape[1], 10)
    optimizer = optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    inputs = tg.tensor(X_train)
    for _ in range(steps):
        loss = F.cross_entropy(model(inputs), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with tg.no_grad():
        return float((model(tg.tensor(X_test)).numpy().argmax(axis=1) == y_test).mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rbm", description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", type=int, default=200, help="hidden units of the RBM (default 200)")
    parser.add_argument("--epochs", type=int, default=30, help="RBM training epochs (default 30)")
    parser.add_argument("--lr", type=float, default=0.1, help="CD-1 learning rate (default 0.1)")
    parser.add_argument("--batch-size", type=int, default=10, help="RBM mini-batch size (default 10)")
    parser.add_argument("--classifier-steps", type=int, default=300,
                        help="full-batch training steps of the logistic classifiers (default 300)")
    parser.add_argument("--limit", type=int, help="use only the first N training images (quick runs)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if min(args.hidden, args.epochs, args.batch_size, args.classifier_steps, args.limit or 1) < 1:
        parser.error("sizes, epochs and --limit must be positive")

    tg.manual_seed(args.seed)
    X_train, X_test, y_train, y_test = load_digits()   # pixels scaled to 0..1
    if args.limit is not None:
        X_train, y_train = X_train[:args.limit], y_train[:args.limit]
    print(f"Digits: {len(X_train)} training, {len(X_test)} test images; pixels in 0..1 are the "
          "visible units' probabilities.")
    print(f"Training a Bernoulli RBM 64 visible x {args.hidden} hidden by CD-1 "
          f"(learning rate {args.lr}, batches of {args.batch_size}):", flush=True)
    rbm = train_rbm(X_train, args.hidden, args.epochs, args.lr, args.batch_size,
                    log=lambda line: print(line, flush=True))
    with tg.no_grad():
        H_train = rbm.hidden_probabilities(tg.tensor(X_train)).numpy()
        H_test = rbm.hidden_probabilities(tg.tensor(X_test)).numpy()

    print(f"\nLogistic regression (nn.Linear + F.cross_entropy, Adam, {args.classifier_steps} full-batch steps):",
          flush=True)
    raw = logistic_regression_accuracy(X_train, y_train, X_test, y_test, steps=args.classifier_steps,
                                       seed=args.seed)
    print(f"  {f'on the {X_train.shape[1]} raw pixels:':<40} test accuracy {raw:.4f}", flush=True)
    features = logistic_regression_accuracy(H_train, y_train, H_test, y_test, steps=args.classifier_steps,
                                            seed=args.seed)
    print(f"  {f'on the {args.hidden} RBM hidden probabilities:':<40} test accuracy {features:.4f}")
    print(f"test accuracy: {features:.4f}")
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
