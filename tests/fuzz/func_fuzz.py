"""Differential fuzz of the function transforms against PyTorch: `tg.func` (grad, grad_and_value,
vjp, jvp, jacrev, jacfwd, hessian, vmap, linearize, functional_call, stack_module_state),
`tg.autograd.functional` (jacobian, hessian, vjp, jvp, vhp, hvp) and `tg.autograd.forward_ad`.

A seed draws a small random function -- a few lines from a pool of differentiable ops
(elementwise, matmul, F.linear, reductions with dims, indexing, cat/stack, where, softmax, norms,
an nn module through functional_call), over arguments of random small shapes (0-d and size-1 dims
included; tensors, dicts and tuples of tensors) -- and a configuration of transforms around it:
a stack of up to three layers (vmap with in_dims/out_dims/chunk_size/randomness, grad with argnums
and has_aux, jacrev, jacfwd, hessian, jvp, vjp, linearize), or one `autograd.functional` call
(create_graph, strict, vectorize, strategy), or forward AD with dual numbers, or an invalid use.
Each line of the function is checked in PyTorch while it is written, so it fits the shapes.

The snippet runs with `tg` bound to either library, in float64. Compared: whether it raises (and
the exception type), the structure of the result (tuple/list/dict nesting, keys), every tensor's
shape, dtype and requires_grad, the values (1e-10), and -- where the result requires grad -- the
gradient of Σ w·result with respect to the inputs that require grad (a second differentiation).

    python -m tests.fuzz.func_fuzz --examples 2000 --seed 0 [--only vmap]

prints the differences grouped by (kind, what differed), with the shortest snippet of each kind as
a script that runs with `import torch as tg` or `import tinygrad_edu as tg`. Deliberate,
documented differences are in KNOWN below, each with its reason.
"""
from __future__ import annotations

import argparse
import contextlib
import random
import re
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from tests.fuzz.sides import documented, quiet_side

RTOL = ATOL = 1e-10

HEADER = '''import numpy as np
import {lib} as tg
nn, F = tg.nn, tg.nn.functional
func, AF, fwAD = tg.func, tg.autograd.functional, tg.autograd.forward_ad
tg.set_default_dtype(tg.float64)
R = np.random.default_rng({seed})
LEAVES = []

def x_(*shape, grad=False):
    """A float64 input drawn from R; with grad=True a leaf that requires grad."""
    t = tg.tensor(R.uniform(-1.5, 1.5, shape), requires_grad=grad)
    if grad:
        LEAVES.append(t)
    return t

def leaves_(tree):
    if isinstance(tree, dict):
        return [x for v in tree.values() for x in leaves_(v)]
    if isinstance(tree, (tuple, list)):
        return [x for v in tree for x in leaves_(v)]
    return [tree]

def like_(tree, k=0.5):
    """A tree shaped like `tree` with fixed values (cotangents, tangents)."""
    if isinstance(tree, dict):
        return {{key: like_(v, k + 0.3 * i) for i, (key, v) in enumerate(tree.items())}}
    if isinstance(tree, (tuple, list)):
        return type(tree)(like_(v, k + 0.3 * i) for i, v in enumerate(tree))
    n = int(np.prod(tree.shape))
    return tg.tensor(np.sin(np.arange(n) * 0.9 + k).reshape(tuple(tree.shape)))

def total_(tree):
    """Σ w·t over the tensors of a tree (fixed weights w, so no symmetry hides a mistake)."""
    s = 0
    for i, t in enumerate(leaves_(tree)):
        n = int(np.prod(t.shape))
        s = s + (t * tg.tensor(np.cos(np.arange(n) * 1.7 + 0.3 + i).reshape(tuple(t.shape)))).sum()
    return s

def init_(m):
    """The same parameters in both libraries (drawn from R by sorted name)."""
    with tg.no_grad():
        for name, p in sorted(m.named_parameters()):
            p.copy_(tg.tensor(R.uniform(-1, 1, tuple(p.shape))))
    return m

'''


# The reverse-mode referee: PyTorch's forward-mode transforms (jacfwd, hessian, jvp, linearize) fail
# when nested in one another ("Nested forward mode AD is not supported"), linearize gives garbage
# inside other transforms and jacfwd ignores a negative argnums. Where one of those bites, PyTorch
# runs the snippet again with each replaced by its reverse-mode equal -- jacfwd = jacrev, and
# J·t by the double-vjp trick (u ↦ uᵀJ is linear, so its vjp with t is J·t) -- and that is the reference.
REFEREE = '''import types
func = types.SimpleNamespace(**{k: getattr(tg.func, k) for k in dir(tg.func) if not k.startswith("_")})

def _jacfwd(f, argnums=0, has_aux=False, *, randomness="error"):
    return tg.func.jacrev(f, argnums, has_aux=has_aux)

def _jvp(f, primals, tangents, *, strict=False, has_aux=False):
    out, vjp_fn, *aux = tg.func.vjp(f, *primals, has_aux=has_aux)
    u = tg.utils._pytree.tree_map(tg.zeros_like, out)
    _, vjp2 = tg.func.vjp(vjp_fn, u)
    jt, = vjp2(tuple(tangents))
    return (out, jt, *aux)

def _linearize(f, *primals):
    return f(*primals), lambda *t: _jvp(f, primals, t)[1]

func.jacfwd, func.jvp, func.linearize = _jacfwd, _jvp, _linearize
func.hessian = lambda f, argnums=0: _jacfwd(tg.func.jacrev(f, argnums), argnums)
'''


# PyTorch's vmap puts an output that does not depend on the mapped inputs at the wrong place (or
# fails, or makes a garbage size) when out_dims is not 0: the referee is then vmap's definition,
# a loop over the mapped dimension whose results are stacked at out_dims.
VMAP_REFEREE = '''import types
from torch.utils._pytree import tree_flatten, tree_unflatten, _broadcast_to_and_flatten
func = types.SimpleNamespace(**{k: getattr(tg.func, k) for k in dir(tg.func) if not k.startswith("_")})

def _vmap(f, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    def wrapped(*args):
        flat, spec = tree_flatten(args)
        dims = _broadcast_to_and_flatten(in_dims, spec)
        size = [x.shape[d] for x, d in zip(flat, dims) if d is not None][0]
        outs = [f(*tree_unflatten([x if d is None else x.select(d, i) for x, d in zip(flat, dims)], spec))
                for i in range(size)]
        leaves = [tree_flatten(o)[0] for o in outs]
        out_spec = tree_flatten(outs[0])[1]
        odims = _broadcast_to_and_flatten(out_dims, out_spec)
        return tree_unflatten([col[0] if d is None else tg.stack(col, d) for col, d in
                               zip(zip(*leaves), odims)], out_spec)
    return wrapped

func.vmap = _vmap
'''


def script(snippet: str, lib: str, seed: int, referee: bool | str = False) -> str:
    extra = VMAP_REFEREE if referee == "vmap" else REFEREE if referee else ""
    return HEADER.format(lib=lib, seed=seed) + extra + snippet


