"""`python -m tinygrad_edu COMMAND` (or `tinygrad-edu COMMAND`): run the worked examples and demos.

Each example is a module of tinygrad_edu.examples (the files in examples/) with a
`main(argv) -> int | None`; the table below is the menu. The sources each example reproduces,
with the published figures next to ours, are listed in docs/sources.md.

Every command runs numpy's BLAS with one thread (small matrices: more threads only wait for each
other, badly so on a busy machine) unless `--threads N` is given or OPENBLAS_NUM_THREADS /
OMP_NUM_THREADS is set.
"""
from __future__ import annotations

import argparse
import sys

from tinygrad_edu.runner import load_example, run_example

# name -> (module in tinygrad_edu.examples, one-line description). Keep in the order of the README.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "the tour: worked example, digits MLP, graph pictures, a short ListOps run"),
    "mazur": ("mazur_backprop",
              "the 2-2-2 worked example of backpropagation (M. Mazur, 2015), number by number"),
    "numpy_three_layer": ("numpy_three_layer",
                          "a 3-layer numpy network with hand-written backprop vs autograd, equal to 1e-12"),
    "single_neuron": ("single_neuron",
                      "the nine-line neuron (A. Trask, 2015), hand-written update vs autograd"),
    "two_layer_class": ("two_layer_class",
                        "a NeuralNetwork class with W and b per layer (after J. Loy, 2018), loss falling"),
    "rashid_mlp": ("rashid_mlp",
                   "T. Rashid's 3-layer sigmoid net (Make Your Own Neural Network, 2016) on the digits or MNIST"),
    "cross_entropy": ("cross_entropy",
                      "softmax → log → NLL is F.cross_entropy (as PyTorch's CrossEntropyLoss); binary clipped form"),
    "xor": ("xor", "a sigmoid MLP learns XOR with backprop, next to scikit-learn's MLPClassifier"),
    "digits": ("digits", "a sigmoid MLP on scikit-learn's 8x8 digits, >= 97% test accuracy, vs MLPClassifier"),
    "hopfield": ("hopfield", "a Hopfield network (J. Hopfield, 1982) recalls stored letters from noisy copies"),
    "rbm": ("rbm", "a Bernoulli RBM trained by CD-1 (G. Hinton, 2002), its features feeding a classifier"),
    "graph": ("graph", "draw the recorded graph of an example (mazur, mlp, tree) as svg/png/pdf"),
    "treelstm_sentiment": ("treelstm_sentiment",
                           "a recursive Tree-LSTM (Tai et al., 2015) on sentiment trees, with or without autobatching"),
    "listops": ("listops",
                "SPINN Tree-LSTM on ListOps (Nangia & Bowman, 2018); accuracy by length, depth, operator"),
    "snli": ("snli", "SPINN (Bowman et al., 2016) premise/hypothesis classifier on an SNLI sample or real SNLI"),
    "church": ("church", "one sentence through SPINN (Bowman et al., 2016): transitions, stack trace, graph"),
}


def _parser() -> argparse.ArgumentParser:
    lines = [f"  {name:<18} {desc}" for name, (_, desc) in COMMANDS.items()]
    return argparse.ArgumentParser(
        prog="python -m tinygrad_edu",
        description="tinygrad_edu: a define-by-run autograd framework on numpy. Run an example:",
        epilog="commands:\n" + "\n".join(lines) + "\n\n`python -m tinygrad_edu COMMAND --help` shows "
               "the options of one command.\nEvery command takes `--threads N` (numpy's BLAS threads; "
               "default 1 unless OPENBLAS_NUM_THREADS or OMP_NUM_THREADS is set).\n"
               "Sources and published figures: docs/sources.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="python -m tinygrad_edu [-h] COMMAND [--threads N] [options]",
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    if not argv or argv[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        parser.print_usage(sys.stderr)
        print(f"python -m tinygrad_edu: unknown command {name!r}; choose from: {', '.join(COMMANDS)}",
              file=sys.stderr)
        return 2
    module = load_example(COMMANDS[name][0])
    return run_example(module.main, rest, prog=f"python -m tinygrad_edu {name}")
