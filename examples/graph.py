"""Pictures of recorded graphs: `python -m tinygrad_edu graph EXAMPLE --out DIR`.

    python -m tinygrad_edu graph mazur --out docs/img --values --grads   # the 2-2-2 worked example
    python -m tinygrad_edu graph mlp --out docs/img                      # a digits MLP, named params
    python -m tinygrad_edu graph tree --out docs/img                     # one box per composition
    python -m tinygrad_edu graph mazur --explain                         # the backward pass, as a table

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
    """SEEDS §4, one scalar tensor per neuron so that every quantity of the article has a box."""
    w = {name: tg.tensor(value, requires_grad=True, name=name) for name, value in
         zip(["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"],
             [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55])}
    i1, i2 = tg.tensor(0.05, name="i1"), tg.tensor(0.10, name="i2")
    b1, b2 = tg.tensor(0.35, name="b1"), tg.tensor(0.60, name="b2")
    target_o1, target_o2 = tg.tensor(0.01, name="target_o1"), tg.tensor(0.99, name="target_o2")
    net_h1 = w["w1"] * i1 + w["w2"] * i2 + b1
    net_h2 = w["w3"] * i1 + w["w4"] * i2 + b1
    out_h1, out_h2 = net_h1.sigmoid(), net_h2.sigmoid()
    net_o1 = w["w5"] * out_h1 + w["w6"] * out_h2 + b2
    net_o2 = w["w7"] * out_h1 + w["w8"] * out_h2 + b2
    out_o1, out_o2 = net_o1.sigmoid(), net_o2.sigmoid()
    E_o1 = 0.5 * (target_o1 - out_o1) ** 2
    E_o2 = 0.5 * (target_o2 - out_o2) ** 2
    E_total = E_o1 + E_o2
    E_total.name = "E_total"
    results = {"net_h1": net_h1, "net_h2": net_h2, "out_h1": out_h1, "out_h2": out_h2,
               "net_o1": net_o1, "net_o2": net_o2, "out_o1": out_o1, "out_o2": out_o2,
               "E_o1": E_o1, "E_o2": E_o2}
    for t in [*results.values(), E_total]:
        t.retain_grad()  # so the boxes of intermediate results can show their gradient too
    E_total.backward(retain_graph=True)
    constants = {"i1": i1, "i2": i2, "b1": b1, "b2": b2, "target_o1": target_o1, "target_o2": target_o2}
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
    """SPINN on the sentence of SEEDS §7 (examples/church.py): one dashed box per REDUCE."""
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
    args = parser.parse_args(argv)

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