def needs_referee(snippet: str, torch_error: str | None) -> bool:
    """Is PyTorch's own answer unusable here (see REFEREE)?"""
    nested_linearize = "func.linearize" in snippet and ("g1" in snippet or "grad=True" in snippet)
    if nested_linearize or _jacfwd_negative_argnums_text(snippet):
        return True
    return torch_error is not None and ("Nested forward mode AD" in torch_error or "aten::_make_dual" in torch_error)


# =============================================================================================
# drawing a function: arguments, body, return


@dataclass
class Arg:
    """One positional argument: a tensor, a dict or a tuple of tensors (leaf names and shapes)."""
    kind: str                      # "t", "dict", "tuple"
    leaves: list                   # [(name used in the body, inner shape)]
    keys: list = field(default_factory=list)   # for dict


SHAPES = [(), (), (1,), (2,), (3,), (2, 3), (3, 2), (1, 3), (2, 1), (2, 2), (1,), (3, 1, 2)]


def _torch():
    import torch
    torch.set_default_dtype(torch.float64)
    return torch


def _dummy(shape):
    torch = _torch()
    return torch.randn(shape, dtype=torch.float64)


UNARY = ["tg.sin({a})", "tg.cos({a})", "tg.tanh({a})", "tg.exp({a} * 0.5)", "tg.sigmoid({a})", "({a} * {a})",
         "({a} ** 3)", "tg.log({a} * {a} + 1)", "({a} * {a} + 0.1).pow(1.5)",
         "tg.sqrt({a} * {a} + 0.5)", "F.softplus({a})", "tg.relu({a})",
         "{a}.abs()", "F.gelu({a})", "tg.atan({a})", "F.silu({a})", "(2.0 - {a})", "({a} / 3)"]
BINARY = ["({a} + {b})", "({a} - {b})", "({a} * {b})", "({a} / ({b} * {b} + 1))", "tg.maximum({a}, {b})",
          "tg.where({a} > {b}, {a}, {b} * 2)", "tg.where({a} > 0, {a} * {b}, {b})"]
MATMUL = ["({a} @ {b})", "tg.matmul({a}, {b})", "F.linear({a}, {b})", "F.linear({a}, {b}, {c})",
          "tg.einsum('ij,jk->ik', {a}, {b})", "tg.outer({a}, {b})", "tg.dot({a}, {b})"]
REDUCE = ["{a}.sum({d})", "{a}.sum(dim={d}, keepdim=True)", "{a}.mean({d})", "{a}.amax({d})", "tg.logsumexp({a}, {d})",
          "{a}.var({d})", "{a}.norm(dim={d})", "{a}.prod({d})", "{a}.sum()", "{a}.mean()", "{a}.norm()",
          "{a}.std({d}, keepdim=True)", "{a}.cumsum({d})", "tg.linalg.vector_norm({a}, ord=3, dim={d})"]
SHAPE = ["{a}.transpose({d}, {e})", "{a}.reshape(-1)", "{a}.unsqueeze({d})", "{a}.flatten()", "{a}[None]",
         "{a}.movedim({d}, {e})", "{a}.flip({d})", "{a}.squeeze({d})", "{a}.mT"]
INDEX = ["{a}[0]", "{a}[..., -1]", "{a}[1:]", "{a}[:, ::2]", "{a}[tg.tensor([0, 0, 1])]", "{a}.select({d}, 0)",
         "{a}[..., None, :]", "{a}.narrow({d}, 0, 1)", "{a}[-1, ...]"]
JOIN = ["tg.cat([{a}, {b}], dim={d})", "tg.stack([{a}, {b}], dim={d})", "tg.stack([{a}, {a} * 2])",
        "tg.cat([{a}, {a}.sin()], {d})"]
NORM = ["tg.softmax({a}, {d})", "F.log_softmax({a}, dim={d})", "F.normalize({a}, dim={d})",
        "F.layer_norm({a}, {a}.shape[-1:])", "F.softmax({a} * 2, dim=-1)"]
POOL = UNARY * 2 + BINARY * 3 + MATMUL * 2 + REDUCE + SHAPE + INDEX + JOIN + NORM


class Body:
    """The lines of a function, written one by one; each is run in PyTorch on dummy values of the
    right shapes (so it fits), and its result becomes a new variable."""

    def __init__(self, r: random.Random, env: dict[str, object]) -> None:
        torch = _torch()
        self.r, self.lines = r, []
        self.ns = {"tg": torch, "F": torch.nn.functional, **env}
        self.vars = [n for n in env if not n.startswith("_")]   # names of tensors in scope
        self.count = 0

    def shape(self, name: str) -> tuple:
        return tuple(self.ns[name].shape)

    def _fill(self, template: str) -> str | None:
        r, names = self.r, self.vars
        pick = [r.choice(names[-3:] if r.random() < 0.6 else names) for _ in range(3)]
        a, b, c = (self.ns[n] for n in pick)
        # differences of single ops, not of the transforms: found by tests/fuzz/run.py's op fuzz
        # and kept out of the functions drawn here
        if "F.linear" in template and (b.dim() != 2 or ("{c}" in template and c.dim() != 1)):
            return None   # F.linear with a 1-D weight or a 2-D bias: refused here
        if ("movedim" in template or ".mT" in template) and a.dim() == 0:
            return None   # movedim of a 0-d tensor: IndexError here; mT of a 0-d tensor: refused here
        if "layer_norm" in template and a.dim() == 0:
            return None   # layer_norm of a 0-d tensor (normalized_shape ()): ValueError here
        if "einsum" in template and a.dim() == 2 and b.dim() == 2 and a.shape[1] != b.shape[0]:
            return None   # einsum broadcasting a size-1 dim: its backward returns the wrong shape here
        if template in ("({a} - {b})", "tg.maximum({a}, {b})") and pick[0] == pick[1]:
            return None   # exact zeros/ties: the conventions of single ops at kinks (norm at 0), not transforms
        nd = max(1, a.dim())
        return template.format(a=pick[0], b=pick[1], c=pick[2], d=r.randrange(-nd, nd), e=r.randrange(-nd, nd))

    def add(self, tries: int = 30) -> None:
        torch = _torch()
        for _ in range(tries):
            expr = self._fill(self.r.choice(POOL))
            if expr is None:
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    value = eval(expr, self.ns)
            except Exception:  # noqa: BLE001 -- a line that does not fit: draw another
                continue
            if not isinstance(value, torch.Tensor) or value.numel() > 12 or value.numel() == 0:
                continue
            name = f"v{self.count}"
            self.count += 1
            self.ns[name] = value
            self.vars.append(name)
            self.lines.append(f"{name} = {expr}")
            return

    def scalar(self) -> str:
        """An expression for a 0-d result from the last variables."""
        a, b = self.vars[-1], self.r.choice(self.vars)
        return self.r.choice([f"{a}.sum()", f"({a} * {a}).sum()", f"({a}.sin() * 2).mean()", f"{a}.norm()",
                              f"tg.logsumexp({a}.reshape(-1), 0)", f"({a}.sum() * {b}.sum())"])

    def output(self, want: str) -> str:
        """want: 'scalar', 'one' (one element), 'tensor', 'tensors' (tensor or tuple), 'tree'."""
        r, last = self.r, self.vars[-1]
        other = r.choice(self.vars)
        if want == "scalar":
            return self.scalar()
        if want == "one":
            return r.choice([self.scalar(), f"{self.scalar()}.reshape(1)", f"{self.scalar()}.reshape(1, 1)"])
        if want == "tensor" or r.random() < 0.3:
            return last
        if want == "tensors":
            return r.choice([f"({last}, {other})", f"({last},)", f"({last}, {self.scalar()})"])
        return r.choice([f"({last}, {other})", f"{{'a': {last}, 'b': ({other}, {self.scalar()})}}",
                         f"[{last}, {other}]", f"({self.scalar()}, {{'s': {last}}})"])


