"""A `NeuralNetwork` class with a weight matrix and a bias vector per layer, trained by backprop.

Source: after J. Loy, "How to build your own Neural Network from scratch in Python" (Towards
Data Science, 2018), whose class has two weight matrices; here every layer also has a bias.

The tutorial's structure: an input x, any number of hidden layers, an output ŷ; between layers a
weight matrix W and a bias b; sigmoid activations; the loss is the sum of squared errors
Σ(y − ŷ)². Training repeats "forward, then backward" — here backward is one call, and the chain
rule the tutorial writes out by hand is done by the framework. On four 3-bit examples whose answer
is the XOR of the first two bits, 1,500 iterations drive the loss down step after step, and the
predictions approach the targets.

    python -m tinygrad_edu two_layer_class
    python -m tinygrad_edu two_layer_class --hidden 8 4 --iterations 3000
"""
from __future__ import annotations

import argparse

import numpy as np

import tinygrad_edu as tg

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
Y = np.array([[0], [1], [1], [0]], dtype=np.float64)


class NeuralNetwork:
    """Fully connected sigmoid layers: `layer_sizes = [inputs, hidden..., outputs]`.

    >>> net = NeuralNetwork([3, 4, 1])
    >>> net.forward(tg.tensor(X)).shape
    (4, 1)
    """

    def __init__(self, layer_sizes: list[int], learning_rate: float = 0.5, seed: int = 0) -> None:
        if len(layer_sizes) < 2:
            raise ValueError(f"NeuralNetwork: needs at least an input and an output size, got {layer_sizes}")
        tg.manual_seed(seed)
        self.learning_rate = learning_rate
        self.weights: list[tg.Tensor] = []
        self.biases: list[tg.Tensor] = []
        for layer, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:]), start=1):
            # Uniform in ±1/√n_in keeps the first sigmoids away from their flat tails.
            bound = 1 / np.sqrt(n_in)
            W = tg.tensor(bound * (2 * tg.rand(n_in, n_out).numpy() - 1), requires_grad=True, name=f"W{layer}")
            b = tg.tensor(np.zeros(n_out), requires_grad=True, name=f"b{layer}")
            self.weights.append(W)
            self.biases.append(b)

    def parameters(self) -> list[tg.Tensor]:
        return self.weights + self.biases

    def forward(self, x: tg.Tensor) -> tg.Tensor:
        """a₀ = x, aₖ = σ(aₖ₋₁·Wₖ + bₖ); returns the last a (ŷ)."""
        activation = x
        for W, b in zip(self.weights, self.biases):
            activation = (activation @ W + b).sigmoid()
        return activation

    def loss(self, x: tg.Tensor, y: tg.Tensor) -> tg.Tensor:
        """Sum of squared errors Σ(y − ŷ)²."""
        return ((y - self.forward(x)) ** 2).sum()

    def train_step(self, x: tg.Tensor, y: tg.Tensor) -> float:
        """Forward, backward, one gradient-descent step; returns the loss before the step."""
        loss = self.loss(x, y)
        loss.backward()
        with tg.no_grad():
            for parameter in self.parameters():
                parameter -= self.learning_rate * parameter.grad
                parameter.grad = None
        return loss.item()


def train(hidden: list[int] | None = None, iterations: int = 1500, learning_rate: float = 0.5,
          seed: int = 0) -> tuple[NeuralNetwork, list[float]]:
    """Train on the four examples; returns the network and the loss before every step."""
    network = NeuralNetwork([X.shape[1], *(hidden or [4]), Y.shape[1]], learning_rate, seed)
    x, y = tg.tensor(X), tg.tensor(Y)
    return network, [network.train_step(x, y) for _ in range(iterations)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="two_layer_class", description=__doc__.split("\n\n")[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[4], help="hidden layer sizes (default: 4)")
    parser.add_argument("--iterations", type=int, default=1500, help="training iterations (default 1500)")
    parser.add_argument("--lr", type=float, default=0.5, help="learning rate (default 0.5)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.iterations < 1 or any(size < 1 for size in args.hidden):
        parser.error("--iterations and the hidden sizes must be positive")

    sizes = [X.shape[1], *args.hidden, Y.shape[1]]
    print(f"NeuralNetwork with layer sizes {sizes}, sigmoid activations, loss Σ(y − ŷ)²,")
    print(f"gradient descent with learning rate {args.lr} for {args.iterations} iterations.")
    network, losses = train(args.hidden, args.iterations, args.lr, args.seed)
    every = max(args.iterations // 10, 1)
    for i in range(0, args.iterations, every):
        print(f"  iteration {i:>5}: loss {losses[i]:.6f}")
    with tg.no_grad():
        prediction = network.forward(tg.tensor(X))
        final_loss = network.loss(tg.tensor(X), tg.tensor(Y)).item()
    print(f"  after {args.iterations} iterations: loss {final_loss:.6f}")
    rises = sum(later > earlier for earlier, later in zip(losses, losses[1:]))
    print("the loss fell at every step" if rises == 0 else f"the loss rose at {rises} steps")
    print("predictions:", np.round(prediction.numpy().ravel(), 3).tolist(), " targets:", Y.ravel().tolist())
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
