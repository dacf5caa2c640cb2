"""A Tree-LSTM encoding one tree at a time (forward + backward per tree): tinygrad_edu's
`nn.TreeLSTMCell` against the same math written by hand in numpy and, when installed, PyTorch
with one thread.

The model (the binary Tree-LSTM of Tai, Socher and Manning, "Improved Semantic Representations
From Tree-Structured Long Short-Term Memory Networks", 2015), in float64:
  - a leaf is a word: h = its row of the embedding matrix E (vocabulary x H), c = 0;
  - an internal node composes its children (h_l, c_l) and (h_r, c_r):
        [i, f_l, f_r, o, a] = W_l h_l + b_l + W_r h_r            (five blocks of H rows)
        c = σ(i)·tanh(a) + σ(f_l)·c_l + σ(f_r)·c_r,    h = σ(o)·tanh(c)
  - the loss is the cross-entropy of a classifier W_o h + b_o (5 classes) on the root's h;
  - backward reaches every parameter: E, W_l, b_l, W_r, W_o, b_o.
Each tree is a random binary tree over random words. One timed call encodes a fixed set of trees
one after another, each with its own forward and backward, the gradients adding up over the set.

    python bench/treelstm.py [--rounds 9] [--repeats 3] [--trees 20] [--hidden 64] [--leaves 16]
                             [--json bench/results/treelstm.json] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats

import numpy as np
from report import write_report  # bench/report.py (the script's folder is on sys.path)
from timing import measure, torch_one_thread

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

VOCABULARY = 50
CLASSES = 5
PARAMETERS = ("E", "W_l", "b_l", "W_r", "W_o", "b_o")


# ---- the workload: trees, labels and one set of weights shared by every implementation ----------
def random_tree(rng, words: list[int]):
    """A random binary tree over `words` in order: a leaf is a word (an int), a node a pair."""
    if len(words) == 1:
        return words[0]
    k = int(rng.integers(1, len(words)))
    return (random_tree(rng, words[:k]), random_tree(rng, words[k:]))


def make_trees(seed: int, count: int, leaves: int) -> list[tuple[object, int]]:
    """`count` (tree, label) pairs, each tree with `leaves` random words."""
    rng = np.random.default_rng(seed)
    return [(random_tree(rng, rng.integers(0, VOCABULARY, leaves).tolist()), int(rng.integers(CLASSES)))
            for _ in range(count)]


def map_leaves(tree, fn):
    """The same tree with every leaf (word) replaced by fn(word)."""
    if isinstance(tree, tuple):
        return (map_leaves(tree[0], fn), map_leaves(tree[1], fn))
    return fn(tree)


def make_weights(seed: int, hidden: int) -> dict[str, np.ndarray]:
    """PyTorch's default scales: N(0, 1) embeddings, U(-1/√H, 1/√H) linear layers."""
    rng = np.random.default_rng(seed)
    bound = 1 / np.sqrt(hidden)

    def uniform(*shape):
        return rng.uniform(-bound, bound, shape)

    return {"E": rng.standard_normal((VOCABULARY, hidden)), "W_l": uniform(5 * hidden, hidden),
            "b_l": uniform(5 * hidden), "W_r": uniform(5 * hidden, hidden),
            "W_o": uniform(CLASSES, hidden), "b_o": uniform(CLASSES)}


# ---- 1. numpy, the chain rule by hand (the floor) ------------------------------------------------
def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


