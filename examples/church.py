"""One parsed sentence through SPINN, shown step by step, and the graph it records.

Sources: S. R. Bowman, J. Gauthier, A. Rastogi, R. Gupta, C. D. Manning and C. Potts, "A Fast
Unified Model for Parsing and Sentence Understanding" (ACL, 2016), the SPINN model; J. Bradbury,
"Recursive Neural Networks with PyTorch" (NVIDIA Developer Blog, 2017), the PyTorch SPINN example
this sentence comes from.

The sentence of the PyTorch SPINN example, with its binary parse:

    ( ( The church ) ( ( has ( cracks ( in ( the ceiling ) ) ) ) . ) )

Dropping "(" and reading a word as SHIFT and ")" as REDUCE gives the transitions
S S R S S S S S R R R R S R R. The example prints the buffer and the stack after every
transition, encodes the sentence with a small random SPINN, and draws the recorded graph: each
REDUCE happened inside `tg.viz.scope("Reduce")`, so each composition is one dashed box.

    python -m tinygrad_edu church                  # prints, and writes church_graph/church.svg
    python -m tinygrad_edu church --out docs/img   # the picture in docs/
    python -m tinygrad_edu graph church            # the same picture through the graph command
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.data import REDUCE, SHIFT, parse_binary_tree

CHURCH = "( ( The church ) ( ( has ( cracks ( in ( the ceiling ) ) ) ) . ) )"


def trace(tokens: list[str], transitions: list[str]) -> list[str]:
    """The parser's moves in words: one line per transition with the stack after it."""
    buffer = list(reversed(tokens))
    stack: list[str] = []
    lines = []
    for step, transition in enumerate(transitions):
        if transition == SHIFT:
            stack.append(buffer.pop())
            move = f"SHIFT  {stack[-1]!r}"
        else:
            right, left = stack.pop(), stack.pop()
            stack.append(f"({left} {right})")
            move = "REDUCE"
        lines.append(f"{step:>2}  {move:<18} stack: {'  '.join(stack)}")
    return lines


def encode(hidden_size: int = 3, embed_size: int = 3, seed: int = 0, batched: bool = False):
    """A small random SPINN and embedding table, and the church sentence's vector.

    Returns (vector (1, hidden_size), the named tensors worth labelling in a picture)."""
    tokens, transitions = parse_binary_tree(CHURCH)
    tg.manual_seed(seed)
    vocabulary = sorted(set(tokens))
    embed = nn.Embedding(len(vocabulary), embed_size)
    encoder = nn.SPINN(embed_size, hidden_size)
    words = embed(np.array([vocabulary.index(t) for t in tokens]))
    vector = encoder([words], [transitions], batched=batched)
    vector.name = "sentence"
    params = {"embed.weight": embed.weight, **{f"encoder.{k}": v for k, v in encoder.named_parameters()}}
    return vector, params


def graph():
    """The builder for `python -m tinygrad_edu graph church`: (outputs, named tensors)."""
    vector, params = encode()
    return [vector], params


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tinygrad_edu church", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="church_graph", help="folder for the picture (default: church_graph)")
    parser.add_argument("--format", default="svg", choices=["svg", "png", "pdf", "dot"],
                        help="svg, png, pdf (need Graphviz's `dot`) or dot (the DOT text)")
    parser.add_argument("--hidden", type=int, default=3, help="hidden size of the encoder (default 3)")
    args = parser.parse_args(argv)

    tokens, transitions = parse_binary_tree(CHURCH)
    print(f"sentence:    {CHURCH}")
    print(f"words:       {' '.join(tokens)}")
    print(f"transitions: {' '.join(transitions)}  ({transitions.count(SHIFT)} SHIFT, "
          f"{transitions.count(REDUCE)} REDUCE)")
    print()
    print("\n".join(trace(tokens, transitions)))
    print()
    vector, params = encode(hidden_size=args.hidden, embed_size=args.hidden)
    print(f"encoded by a random SPINN: shape {vector.shape}, norm {float(np.linalg.norm(vector.data)):.4f}")

    from tinygrad_edu import viz  # only the picture needs the graphviz package

    path = os.path.join(args.out, f"church.{args.format}")
    try:
        if args.format == "dot":
            os.makedirs(args.out, exist_ok=True)
            with open(path, "w", encoding="utf-8") as file:
                file.write(viz.to_dot(vector, params=params).source)
        else:
            viz.render(vector, path=path, format=args.format, params=params)
    except (ImportError, RuntimeError) as error:
        print(f"church: no picture: {error}", file=sys.stderr)
        return 1
    print(f"graph of the encoder, one dashed box per REDUCE: {path}")
    return 0


if __name__ == "__main__":
    from tinygrad_edu.runner import run_example

    raise SystemExit(run_example(main))