def draw_args(r: random.Random, n: int, allow_trees: bool) -> list[Arg]:
    args = []
    for i in range(n):
        roll = r.random() if allow_trees else 1.0
        if roll < 0.12:
            keys = r.sample(["w", "b", "u"], r.randint(1, 2))
            args.append(Arg("dict", [(f"a{i}_{k}", r.choice(SHAPES)) for k in keys], keys))
        elif roll < 0.2:
            args.append(Arg("tuple", [(f"a{i}_{j}", r.choice(SHAPES)) for j in range(r.randint(1, 2))]))
        else:
            args.append(Arg("t", [(f"a{i}", r.choice(SHAPES))]))
    return args


def unpack_lines(args: list[Arg]) -> list[str]:
    lines = []
    for i, a in enumerate(args):
        if a.kind == "dict":
            lines.append(", ".join(n for n, _ in a.leaves) + ", = (" + ", ".join(f"a{i}[{k!r}]" for k in a.keys) + ",)")
        elif a.kind == "tuple":
            lines.append(", ".join(n for n, _ in a.leaves) + f", = a{i}")
    return lines


def function_text(name: str, args: list[Arg], body: Body, ret: str) -> str:
    params = ", ".join(f"a{i}" for i in range(len(args)))
    lines = unpack_lines(args) + body.lines + [f"return {ret}"]
    return f"def {name}({params}):\n" + "".join(f"    {line}\n" for line in lines)


def draw_function(r: random.Random, args: list[Arg], want: str, constants: list[tuple[str, tuple]],
                  n_lines: int | None = None, aux: bool = False) -> str:
    env = {name: _dummy(shape) for a in args for name, shape in a.leaves}
    env.update({name: _dummy(shape) for name, shape in constants})
    body = Body(r, env)
    for _ in range(r.randint(1, 4) if n_lines is None else n_lines):
        body.add()
    ret = body.output(want)
    if aux:
        ret = f"({ret}, {r.choice([body.vars[-1], '{' + repr('aux') + ': ' + r.choice(body.vars) + '}'])})"
    return function_text("f", args, body, ret)


def constants_text(r: random.Random, constants: list[tuple[str, tuple]]) -> str:
    """Tensors the function closes over; some require grad (the result must then stay connected)."""
    return "".join(f"{name} = {_x(shape, r.random() < 0.4)}\n" for name, shape in constants)


def _x(shape: tuple, grad: bool) -> str:
    dims = ", ".join(map(str, shape))
    if grad:
        return f"x_({dims}, grad=True)" if dims else "x_(grad=True)"
    return f"x_({dims})"


# =============================================================================================
# transforms


def _argnums(r: random.Random, n: int):
    if n > 1 and r.random() < 0.4:
        k = r.randint(1, n)
        nums = tuple(r.sample(range(n), k))
        return tuple(a - n if r.random() < 0.2 else a for a in nums)
    a = r.randrange(n)
    return a - n if r.random() < 0.2 else a


def _insert(shape: tuple, d: int, size: int) -> tuple:
    nd = len(shape) + 1
    d = d % nd
    return shape[:d] + (size,) + shape[d:]


def _leaf_dim(r: random.Random, shape: tuple):
    if r.random() < 0.3:
        return None
    nd = len(shape) + 1
    return r.randrange(-nd, nd)


def draw_in_dims(r: random.Random, args: list[Arg], shapes: list[list[tuple]], size: int):
    """(in_dims expression, new shapes per arg leaf). At least one leaf is batched."""
    while True:
        per_arg, new_shapes, batched = [], [], False
        for a, leaf_shapes in zip(args, shapes):
            if a.kind == "t" or r.random() < 0.5:   # one int/None for the whole argument
                nd = min(len(s) for s in leaf_shapes) + 1
                d = None if r.random() < 0.3 else r.randrange(-nd, nd)
                per_arg.append(repr(d))
                new_shapes.append([s if d is None else _insert(s, d, size) for s in leaf_shapes])
                batched |= d is not None
            else:
                ds = [_leaf_dim(r, s) for s in leaf_shapes]
                new_shapes.append([s if d is None else _insert(s, d, size) for s, d in zip(leaf_shapes, ds)])
                batched |= any(d is not None for d in ds)
                if a.kind == "dict":
                    per_arg.append("{" + ", ".join(f"{k!r}: {d!r}" for k, d in zip(a.keys, ds)) + "}")
                else:
                    per_arg.append("(" + ", ".join(repr(d) for d in ds) + ("," if len(ds) == 1 else "") + ")")
        if batched:
            break
    if len(args) == 1 and per_arg[0] in ("0",) and r.random() < 0.5:
        return "0", new_shapes
    return "(" + ", ".join(per_arg) + ("," if len(per_arg) == 1 else "") + ")", new_shapes


LAYERS = ["vmap", "vmap", "vmap", "grad", "grad_and_value", "jacrev", "jacfwd", "hessian", "jvp", "vjp",
          "linearize"]


def draw_layers(r: random.Random) -> list[str]:
    """Layers from the innermost out; at most two that take a Jacobian (the sizes multiply)."""
    depth = r.choice([1, 1, 2, 2, 2, 3])
    while True:
        layers = [r.choice(LAYERS) for _ in range(depth)]
        if sum(x in ("jacrev", "jacfwd", "hessian") for x in layers) + 2 * layers.count("hessian") <= 3:
            return layers


