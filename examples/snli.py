"""Natural language inference with SPINN: does the premise entail, contradict, or say nothing
about the hypothesis?

Sources: S. R. Bowman, G. Angeli, C. Potts and C. D. Manning, "A large annotated corpus for learning
natural language inference" (EMNLP, 2015), the SNLI corpus; Bowman et al., "A Fast Unified Model for
Parsing and Sentence Understanding" (ACL, 2016), SPINN; J. Bradbury, "Recursive Neural Networks with
PyTorch" (NVIDIA Developer Blog, 2017), the batched PyTorch version followed here.

Premise and hypothesis are each encoded by the same SPINN along their binary parses; the two
vectors p and h become the features [p; h; p - h; p * h], and an MLP picks one of
entailment / neutral / contradiction (the setup of the PyTorch SPINN example).

Without `--data` it trains on the small sample bundled with the package (a few dozen made-up
pairs in SNLI's format) and reports how well it fits them: a demonstration that everything runs,
not a measurement. With `--data DIR` it reads the real corpus (snli_1.0_train.jsonl,
snli_1.0_dev.jsonl, snli_1.0_test.jsonl) and reports test accuracy.

    python -m tinygrad_edu snli                                   # the bundled sample
    python -m tinygrad_edu snli --data snli_1.0 --n-train 20000   # the real thing, in part
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.data import SNLI_LABELS, SNLIExample, Vocabulary, read_snli, snli_sample_path
from tinygrad_edu.runner import plot_curves, progress, rare_garbage_collection


class SNLIClassifier(nn.Module):
    """Embeddings -> SPINN for both sentences -> [p; h; p - h; p * h] -> MLP -> 3 logits."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, tracker_size: int | None,
                 dtype=None) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, dtype=dtype)
        self.encoder = nn.SPINN(embed_size, hidden_size, tracker_size, dtype=dtype)
        self.classifier = nn.Sequential(
            nn.Linear(4 * hidden_size, hidden_size, dtype=dtype), nn.ReLU(),
            nn.Linear(hidden_size, len(SNLI_LABELS), dtype=dtype),
        )

    def forward(self, token_ids: list[np.ndarray], transitions: list[list[str]]) -> tg.Tensor:
        """`token_ids` and `transitions` hold the premises of the batch, then its hypotheses."""
        # One lookup for every distinct word of the batch, so that the backward pass scatters
        # into the (large) embedding table once per batch instead of once per sentence.
        distinct, where = np.unique(np.concatenate(token_ids), return_inverse=True)
        table = self.embed(distinct)
        embeddings, start = [], 0
        for ids in token_ids:
            embeddings.append(table[where[start : start + len(ids)]])
            start += len(ids)
        vectors = self.encoder(embeddings, transitions)  # premises and hypotheses in one batch
        n = len(token_ids) // 2
        p, h = vectors[:n], vectors[n:]
        return self.classifier(tg.cat([p, h, p - h, p * h], 1))


def batch_inputs(batch: list[SNLIExample], vocab: Vocabulary) -> tuple[list[np.ndarray], list[list[str]]]:
    ids = [vocab.encode(e.premise_tokens) for e in batch] + [vocab.encode(e.hypothesis_tokens) for e in batch]
    transitions = [e.premise_transitions for e in batch] + [e.hypothesis_transitions for e in batch]
    return ids, transitions


def length_batches(examples: list[SNLIExample], batch_size: int, rng: np.random.Generator) -> list[list[SNLIExample]]:
    """Batches of pairs with similar longest parse, in random order (see examples/listops.py)."""
    lengths = np.array([max(len(e.premise_transitions), len(e.hypothesis_transitions)) for e in examples])
    order = np.lexsort((rng.random(len(examples)), lengths))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return [[examples[i] for i in batches[k]] for k in rng.permutation(len(batches))]


def accuracy(model: SNLIClassifier, examples: list[SNLIExample], vocab: Vocabulary, batch_size: int = 128) -> float:
    correct = 0
    with tg.no_grad():
        for batch in length_batches(examples, batch_size, np.random.default_rng(0)):
            predicted = model(*batch_inputs(batch, vocab)).data.argmax(1)
            correct += int((predicted == np.array([e.label for e in batch])).sum())
    return correct / max(len(examples), 1)