class NumpyTreeLSTM:
    """Forward keeps, per node, what backward needs; backward walks the tree again, top down."""

    def __init__(self, w: dict[str, np.ndarray]) -> None:
        self.w = {k: v.copy() for k, v in w.items()}
        self.H = w["E"].shape[1]
        self.grad = {k: np.zeros_like(v) for k, v in self.w.items()}

    def encode(self, tree):
        """A leaf: (h, c, word). A node: (h, c, left, right, σ(i), σ(f_l), σ(f_r), σ(o), tanh(a), tanh(c))."""
        if not isinstance(tree, tuple):
            return (self.w["E"][tree], np.zeros(self.H), tree)
        left, right = self.encode(tree[0]), self.encode(tree[1])
        H, w = self.H, self.w
        z = w["W_l"] @ left[0] + w["b_l"] + w["W_r"] @ right[0]
        gates = sigmoid(z[: 4 * H])
        i, f_l, f_r, o = gates[:H], gates[H : 2 * H], gates[2 * H : 3 * H], gates[3 * H :]
        a = np.tanh(z[4 * H :])
        c = i * a + f_l * left[1] + f_r * right[1]
        t = np.tanh(c)
        return (o * t, c, left, right, i, f_l, f_r, o, a, t)

    def backward(self, node, dh: np.ndarray, dc: np.ndarray) -> None:
        """Add this node's share of every gradient, given ∂loss/∂h and ∂loss/∂c of the node."""
        g = self.grad
        if len(node) == 3:  # a leaf: h is a row of E; c is a constant zero, so dc goes nowhere
            g["E"][node[2]] += dh
            return
        _, _, left, right, i, f_l, f_r, o, a, t = node
        dc = dc + dh * o * (1 - t * t)  # c reaches the loss directly and through h = o·tanh(c)
        dz = np.concatenate([dc * a * i * (1 - i), dc * left[1] * f_l * (1 - f_l),
                             dc * right[1] * f_r * (1 - f_r), dh * t * o * (1 - o), dc * i * (1 - a * a)])
        g["W_l"] += np.outer(dz, left[0])
        g["b_l"] += dz
        g["W_r"] += np.outer(dz, right[0])
        self.backward(left, self.w["W_l"].T @ dz, dc * f_l)
        self.backward(right, self.w["W_r"].T @ dz, dc * f_r)

    def tree_step(self, tree, label: int) -> float:
        root = self.encode(tree)
        h = root[0]
        logits = self.w["W_o"] @ h + self.w["b_o"]
        shifted = logits - logits.max()
        log_probs = shifted - np.log(np.exp(shifted).sum())
        dlogits = np.exp(log_probs)  # ∂(-log p_y)/∂logits = softmax - onehot(y)
        dlogits[label] -= 1
        self.grad["W_o"] += np.outer(dlogits, h)
        self.grad["b_o"] += dlogits
        self.backward(root, self.w["W_o"].T @ dlogits, np.zeros(self.H))
        return -log_probs[label]

    def run(self, trees) -> float:
        """Zero the gradients, then forward + backward of each tree in turn; the summed loss."""
        for g in self.grad.values():
            g.fill(0)
        return sum(self.tree_step(tree, label) for tree, label in trees)

    def gradients(self) -> dict[str, np.ndarray]:
        return self.grad


# ---- 2. tinygrad_edu, written recursively ----------------------------------------------------------
class OursTreeLSTM:
    def __init__(self, w: dict[str, np.ndarray], trees) -> None:
        H = w["E"].shape[1]
        self.embed = nn.Embedding(VOCABULARY, H, dtype=np.float64)
        self.cell = nn.TreeLSTMCell(H, dtype=np.float64)
        self.out = nn.Linear(H, CLASSES, dtype=np.float64)
        self.params = {"E": self.embed.weight, "W_l": self.cell.left.weight, "b_l": self.cell.left.bias,
                       "W_r": self.cell.right.weight, "W_o": self.out.weight, "b_o": self.out.bias}
        for k, p in self.params.items():
            p.data[...] = w[k]
        self.zero = tg.zeros(1, H, dtype=np.float64)  # every leaf's c
        # Each leaf holds its word as a (1,) index tensor; the label is a (1,) class tensor.
        self.trees = [(map_leaves(tree, lambda word: tg.tensor([word])), tg.tensor([label]))
                      for tree, label in trees]

    def encode(self, tree):
        if not isinstance(tree, tuple):
            return self.embed(tree), self.zero
        return self.cell(self.encode(tree[0]), self.encode(tree[1]))

    def run(self) -> float:
        for p in self.params.values():
            p.grad = None
        total = 0.0
        for tree, label in self.trees:
            h, _ = self.encode(tree)
            loss = F.cross_entropy(self.out(h), label)
            loss.backward()
            total += loss.item()
        return total

    def gradients(self) -> dict[str, np.ndarray]:
        return {k: p.grad.numpy() for k, p in self.params.items()}


# ---- 3. PyTorch, the same recursive code -----------------------------------------------------------
def torch_model(torch, w: dict[str, np.ndarray], trees):
    """The same model with torch modules (torch has no Tree-LSTM cell: it is written out here)."""
    tnn = torch.nn

    class TreeLSTMCell(tnn.Module):
        def __init__(self, hidden: int) -> None:
            super().__init__()
            self.hidden = hidden
            self.left = tnn.Linear(hidden, 5 * hidden, dtype=torch.float64)
            self.right = tnn.Linear(hidden, 5 * hidden, bias=False, dtype=torch.float64)

        def forward(self, left, right):
            (h_l, c_l), (h_r, c_r) = left, right
            H = self.hidden
            z = self.left(h_l) + self.right(h_r)
            gates = torch.sigmoid(z[:, : 4 * H])
            i, f_l, f_r, o = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H : 3 * H], gates[:, 3 * H :]
            c = i * torch.tanh(z[:, 4 * H :]) + f_l * c_l + f_r * c_r
            return o * torch.tanh(c), c

    class TorchTreeLSTM:
        def __init__(self) -> None:
            H = w["E"].shape[1]
            self.embed = tnn.Embedding(VOCABULARY, H, dtype=torch.float64)
            self.cell = TreeLSTMCell(H)
            self.out = tnn.Linear(H, CLASSES, dtype=torch.float64)
            self.params = {"E": self.embed.weight, "W_l": self.cell.left.weight, "b_l": self.cell.left.bias,
                           "W_r": self.cell.right.weight, "W_o": self.out.weight, "b_o": self.out.bias}
            with torch.no_grad():
                for k, p in self.params.items():
                    p.copy_(torch.from_numpy(w[k]))
            self.zero = torch.zeros(1, H, dtype=torch.float64)
            self.trees = [(map_leaves(tree, lambda word: torch.tensor([word])), torch.tensor([label]))
                          for tree, label in trees]

        def encode(self, tree):
            if not isinstance(tree, tuple):
                return self.embed(tree), self.zero
            return self.cell(self.encode(tree[0]), self.encode(tree[1]))

        def run(self) -> float:
            for p in self.params.values():
                p.grad = None
            total = 0.0
            for tree, label in self.trees:
                h, _ = self.encode(tree)
                loss = tnn.functional.cross_entropy(self.out(h), label)
                loss.backward()
                total += loss.item()
            return total

        def gradients(self) -> dict[str, np.ndarray]:
            return {k: p.grad.numpy() for k, p in self.params.items()}

    return TorchTreeLSTM()