def layer_text(r: random.Random, kind: str, inner: str, name: str, n_args: int, first: bool, has_aux: bool,
               in_dims: str | None = None) -> str:
    """`name = <kind>(inner, ...)`, keeping the signature (n_args positional arguments)."""
    params = ", ".join(f"p{i}" for i in range(n_args))
    aux = ", has_aux=True" if has_aux else ""
    if kind in ("grad", "grad_and_value"):
        target = inner if first else f"lambda *a: total_({inner}(*a))"
        argnums = _argnums(r, n_args)
        arg = "" if argnums == 0 and r.random() < 0.5 else f", argnums={argnums!r}"
        return f"{name} = func.{kind}({target}{arg}{aux})"
    if kind in ("jacrev", "jacfwd"):
        argnums = _argnums(r, n_args)
        extra = "" if argnums == 0 and r.random() < 0.5 else f", argnums={argnums!r}"
        if kind == "jacrev" and r.random() < 0.3:
            extra += f", chunk_size={r.choice([1, 2, 3])}"
        if kind == "jacfwd" and r.random() < 0.3:
            extra += f", randomness={r.choice(['error', 'different', 'same'])!r}"
        return f"{name} = func.{kind}({inner}{extra}{aux})"
    if kind == "hessian":
        argnums = _argnums(r, n_args)
        return f"{name} = func.hessian({inner}{'' if argnums == 0 else f', argnums={argnums!r}'})"
    if kind == "vmap":
        extra = f", in_dims={in_dims}" if in_dims != "0" or r.random() < 0.5 else ""
        if r.random() < 0.3:
            extra += f", out_dims={r.choice([0, 1, -1, 0])}"
        if r.random() < 0.2:
            extra += f", randomness={r.choice(['error', 'different', 'same'])!r}"
        if r.random() < 0.2:
            extra += f", chunk_size={r.choice([1, 2])}"
        return f"{name} = func.vmap({inner}{extra})"
    if kind == "jvp":
        if has_aux:
            return (f"def {name}({params}):\n    o, t, a = func.jvp({inner}, ({params},), like_(({params},)), "
                    f"has_aux=True)\n    return o, t, a")
        return f"{name} = lambda {params}: func.jvp({inner}, ({params},), like_(({params},)))"
    if kind == "vjp":
        if has_aux:
            return (f"def {name}({params}):\n    o, fn, a = func.vjp({inner}, {params}, has_aux=True)\n"
                    f"    return o, fn(like_(o)), a")
        return f"def {name}({params}):\n    o, fn = func.vjp({inner}, {params})\n    return o, fn(like_(o))"
    if kind == "linearize":
        return (f"def {name}({params}):\n    o, fn = func.linearize({inner}, {params})\n"
                f"    return o, fn(*like_(({params},)))")
    raise ValueError(kind)


def draw_transforms(r: random.Random) -> str:
    layers = draw_layers(r)
    first = layers[0]
    n_args = r.choice([1, 1, 2, 2, 3])
    args = draw_args(r, n_args, True)
    constants = [(f"c{i}", r.choice(SHAPES)) for i in range(r.choice([0, 0, 1, 2]))]
    want = {"grad": "scalar", "grad_and_value": "scalar", "hessian": r.choice(["scalar", "tensor"]),
            "jacrev": "tree", "jacfwd": "tree", "vmap": "tree", "jvp": "tree", "vjp": "tree",
            "linearize": "tree"}[first]
    if "hessian" in layers or layers.count("jacrev") + layers.count("jacfwd") >= 2:
        want = "scalar" if want == "scalar" else "tensor"
    has_aux = first in ("grad", "grad_and_value", "jacrev", "jacfwd", "jvp", "vjp") and r.random() < 0.25
    fn = draw_function(r, args, want, constants, aux=has_aux)
    shapes = [[s for _, s in a.leaves] for a in args]
    lines, inner = [], "f"
    for k, layer in enumerate(layers):
        name = f"g{k}"
        in_dims = None
        if layer == "vmap":
            size = r.choice([1, 2, 3])
            in_dims, shapes = draw_in_dims(r, args, shapes, size)
        lines.append(layer_text(r, layer, inner, name, n_args, k == 0, has_aux and k == 0, in_dims))
        inner = name
    grad_inputs = r.random() < 0.3
    inputs = []
    for a, leaf_shapes in zip(args, shapes):
        xs = [_x(s, grad_inputs and r.random() < 0.7) for s in leaf_shapes]
        if a.kind == "dict":
            inputs.append("{" + ", ".join(f"{k!r}: {x}" for k, x in zip(a.keys, xs)) + "}")
        elif a.kind == "tuple":
            inputs.append("(" + ", ".join(xs) + ("," if len(xs) == 1 else "") + ")")
        else:
            inputs.append(xs[0])
    text = constants_text(r, constants) + fn
    text += "".join(f"x{i} = {x}\n" for i, x in enumerate(inputs))
    text += "\n".join(lines) + "\n"
    text += f"out = {inner}({', '.join(f'x{i}' for i in range(n_args))})\n"
    return text


# ---- nn modules through functional_call -----------------------------------------------------
MODULES = ["nn.Linear(3, 2)", "nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))",
           "nn.Sequential(nn.Linear(3, 3, bias=False), nn.Sigmoid())", "nn.Bilinear(3, 3, 2)",
           "nn.LayerNorm(3)"]


def draw_module(r: random.Random) -> str:
    module = r.choice(MODULES)
    call = "(x, x)" if "Bilinear" in module else "(x,)"
    x_shape = r.choice([(3,), (2, 3), (1, 3)])
    mode = r.choice(["grad", "jacrev", "vmap_grad", "ensemble", "ensemble_grad", "hessian", "vjp"])
    text = f"m = init_({module})\n"
    text += "params = {k: v.detach() for k, v in m.named_parameters()}\n"
    text += f"x = {_x(x_shape, r.random() < 0.3)}\n"
    loss = "lambda p, x: total_(func.functional_call(m, p, " + call + "))"
    if mode == "grad":
        argnums = r.choice([0, 1, (0, 1)])
        text += f"out = func.grad({loss}, argnums={argnums!r})(params, x)\n"
    elif mode == "jacrev":
        text += f"out = func.jacrev(lambda p, x: func.functional_call(m, p, {call}))(params, x)\n"
    elif mode == "hessian":
        text += f"out = func.hessian({loss}, argnums=1)(params, x)\n"
    elif mode == "vjp":
        text += (f"o, fn = func.vjp(lambda p: func.functional_call(m, p, {call}), params)\n"
                 f"out = (o, fn(like_(o)))\n")
    elif mode == "vmap_grad":
        text += f"xb = {_x((2,) + x_shape, False)}\n"
        text += f"out = func.vmap(func.grad({loss}), in_dims=(None, 0))(params, xb)\n"
    else:
        text += f"ms = [init_({module}) for _ in range(3)]\n"
        text += "ps, bs = func.stack_module_state(ms)\n"
        fn = f"lambda p, b, x: func.functional_call(ms[0], (p, b), {call})"
        if mode == "ensemble":
            text += f"out = (func.vmap({fn}, in_dims=(0, 0, None))(ps, bs, x), sorted(ps), sorted(bs))\n"
        else:
            text += (f"out = func.vmap(func.grad(lambda p, b, x: total_(({fn})(p, b, x))), "
                     f"in_dims=(0, 0, None))(ps, bs, x)\n")
    return text


