"""Handwritten digits with a sigmoid MLP trained by backpropagation, next to scikit-learn's MLP.

Sources: the 8x8 digits of E. Alpaydin and C. Kaynak (UCI "Optical Recognition of Handwritten
Digits", 1998) as shipped by scikit-learn (Pedregosa et al., "Scikit-learn: Machine Learning in
Python", JMLR 2011), and its `MLPClassifier`.

scikit-learn's 8x8 digits (1,797 images, pixels 0..16 scaled to 0..1) split 80/20 by a fixed seed.
The model is the textbook one — a hidden layer of sigmoid units, a linear output layer, softmax
cross-entropy — written with `nn.Linear`, `nn.Sigmoid`, `F.cross_entropy` and an optimizer, trained
on shuffled mini-batches. When scikit-learn is installed, its `MLPClassifier` with the same
hidden layer and activation is trained on the same split, for comparison.

    python -m tinygrad_edu digits
    python -m tinygrad_edu digits --optimizer sgd --lr 0.5 --epochs 60 --no-sklearn

The last line is always `test accuracy: 0.XXXX`.
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
from tinygrad_edu.runner import plot_curves


def sigmoid_mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers with a sigmoid between them; the last layer gives logits (no sigmoid)."""
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.Sigmoid()]
    return nn.Sequential(*layers[:-1])


def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    with tg.no_grad():
        return float((model(tg.tensor(X)).numpy().argmax(axis=1) == y).mean())


def make_optimizer(name: str, parameters, lr: float) -> optim.Optimizer:
    if name == "adam":
        return optim.Adam(parameters, lr=lr)
    return optim.SGD(parameters, lr=lr, momentum=0.9)


def train(X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, y_test: np.ndarray,
          hidden: list[int], epochs: int, batch_size: int, optimizer_name: str, lr: float,
          seed: int, log=print, curves: dict | None = None) -> tuple[nn.Module, list[float]]:
    """Train the MLP; `log` gets one line per epoch, `curves` (if given) the points to plot.
    Returns the model and the mean loss per epoch."""
    tg.manual_seed(seed)
    model = sigmoid_mlp([X_train.shape[1], *hidden, int(y_train.max()) + 1])
    optimizer = make_optimizer(optimizer_name, model.parameters(), lr)
    epoch_losses = []
    for epoch in range(1, epochs + 1):
        # The learning rate falls linearly to lr/epochs: big steps early, a quiet finish.
        for group in optimizer.param_groups:
            group["lr"] = lr * (epochs - epoch + 1) / epochs
        start, total, count = time.perf_counter(), 0.0, 0
        model.train()
        for X_batch, y_batch in batches(X_train, y_train, batch_size=batch_size):
            loss = F.cross_entropy(model(tg.tensor(X_batch)), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total, count = total + loss.item() * len(y_batch), count + len(y_batch)
        model.eval()
        epoch_losses.append(total / count)
        train_accuracy, test_accuracy = accuracy(model, X_train, y_train), accuracy(model, X_test, y_test)
        if curves is not None:
            for name, value in (("train loss", epoch_losses[-1]), ("train accuracy", train_accuracy),
                                ("test accuracy", test_accuracy)):
                curves.setdefault(name, []).append((epoch, value))
        log(f"epoch {epoch:>3}/{epochs}: loss {epoch_losses[-1]:.4f}, train accuracy {train_accuracy:.4f}, "
            f"test accuracy {test_accuracy:.4f}, {time.perf_counter() - start:.2f} s")
    return model, epoch_losses


def sklearn_accuracy(X_train, y_train, X_test, y_test, hidden: list[int], epochs: int, batch_size: int,
                     lr: float, seed: int) -> float | None:
    """Test accuracy of scikit-learn's MLPClassifier on the same split, or None without scikit-learn.

    Same hidden layers, logistic activation, Adam, batch size, initial learning rate and number
    of epochs as ours (scikit-learn keeps its learning rate constant).
    """
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    import warnings

    classifier = MLPClassifier(hidden_layer_sizes=tuple(hidden), activation="logistic", solver="adam",
                               batch_size=batch_size, learning_rate_init=lr, max_iter=epochs,
                               random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(X_train, y_train)
    return float(classifier.score(X_test, y_test))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="digits", description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[128], help="hidden layer sizes (default 128)")
    parser.add_argument("--epochs", type=int, default=40, help="passes over the training set (default 40)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--optimizer", choices=["adam", "sgd"], default="adam",
                        help="adam, or sgd with momentum 0.9 (default adam)")
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate at the start, falling linearly (default 0.02 adam, 0.3 sgd)")
    parser.add_argument("--limit", type=int, help="use only the first N training images (quick runs)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the model and the batch order")
    parser.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn's MLPClassifier")
    parser.add_argument("--plot", metavar="FILE.png", help="write the loss and accuracy per epoch to FILE.png")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or min(args.hidden) < 1 or (args.limit or 1) < 1:
        parser.error("--epochs, --batch-size, --hidden and --limit must be positive")
    lr = args.lr if args.lr is not None else (0.02 if args.optimizer == "adam" else 0.3)

    X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=0)
    if args.limit is not None:
        X_train, y_train = X_train[:args.limit], y_train[:args.limit]
    sizes = [X_train.shape[1], *args.hidden, 10]
    print(f"Digits: {len(X_train)} training and {len(X_test)} test images of 8x8 pixels (seeded 80/20 split).")
    print(f"Sigmoid MLP {'-'.join(map(str, sizes))}, softmax cross-entropy, {args.optimizer} (lr {lr}), "
          f"batches of {args.batch_size}, {args.epochs} epochs.", flush=True)
    start = time.perf_counter()
    curves: dict[str, list[tuple[float, float]]] = {}
    model, _ = train(X_train, y_train, X_test, y_test, args.hidden, args.epochs, args.batch_size,
                     args.optimizer, lr, args.seed, log=lambda line: print(line, flush=True), curves=curves)
    ours = accuracy(model, X_test, y_test)
    print(f"trained in {time.perf_counter() - start:.1f} s")
    if args.plot:
        plot_curves(args.plot, curves, title=f"sigmoid MLP {'-'.join(map(str, sizes))} on the 8x8 digits")
        print(f"wrote the curves to {args.plot}")

    if not args.no_sklearn:
        start = time.perf_counter()
        theirs = sklearn_accuracy(X_train, y_train, X_test, y_test, args.hidden, args.epochs,
                                  args.batch_size, 0.02 if args.optimizer == "sgd" else lr, args.seed)
        if theirs is None:
            print("scikit-learn is not installed: no comparison (pip install 'tinygrad_edu[examples]')")
        else:
            print(f"scikit-learn MLPClassifier (same split, sizes, batches and epochs; logistic, adam): test accuracy "
                  f"{theirs:.4f} ({time.perf_counter() - start:.1f} s)")
    print(f"test accuracy: {ours:.4f}")
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
