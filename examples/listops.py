"""Train a SPINN encoder on ListOps: compute nested lists of MIN, MAX, MED and SM over digits.

    [MAX 2 9 [MIN 4 7 ] 0 ]   ->   9

ListOps is the diagnostic task of N. Nangia and S. R. Bowman, "ListOps: A Diagnostic Dataset for
Latent Tree Learning" (NAACL Student Research Workshop, 2018). Each expression comes with its
tree (left-branching inside each list) as SHIFT/REDUCE transitions; the encoder composes the
tokens along that tree with a Tree-LSTM cell, and a small MLP reads the root's vector and picks
one of the ten digits (the majority class is about 11%).

Two ways to run it:

- the quick default: expressions of depth <= 5 and <= 100 tokens, about three minutes, about 94%;
- `--paper`: the paper's distribution (any depth up to 19, up to ~1400 tokens; 90,000 training
  and 10,000 test expressions, all distinct, as the published files) with the two-stage recipe:
  97.3% in 19 minutes; with fresh expressions for the second stage
  (`--paper --n-train 360000 --epochs 3`) 98.5% in 21 minutes on 2 cores (docs/tree-models.md
  lists every run tried).

The schedule: first a warm-up on short expressions (<= 10 tokens: nearly all one flat list),
then passes over all training expressions while the learning rate falls linearly to zero.
Without the warm-up, SM (sum mod 10) stays at chance for a long time: in a deep expression its
signal is buried under the nested lists. Batches group expressions of similar length, because
the batched encoder runs as many rounds as the longest member of its batch needs.

    python -m tinygrad_edu listops                                   # the quick default
    python -m tinygrad_edu listops --paper --save listops.npz        # the paper's distribution
    python -m tinygrad_edu listops --eval basic_test.tsv --load listops.npz   # score a saved model
    python -m tinygrad_edu listops --data DIR                        # train on TSVs in DIR
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
from tinygrad_edu.data import (
    LISTOPS_VOCAB,
    ListOpsExample,
    encode_listops,
    generate_listops,
    generate_listops_paper,
    read_listops_tsv,
    sublists,
)
from tinygrad_edu.runner import plot_curves, progress, rare_garbage_collection

N_CLASSES = 10
LENGTH_BUCKETS = ((0, 50, "<= 50"), (51, 200, "51-200"), (201, 500, "201-500"), (501, None, "> 500"))

# The recipe of `--paper`, found by the runs listed in docs/tree-models.md.
PAPER_RECIPE = {"n_test": 10_000, "hidden": 64, "short_epochs": 14, "warmup_steps": 3000, "lr": 3e-3,
                "epochs": 5, "long_lr": 1e-3, "batch_size": 64}


class ListOpsModel(nn.Module):
    """Token embeddings -> SPINN -> MLP -> 10 logits."""

    def __init__(self, embed_size: int, hidden_size: int, tracker_size: int | None = None, dtype=None) -> None:
        super().__init__()
        self.config = {"embed": embed_size, "hidden": hidden_size, "tracker": tracker_size or 0,
                       "dtype": np.dtype(dtype or np.float32).name}
        self.embed = nn.Embedding(len(LISTOPS_VOCAB), embed_size, dtype=dtype)
        self.encoder = nn.SPINN(embed_size, hidden_size, tracker_size, dtype=dtype)
        self.classifier = nn.Sequential(
            nn.Linear(hidden_size, hidden_size, dtype=dtype), nn.ReLU(),
            nn.Linear(hidden_size, N_CLASSES, dtype=dtype),
        )

    autobatch = False  # --autobatch: the one-at-a-time encoder under tg.autobatch()

    def forward(self, examples: list[ListOpsExample], batched: bool = True) -> tg.Tensor:
        with tg.autobatch(enabled=self.autobatch):
            embeddings = [self.embed(encode_listops(e.tokens)) for e in examples]
            roots = self.encoder(embeddings, [e.transitions for e in examples],
                                 batched=batched and not self.autobatch)
        return self.classifier(roots)


def save_model(model: ListOpsModel, path: str | Path) -> None:
    """The sizes and the weights in one file (`tg.save`), so `load_model` can rebuild it."""
    tg.save({"model": "ListOpsModel", "config": dict(model.config), "state": model.state_dict()}, path)


def load_model(path: str | Path) -> ListOpsModel:
    saved = tg.load(path)
    if not isinstance(saved, dict) or saved.get("model") != "ListOpsModel":
        raise SystemExit(f"listops: {path} was not written by `listops --save`")
    config = saved["config"]
    model = ListOpsModel(config["embed"], config["hidden"], config["tracker"] or None, dtype=np.dtype(config["dtype"]))
    model.load_state_dict(saved["state"])
    return model


def length_batches(
    examples: list[ListOpsExample], batch_size: int, rng: np.random.Generator
) -> list[list[ListOpsExample]]:
    """Batches of similar transition counts, in random order; ties are broken at random so the
    batches differ from epoch to epoch."""
    lengths = np.array([len(e.transitions) for e in examples])
    order = np.lexsort((rng.random(len(examples)), lengths))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return [[examples[i] for i in batches[k]] for k in rng.permutation(len(batches))]


def predict(model: ListOpsModel, examples: list[ListOpsExample], batch_size: int = 128,
            show_progress: bool = False) -> np.ndarray:
    """The predicted value of each expression, in the order given."""
    predicted = np.zeros(len(examples), dtype=np.int64)
    order = np.argsort([len(e.transitions) for e in examples], kind="stable")
    starts = range(0, len(order), batch_size)
    with tg.no_grad():
        for start in progress(starts, description="testing", enabled=show_progress, unit="batch"):
            rows = order[start : start + batch_size]
            predicted[rows] = model([examples[i] for i in rows]).data.argmax(1)
    return predicted


def clip_grad_norm(params: list[tg.Tensor], max_norm: float) -> float:
    """Scale all gradients down together so that their joint L2 norm is at most `max_norm`."""
    grads = [p.grad.data for p in params if p.grad is not None]
    norm = float(np.sqrt(sum(float((g.astype(np.float64) ** 2).sum()) for g in grads)))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm
    return norm


def accuracy_report(examples: list[ListOpsExample], correct: np.ndarray) -> list[str]:
    """Accuracy with the number of examples: by length bucket, by depth and by outer operator."""
    lengths = np.array([len(e.tokens) for e in examples])
    depths = np.array([e.depth for e in examples])
    operators = np.array([e.operator for e in examples])

    def cell(mask: np.ndarray, name: str) -> str:
        count = int(mask.sum())
        return f"{name} {correct[mask].mean():.4f} (n={count})" if count else f"{name} - (n=0)"

    buckets = [cell((lengths >= low) & (lengths <= (high or lengths.max())), name)
               for low, high, name in LENGTH_BUCKETS]
    depth_cells = [cell(depths == d, str(d)) for d in range(0, 6) if (depths == d).any()]
    if (depths > 5).any():
        depth_cells += [cell((depths > 5) & (depths <= 10), "6-10"), cell(depths > 10, "> 10")]
    operator_cells = [cell(operators == op, op) for op in ("MIN", "MAX", "MED", "SM", "digit")
                      if (operators == op).any()]
    return [
        "accuracy by length (tokens): " + "  ".join(buckets),
        "accuracy by depth:           " + "  ".join(depth_cells),
        "accuracy by outer operator:  " + "  ".join(operator_cells),
    ]


def score(model: ListOpsModel, examples: list[ListOpsExample], show_progress: bool = False) -> np.ndarray:
    """Print the accuracy report; return which of `examples` the model got right."""
    correct = predict(model, examples, show_progress=show_progress) == np.array([e.label for e in examples])
    for line in accuracy_report(examples, correct):
        print(line)
    return correct


def _tsv_files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(f"*{pattern}*.tsv")) + sorted(folder.glob(f"*{pattern}*.txt"))


def load_data(args) -> tuple[list[ListOpsExample], list[ListOpsExample], str]:
    """Training and test expressions as `args` say; `--max-length` limits the training data only."""
    if args.data is not None:
        folder = Path(args.data)
        train_files, test_files = _tsv_files(folder, "train"), _tsv_files(folder, "test")
        if not train_files or not test_files:
            raise SystemExit(f"listops: {folder} needs a *train*.tsv and a *test*.tsv file "
                             f"(e.g. basic_train.tsv and basic_test.tsv)")
        train, test = read_listops_tsv(train_files[0]), read_listops_tsv(test_files[0])
        source = f"{train_files[0].name} / {test_files[0].name}"
    elif args.paper:
        n_train = 90_000 if args.n_train is None else args.n_train
        train, test = generate_listops_paper(n_train, args.n_test, seed=args.seed)
        source = "generated as in Nangia & Bowman 2018 (lists nest up to 19 deep, all expressions distinct)"
    else:
        n_train = 60000 if args.n_train is None else args.n_train
        test = generate_listops(args.n_test, max_depth=args.depth, max_length=args.max_length, seed=args.seed + 1)
        train = generate_listops(n_train, max_depth=args.depth, max_length=args.max_length, seed=args.seed)
        source = f"generated (depth <= {args.depth}, length <= {args.max_length})"
    if args.max_length is not None and (args.data is not None or args.paper):
        # Only the training data: a test set scored on a subset would report a number that
        # belongs to no published table. Long test expressions are slow, never skipped.
        kept = [e for e in train if len(e.tokens) <= args.max_length]
        if len(kept) < len(train):
            print(f"--max-length {args.max_length}: training on {len(kept)} of {len(train)} expressions "
                  f"(the test set is always scored whole)")
        train = kept
    if args.data is not None and args.n_train is not None:
        train = train[: args.n_train]
    return train, test, source


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tinygrad_edu listops",
        description="Train a SPINN (Tree-LSTM) encoder on ListOps (Nangia & Bowman 2018) and report test "
                    "accuracy by length, depth and outer operator.",
    )
    data = parser.add_argument_group("data")
    data.add_argument("--paper", action="store_true",
                      help="the paper's distribution (depth up to 19, no length limit, 90000/10000 distinct "
                           "expressions) and its two-stage recipe; add --n-train 360000 --epochs 3 for 98.5%% "
                           "(21 minutes)")
    data.add_argument("--data", default=None, metavar="DIR",
                      help="folder with ListOps TSVs (a *train*.tsv and a *test*.tsv, `label<TAB>expression`)")
    data.add_argument("--n-train", type=int, default=None,
                      help="training expressions (default: 60000 generated, 90000 with --paper, all of --data)")
    data.add_argument("--n-test", type=int, default=None,
                      help="generated test expressions (default 2000; 10000 with --paper)")
    data.add_argument("--depth", type=int, default=5, help="maximum nesting depth of the quick default (5)")
    data.add_argument("--max-length", type=int, default=None,
                      help="maximum tokens per training expression (default: 100 for the quick default, no limit "
                           "otherwise); the test set is never cut")
    model = parser.add_argument_group("model and training")
    model.add_argument("--hidden", type=int, default=None, help="hidden size of the Tree-LSTM (default 64)")
    model.add_argument("--embed", type=int, default=None, help="embedding size (default: = hidden)")
    model.add_argument("--tracker", type=int, default=0, help="tracker LSTM size, 0 for none (default 0)")
    model.add_argument("--warmup-steps", type=int, default=None,
                       help="batches of short expressions before the full data (default 3000; 0: none)")
    model.add_argument("--warmup-length", type=int, default=10,
                       help="most tokens of a warm-up expression (default 10: mostly single lists)")
    model.add_argument("--warmup-batch-size", type=int, default=None,
                       help="expressions per warm-up batch (default: --batch-size)")
    model.add_argument("--curriculum", default="",
                       help="comma-separated token limits of the first epochs, e.g. 50,200: epoch 1 sees only "
                            "expressions of <= 50 tokens, epoch 2 those of <= 200, later epochs all")
    model.add_argument("--epochs", type=int, default=None,
                       help="passes over all training expressions (default 7; 5 with --paper)")
    model.add_argument("--sublists", type=int, default=0, metavar="K",
                       help="each epoch, also train on up to K inner lists of every training expression, "
                            "labelled with their own values (default 0)")
    model.add_argument("--short-epochs", type=int, default=None,
                       help="first stage: passes over 60000 expressions of depth <= 5 and <= 100 tokens before "
                            "the training data (default 0; 14 with --paper)")
    model.add_argument("--long-lr", type=float, default=None,
                       help="learning rate at the start of the second stage (default 1e-3)")
    model.add_argument("--batch-size", type=int, default=None, help="expressions per batch (default 64)")
    model.add_argument("--lr", type=float, default=None,
                       help="Adam learning rate; it falls linearly to 0 over the epochs (default 3e-3)")
    model.add_argument("--clip", type=float, default=5.0, help="gradient norm clipping (default 5)")
    model.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    model.add_argument("--autobatch", action="store_true",
                       help="encode one expression at a time under tg.autobatch() instead of the "
                            "hand-batched encoder (the same numbers; see docs/autobatch.md)")
    model.add_argument("--seed", type=int, default=0, help="seed of the data, the weights and the batch order")
    run = parser.add_argument_group("saving, scoring, output")
    run.add_argument("--save", metavar="PATH", help="write the trained model to PATH (tg.save, .npz)")
    run.add_argument("--load", metavar="PATH", help="start from the model in PATH (written by --save)")
    run.add_argument("--eval", metavar="FILE",
                     help="with --load: score the model on every line of FILE (label<TAB>expression) and stop")
    run.add_argument("--test-every-epoch", action="store_true",
                     help="score the test set after every epoch (slower; shows the curve)")
    run.add_argument("--plot", metavar="FILE.png", help="write loss and accuracy curves to FILE.png")
    run.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    recipe = PAPER_RECIPE if args.paper else {"n_test": 2000, "hidden": 64, "epochs": 7, "warmup_steps": 3000,
                                              "lr": 3e-3, "batch_size": 64, "short_epochs": 0, "long_lr": 1e-3}
    for key, value in recipe.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.max_length is None and not args.paper and args.data is None:
        args.max_length = 100
    if args.eval is not None and args.load is None:
        parser.error("--eval FILE needs --load PATH (a model written by --save)")
    if args.paper and args.data is not None:
        parser.error("--paper generates its data; --data reads it from files: choose one")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.eval is not None:
        evaluate_file(args)
    else:
        train_and_test(args)


def evaluate_file(args: argparse.Namespace) -> float:
    """Score the model of `--load` on every expression of `--eval FILE`."""
    model = load_model(args.load)
    examples = read_listops_tsv(args.eval)
    if not examples:
        raise SystemExit(f"listops: {args.eval} holds no expressions (expected lines of label<TAB>expression)")
    start = time.perf_counter()
    print(f"ListOps: scoring {args.load} (hidden {model.config['hidden']}) on all {len(examples)} "
          f"expressions of {args.eval}")
    accuracy = float(score(model, examples, show_progress=not args.no_progress).mean())
    print(f"time {time.perf_counter() - start:.0f} s")
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy


class Trainer:
    """One optimisation step per batch, with running loss, accuracy and speed."""

    def __init__(self, model: ListOpsModel, lr: float, clip: float, show_progress: bool = True) -> None:
        self.model = model
        self.params = list(model.parameters())
        self.optimizer = optim.Adam(self.params, lr=lr)
        self.clip = clip
        self.show_progress = show_progress

    def run(self, batches: list[list[ListOpsExample]], lr_at=None, description: str = "") -> tuple[float, float, float]:
        """Train on `batches`; `lr_at(i)` sets the learning rate of batch i. Returns the mean
        loss, the accuracy on these batches, and trees per second."""
        start = time.perf_counter()
        total_loss = correct = seen = 0
        bar = progress(batches, description=description, enabled=self.show_progress, unit="batch")
        for i, batch in enumerate(bar):
            if lr_at is not None:
                self.optimizer.param_groups[0]["lr"] = lr_at(i)
            logits = self.model(batch)
            labels = np.array([e.label for e in batch])
            loss = F.cross_entropy(logits, labels)
            self.optimizer.zero_grad()
            loss.backward()
            clip_grad_norm(self.params, self.clip)
            self.optimizer.step()
            total_loss += loss.item() * len(batch)
            correct += int((logits.data.argmax(1) == labels).sum())
            seen += len(batch)
        return total_loss / max(seen, 1), correct / max(seen, 1), seen / (time.perf_counter() - start)


def draw_inner_lists(data: list[ListOpsExample], k: int, exclude: set[str],
                     rng: np.random.Generator) -> list[ListOpsExample]:
    """Up to `k` inner lists of every expression in `data`, drawn at random, each labelled with
    its own value; lists whose text is in `exclude` (the test set) are left out."""
    drawn = []
    for example in data:
        inner = sublists(example)
        chosen = inner if len(inner) <= k else [inner[i] for i in rng.choice(len(inner), size=k, replace=False)]
        drawn.extend(e for e in chosen if e.text not in exclude)
    return drawn


def warm_up(trainer: Trainer, data: list[ListOpsExample], args, rng, log) -> None:
    """`warmup_steps` batches of the expressions of at most `warmup_length` tokens, constant rate."""
    short = [e for e in data if len(e.tokens) <= args.warmup_length]
    if args.warmup_steps <= 0 or not short:
        return
    batches: list[list[ListOpsExample]] = []
    while len(batches) < args.warmup_steps:
        batches += length_batches(short, args.warmup_batch_size or args.batch_size, rng)
    loss, acc, speed = trainer.run(batches[: args.warmup_steps], description="warm-up")
    log(f"warm-up: {args.warmup_steps} batches of the {len(short)} expressions of <= {args.warmup_length} "
        f"tokens  loss {loss:.4f}  train accuracy {acc:.4f}  {speed:.0f} trees/s", loss, acc, None)


def run_epochs(trainer: Trainer, epoch_data: list[list[ListOpsExample]], lr: float, args, rng, name: str,
               test: list[ListOpsExample], log) -> None:
    """One pass over each of `epoch_data` while the learning rate falls linearly from `lr` to 0."""
    sizes = [-(-len(data) // args.batch_size) for data in epoch_data]
    total = sum(sizes)
    for epoch, data in enumerate(epoch_data):
        def falling_lr(i: int, done: int = sum(sizes[:epoch])) -> float:
            return lr * (1 - (done + i) / total)

        label = f"{name} {epoch + 1}/{len(epoch_data)}"
        loss, acc, speed = trainer.run(length_batches(data, args.batch_size, rng), falling_lr, description=label)
        test_accuracy = None
        if args.test_every_epoch:
            test_accuracy = float((predict(trainer.model, test) == np.array([e.label for e in test])).mean())
        log(f"{label}  {len(data)} expressions  loss {loss:.4f}  train accuracy {acc:.4f}  {speed:.0f} trees/s"
            + (f"  test accuracy {test_accuracy:.4f}" if test_accuracy is not None else ""), loss, acc, test_accuracy)


def short_expressions(n: int, seed: int, exclude: set[str]) -> list[ListOpsExample]:
    """Expressions of depth <= 5 and <= 100 tokens from the same generator (the quick default's
    data), leaving out the test expressions: the first stage of `--paper`."""
    return [e for e in generate_listops(n, max_depth=5, max_length=100, seed=seed) if e.text not in exclude]


def train_and_test(args: argparse.Namespace) -> float:
    """Train as `args` say, print progress, return the test accuracy.

    Schedule: first `warmup_steps` batches of short expressions (mostly one flat list: the
    model learns what each operator does to digits), then `epochs` passes over all the data with
    the learning rate falling linearly to zero. Without the warm-up, SM (sum mod 10) stays at
    chance for a long time: in a deep expression its signal is buried under nested lists.
    With `short_epochs` (the `--paper` recipe), the warm-up and `short_epochs` passes over 60,000
    expressions of depth <= 5 and <= 100 tokens come first (rate `lr` falling to 0), then the
    `epochs` over the training data start again from the rate `long_lr`.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    tg.manual_seed(args.seed)
    train, test, source = load_data(args)
    print(f"ListOps: {len(train)} training and {len(test)} test expressions, {source}")
    if args.load is not None:
        model = load_model(args.load)
        print(f"model: continuing from {args.load}")
    else:
        model = ListOpsModel(args.embed or args.hidden, args.hidden, args.tracker or None,
                             dtype=np.dtype(args.dtype))
    model.autobatch = args.autobatch
    print(f"model: SPINN hidden {model.config['hidden']}, tracker {model.config['tracker'] or 'none'}, "
          f"{sum(p.numel() for p in model.parameters())} parameters, {model.config['dtype']}", flush=True)
    rng = np.random.default_rng(args.seed)
    curves: dict[str, list[tuple[float, float]]] = {"train loss": [], "train accuracy": [], "test accuracy": []}

    def log(line: str, loss: float, acc: float, test_accuracy: float | None) -> None:
        step = len(curves["train loss"])
        curves["train loss"].append((step, loss))
        curves["train accuracy"].append((step, acc))
        if test_accuracy is not None:
            curves["test accuracy"].append((step, test_accuracy))
        print(f"{line}  ({time.perf_counter() - start:.0f} s)", flush=True)

    with rare_garbage_collection():  # (runner.py: the tape has no reference cycles)
        trainer = Trainer(model, args.lr, args.clip, show_progress=not args.no_progress)
        long_lr = args.lr
        if args.short_epochs > 0:
            short = short_expressions(60000, args.seed + 2, {e.text for e in test})
            print(f"stage 1: {len(short)} expressions of depth <= 5 and <= 100 tokens", flush=True)
            warm_up(trainer, short, args, rng, log)
            run_epochs(trainer, [short] * args.short_epochs, args.lr, args, rng, "short epoch", test, log)
            print("stage 2: the training expressions", flush=True)
            trainer = Trainer(model, args.long_lr, args.clip, show_progress=not args.no_progress)
            long_lr = args.long_lr
        else:
            warm_up(trainer, train, args, rng, log)
        limits = [int(n) for n in args.curriculum.split(",") if n.strip()]
        epoch_data = [[e for e in train if len(e.tokens) <= limits[epoch]] if epoch < len(limits) else train
                      for epoch in range(args.epochs)]
        if args.sublists > 0:
            test_texts = {e.text for e in test}
            epoch_data = [data + draw_inner_lists(data, args.sublists, test_texts, rng) for data in epoch_data]
        run_epochs(trainer, epoch_data, long_lr, args, rng, "epoch", test, log)
        train_time = time.perf_counter() - start
        if args.save:
            save_model(model, args.save)
            print(f"saved the model to {args.save}")
        correct = score(model, test, show_progress=not args.no_progress)
    test_accuracy = float(correct.mean())
    curves["test accuracy"].append((len(curves["train loss"]), test_accuracy))
    # On a shared machine the wall clock also counts other people's work; the CPU time does not.
    print(f"time: {train_time:.0f} s data and training, {time.perf_counter() - start:.0f} s in all "
          f"(wall clock); {time.process_time() - cpu_start:.0f} s of CPU")
    # Train and test of the quick default are drawn independently, so short expressions
    # ([SM 3 4 ] has only 400 two-argument cousins) can occur in both. Say how much that helps.
    seen = {e.text for e in train}
    unseen = np.array([e.text not in seen for e in test])
    if args.plot:
        plot_curves(args.plot, curves, xlabel="pass over the data (0: warm-up)",
                    title=f"SPINN on ListOps ({source.split(' (')[0]})")
        print(f"wrote the curves to {args.plot}")
    if unseen.all():
        print("no test expression occurs in the training data")
    else:
        print(f"{int(unseen.sum())} of {len(test)} test expressions do not occur in the training data; "
              f"accuracy on those: {correct[unseen].mean():.4f}")
    print(f"test accuracy: {test_accuracy:.4f}")
    return test_accuracy


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
