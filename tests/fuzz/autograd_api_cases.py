"""Random programs over the autograd API, for tests/fuzz/autograd_api_fuzz.py.

A program is a list of steps (each one statement, a `with` block included). The first steps make
a few leaves (0-d to 3-d, some requiring grad); the rest are drawn from: lines of ops
(elementwise, matmul, sum/mean, views, detach, custom Functions), sometimes inside a grad-mode
block (no_grad, enable_grad, set_grad_enabled, inference_mode) or a saved-tensors-hooks block;
hooks (on leaves and intermediate results, on nodes, after accumulation) and their removal;
retain_grad; backward (twice, with retain_graph, gradient=, inputs=); tg.autograd.grad (with
allow_unused, materialize_grads, grad_outputs, create_graph and a second differentiation,
is_grads_batched); changes of .grad; in-place changes and detach_/requires_grad_ toggles.

Each step is run in PyTorch while the program is written (in `Writer.ns`), so that the next step
fits the shapes that exist; a step that fails is kept only where the failure is the point
(backward twice, a hook on a tensor without grad, ...).
"""
from __future__ import annotations

import random
import warnings
from dataclasses import dataclass, field

import numpy as np

# The prelude of every program; `{lib}` is torch or tinygrad_edu. Everything the program
# observes goes to LOG (hooks' gradients, custom Functions' needs_input_grad), so it is compared.
HEADER = '''import numpy as np
import {lib} as tg
tg.set_default_dtype(tg.float64)
R = np.random.default_rng({seed})
LOG = []

def x_(*shape, grad=False):
    """A float64 leaf with numbers from R (the same in both libraries)."""
    return tg.tensor(R.uniform(-1.5, 1.5, shape), requires_grad=grad)

def w_(t, k=0.0):
    """Fixed weights of t's shape (no symmetry that could hide a wrong gradient)."""
    n = int(np.prod(tuple(t.shape)))
    return tg.tensor(np.cos(np.arange(n) * 1.3 + 0.4 + k).reshape(tuple(t.shape)))

def loss_(t):
    return (t * w_(t)).sum()

def rec_(tag, g):
    LOG.append((tag, None if g is None else g.detach().clone()))

def hook_(tag, kind="none"):
    def hook(g):
        rec_(tag, g)
        if kind == "scale":
            return g * 2
        if kind == "new":
            return g + w_(g, 1.0)
    return hook

def node_hook_(tag, kind="none"):
    def hook(grad_inputs, grad_outputs):
        for i, g in enumerate(grad_inputs):
            rec_(tag + ".in" + str(i), g)
        for i, g in enumerate(grad_outputs):
            rec_(tag + ".out" + str(i), g)
        if kind == "scale":
            return tuple(None if g is None else g * 3 for g in grad_inputs)
    return hook

def prehook_(tag, kind="none"):
    def hook(grad_outputs):
        for i, g in enumerate(grad_outputs):
            rec_(tag + ".out" + str(i), g)
        if kind == "scale":
            return tuple(None if g is None else g * 0.5 for g in grad_outputs)
    return hook

def post_(tag):
    def hook(t):
        rec_(tag, t.grad)
    return hook

def show_(name, t):
    """What the fuzz compares of a tensor (for reproducers)."""
    if t is None:
        print(name, None)
    else:
        print(name, t, "requires_grad", t.requires_grad, "is_leaf", t.is_leaf, "grad_fn", t.grad_fn is not None)
        print("  .grad", t.grad)

def pack_copy_(t):
    return t.detach().clone()

def pack_numpy_(t):
    return (t.detach().numpy() * 2.0).copy()          # kept as an array, doubled

def unpack_numpy_(a):
    return tg.from_numpy(a / 2.0)

class Cube(tg.autograd.Function):
    """k·x³, ctx style; saves x; logs needs_input_grad."""
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return x ** 3 * k

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        LOG.append(("Cube.needs", tuple(ctx.needs_input_grad)))
        return g * 3 * x ** 2 * ctx.k, None

class MulS(tg.autograd.Function):
    """x·y (broadcasting), PyTorch 2 style: forward without ctx, setup_context."""
    @staticmethod
    def forward(x, y):
        return x * y

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(*inputs)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        LOG.append(("MulS.needs", tuple(ctx.needs_input_grad)))
        return (g * y if ctx.needs_input_grad[0] else None, g * x if ctx.needs_input_grad[1] else None)

class Once(tg.autograd.Function):
    """exp(x) with a @once_differentiable backward."""
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @tg.autograd.function.once_differentiable
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y

class AddOne(tg.autograd.Function):
    """x += 1 in place (mark_dirty), returns x."""
    @staticmethod
    def forward(ctx, x):
        x.add_(1.0)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g

class SortF(tg.autograd.Function):
    """The sorted values and their (non-differentiable) indices; set_materialize_grads(False)."""
    @staticmethod
    def forward(ctx, x):
        v, i = x.reshape(-1).sort()
        ctx.mark_non_differentiable(i)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(i)
        ctx.shape = tuple(x.shape)
        return v, i

    @staticmethod
    def backward(ctx, gv, gi):
        LOG.append(("SortF.g", (gv is None, gi is None)))
        if gv is None:
            return None
        i, = ctx.saved_tensors
        return tg.zeros_like(gv).index_add(0, i, gv).reshape(ctx.shape)

class Two(tg.autograd.Function):
    """(2x, sin x): an output the loss may not use gets zeros (materialized)."""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * 2, x.sin()

    @staticmethod
    def backward(ctx, g1, g2):
        x, = ctx.saved_tensors
        rec_("Two.g1", g1)
        rec_("Two.g2", g2)
        return g1 * 2 + g2 * x.cos()

'''