# ---- torch.autograd.functional -------------------------------------------------------------------
def draw_functional(r: random.Random) -> str:
    api = r.choice(["jacobian", "jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"])
    n_args = r.choice([1, 1, 2, 3])
    args = draw_args(r, n_args, False)
    constants = [(f"c{i}", r.choice(SHAPES)) for i in range(r.choice([0, 0, 1]))]
    want = "one" if api in ("hessian", "vhp", "hvp") else "tensors"
    fn = draw_function(r, args, want, constants)
    if r.random() < 0.15:   # an output that depends on no input
        head, ret = fn.rsplit("    return ", 1)
        fn = head + f"    return tuple(leaves_({ret.strip()})) + (tg.ones(2),)\n"
    as_tuple = n_args > 1 or r.random() < 0.3
    grad_inputs = r.random() < 0.4
    text = constants_text(r, constants) + fn
    text += "".join(f"x{i} = {_x(a.leaves[0][1], grad_inputs and r.random() < 0.8)}\n" for i, a in enumerate(args))
    xs = "(" + ", ".join(f"x{i}" for i in range(n_args)) + ("," if n_args == 1 else "") + ")" if as_tuple else "x0"
    text += f"xs = {xs}\n"
    opts = []
    if r.random() < 0.5:
        opts.append(f"create_graph={r.random() < 0.7}")
    if r.random() < 0.3:
        opts.append(f"strict={r.random() < 0.7}")
    if api in ("jacobian", "hessian") and r.random() < 0.3:
        opts.append(f"vectorize={r.random() < 0.7}")
    if api == "jacobian" and r.random() < 0.2:
        opts.append(f"strategy={r.choice(['forward-mode', 'reverse-mode'])!r}")
    if api == "hessian" and r.random() < 0.2:
        opts.append(f"outer_jacobian_strategy={r.choice(['forward-mode', 'reverse-mode'])!r}")
    opt = "".join(", " + o for o in opts)
    call_f = "f(*xs)" if as_tuple else "f(xs)"
    if api in ("jacobian", "hessian"):
        text += f"out = AF.{api}(f, xs{opt})\n"
    elif api == "vjp":
        v = "None" if r.random() < 0.1 else f"like_({call_f})"
        text += f"out = AF.vjp(f, xs, {v}{opt})\n"
    else:
        v = "None" if r.random() < 0.1 else "like_(xs)"
        text += f"out = AF.{api}(f, xs, {v}{opt})\n"
    return text


# ---- forward AD with dual numbers --------------------------------------------------------------------
def draw_forward_ad(r: random.Random) -> str:
    n_args = r.choice([1, 2])
    args = draw_args(r, n_args, False)
    fn = draw_function(r, args, "tensors", [])
    text = fn + "".join(f"x{i} = {_x(a.leaves[0][1], r.random() < 0.2)}\n" for i, a in enumerate(args))
    xs = ", ".join(f"x{i}" for i in range(n_args))
    dual_some = r.random() < 0.3 and n_args > 1
    text += "with fwAD.dual_level():\n"
    if dual_some:
        text += f"    d = [fwAD.make_dual(x0, like_(x0))] + [{', '.join(f'x{i}' for i in range(1, n_args))}]\n"
    else:
        text += f"    d = [fwAD.make_dual(x, t) for x, t in zip(({xs},), like_(({xs},)))]\n"
    text += "    o = f(*d)\n"
    text += "    out = [tuple(fwAD.unpack_dual(t)) for t in leaves_(o)]\n"
    text += "    out.append(fwAD.unpack_dual(d[0]).tangent)\n"
    text += "out.append([fwAD.unpack_dual(t).tangent for t in leaves_(o)])  # outside the level: None\n"
    return text


