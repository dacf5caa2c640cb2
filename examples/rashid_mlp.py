"""Rashid's three-layer sigmoid network ("Make Your Own Neural Network"), in matrix form, with autograd.

The book's network: input → hidden → output, fully connected, sigmoid on hidden and output nodes,
no biases; signals are column vectors and weight matrices have one row per receiving node:

    X_hidden = W_ih · I        O_hidden = σ(X_hidden)
    X_output = W_ho · O_hidden  O_output = σ(X_output)

The book derives the training rule by hand: with the output error E = T − O,

    ΔW_ho = α · E · O(1 − O) · O_hiddenᵀ
    ΔW_ih = α · E_hidden · O_hidden(1 − O_hidden) · Iᵀ,   E_hidden = W_hoᵀ · E   (errors split back
                                                          in proportion to the link weights)

For the output layer that is exactly gradient descent on ½Σ(T − O)² (the book's squared error,
with the constant 2 folded into α), and one autograd step reproduces ΔW_ho to the last bit. For
the hidden layer the book takes a shortcut: it splits back the raw errors E, while the chain rule
splits back E·O(1 − O) (the output sigmoid's slope is part of the path from W_ih to the error):

    exact:  E_hidden = W_hoᵀ · (E · O(1 − O))        book:  E_hidden = W_hoᵀ · E

Both train well; autograd computes the exact one, and the example prints how far the book's
ΔW_ih is from it. Then it trains the network one example at a time, as the book does, on
scikit-learn's 8x8 handwritten digits
(inputs scaled to 0.01..1.0, targets 0.01 / 0.99) — or on MNIST when you have the files
(`--mnist DIR`, IDX or the book's CSV; the book reaches about 95% after one epoch with 100 hidden
nodes and learning rate 0.3, around 97% with a few epochs and a smaller rate).

    python -m tinygrad_edu rashid_mlp
    python -m tinygrad_edu rashid_mlp --mnist ~/data/mnist --hidden 100 --lr 0.1 --epochs 5
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.data import load_digits, load_mnist, one_hot_targets, rashid_scale


class RashidNetwork:
    """The book's `neuralNetwork(inputnodes, hiddennodes, outputnodes, learningrate)`.

    Weights are drawn from a normal distribution with standard deviation 1/√(incoming links).
    """

    def __init__(self, input_nodes: int, hidden_nodes: int, output_nodes: int, learning_rate: float,
                 seed: int = 0) -> None:
        tg.manual_seed(seed)
        self.learning_rate = learning_rate
        self.W_ih = tg.tensor(tg.randn(hidden_nodes, input_nodes) * input_nodes ** -0.5,
                              requires_grad=True, name="W_ih")
        self.W_ho = tg.tensor(tg.randn(output_nodes, hidden_nodes) * hidden_nodes ** -0.5,
                              requires_grad=True, name="W_ho")

    def query(self, inputs: tg.Tensor) -> tuple[tg.Tensor, tg.Tensor]:
        """Forward pass for column vectors (or several side by side); returns (O_hidden, O_output)."""
        hidden_outputs = (self.W_ih @ inputs).sigmoid()
        return hidden_outputs, (self.W_ho @ hidden_outputs).sigmoid()

    def train(self, inputs: tg.Tensor, targets: tg.Tensor) -> float:
        """One step of gradient descent on ½Σ(T − O)²; returns that error before the step."""
        _, outputs = self.query(inputs)
        error = 0.5 * ((targets - outputs) ** 2).sum()
        error.backward()
        with tg.no_grad():
            for W in (self.W_ih, self.W_ho):
                W -= self.learning_rate * W.grad
                W.grad = None
        return error.item()


def hand_derived_updates(W_ih: np.ndarray, W_ho: np.ndarray, inputs: np.ndarray, targets: np.ndarray,
                         learning_rate: float) -> dict[str, np.ndarray]:
    """The weight changes derived by hand, in plain numpy, for column vectors.

    Returns `W_ho` (the book's ΔW_ho, which is the exact one), `W_ih book` (the book's ΔW_ih,
    errors split back without the output slope) and `W_ih exact` (the chain rule's ΔW_ih).
    """
    hidden_outputs = 1 / (1 + np.exp(-(W_ih @ inputs)))
    final_outputs = 1 / (1 + np.exp(-(W_ho @ hidden_outputs)))
    output_errors = targets - final_outputs
    output_deltas = output_errors * final_outputs * (1 - final_outputs)   # E·O(1−O)
    hidden_slope = hidden_outputs * (1 - hidden_outputs)
    return {
        "W_ho": learning_rate * output_deltas @ hidden_outputs.T,
        "W_ih book": learning_rate * ((W_ho.T @ output_errors) * hidden_slope) @ inputs.T,
        "W_ih exact": learning_rate * ((W_ho.T @ output_deltas) * hidden_slope) @ inputs.T,
    }


def compare_one_step(network: RashidNetwork, inputs: np.ndarray, targets: np.ndarray) -> dict[str, float]:
    """Take one training step on one example; max |autograd change − hand-derived change| per rule."""
    before = {"W_ih": network.W_ih.numpy().copy(), "W_ho": network.W_ho.numpy().copy()}
    expected = hand_derived_updates(before["W_ih"], before["W_ho"], inputs, targets, network.learning_rate)
    network.train(tg.tensor(inputs), tg.tensor(targets))
    after = {"W_ih": network.W_ih.numpy(), "W_ho": network.W_ho.numpy()}
    return {rule: float(np.abs((after[rule[:4]] - before[rule[:4]]) - change).max())
            for rule, change in expected.items()}


def accuracy(network: RashidNetwork, inputs: np.ndarray, labels: np.ndarray) -> float:
    """Share of rows of `inputs` whose largest output is the label (all rows in one matrix product)."""
    with tg.no_grad():
        _, outputs = network.query(tg.tensor(inputs.T))
    return float((outputs.numpy().argmax(axis=0) == labels).mean())


def with_progress_bar(rows: np.ndarray, description: str):
    """A tqdm bar over long epochs (MNIST) when tqdm is installed; the rows unchanged otherwise."""
    if len(rows) < 10_000:
        return rows
    try:
        from tqdm import tqdm
    except ImportError:
        return rows
    return tqdm(rows, desc=description, unit="image", leave=False, mininterval=1.0)


def load_data(mnist_dir: str | None, limit: int | None):
    """(train inputs, train labels, test inputs, test labels, description), inputs scaled to 0.01..1."""
    if mnist_dir is None:
        X_train, X_test, y_train, y_test = load_digits(scale=False)
        description = "scikit-learn's 8x8 digits (seeded 80/20 split)"
        X_train, X_test = rashid_scale(X_train, 16.0), rashid_scale(X_test, 16.0)
    else:
        X_train, y_train = load_mnist(mnist_dir, "train")
        X_test, y_test = load_mnist(mnist_dir, "test")
        description = f"MNIST from {mnist_dir}"
        X_train, X_test = rashid_scale(X_train, 1.0), rashid_scale(X_test, 1.0)
    if limit is not None:
        X_train, y_train = X_train[:limit], y_train[:limit]
        X_test, y_test = X_test[:limit], y_test[:limit]
    return X_train, y_train, X_test, y_test, description


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rashid_mlp", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mnist", metavar="DIR", help="train on MNIST files in DIR instead of the 8x8 digits")
    parser.add_argument("--hidden", type=int, default=100, help="hidden nodes (default 100, as the book)")
    parser.add_argument("--lr", type=float, default=0.3, help="learning rate α (default 0.3, as the book)")
    parser.add_argument("--epochs", type=int, default=10, help="passes over the training set (default 10)")
    parser.add_argument("--limit", type=int, help="use only the first N training and N test examples")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.hidden < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--epochs, --hidden and --limit must be positive")

    X_train, y_train, X_test, y_test, description = load_data(args.mnist, args.limit)
    T_train = one_hot_targets(y_train, 10)
    n_inputs = X_train.shape[1]
    network = RashidNetwork(n_inputs, args.hidden, 10, args.lr, args.seed)
    print(f"Rashid's {n_inputs}-{args.hidden}-10 sigmoid network, no biases, learning rate {args.lr},")
    print(f"trained one example at a time on {description}: "
          f"{len(X_train)} training and {len(X_test)} test images.")

    gaps = compare_one_step(network, X_train[:1].T, T_train[:1].T)
    print("\nOne autograd step on the first image versus the updates derived by hand, "
          "ΔW = α·E·O(1−O)·Oᵀ (max |difference|):")
    print(f"  W_ho, the book's rule:                            {gaps['W_ho']:.1e}")
    print(f"  W_ih, chain rule  (E_hidden = W_hoᵀ·(E·O(1−O))):  {gaps['W_ih exact']:.1e}")
    print(f"  W_ih, the book's shortcut  (E_hidden = W_hoᵀ·E):  {gaps['W_ih book']:.1e}"
          "  <- the book drops the output slope\n")

    order_rng = np.random.default_rng(args.seed)
    for epoch in range(1, args.epochs + 1):
        start, total_error = time.perf_counter(), 0.0
        for row in with_progress_bar(order_rng.permutation(len(X_train)), f"epoch {epoch}"):
            total_error += network.train(tg.tensor(X_train[row:row + 1].T), tg.tensor(T_train[row:row + 1].T))
        print(f"epoch {epoch}/{args.epochs}: mean error ½Σ(T−O)² {total_error / len(X_train):.4f}, "
              f"train accuracy {accuracy(network, X_train, y_train):.4f}, "
              f"{time.perf_counter() - start:.1f} s", flush=True)
    print(f"test accuracy: {accuracy(network, X_test, y_test):.4f}")
    return 0


if __name__ == "__main__":
    main()