SHAPES = [(), (), (1,), (2,), (3,), (2, 3), (3, 2), (1, 3), (2, 1), (2, 2), (3,), (2, 1, 3), (2, 2, 2)]

UNARY = ["{a}.sin()", "{a}.exp()", "({a} * {a})", "{a}.tanh()", "{a}.sigmoid()", "({a} * 2 + 1)", "({a} ** 2)",
         "{a}.abs()", "{a}.clamp(-0.5, 0.5)", "{a}.relu()", "(-{a})", "{a}.clone()", "({a} / 3)", "{a}.cos()",
         "tg.tanh({a})", "{a}.pow(3)"]
BINARY = ["({a} + {b})", "({a} * {b})", "({a} - {b})", "({a} / ({b} * {b} + 1))", "({a} @ {b})",
          "tg.matmul({a}, {b})", "({a} * {b}.sin())"]
REDUCE = ["{a}.sum()", "{a}.sum({d})", "{a}.mean()", "{a}.mean({d}, keepdim=True)", "{a}.sum(dim={d}, keepdim=True)"]
VIEW = ["{a}[0]", "{a}[1:]", "{a}[..., :1]", "{a}[:, 0]", "{a}.reshape(-1)", "{a}.view(-1)", "{a}.transpose(0, -1)",
        "{a}.t()", "{a}.expand(2, *{a}.shape)", "{a}.unsqueeze({d})", "{a}.squeeze()", "{a}[None]",
        "{a}.permute(*reversed(range({a}.dim())))", "{a}.view({a}.numel())", "{a}.reshape({a}.shape[::-1])"]
DETACH = ["{a}.detach()"]
CUSTOM = ["Cube.apply({a}, 1.5)", "MulS.apply({a}, {b})", "Once.apply({a})"]
CUSTOM2 = ["SortF.apply({a})", "Two.apply({a})"]           # two results
VIEW_OPS = set(VIEW) | set(DETACH)  # (results that share their operand's storage)

GRAD_MODES = ["tg.no_grad()", "tg.enable_grad()", "tg.set_grad_enabled(False)", "tg.set_grad_enabled(True)",
              "tg.inference_mode()", "tg.autograd.no_grad()"]
SAVED_HOOKS = ["tg.autograd.graph.saved_tensors_hooks(pack_copy_, lambda t: t)",
               "tg.autograd.graph.saved_tensors_hooks(pack_numpy_, unpack_numpy_)",
               "tg.autograd.graph.save_on_cpu()"]


