"""A Tree-LSTM sentiment classifier written one tree at a time, recursively -- and run in batches.

The model is the binary Tree-LSTM of K. S. Tai, R. Socher and C. D. Manning, "Improved Semantic
Representations From Tree-Structured Long Short-Term Memory Networks" (ACL 2015), and the encoder
is three lines of plain recursion:

    def encode(tree):
        if tree is a word: return embed(word), zero
        return cell(encode(tree.left), encode(tree.right))

Run per tree, every composition is a handful of tiny ops and Python's cost per op dominates.
Under `tg.autobatch()` the same code is recorded lazily and the compositions of all trees of a
batch that can run together run as one numpy call each: the method of G. Neubig, Y. Goldberg and
C. Dyer, "On-the-fly operation batching in dynamic computation graphs" (NeurIPS 2017).

The data is generated (nothing to download), in the spirit of the Stanford Sentiment Treebank of
R. Socher et al. (EMNLP 2013): random binary trees over a small vocabulary of positive, negative
and neutral words and the negator "not". A phrase's value is the sum of its words' polarities,
except that "not" next to a phrase flips it; a tree is positive when its value is above zero.
Negation makes the label depend on the tree, not just on the bag of words.

    python examples/treelstm_sentiment.py                 # trains with autobatching
    python examples/treelstm_sentiment.py --eager         # the same code, one tree at a time
    python examples/treelstm_sentiment.py --check         # both ways on one batch: same numbers?
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.runner import rare_garbage_collection

POSITIVE = ["good", "great", "fun", "lovely", "clever"]
NEGATIVE = ["bad", "dull", "awful", "boring", "silly"]
NEUTRAL = ["the", "film", "plot", "actor", "music", "a", "was", "very"]
VOCAB = POSITIVE + NEGATIVE + NEUTRAL + ["not"]
POLARITY = {w: 1 for w in POSITIVE} | {w: -1 for w in NEGATIVE}
NOT = VOCAB.index("not")


def value(tree) -> int:
    """The sentiment of a (sub)tree: words add up, "not" flips its sibling."""
    if isinstance(tree, int):
        return POLARITY.get(VOCAB[tree], 0)
    left, right = tree
    if left == NOT:
        return -value(right)
    return value(left) + value(right)


def random_tree(rng: np.random.Generator, n_words: int):
    """A random binary tree over n_words random words (a word index, or a (left, right) pair)."""
    if n_words == 1:
        return int(rng.integers(0, len(VOCAB)))
    k = int(rng.integers(1, n_words))
    return random_tree(rng, k), random_tree(rng, n_words - k)


def make_data(n: int, seed: int, max_words: int = 12) -> list[tuple]:
    """n (tree, label) pairs, half positive and half negative (neutral trees are skipped)."""
    rng = np.random.default_rng(seed)
    data, counts = [], [0, 0]
    while len(data) < n:
        tree = random_tree(rng, int(rng.integers(2, max_words + 1)))
        v = value(tree)
        label = int(v > 0)
        if v != 0 and counts[label] < (n + 1) // 2:
            counts[label] += 1
            data.append((tree, label))
    return data


class TreeSentiment(nn.Module):
    """Word embeddings -> recursive Tree-LSTM -> linear -> 2 logits."""

    def __init__(self, hidden: int = 32, dtype=np.float32) -> None:
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), hidden, dtype=dtype)
        self.cell = nn.TreeLSTMCell(hidden, dtype=dtype)
        self.out = nn.Linear(hidden, 2, dtype=dtype)
        self.zero = tg.zeros(1, hidden, dtype=dtype)  # a word's memory cell starts empty

    def encode(self, tree):
        if isinstance(tree, int):
            return self.embed(tg.tensor([tree])), self.zero
        return self.cell(self.encode(tree[0]), self.encode(tree[1]))

    def forward(self, tree) -> tg.Tensor:
        return self.out(self.encode(tree)[0])  # (1, 2) logits


def batch_loss(model: TreeSentiment, batch: list[tuple], autobatch: bool) -> tg.Tensor:
    """The mean cross-entropy of a batch, written per tree; batched by tg.autobatch if asked."""
    with tg.autobatch(enabled=autobatch):
        losses = [F.cross_entropy(model(tree), tg.tensor([label])) for tree, label in batch]
        return tg.stack(losses).mean()


def accuracy(model: TreeSentiment, data: list[tuple], autobatch: bool, batch_size: int = 128) -> float:
    correct = 0
    with tg.no_grad():
        for start in range(0, len(data), batch_size):
            batch = data[start:start + batch_size]
            with tg.autobatch(enabled=autobatch):
                logits = [model(tree) for tree, _ in batch]
            correct += sum(int(l.numpy().argmax() == label) for l, (_, label) in zip(logits, batch))
    return correct / len(data)


def train(args) -> dict:
    tg.manual_seed(args.seed)
    train_data = make_data(args.n_train, seed=args.seed)
    test_data = make_data(args.n_test, seed=args.seed + 1000)
    model = TreeSentiment(args.hidden)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(args.seed)
    mode = "eager, one tree at a time" if args.eager else "tg.autobatch()"
    print(f"Tree-LSTM sentiment: {len(train_data)} training and {len(test_data)} test trees, "
          f"hidden {args.hidden}, batches of {args.batch_size}, {mode}")
    trees = 0
    seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(train_data))
        total = 0.0
        for start in range(0, len(order), args.batch_size):
            batch = [train_data[i] for i in order[start:start + args.batch_size]]
            began = time.process_time()
            loss = batch_loss(model, batch, autobatch=not args.eager)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seconds += time.process_time() - began
            trees += len(batch)
            total += loss.item() * len(batch)
        acc = accuracy(model, test_data, autobatch=not args.eager)
        print(f"epoch {epoch}: loss {total / len(train_data):.4f}, test accuracy {acc:.3f}, "
              f"{trees / seconds:.0f} trees/s (forward, backward and Adam step; CPU time)")
    return {"accuracy": acc, "trees_per_s": trees / seconds}


def check(args) -> float:
    """One batch both ways: the loss and every gradient must agree (float64)."""
    tg.manual_seed(args.seed)
    model = TreeSentiment(args.hidden, dtype=np.float64)
    batch = make_data(args.batch_size, seed=args.seed)
    results = []
    for autobatch in (False, True):
        model.zero_grad()
        loss = batch_loss(model, batch, autobatch)
        loss.backward()
        results.append([loss.numpy()] + [p.grad.numpy().copy() for p in model.parameters()])
    difference = max(float(np.abs(a - b).max()) for a, b in zip(*results))
    print(f"one batch of {len(batch)} trees, eager vs tg.autobatch(): largest difference in the loss "
          f"and the gradients {difference:.1e}")
    return difference


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eager", action="store_true", help="run one tree at a time (no autobatch)")
    parser.add_argument("--check", action="store_true", help="compare both ways on one batch and stop")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--n-train", type=int, default=2000)
    parser.add_argument("--n-test", type=int, default=500)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    with rare_garbage_collection():
        return check(args) if args.check else train(args)


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
