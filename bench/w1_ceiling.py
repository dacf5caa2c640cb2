"""How fast W1 (bench/ops.py) could be in pure Python: the chain on a bare engine of the same
design -- a tape of nodes with edges, one backward formula per op, a topological backward pass
-- with none of what the contract asks of every op: no dtype promotion, views, version counters,
hooks, grad modes, anomaly checks, saved-tensor hooks, autobatch, or checks of shapes and
arguments. Its throughput ratio to hand-written numpy is a ceiling for ours, not a target a
full framework can reach.

    python bench/w1_ceiling.py [--rounds 15] [--json bench/results/w1_ceiling.json]
"""
from __future__ import annotations

import argparse
import itertools

import numpy as np
from ops import chain_tinygrad, run_chain
from report import write_report  # bench/report.py (the script's folder is on sys.path)
from timing import measure, print_table
from w1_chain import N_OPS, SHAPE, chain_numpy, inputs

_order = itertools.count()


class Node:
    __slots__ = ("backward", "edges", "saved", "seq")


class Value:
    """A bare tensor: an array, the node that made it (None for a leaf), and a gradient."""

    __slots__ = ("data", "node", "grad")
    wants_grad = False  # (a Leaf does)

    def __init__(self, data: np.ndarray, node: Node | None = None) -> None:
        self.data, self.node, self.grad = data, node, None

    def __add__(self, other: "Value") -> "Value":
        return _record(self.data + other.data, _add_backward, (self, other), None)

    def __mul__(self, other: "Value") -> "Value":
        return _record(self.data * other.data, _mul_backward, (self, other), (self.data, other.data))

    def sigmoid(self) -> "Value":
        y = 1 / (1 + np.exp(-self.data))
        return _record(y, _sigmoid_backward, (self,), y)

    def tanh(self) -> "Value":
        y = np.tanh(self.data)
        return _record(y, _tanh_backward, (self,), y)

    def backward(self, grad: np.ndarray) -> None:
        """Collect the nodes, order them newest first, call each formula, send the gradients."""
        nodes, stack, seen = [], [self.node], {id(self.node)}
        while stack:
            node = stack.pop()
            nodes.append(node)
            for edge in node.edges:
                if edge.__class__ is Node and id(edge) not in seen:
                    seen.add(id(edge))
                    stack.append(edge)
        nodes.sort(key=lambda n: n.seq, reverse=True)
        buffers = {self.node: grad}
        for node in nodes:
            for edge, g in zip(node.edges, node.backward(node, buffers.pop(node))):
                if edge is None:
                    continue
                if edge.__class__ is Node:
                    buffers[edge] = buffers[edge] + g if edge in buffers else g
                else:  # a leaf
                    edge.grad = g if edge.grad is None else edge.grad + g


def _record(data: np.ndarray, backward, inputs: tuple, saved) -> Value:
    node = Node()
    node.backward, node.saved, node.seq = backward, saved, next(_order)
    node.edges = tuple(x.node if x.node is not None else (x if x.wants_grad else None) for x in inputs)
    return Value(data, node)


class Leaf(Value):
    """A leaf that wants a gradient."""

    __slots__ = ()
    wants_grad = True


def _add_backward(node, g):
    return g, g


def _mul_backward(node, g):
    a, b = node.saved
    return g * b, g * a


def _sigmoid_backward(node, g):
    y = node.saved
    return (g * (y * (1 - y)),)


def _tanh_backward(node, g):
    y = node.saved
    return (g * (1 - y * y),)


def chain_bare(x0: np.ndarray, c: np.ndarray) -> np.ndarray:
    x = Leaf(x0)
    run_chain(x, Value(c)).backward(np.ones_like(x0))
    return x.grad


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--json", default="bench/results/w1_ceiling.json")
    args = parser.parse_args(argv)
    x0, c = inputs()
    np.testing.assert_allclose(chain_bare(x0, c), chain_numpy(x0, c), rtol=1e-5)
    fns = {"numpy (by hand)": lambda: chain_numpy(x0, c), "bare engine (ceiling)": lambda: chain_bare(x0, c),
           "tinygrad_edu": lambda: chain_tinygrad(x0, c)}
    results = measure(fns, args.rounds, args.repeats)
    print_table(f"W1 ceiling: chain of {N_OPS} ops on float32 {SHAPE}, forward + backward; medians of "
                f"{args.rounds} interleaved rounds (CPU time)", results, "us/op", 1e6 / N_OPS)
    return write_report({"workload": f"{N_OPS}-op chain, float32 {SHAPE}", "results": results}, args.json)


if __name__ == "__main__":
    main()