# ---- invalid uses ----------------------------------------------------------------------------------
ERRORS = [
    # vmap
    "x = x_(3, 2)\nout = func.vmap(lambda t: t * 2, in_dims={d})(x)",
    "x, y = x_(3, 2), x_(2, 2)\nout = func.vmap(lambda a, b: a + b)(x, y)",
    "x, y = x_(3, 2), x_(3)\nout = func.vmap(lambda a, b: a * b, in_dims=(0,))(x, y)",
    "x, y = x_(3, 2), x_(3)\nout = func.vmap(lambda a, b: a * b, in_dims=[0, 0])(x, y)",
    "x = x_(3, 2)\nout = func.vmap(lambda a, s: a * s, in_dims=(0, 0))(x, 2.0)",
    "x = x_(3, 2)\nout = func.vmap(lambda a: a.sum(), in_dims=(None,))(x)",
    "x = x_(3, 2)\nout = func.vmap(lambda a: (a, a.sum()), out_dims=(0,))(x)",
    "x = x_(3, 2)\nout = func.vmap(lambda a: a.sum(), out_dims={d})(x)",
    "x = x_(3, 2)\nout = func.vmap(lambda a: float(a.sum()))(x)",
    "x = x_(3, 2)\nout = func.vmap(lambda a: None)(x)",
    "x = x_(3, 2)\nout = func.vmap(lambda a: a, randomness='sometimes')(x)",
    "x = x_(3, 2)\nout = func.vmap(lambda a: (a, 2.0), out_dims=(0, None))(x)",
    "x = x_(3, 2)\nout = func.vmap(lambda d: d['w'] * 2, in_dims=({{'w': 0, 'b': 0}},))({{'w': x}})",
    "x = x_(3, 2)\nout = func.vmap(lambda a: a.sum(), in_dims=0.5)(x)",
    "out = func.vmap(lambda a: a)(tg.ones(0, 2))",
    # grad
    "x = x_(3)\nout = func.grad(lambda t: float(t.sum()))(x)",
    "x = x_(3)\nout = func.grad(lambda t: t * 2)(x)",
    "x = x_(3)\nout = func.grad(lambda t: t.sum(), has_aux=True)(x)",
    "x = x_(3)\nout = func.grad(lambda t: (t.sum(), t, t), has_aux=True)(x)",
    "x = x_(3)\nout = func.grad(lambda t: [t.sum(), t], has_aux=True)(x)",
    "x = x_(3)\nout = func.grad(lambda t: t.sum(), argnums={n})(x)",
    "x = x_(3)\nout = func.grad(lambda a, b: (a * b).sum(), argnums=(0, 0))(x, x)",
    "x = x_(3)\nout = func.grad(lambda a, b: (a * b).sum(), argnums=())(x, x)",
    "x = x_(3)\nout = func.grad(lambda a, b: (a * b).sum(), argnums=1.0)(x, x)",
    "out = func.grad(lambda t: (t * 2).sum())(tg.tensor([1, 2]))",
    "out = func.grad(lambda t: t.sum())([1.0, 2.0])",
    "x = x_(3)\nout = func.grad(lambda a, b: (a * b).sum(), argnums=1)(x, 2.0)",
    "x = x_(3)\nout = func.grad(lambda t: t.sum().reshape(1))(x)",
    "x = x_(3)\nout = func.grad_and_value(lambda t: (t.sum(), {{'a': 1}}), has_aux=True)(x)",
    # vjp / jvp
    "x = x_(3)\no, fn = func.vjp(lambda t: t * 2, x)\nout = fn(x_(2))",
    "x = x_(3)\no, fn = func.vjp(lambda t: (t * 2, t), x)\nout = fn(x_(3))",
    "x = x_(3)\no, fn = func.vjp(lambda t: t * 2, x)\nout = fn((x_(3),))",
    "x = x_(3)\nout = func.vjp(lambda t: t * 2, x, has_aux=True)",
    "x = x_(3)\nout = func.jvp(lambda t: t * 2, x, x)",
    "x = x_(3)\nout = func.jvp(lambda t: t * 2, (x,), (x_(2),))",
    "x = x_(3)\nout = func.jvp(lambda a, b: a * b, (x, x), (x,))",
    "x = x_(3)\nout = func.jvp(lambda t: (t * 2, 1.0), (x,), (x,))",
    "x = x_(3)\nout = func.jvp(lambda t: t * 2, (x,), (x,), has_aux=True)",
    "x = x_(3)\nout = func.jacrev(lambda t: t * 2, chunk_size=0)(x)",
    "x = x_(3)\nout = func.jacrev(lambda t: 2.0)(x)",
    "x = x_(3)\nout = func.jacfwd(lambda t: t, randomness='x')(x)",
    "x = x_(3)\nout = func.jacrev(lambda t: t, argnums={n})(x)",
    "x = x_(3)\nout = func.hessian(lambda t: (t, t))(x)",
    "x = x_(3)\no, fn = func.linearize(lambda t: t.sin(), x)\nout = fn(x_(2))",
    "x = x_(3)\no, fn = func.linearize(lambda t: t.sin(), x)\nout = fn(x, x)",
    # autograd.functional
    "x, y = x_(3), x_(3)\nout = AF.jacobian(lambda a, b: a * 2, (x, y), strict=True)",
    "x = x_(3)\nout = AF.jacobian(lambda a: tg.ones(3), x, strict=True)",
    "x = x_(3)\nout = AF.vjp(lambda a: a * 2, x, x_(2))",
    "x = x_(3)\nout = AF.vjp(lambda a: a * 2, x)",
    "x = x_(3)\nout = AF.vjp(lambda a: a * 2, x, (x, x))",
    "x = x_(3)\nout = AF.jvp(lambda a: a * 2, x, x_(2))",
    "x = x_(3)\nout = AF.jvp(lambda a: a * 2, x)",
    "x = x_(3)\nout = AF.hessian(lambda a: a * 2, x)",
    "x = x_(3)\nout = AF.hessian(lambda a: (a.sum(), a.sum()), x)",
    "x = x_(3)\nout = AF.hvp(lambda a: a * 2, x, x)",
    "x = x_(3)\nout = AF.vhp(lambda a: (a ** 2).sum(), x, x_(2))",
    "x = x_(3)\nout = AF.jacobian(lambda a: a * 2, [x])",
    "x = x_(3)\nout = AF.jacobian(lambda a: [a * 2], x)",
    "x = x_(3)\nout = AF.jacobian(lambda a: 2.0, x)",
    "x = x_(3)\nout = AF.jacobian(lambda a: a * 2, x, strict=True, vectorize=True)",
    "x = x_(3)\nout = AF.jacobian(lambda a: a * 2, x, strategy='forward-mode')",
    "x = x_(3)\nout = AF.jacobian(lambda a: a * 2, x, strategy='sideways')",
    "x = x_(3)\nout = AF.hessian(lambda a: (a * 3).sum(), x, strict=True)",
    "x, y = x_(3), x_(3)\nout = AF.hessian(lambda a, b: (a ** 2).sum() + b.sum(), (x, y), strict=True)",
    "x, y = x_(3), x_(3)\nout = AF.vjp(lambda a, b: a * 2, (x, y), x_(3), strict=True)",
    "x, y = x_(3), x_(3)\nout = AF.jvp(lambda a, b: a * 2, (x, y), (x, y), strict=True)",
    "x, y = x_(3), x_(3)\nout = AF.vhp(lambda a, b: (a ** 2).sum() + b.sum(), (x, y), (x, y), strict=True)",
    "x = x_(3)\nout = AF.hvp(lambda a: (a * 3).sum(), x, x, strict=True)",
    "x = x_(3)\nout = AF.vjp(lambda a: tg.ones(3), x, x_(3), strict=True)",
    "out = AF.jacobian(lambda a: a * 2, tg.tensor([1, 2]))",
    # forward AD
    "x = x_(3)\nout = fwAD.make_dual(x, x)",
    "x = x_(3)\nwith fwAD.dual_level():\n    out = fwAD.make_dual(x, x_(2))",
    "x = x_(3)\nwith fwAD.dual_level():\n    d = fwAD.make_dual(x, x)\n    out = fwAD.make_dual(d, x)",
    "x = x_(3)\nwith fwAD.dual_level():\n    with fwAD.dual_level():\n        out = 1",
    "x = x_(3)\nwith fwAD.dual_level():\n    out = fwAD.make_dual(tg.tensor([1, 2, 3]), tg.tensor([1, 2, 3]))",
    "x = x_(3)\nout = fwAD.unpack_dual(x)",
    "x = x_(3)\nwith fwAD.dual_level():\n    out = fwAD.unpack_dual(x * 2)",
]


def draw_error(r: random.Random) -> str:
    return r.choice(ERRORS).format(d=r.choice([2, 3, -3, 5]), n=r.choice([1, -2, 3])) + "\n"


GENERATORS = {"transforms": draw_transforms, "module": draw_module, "functional": draw_functional,
              "forward_ad": draw_forward_ad, "error": draw_error}
WEIGHTS = {"transforms": 10, "module": 2, "functional": 5, "forward_ad": 2, "error": 2}


def draw(seed: int, only: str = "") -> tuple[str, str]:
    """(kind, snippet) for one seed."""
    r = random.Random(seed)
    names = [n for n in GENERATORS if only in n] or list(GENERATORS)
    kind = r.choices(names, [WEIGHTS[n] for n in names])[0]
    return kind, GENERATORS[kind](r)


# =============================================================================================
# running one side


@dataclass
class Outcome:
    error: str | None = None
    structure: str = ""
    values: dict = field(default_factory=dict)   # key -> (meta, array or None)
    second_error: str | None = None


def _is_tensor(o) -> bool:
    return hasattr(o, "requires_grad") and hasattr(o, "shape") and hasattr(o, "detach")