# ---- checking and timing ---------------------------------------------------------------------------
def implementations(w, trees, torch) -> dict:
    """name -> (model, a call that runs forward + backward over all `trees`)."""
    numpy_model = NumpyTreeLSTM(w)
    models = {"numpy (by hand)": (numpy_model, lambda: numpy_model.run(trees))}
    ours = OursTreeLSTM(w, trees)
    models["tinygrad_edu"] = (ours, ours.run)
    if torch is not None:
        theirs = torch_model(torch, w, trees)
        models["pytorch (1 thread)"] = (theirs, theirs.run)
    return models


def check_same_math(hidden: int, leaves: int, torch) -> float:
    """Every implementation gives the numpy floor's loss and gradients (to 1e-10) on fixed trees;
    returns the largest difference seen."""
    w, trees = make_weights(7, hidden), make_trees(7, 2, leaves)
    models = implementations(w, trees, torch)
    floor_model, floor_run = models["numpy (by hand)"]
    floor_loss = floor_run()
    floor_grads = floor_model.gradients()
    worst = 0.0
    for name, (model, run) in list(models.items())[1:]:
        loss = run()
        np.testing.assert_allclose(loss, floor_loss, rtol=1e-10, atol=1e-12, err_msg=f"{name}: loss")
        for k, g in model.gradients().items():
            np.testing.assert_allclose(g, floor_grads[k], rtol=1e-10, atol=1e-12, err_msg=f"{name}: grad {k}")
            worst = max(worst, float(np.abs(g - floor_grads[k]).max()))
    return worst


def print_table(title: str, results: dict[str, dict], trees: int) -> None:
    print(title)
    print(f"  {'implementation':<22} {'trees/s':>9} {'ms/tree':>9} {'throughput vs numpy (p10-p90)':>31}")
    for name, r in results.items():
        spread = f"{r['ratio']:.2f} ({r['ratio_p10']:.2f}-{r['ratio_p90']:.2f})"
        print(f"  {name:<22} {trees / r['seconds']:>9.0f} {r['seconds'] * 1e3 / trees:>9.3f} {spread:>31}")


def profile(run, calls: int, top: int = 15) -> None:
    """cProfile of `calls` calls of tinygrad_edu's run, the `top` functions by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        run()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--repeats", type=int, default=3, help="calls per round and implementation")
    parser.add_argument("--trees", type=int, default=20, help="trees per call")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--leaves", type=int, default=16, help="leaves (words) per tree")
    parser.add_argument("--json", default="bench/results/treelstm.json")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of tinygrad_edu")
    args = parser.parse_args(argv)
    if args.hidden < 1 or args.leaves < 1 or args.trees < 1:
        parser.error("--hidden, --leaves and --trees must be positive")

    torch = torch_one_thread()
    worst = check_same_math(args.hidden, args.leaves, torch)
    print(f"same loss and gradients in every implementation (largest difference {worst:.1e})")
    trees = make_trees(0, args.trees, args.leaves)
    models = implementations(make_weights(0, args.hidden), trees, torch)
    results = measure({name: run for name, (_, run) in models.items()}, args.rounds, args.repeats)
    for r in results.values():
        r["trees_per_s"] = args.trees / r["seconds"]
    print_table(f"Tree-LSTM, one tree at a time: {args.trees} trees of {args.leaves} leaves, hidden "
                f"{args.hidden}, float64, forward + backward; medians of {args.rounds} interleaved "
                f"rounds (CPU time)", results, args.trees)
    if args.profile:
        profile(models["tinygrad_edu"][1], max(1, args.repeats))
    report = {"workload": "binary Tree-LSTM (Tai et al. 2015), one tree at a time, forward + backward, "
                          "cross-entropy on the root, float64",
              "hidden": args.hidden, "leaves": args.leaves, "trees_per_call": args.trees,
              "rounds": args.rounds, "repeats": args.repeats, "largest_difference": worst,
              "results": results}
    return write_report(report, args.json)


if __name__ == "__main__":
    main()
