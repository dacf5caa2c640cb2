"""Pictures of recorded graphs: `python -m tinygrad_edu graph EXAMPLE --out DIR`.

    python -m tinygrad_edu graph mazur --out docs/img --values --grads   # the 2-2-2 worked example
    python -m tinygrad_edu graph mlp --out docs/img                      # a digits MLP, named params
    python -m tinygrad_edu graph tree --out docs/img                     # one box per composition
    python -m tinygrad_edu graph mazur --explain                         # the backward pass, as a table
    python -m tinygrad_edu graph mazur --html out/mazur.html   # a page that steps through it (tg.viz.stepper)

Each example is a function in `EXAMPLES` that builds a small model, runs it forward and backward
(with retain_graph=True, so the graph keeps the constants its ops saved), and returns
`(outputs, params)`: the tensors to draw from, and a dict name -> tensor for the labels. To add an
example, write such a function and add one entry to `EXAMPLES`.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import viz
from tinygrad_edu.data import load_digits

Built = tuple[list[tg.Tensor], dict[str, tg.Tensor]]


def mazur() -> Built:
    """M. Mazur's 2-2-2 worked example ("A Step by Step Backpropagation Example", 2015;
    examples/mazur_backprop.py), one scalar tensor per neuron so that every quantity of the
    article has a box; the constants are named tensors so that they are drawn too."""
    from tinygrad_edu.examples import mazur_backprop

    w = mazur_backprop.make_weights()
    constants = {name: tg.tensor(value, name=name) for name, value in mazur_backprop.CONSTANTS.items()}
    results = mazur_backprop.forward(w, constants)
    E_total = results.pop("E_total")
    E_total.name = "E_total"
    for t in [*results.values(), E_total]:
        t.retain_grad()  # so the boxes of intermediate results can show their gradient too
    E_total.backward(retain_graph=True)
    return [E_total], {**w, **constants, **results}  # (constants must outlive this function to be drawn)


def mlp() -> Built:
    """A 64-16-10 sigmoid MLP on four digits images, cross-entropy loss; parameter names from nn."""
    X_train, _, y_train, _ = load_digits()
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 16), nn.Sigmoid(), nn.Linear(16, 10))
    images = tg.tensor(X_train[:4], name="images")
    loss = F.cross_entropy(model(images), y_train[:4])
    loss.name = "loss"
    loss.backward(retain_graph=True)
    return [loss], dict(model.named_parameters())


def tree() -> Built:
    """A hand-written binary tree ((the cat) (sat down)), composed bottom-up by a recursive
    function; each composition is recorded inside `viz.scope("Compose")`, so it draws as a box,
    and boxes nest like the tree."""
    tg.manual_seed(0)
    words = ["the", "cat", "sat", "down"]
    embed = nn.Embedding(len(words), 3)
    compose = nn.Linear(6, 3)
    classify = nn.Linear(3, 2)

    def encode(node) -> tg.Tensor:  # a row vector of shape (1, 3) for every subtree
        if isinstance(node, str):
            return embed(tg.tensor([words.index(node)]))
        with viz.scope("Compose"):
            left, right = encode(node[0]), encode(node[1])
            return compose(tg.cat([left, right], dim=1)).tanh()

    sentence = encode((("the", "cat"), ("sat", "down")))
    loss = F.cross_entropy(classify(sentence), np.array([1]))
    loss.name = "loss"
    loss.backward(retain_graph=True)
    params = {"embed.weight": embed.weight, "compose.weight": compose.weight,
              "compose.bias": compose.bias, "classify.weight": classify.weight,
              "classify.bias": classify.bias, "sentence": sentence}
    return [loss], params


def church() -> Built:
    """SPINN (Bowman et al. 2016) on the sentence "The church has cracks in the ceiling."
    (examples/church.py): one dashed box per REDUCE."""
    from tinygrad_edu.examples import church as church_example

    return church_example.graph()


EXAMPLES: dict[str, Callable[[], Built]] = {
    "mazur": mazur,
    "mlp": mlp,
    "tree": tree,
    "church": church,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tinygrad_edu graph",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("example", choices=sorted(EXAMPLES), help="which graph to draw")
    parser.add_argument("--out", default=".", help="directory for the picture (default: .)")
    parser.add_argument("--values", action="store_true", help="print the data in the boxes")
    parser.add_argument("--grads", action="store_true", help="print .grad in the boxes")
    parser.add_argument("--format", default="svg", choices=["svg", "png", "pdf", "dot"],
                        help="svg, png, pdf (need Graphviz's `dot`) or dot (the DOT text)")
    parser.add_argument("--rankdir", default="LR", choices=["LR", "TB"], help="layout direction")
    parser.add_argument("--no-legend", action="store_true", help="leave out the colour key")
    parser.add_argument("--explain", action="store_true",
                        help="also print the backward pass step by step (tg.viz.explain)")
    parser.add_argument("--html", metavar="PATH",
                        help="instead of a picture, write an HTML page that steps through the forward "
                             "and backward pass (tg.viz.stepper); open it in a browser")
    args = parser.parse_args(argv)

    if args.html:
        # detect_anomaly records where each op is created: the page shows that line on hover.
        with tg.detect_anomaly():
            outputs, params = EXAMPLES[args.example]()
        loss = outputs[0] if outputs[0].numel() == 1 else outputs[0].sum()
        if args.explain:
            viz.explain(loss, params=params)
        try:
            print(viz.stepper(loss, params=params, rankdir=args.rankdir).save(args.html))
        except RuntimeError as err:
            print(f"graph: {err}", file=sys.stderr)
            return 1
        return 0
    outputs, params = EXAMPLES[args.example]()
    options = dict(params=params, show_values=args.values, show_grads=args.grads,
                   rankdir=args.rankdir, legend=not args.no_legend)
    if args.explain:
        viz.explain(outputs[0], params=params)
    path = os.path.join(args.out, f"{args.example}.{args.format}")
    if args.format == "dot":
        os.makedirs(args.out, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(viz.to_dot(*outputs, **options).source)
    else:
        try:
            viz.render(*outputs, path=path, format=args.format, **options)
        except RuntimeError as err:
            print(f"graph: {err}", file=sys.stderr)
            return 1
    print(path)
    return 0


if __name__ == "__main__":
    main()