def _describe(o, leaves: list) -> str:
    """The nesting of a result as text (tensors become T, other leaves their repr)."""
    if isinstance(o, dict):
        return "dict{" + ", ".join(f"{k!r}: {_describe(v, leaves)}" for k, v in o.items()) + "}"
    if isinstance(o, (tuple, list)):
        name = type(o).__name__ if type(o) in (tuple, list) or not hasattr(o, "_fields") else "namedtuple"
        return f"{name}(" + ", ".join(_describe(v, leaves) for v in o) + ")"
    if _is_tensor(o):
        leaves.append(o)
        return "T"
    if o is None:
        return "None"
    if isinstance(o, (int, float, str, bool)):
        return repr(o)
    return type(o).__name__


def _array(t) -> np.ndarray:
    try:
        return np.asarray(t.detach().numpy())
    except RuntimeError:   # PyTorch's ZeroTensor (a jvp that is known to be 0)
        return np.asarray(t.detach().numpy(force=True))


def _meta(t) -> tuple:
    return tuple(t.shape), str(t.dtype).replace("torch.", ""), bool(t.requires_grad)


def _message(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0] if text else ''}"[:240]


def run_side(snippet: str, lib: str, seed: int, referee: bool | str = False) -> Outcome:
    code = script(snippet, lib, seed, referee)
    ns: dict = {"__name__": "__fuzz__"}
    with quiet_side(lib):
        try:
            exec(compile(code, f"<{lib} seed {seed}>", "exec"), ns)
        except Exception as err:  # noqa: BLE001 -- an outcome to compare
            return Outcome(error=_message(err))
        leaves: list = []
        outcome = Outcome(structure=_describe(ns.get("out"), leaves))
        for i, t in enumerate(leaves):
            # (PyTorch's vmap bug gives shapes like (34359738368, 4): compare the shape only)
            big = int(np.prod(t.shape, dtype=float)) > 1e6
            outcome.values[f"out[{i}]"] = (_meta(t), None if big else _array(t))
        _second(ns, leaves, outcome)
        return outcome


def _second(ns: dict, leaves: list, outcome: Outcome) -> None:
    """For each result leaf that requires grad, the gradient of Σ w·leaf by the inputs that
    require grad (a second differentiation through the transform)."""
    tg, inputs = ns["tg"], ns["LEAVES"]
    if not inputs:
        return
    for i, t in enumerate(leaves):
        if not (t.requires_grad and t.is_floating_point()) or t.numel() > 1e6:   # (PyTorch's garbage sizes)
            continue
        weights = tg.tensor(np.cos(np.arange(t.numel()) * 1.7 + 0.3 + i).reshape(tuple(t.shape)))
        try:
            grads = tg.autograd.grad((t * weights).sum(), inputs, allow_unused=True, retain_graph=True)
        except Exception as err:  # noqa: BLE001
            outcome.second_error = _message(err)
            return
        for j, g in enumerate(grads):
            outcome.values[f"second[{i}] grad[{j}]"] = (None, None if g is None else _array(g))


def _zero_derivative(outcome: Outcome, i: int) -> bool:
    """Is every second derivative of result leaf i zero (or None)?"""
    return all(a is None or not a.any() for k, (_, a) in outcome.values.items() if k.startswith(f"second[{i}] "))


# =============================================================================================
# comparing


def compare(ref: Outcome, ours: Outcome) -> list[tuple[str, str]]:
    """Differences as (what, detail); ref is PyTorch's outcome."""
    if ref.error is not None:
        if ours.error is None:
            return [("no error", f"torch: {ref.error}")]
        if ref.error.split(":")[0] != ours.error.split(":")[0]:
            return [("exception type", f"torch: {ref.error} | tg: {ours.error}")]
        return []
    if ours.error is not None:
        return [("raises", ours.error)]
    if ref.structure != ours.structure:
        return [("structure", f"torch {ref.structure} | tg {ours.structure}")]
    diffs = []
    if (ref.second_error is None) != (ours.second_error is None):
        diffs.append(("second: raises" if ours.second_error else "second: no error",
                      f"torch: {ref.second_error} | tg: {ours.second_error}"))
    for key in sorted(ref.values.keys() | ours.values.keys()):
        what = key.split("[")[0]
        if key not in ours.values or key not in ref.values:
            side, other = (ref, ours) if key in ref.values else (ours, ref)
            a = side.values[key][1]
            if key.startswith("second") and (a is None or not a.any()):
                continue   # the other side found its result constant: compared by requires_grad below
            diffs.append((f"{what}: missing", f"{key} only in {'torch' if key in ref.values else 'tg'}"))
            continue
        (rm, ra), (om, oa) = ref.values[key], ours.values[key]
        if rm != om:
            if rm[:2] != om[:2]:
                diffs.append((f"{what}: shape/dtype", f"{key}: torch {rm} tg {om}"))
                continue
            i = int(key[4:-1])
            # a derivative that is constant (relu's, where's, ...): PyTorch's backward formula may
            # still record a graph for it, whose derivative is zero
            zero = _zero_derivative(ref if rm[2] else ours, i)
            diffs.append((f"{what}: requires_grad{' of a constant' if zero else ''}",
                          f"{key}: torch {rm} tg {om}"))
        if ra is None or oa is None:
            zero = (ra is None and oa is not None and not oa.any()) or (oa is None and ra is not None
                                                                        and not ra.any())
            if (ra is None) != (oa is None) and not zero:
                diffs.append((f"{what}: None", f"{key}: torch {'None' if ra is None else 'a tensor'}"))
            continue
        if ra.shape != oa.shape:
            diffs.append((f"{what}: shape", f"{key}: torch {ra.shape} tg {oa.shape}"))
            continue
        if not np.allclose(oa, ra, rtol=RTOL, atol=ATOL, equal_nan=True):
            with np.errstate(all="ignore"):
                gap = np.abs(oa.astype(float) - ra.astype(float))
            err = float(np.nanmax(gap)) if gap.size and not np.isnan(gap).all() else float("nan")
            nan = " (nan in one only)" if (np.isnan(oa) != np.isnan(ra)).any() else ""
            diffs.append((f"{what}: value", f"{key}: max |diff| {err:.3g}{nan}"))
    return diffs


@dataclass
class Finding:
    kind: str
    what: str
    detail: str
    seed: int
    snippet: str


def _jacfwd_negative_argnums_text(snippet: str) -> bool:
    return re.search(r"func\.(jacfwd|hessian)\([^\n]*argnums=\(?[^\n)]*-\d", snippet) is not None


def _jacfwd_negative_argnums(f: Finding) -> bool:
    return _jacfwd_negative_argnums_text(f.snippet)


# Deliberate, documented differences (docs/from-pytorch.md, "What behaves differently" and "Edge
# cases that differ on purpose"), and PyTorch bugs not copied: (kind, what (a prefix), a test of
# the finding, reason).
def _torch_inplace_in_backward(f: Finding) -> bool:
    return "modified by an inplace operation" in f.detail or (f.what.startswith("second: missing")
                                                              and "only in tg" in f.detail)


def _layer_norm(f: Finding) -> bool:
    return "layer_norm" in f.snippet or "LayerNorm" in f.snippet