def load_data(args) -> tuple[list[SNLIExample], list[SNLIExample], list[SNLIExample] | None, str]:
    """(train, dev, test, description); on the bundled sample all three are the sample."""
    if args.data is None:
        sample = read_snli(snli_sample_path(), limit=args.n_train)
        return sample, sample, None, f"the bundled sample ({snli_sample_path().name})"
    folder = Path(args.data)
    paths = {split: folder / f"snli_1.0_{split}.jsonl" for split in ("train", "dev", "test")}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise SystemExit(f"snli: missing {', '.join(missing)} (expected the snli_1.0 jsonl files)")
    train = read_snli(paths["train"], limit=args.n_train)
    dev = read_snli(paths["dev"], limit=args.n_eval)
    test = read_snli(paths["test"], limit=args.n_eval)
    return train, dev, test, str(folder)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tinygrad_edu snli",
        description="Train a SPINN sentence-pair classifier on SNLI (or on the bundled sample).",
    )
    parser.add_argument("--data", default=None, metavar="DIR", help="folder with snli_1.0_{train,dev,test}.jsonl")
    parser.add_argument("--n-train", type=int, default=None, help="read at most this many training pairs")
    parser.add_argument("--n-eval", type=int, default=None, help="read at most this many dev/test pairs")
    parser.add_argument("--epochs", type=int, default=None, help="default: 20 on the sample, 3 on SNLI")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--embed", type=int, default=32, help="word embedding size (default 32)")
    parser.add_argument("--hidden", type=int, default=32, help="Tree-LSTM hidden size (default 32)")
    parser.add_argument("--tracker", type=int, default=16, help="tracker LSTM size, 0 for none (default 16)")
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--min-count", type=int, default=1, help="drop words seen fewer times (default 1)")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", metavar="FILE.png", help="write the loss and accuracy per epoch to FILE.png")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    train_and_test(parse_args(argv))


def train_and_test(args: argparse.Namespace) -> float:
    """Train as `args` say, print progress, return the final (test, or sample) accuracy."""
    tg.manual_seed(args.seed)
    train, dev, test, source = load_data(args)
    if not train:
        raise SystemExit("snli: no training pairs")
    epochs = args.epochs if args.epochs is not None else (20 if args.data is None else 3)
    vocab = Vocabulary.build(
        [e.premise_tokens for e in train] + [e.hypothesis_tokens for e in train], min_count=args.min_count
    )
    print(f"SNLI: {len(train)} training pairs from {source}, vocabulary of {len(vocab)} words")
    model = SNLIClassifier(len(vocab), args.embed, args.hidden, args.tracker or None, dtype=np.dtype(args.dtype))
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    curves: dict[str, list[tuple[float, float]]] = {"train loss": [], "train accuracy": [], "dev accuracy": []}
    with rare_garbage_collection():  # (runner.py: the tape has no reference cycles)
        for epoch in range(1, epochs + 1):
            epoch_start = time.perf_counter()
            total_loss = correct = 0
            batches = length_batches(train, args.batch_size, rng)
            bar = progress(batches, description=f"epoch {epoch}/{epochs}", unit="batch",
                           enabled=len(train) >= 2000 and not args.no_progress)
            for batch in bar:
                labels = np.array([e.label for e in batch])
                logits = model(*batch_inputs(batch, vocab))
                loss = F.cross_entropy(logits, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total_loss += loss.item() * len(batch)
                correct += int((logits.data.argmax(1) == labels).sum())
            seconds = time.perf_counter() - epoch_start
            dev_accuracy = accuracy(model, dev, vocab) if args.data is not None else None
            dev_note = f"  dev accuracy {dev_accuracy:.4f}" if dev_accuracy is not None else ""
            curves["train loss"].append((epoch, total_loss / len(train)))
            curves["train accuracy"].append((epoch, correct / len(train)))
            if dev_accuracy is not None:
                curves["dev accuracy"].append((epoch, dev_accuracy))
            print(f"epoch {epoch}/{epochs}  loss {total_loss / len(train):.4f}  train accuracy "
                  f"{correct / len(train):.4f}{dev_note}  {len(train) / seconds:.0f} pairs/s", flush=True)
        if test is None:
            final = accuracy(model, train, vocab)
            print(f"total time {time.perf_counter() - start:.0f} s")
            print(f"accuracy: {final:.4f} (on the {len(train)} sample pairs it was trained on)")
        else:
            final = accuracy(model, test, vocab)
            print(f"total time {time.perf_counter() - start:.0f} s")
            print(f"test accuracy: {final:.4f}")
    if args.plot:
        plot_curves(args.plot, curves, title="SPINN on SNLI")
        print(f"wrote the curves to {args.plot}")
    return final


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
