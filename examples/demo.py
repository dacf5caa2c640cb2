"""The tour that `make demo` runs: a few short steps, each showing one thing the framework does.

The demo is the list `STEPS` of (title, function) pairs, run in order. To add a step, write a
function that prints what it shows and append one pair to `STEPS`; keep every step short (the whole
demo should finish in about a minute).

    python -m tinygrad_edu demo              # every step
    python -m tinygrad_edu demo --list       # the step titles
    python -m tinygrad_edu demo --only 1     # just the first step
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Callable


def worked_example() -> None:
    """The 2-2-2 network of M. Mazur's backpropagation example (2015): forward values, E_total,
    eight gradients, one step."""
    from tinygrad_edu.examples import mazur_backprop

    mazur_backprop.main([])


def digits_short_run() -> None:
    """A sigmoid MLP on scikit-learn's 8x8 digits, 10 epochs (the full example runs 40)."""
    from tinygrad_edu.examples import digits

    try:
        digits.main(["--epochs", "10", "--no-sklearn"])
    except ImportError as error:   # the digits come with scikit-learn, an optional extra
        print(f"skipped: {error}")


PICTURES = "out/pictures"


def graph_pictures() -> None:
    """Draw the recorded graphs of the worked example (values and gradients in every box), the
    digits MLP (named parameters) and the church sentence through SPINN (one box per REDUCE),
    and write the page that steps through the worked example's backward pass."""
    import shutil

    from tinygrad_edu.examples import graph

    print(f"writing pictures of the tape to {PICTURES}/")
    picture_format = "svg" if shutil.which("dot") else "dot"
    if picture_format == "dot":
        print("(Graphviz's `dot` is not installed, so the pictures are written as DOT text; install it "
              "with `apt-get install graphviz` or `brew install graphviz` to get SVG)")
    for name, extra in (("mazur", ["--values", "--grads"]), ("mlp", []), ("church", [])):
        graph.main([name, "--out", PICTURES, "--format", picture_format, *extra])
    if picture_format == "svg":  # the page that steps through backprop, number by number (tg.viz.stepper)
        print("open this page in a browser and press 'backward' to follow the chain rule:")
        graph.main(["mazur", "--html", f"{PICTURES}/mazur.html"])


def listops_short_run() -> None:
    """SPINN (a Tree-LSTM over the given parse) on ListOps, briefly: 4000 expressions, 2 epochs.
    The full run, `python -m tinygrad_edu listops`, reaches about 94% in three minutes."""
    from tinygrad_edu.examples import listops

    listops.main(["--n-train", "4000", "--n-test", "500", "--warmup-steps", "300", "--epochs", "2"])


STEPS: list[tuple[str, Callable[[], None]]] = [
    ("Backpropagation by hand and by the framework: the 2-2-2 worked example", worked_example),
    ("A sigmoid MLP learns handwritten digits (short run)", digits_short_run),
    ("Pictures of the tape: the recorded graphs, drawn with Graphviz", graph_pictures),
    ("A Tree-LSTM reads nested lists: SPINN on ListOps (short run)", listops_short_run),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print the step titles and stop")
    parser.add_argument("--only", type=int, action="append", metavar="N",
                        help="run only step N (1-based; may be repeated)")
    args = parser.parse_args(argv)
    if args.list:
        for number, (title, _) in enumerate(STEPS, start=1):
            print(f"{number}. {title}")
        return 0
    chosen = args.only or list(range(1, len(STEPS) + 1))
    for number in chosen:
        if not 1 <= number <= len(STEPS):
            parser.error(f"--only {number}: there are steps 1..{len(STEPS)}")
    for number in chosen:
        title, step = STEPS[number - 1]
        print(f"\n=== {number}/{len(STEPS)}. {title} ===\n", flush=True)
        start = time.perf_counter()
        step()
        print(f"\n({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