KNOWN: list[tuple[str, str, object, str]] = [
    ("", "out: requires_grad of a constant", lambda f: True,
     "a derivative that is constant (relu's, abs', where's, max's: a 0/1 mask times a constant): "
     "PyTorch's backward formula records a graph through the mask, so the result requires grad (its "
     "derivative is zero); here the mask selects without recording one. Values and every derivative agree."),
    ("functional", "", lambda f: f.what in ("no error", "raises") and "independent" in f.detail
     and "strict" in f.detail,
     "strict=True judges 'independent of the input' by whether a derivative's graph reaches the input: "
     "where PyTorch's backward formula of an op keeps a graph for a constant derivative (or does not), the "
     "verdict differs for the same function (same cause as the requires_grad entry above)"),
    ("transforms", "vmap out_dims: as its definition", lambda f: True,
     "PyTorch bug: vmap with out_dims other than 0 for an output that does not depend on the mapped inputs "
     "returns a tensor of a garbage size (vmap(lambda a: y * 2, out_dims=-1)(x) has shape (34359738368, 4)), "
     "fails while expanding it, or puts the batch dim first; here it is put at out_dims (the results equal "
     "vmap's definition, a loop whose results are stacked at out_dims: VMAP_REFEREE)"),
    ("", "second:", _torch_inplace_in_backward,
     "PyTorch bug: differentiating again through jacfwd/hessian/jvp or forward AD raises 'one of the variables "
     "needed for gradient computation has been modified by an inplace operation' (its forward-mode "
     "formulas of where/exp write into saved results); here the second derivative is computed"),
    ("", "", lambda f: _layer_norm(f) and ("value" in f.what or "second" in f.what),
     "PyTorch bug: second derivatives through F.layer_norm under torch.func (jacrev by the weight, then grad "
     "by the input; jacfwd inside grad) are wrong: ours agree with finite differences (seeds 383 and 675)"),
    ("functional", "structure", lambda f: "forward-mode" in f.snippet and "torch list(" in f.detail,
     "PyTorch's autograd.functional.jacobian(strategy='forward-mode', vectorize=True) returns lists of lists "
     "where its documentation (and its reverse mode) give tuples of tuples; here tuples"),
    ("error", "exception type", lambda f: "float(" in f.snippet and "vmap" in f.snippet,
     "float(t) / t.item() inside vmap: PyTorch refuses the call itself (RuntimeError); vmap here is a loop "
     "that gives each call a real tensor, so only the non-Tensor result is refused (ValueError)"),
    ("", "", lambda f: "nan in one only" in f.detail,
     "nan where a single op is not differentiable (a norm or sqrt at 0, 0·inf): the conventions of single ops, "
     "compared by the op fuzz (tests/fuzz/known.py), not of the transforms"),
    ("transforms", "no error", lambda f: "Dimension" in f.detail and "out of range" in f.detail and (
        ".squeeze(-1)" in f.snippet or ".flip(-1)" in f.snippet),
     "PyTorch limitation: under vmap, squeeze(-1) or flip(-1) of a per-example 0-d tensor raises 'Dimension out "
     "of range', though PyTorch allows both on a 0-d tensor outside vmap (torch.tensor(1.).squeeze(-1)); vmap "
     "here gives each call the tensor it would get in a loop, so they work as outside"),
    ("transforms", "", _jacfwd_negative_argnums,
     "PyTorch bug: torch.func.jacfwd (and hessian, which uses it) with a negative argnums returns zeros "
     "(jacfwd(lambda a: a ** 3, argnums=-1)(x) is 0); here -1 means the last argument, as in jacrev"),
]


def known(f: Finding) -> str | None:
    return documented(f, KNOWN)


def failures(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if known(f) is None]


def check(kind: str, snippet: str, seed: int) -> list[Finding]:
    ref = run_side(snippet, "torch", seed)
    ours = run_side(snippet, "tinygrad_edu", seed)
    if kind == "transforms" and needs_referee(snippet, ref.error):
        # PyTorch's answer is an error or wrong here (see REFEREE): compare with its reverse-mode equal
        kind, ref = "transforms (referee)", run_side(snippet, "torch", seed, referee=True)
    diffs = compare(ref, ours)
    if diffs and kind == "transforms" and re.search(r"out_dims=-?[1-9]", snippet):
        again = compare(run_side(snippet, "torch", seed, referee="vmap"), ours)
        if not again:   # ours is vmap's definition; PyTorch's bug (see VMAP_REFEREE)
            return [Finding(kind, "vmap out_dims: as its definition", diffs[0][1], seed, snippet)]
        kind, diffs = "transforms (vmap referee)", again
    return [Finding(kind, what, detail, seed, snippet) for what, detail in diffs]


def run(examples: int, seed: int = 0, only: str = "") -> tuple[list[Finding], dict]:
    findings, counts = [], defaultdict(int)
    for s in range(seed, seed + examples):
        kind, snippet = draw(s, only)
        counts[kind] += 1
        findings += check(kind, snippet, s)
    return findings, dict(counts)


def reproducer(f: Finding) -> str:
    return (HEADER.format(lib="torch", seed=f.seed).replace(
        "import torch as tg", "import torch as tg  # or: import tinygrad_edu as tg") + f.snippet + "print(out)\n")


def report(findings: list[Finding], out=sys.stdout, show: int = 1) -> None:
    skipped = [f for f in findings if known(f) is not None]
    if skipped:
        print(f"{len({f.seed for f in skipped})} cases with documented differences (not shown):", file=out)
        for reason in sorted({known(f) for f in skipped}):
            print(f"  - {reason}", file=out)
    kinds: dict = defaultdict(list)
    for f in findings:
        if known(f) is None:
            kinds[(f.kind, f.what)].append(f)
    print(f"{len(kinds)} kinds of difference", file=out)
    for (kind, what), fs in sorted(kinds.items()):
        print(f"  {kind:12s} {what:28s} {len({f.seed for f in fs}):5d} cases  e.g. {fs[0].detail[:150]}", file=out)
    if kinds:
        header = HEADER.format(lib="torch", seed="SEED")
        header = header.replace("import torch as tg", "import torch as tg  # or: import tinygrad_edu as tg")
        print("(each snippet below runs after this header, with either import:)\n" + header, file=out)
    for (kind, what), fs in sorted(kinds.items()):
        for best in sorted(fs, key=lambda f: (len(f.snippet), f.seed))[:show]:
            print(f"\n### {kind}: {what} ({best.detail[:300]}; seed {best.seed})\n", file=out)
            print(best.snippet, file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default="", help="only case kinds whose name contains this")
    ap.add_argument("--show", type=int, default=1, help="snippets shown per kind of difference")
    args = ap.parse_args(argv)
    start = time.time()
    findings, counts = run(args.examples, args.seed, args.only)
    print(f"{args.examples} cases {counts} in {time.time() - start:.0f} s")
    report(findings, show=args.show)
    return 1 if failures(findings) else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