@dataclass
class Step:
    code: str
    kind: str                      # what the step does, for grouping differences
    defines: tuple = ()            # names of tensors it defines


@dataclass
class Program:
    seed: int
    steps: list = field(default_factory=list)
    family: dict = field(default_factory=dict)        # tensor name -> storage family (views share one)
    inplace: dict = field(default_factory=dict)       # family -> [(step index, name changed in place)]

    def text(self) -> str:
        return "".join(s.code + "\n" for s in self.steps)


def _torch():
    import torch
    return torch


class Writer:
    """Writes one program, running each step in PyTorch as it goes."""

    def __init__(self, r: random.Random, seed: int) -> None:
        self.r, self.p = r, Program(seed)
        self.ns: dict = {"__name__": "__fuzz_writer__"}
        torch = _torch()
        old = torch.get_default_dtype()
        try:
            exec(HEADER.format(lib="torch", seed=seed), self.ns)
        finally:
            torch.set_default_dtype(old)
        self.count = {"a": 0, "v": 0, "g": 0, "h": 0}
        self.handles: list[str] = []
        self.last_ok = True
        self.hooked = False

    # ---- names -----------------------------------------------------------------------------------------
    def new(self, prefix: str) -> str:
        name = f"{prefix}{self.count[prefix]}"
        self.count[prefix] += 1
        return name

    def tensors(self, pred=None) -> list[str]:
        torch = _torch()
        out = []
        for name in self.p.family:
            t = self.ns.get(name)
            try:
                if isinstance(t, torch.Tensor) and (pred is None or pred(t)):
                    out.append(name)
            except RuntimeError:   # (a view whose base changed in place in another grad mode)
                continue
        return out

    def pick(self, names: list[str]) -> str:
        return self.r.choice(names[-3:] if self.r.random() < 0.6 else names)

    def grad_tensors(self) -> list[str]:
        return self.tensors(lambda t: t.requires_grad)

    def leaves(self, grad: bool | None = True) -> list[str]:
        return self.tensors(lambda t: t.is_leaf and (grad is None or t.requires_grad == grad))

    # ---- running ---------------------------------------------------------------------------------------
    def run(self, code: str) -> bool:
        torch = _torch()
        old = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                exec(code, self.ns)
            return True
        except Exception:  # noqa: BLE001 -- a step that does not fit (or fails on purpose)
            return False
        finally:
            torch.set_default_dtype(old)

    def add(self, code: str, kind: str, defines: tuple = (), keep_failure: bool = False,
            family_of: str | None = None, inplace_on: str | None = None) -> bool:
        ok = self.last_ok = self.run(code)
        if not ok and not keep_failure:
            for name in defines:
                self.ns.pop(name, None)
            return False
        for name in defines:
            if name in self.ns:
                self.p.family[name] = self.p.family.get(family_of, name) if family_of else name
        if inplace_on is not None and inplace_on in self.p.family:
            self.p.inplace.setdefault(self.p.family[inplace_on], []).append((len(self.p.steps), inplace_on))
        self.p.steps.append(Step(code, kind, defines))
        return True

    # ---- steps -----------------------------------------------------------------------------------------
    def leaf(self, grad: bool) -> None:
        shape = self.r.choice(SHAPES)
        name = self.new("a")
        args = ", ".join(map(str, shape))
        g = ", grad=True" if grad else ""
        self.add(f"{name} = x_({args}{g})" if args or g else f"{name} = x_()", "leaf", (name,))

    def _fill(self, template: str, names: list[str]) -> str:
        a, b = self.pick(names), self.pick(names)
        ta = self.ns[a]
        nd = max(1, ta.dim())
        return template.format(a=a, b=b, d=self.r.randrange(-nd, nd))

    def op_expr(self, names: list[str]) -> tuple[str, str, str | None]:
        """(expression, kind, name of the viewed tensor or None)."""
        r = self.r
        roll = r.random()
        if roll < 0.3:
            pool, kind = UNARY, "op: unary"
        elif roll < 0.55:
            pool, kind = BINARY, "op: binary"
        elif roll < 0.65:
            pool, kind = REDUCE, "op: reduce"
        elif roll < 0.9:
            pool, kind = VIEW, "op: view"
        elif roll < 0.93:
            pool, kind = DETACH, "op: detach"
        else:
            pool, kind = CUSTOM, "op: custom Function"
        template = r.choice(pool)
        expr = self._fill(template, names)
        viewed = expr.split("[")[0].split(".")[0] if template in VIEW_OPS else None
        if kind == "op: custom Function":
            kind = "op: " + template.split(".")[0]
        return expr, kind, viewed

    def op_line(self, tries: int = 25) -> None:
        torch = _torch()
        names = self.tensors(lambda t: t.is_floating_point())
        if not names:
            return
        r = self.r
        for _ in range(tries):
            if r.random() < 0.07:
                if self.custom_two(names):
                    return
                continue
            expr, kind, viewed = self.op_expr(names)
            name = self.new("v")
            code, mode = f"{name} = {expr}", ""
            roll = r.random()
            if roll < 0.15:
                mode = r.choice(GRAD_MODES)
                if mode == "tg.no_grad()" and r.random() < 0.3:   # nested: recorded again inside
                    code = f"with tg.no_grad():\n    with tg.enable_grad():\n        {code}"
                    mode = "no_grad(enable_grad())"
                else:
                    code = f"with {mode}:\n    {code}"
                kind += " in " + mode.split("(")[0].replace("tg.", "").replace("autograd.", "")
            elif roll < 0.25:
                hooks = r.choice(SAVED_HOOKS)
                code = f"with {hooks}:\n    {code}"
                kind += " in " + ("save_on_cpu" if "cpu" in hooks else "saved_tensors_hooks")
            if self.add(code, kind, (name,), family_of=viewed if viewed else None):
                t = self.ns[name]
                if not isinstance(t, torch.Tensor) or t.numel() > 24 or t.dim() > 3 or _huge(t):
                    self.p.steps.pop()
                    self.p.family.pop(name, None)
                    self.ns.pop(name, None)
                    continue
                return
            self.count["v"] -= 1

    def custom_two(self, names: list[str]) -> bool:
        template = self.r.choice(CUSTOM2)
        n1, n2 = self.new("v"), self.new("v")
        code = f"{n1}, {n2} = " + self._fill(template, names)
        if self.add(code, "op: " + template.split(".")[0], (n1, n2)):
            return True
        self.count["v"] -= 2
        return False

    def hook_step(self) -> None:
        r = self.r
        names = self.grad_tensors()
        if r.random() < 0.05:
            names = self.tensors()   # (a hook on a tensor that does not require grad: an error)
        if not names:
            return
        t = self.pick(names)
        self.hooked = True
        try:
            leaf = self.ns[t].is_leaf
        except RuntimeError:
            return
        where = "leaf" if leaf else "non-leaf"
        roll = r.random()
        if roll < 0.4:
            kind = r.choice(["none", "none", "scale", "new"])
            h = self.new("h")
            tag = f"{t}#{h}"
            if self.add(f"{h} = {t}.register_hook(hook_({tag!r}, {kind!r}))", f"register_hook({kind}) on {where}",
                        keep_failure=True) and self.last_ok:
                self.handles.append(h)
        elif roll < 0.5 and self.handles:
            h = r.choice(self.handles)
            self.handles.remove(h)
            self.add(f"{h}.remove()", "hook handle.remove()", keep_failure=True)
        elif roll < 0.65:
            self.add(f"{t}.retain_grad()", f"retain_grad on {where}", keep_failure=True)
        elif roll < 0.8:
            kind = r.choice(["none", "scale"])
            h = self.new("h")
            what = r.choice(["register_hook", "register_prehook"])
            fn = "node_hook_" if what == "register_hook" else "prehook_"
            if self.add(f"{h} = {t}.grad_fn.{what}({fn}({t + '#' + h!r}, {kind!r}))",
                        f"grad_fn.{what}({kind})", keep_failure=True) and self.last_ok:
                self.handles.append(h)
        else:
            h = self.new("h")
            if self.add(f"{h} = {t}.register_post_accumulate_grad_hook(post_({t + '#' + h!r}))",
                        f"register_post_accumulate_grad_hook on {where}", keep_failure=True) and self.last_ok:
                self.handles.append(h)

    def _inputs(self, k: int | None = None) -> list[str]:
        names = self.grad_tensors()
        if not names:
            return []
        k = k or self.r.randint(1, min(3, len(names)))
        return self.r.sample(names, min(k, len(names)))

    def backward_step(self) -> None:
        r = self.r
        names = self.grad_tensors()
        if not names:
            return
        t = self.pick(names)
        one = self.ns[t].numel() == 1
        retain = ", retain_graph=True" if r.random() < 0.4 else ""
        roll = r.random()
        if roll < 0.45:
            self.add(f"loss_({t}).backward({retain[2:]})", "backward" + (" retain_graph" if retain else ""),
                     keep_failure=True)
        elif roll < 0.55:
            self.add(f"{t}.backward({retain[2:]})", "backward of " + ("a one-element" if one else "a non-scalar")
                     + " output", keep_failure=True)
        elif roll < 0.7:
            self.add(f"{t}.backward(gradient=w_({t}){retain})", "backward(gradient=)", keep_failure=True)
        elif roll < 0.85:
            inputs = ", ".join(self._inputs())
            self.add(f"loss_({t}).backward(inputs=[{inputs}]{retain})", "backward(inputs=)", keep_failure=True)
        else:
            u = self.pick(names)
            self.add(f"tg.autograd.backward([loss_({t}), {u}], [None, w_({u}, 2.0)]{retain})",
                     "autograd.backward of two outputs", keep_failure=True)

    def grad_step(self) -> None:
        r = self.r
        names = self.grad_tensors()
        if not names:
            return
        t = self.pick(names)
        inputs = self._inputs()
        if r.random() < 0.3:   # an input that the output may not depend on
            more = self.leaves(True)
            if more:
                inputs.append(r.choice(more))
        opts, kind = [], "autograd.grad"
        out = f"loss_({t})"
        roll = r.random()
        if roll < 0.25:
            out, kind = t, kind + " grad_outputs"
            opts.append(f"grad_outputs=w_({t})")
        elif roll < 0.32 and not self.hooked:   # (hooks: one backward pass per row here, see KNOWN)
            out, kind = t, kind + " is_grads_batched"
            opts.append(f"grad_outputs=tg.stack([w_({t}), w_({t}, 1.0)])")
            opts.append("is_grads_batched=True")
        if r.random() < 0.4:
            opts.append("allow_unused=True")
            kind += " allow_unused"
        if r.random() < 0.2:
            opts.append("materialize_grads=True")
            kind += " materialize_grads"
        create = r.random() < 0.35
        if create:
            opts.append("create_graph=True")
            kind += " create_graph"
        elif r.random() < 0.4:
            opts.append("retain_graph=True")
            kind += " retain_graph"
        g = self.new("g")
        code = f"{g} = tg.autograd.grad({out}, [{', '.join(inputs)}]{''.join(', ' + o for o in opts)})"
        if not self.add(code, kind, keep_failure=True):
            return
        self.p.family[g] = g
        if create and r.random() < 0.7:   # differentiate the gradient again
            i = r.randrange(len(inputs))
            if r.random() < 0.5:
                self.add(f"loss_({g}[{i}]).backward()", "second derivative by backward", keep_failure=True)
            else:
                g2 = self.new("g")
                more = ", ".join(self._inputs())
                if self.add(f"{g2} = tg.autograd.grad(loss_({g}[{i}]), [{more}], allow_unused=True)",
                            "second derivative by autograd.grad", keep_failure=True):
                    self.p.family[g2] = g2

    def grad_attr_step(self) -> None:
        r = self.r
        names = self.leaves(True) or self.tensors()
        if not names:
            return
        t = self.pick(names)
        roll = r.random()
        if roll < 0.4:
            self.add(f"{t}.grad = None", ".grad = None", keep_failure=True)
        elif roll < 0.7:
            self.add(f"{t}.grad.zero_()", ".grad.zero_()", keep_failure=True)
        elif roll < 0.9:
            self.add(f"{t}.grad = w_({t}, 3.0)", ".grad = a tensor", keep_failure=True)
        else:
            self.add(f"{t}.grad = tg.ones(4, 5)", ".grad = a tensor of the wrong shape", keep_failure=True)

    def _crashes_pytorch(self, name: str) -> bool:
        """An in-place change of (a view of) a custom Function's output after backward(inputs=...)
        made it retain its gradient: PyTorch 2.13 then fails an internal assertion or, in a later
        backward, crashes the process (segmentation fault), so the fuzz does not write it."""
        root = self.p.family.get(name, name)
        made = next((s.code for s in self.p.steps if root in s.defines), "")
        custom = any(fn + ".apply(" in made for fn in ("Cube", "MulS", "Once", "SortF", "Two", "AddOne"))
        return custom and any("backward(inputs=" in s.code for s in self.p.steps)

    def inplace_step(self) -> None:
        r = self.r
        names = self.tensors(lambda t: t.is_floating_point())
        if not names:
            return
        t = self.pick(names)
        if self._crashes_pytorch(t):
            return
        tt = self.ns[t]
        try:
            where = "leaf" if tt.is_leaf else ("view" if tt._is_view() else "non-leaf")
        except RuntimeError:
            return
        if tt.is_leaf and tt.requires_grad:
            where = "leaf requiring grad"
        roll = r.random()
        if roll < 0.55:
            ops = ["add_(1.0)", "mul_(2.0)", "sin_()", "zero_()", "clamp_(-0.5, 0.5)"]
            op = r.choice(ops + (["exp_()"] if not _huge(tt, 3.0) else []))
            code = f"{t}.{op}"
            if r.random() < 0.25:
                code = f"with tg.no_grad():\n    {code}"
                where += " under no_grad"
            self.add(code, f"in-place on {where}", keep_failure=True, inplace_on=t)
        elif roll < 0.7 and tt.dim() >= 1:
            self.add(f"{t}[0] = 0.25", f"setitem on {where}", keep_failure=True, inplace_on=t)
        elif roll < 0.75:
            self.add(f"{t} += 1", f"+= on {where}", keep_failure=True, inplace_on=t)
        elif roll < 0.8 and tt.requires_grad:
            v = self.new("v")
            self.add(f"{v} = AddOne.apply({t})", f"AddOne (mark_dirty) on {where}", (v,), keep_failure=True,
                     family_of=t, inplace_on=t)
        elif roll < 0.88:
            self.add(f"{t}.detach_()", f"detach_ on {where}", keep_failure=True, inplace_on=t)
        elif roll < 0.96:
            self.add(f"{t}.requires_grad_()", f"requires_grad_() on {where}", keep_failure=True)
        else:
            self.add(f"{t}.requires_grad_(False)", f"requires_grad_(False) on {where}", keep_failure=True)


def _huge(t, limit: float = 1e4) -> bool:
    """Values so big that sin/cos of them are rounding noise (compared elsewhere: the op fuzz)."""
    try:
        return bool((t.detach().abs() > limit).any())
    except RuntimeError:
        return False


STEP_WEIGHTS = {"op_line": 40, "hook_step": 18, "backward_step": 15, "grad_step": 10, "grad_attr_step": 5,
                "inplace_step": 10}


def draw(seed: int) -> Program:
    r = random.Random(seed)
    w = Writer(r, seed)
    n_leaves = r.randint(1, 3)
    grads = [r.random() < 0.75 for _ in range(n_leaves)]
    grads[0] = True
    for g in grads:
        w.leaf(g)
    for _ in range(r.randint(2, 5)):   # some values first
        w.op_line()
    names, weights = list(STEP_WEIGHTS), list(STEP_WEIGHTS.values())
    for _ in range(r.randint(4, 12)):
        getattr(w, r.choices(names, weights)[0])()
    if r.random() < 0.8:   # and a backward pass at the end
        getattr(w, r.choice(["backward_step", "backward_step", "grad_step"]))()
    return w.p
