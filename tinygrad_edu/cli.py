"""`python -m tinygrad_edu COMMAND` (or `tinygrad-edu COMMAND`): run the worked examples and demos.

Each example is a module of tinygrad_edu.examples (the files in examples/) with a
`main(argv) -> int | None`; the table below is the menu.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module in tinygrad_edu.examples, one-line description). Keep in the order of the README.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "the tour: worked example, digits MLP, graph pictures, a short ListOps run"),
    "mazur": ("mazur_backprop", "the 2-2-2 worked example of backpropagation (SEEDS §4), number by number"),
    "numpy_three_layer": ("numpy_three_layer", "hand-written numpy backprop vs autograd, equal to 1e-12 (SEEDS §2)"),
    "single_neuron": ("single_neuron", "the nine-line neuron, hand-written update vs autograd (SEEDS §5)"),
    "two_layer_class": ("two_layer_class", "a NeuralNetwork class with W and b per layer, loss falling (SEEDS §3)"),
    "rashid_mlp": ("rashid_mlp", "Rashid's 3-layer sigmoid net in matrix form on the digits or MNIST (SEEDS §1)"),
    "cross_entropy": ("cross_entropy", "softmax → log → NLL is F.cross_entropy; the binary clipped form (SEEDS §3)"),
    "xor": ("xor", "a sigmoid MLP learns XOR with backprop, next to scikit-learn's MLP (SEEDS §6)"),
    "digits": ("digits", "a sigmoid MLP on the 8x8 digits, >= 97% test accuracy, vs scikit-learn (SEEDS §6)"),
    "hopfield": ("hopfield", "a Hopfield network recalls stored letters from noisy copies (SEEDS §6)"),
    "rbm": ("rbm", "a Bernoulli RBM trained by CD-1, its features feeding a logistic classifier (SEEDS §6)"),
    "graph": ("graph", "draw the recorded graph of an example (mazur, mlp, tree) as svg/png/pdf"),
    "listops": ("listops", "train a SPINN Tree-LSTM on ListOps (nested MIN/MAX/MED/SM); test accuracy (SEEDS §7)"),
    "snli": ("snli", "SPINN premise/hypothesis classifier on the bundled SNLI sample or a real SNLI folder (SEEDS §7)"),
    "church": ("church", "the SPINN sentence of SEEDS §7: transitions, stack trace, encoder graph, one box per REDUCE"),
}


def _parser() -> argparse.ArgumentParser:
    lines = [f"  {name:<18} {desc}" for name, (_, desc) in COMMANDS.items()]
    return argparse.ArgumentParser(
        prog="python -m tinygrad_edu",
        description="tinygrad_edu: a define-by-run autograd framework on numpy. Run an example:",
        epilog="commands:\n" + "\n".join(lines) + "\n\n`python -m tinygrad_edu COMMAND --help` shows "
               "the options of one command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="python -m tinygrad_edu [-h] COMMAND [options]",
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
    module = importlib.import_module(f"tinygrad_edu.examples.{COMMANDS[name][0]}")
    result = module.main(rest)
    return int(result or 0)
