"""Registry entries for the core ops: Tensor methods, operators and their `tg.` function forms."""
import numpy as np

import tinygrad_edu as tg

from . import distinct, not_differentiable, positive, register, unit

# ---- elementwise, one input: the method and the tg. function form --------------------------
UNARY_CASES = {
    "exp": [(3,), (2, 3), (1, 1)],
    "log": [positive(3), positive(2, 3), positive(1)],
    "sqrt": [positive(3), positive(2, 3), positive(1, 1)],
    "abs": [positive(3), unit(2, 3) if False else distinct(2, 3), (1,)],
    "sin": [(3,), (2, 3), ()],
    "cos": [(3,), (2, 3), ()],
    "tanh": [(3,), (2, 3), (1, 4)],
    "sigmoid": [(3,), (2, 3), (1, 4)],
    "relu": [distinct(4), distinct(2, 3), (1,)],
    "neg": [(3,), (2, 3), ()],
}
for name, shapes in UNARY_CASES.items():
    register(f"Tensor.{name}", lambda x, name=name: getattr(x, name)(), *[[s] for s in shapes])
    register(f"tg.{name}", lambda x, name=name: getattr(tg, name)(x), *[[s] for s in shapes])

register("Tensor.__neg__", lambda x: -x, [(3,)], [(2, 3)], [()])
register("Tensor.__pos__", lambda x: +x, [(3,)], [(2, 3)], [()])

# ---- elementwise, two inputs: broadcasting in every case set -------------------------------
BINARY = {
    "add": (lambda a, b: a + b, "tg.add"),
    "sub": (lambda a, b: a - b, "tg.sub"),
    "mul": (lambda a, b: a * b, "tg.mul"),
    "div": (lambda a, b: a / b, "tg.div"),
}
BROADCAST_CASES = [[(3, 4), (4,)], [(2, 1, 3), (4, 1)], [(1,), (2, 3)], [(), (3,)], [(2, 3), (2, 3)]]
for name, (fn, function_name) in BINARY.items():
    cases = BROADCAST_CASES if name != "div" else [[a, positive(*b)] for a, b in BROADCAST_CASES]
    register(f"Tensor.{name}", lambda a, b, name=name: getattr(a, name)(b), *cases)
    register(function_name, lambda a, b, name=name: getattr(tg, name)(a, b), *cases)
    register(f"Tensor.__{'truediv' if name == 'div' else name}__", fn, *cases)

register("Tensor.__radd__", lambda a: 2.5 + a, [(3,)], [(2, 3)], [()])
register("Tensor.__rsub__", lambda a: 2.5 - a, [(3,)], [(2, 3)], [()])
register("Tensor.__rmul__", lambda a: 2.5 * a, [(3,)], [(2, 3)], [()])
register("Tensor.__rtruediv__", lambda a: 2.5 / a, [positive(3)], [positive(2, 3)], [positive()])
register("Tensor.__rpow__", lambda a: 2.5 ** a, [(3,)], [(2, 3)], [()])

POW_CASES = [[positive(3, 4), (4,)], [positive(2, 1), (1, 3)], [positive(1), (2, 2)], [positive(3), ()]]
register("Tensor.pow", lambda a, b: a.pow(b), *POW_CASES)
register("Tensor.__pow__", lambda a, b: a ** b, *POW_CASES)
register("tg.pow", lambda a, b: tg.pow(a, b), *POW_CASES)
register("Tensor.pow(constant)", lambda a: a ** 3, [(3,)], [(2, 3)], [()])
register("Tensor.pow(negative base)", lambda a: a ** 2.0, [(-1.5 * np.ones(1)).shape], [(2, 2)], [(1,)])

MATMUL_CASES = [[(2, 3), (3, 4)], [(3,), (3, 2)], [(2, 3), (3,)], [(3,), (3,)], [(2, 2, 3), (3, 4)],
                [(1, 2, 3), (4, 3, 2)], [(1, 1), (1, 1)]]
register("Tensor.matmul", lambda a, b: a.matmul(b), *MATMUL_CASES)
register("Tensor.__matmul__", lambda a, b: a @ b, *MATMUL_CASES)
register("Tensor.__rmatmul__", lambda b: np.ones((2, 3)) @ b, [(3, 2)], [(3,)], [(3, 1)])
register("tg.matmul", lambda a, b: tg.matmul(a, b), *MATMUL_CASES)

# ---- selection: ties are avoided by `distinct`, their behaviour is tested in test_tensor ----
CLAMP_CASES = [[distinct(5)], [distinct(2, 3)], [distinct(1, 1)]]
register("Tensor.clamp", lambda x: x.clamp(-1.0, 1.2), *CLAMP_CASES)
register("Tensor.clip", lambda x: x.clip(min=0.3), *CLAMP_CASES)
register("tg.clamp", lambda x: tg.clamp(x, max=0.7), *CLAMP_CASES)
MAXMIN_CASES = [[distinct(3, 4), distinct(4)], [distinct(2, 1), distinct(1, 3)], [distinct(1), distinct(2, 2)]]
register("Tensor.maximum", lambda a, b: a.maximum(b + 0.25), *MAXMIN_CASES)
register("Tensor.minimum", lambda a, b: a.minimum(b + 0.25), *MAXMIN_CASES)
register("tg.maximum", lambda a, b: tg.maximum(a, b + 0.25), *MAXMIN_CASES)
register("tg.minimum", lambda a, b: tg.minimum(a, b + 0.25), *MAXMIN_CASES)
register("tg.where", lambda a, b: tg.where(a.detach() > 0, a, b),
         [(3, 4), (4,)], [(2, 1), (1, 3)], [(1,), (2, 2)], [(3,), ()])

# ---- reductions ----------------------------------------------------------------------------
for name in ("sum", "mean", "logsumexp"):
    cases = [[(3, 4)], [(2, 3, 2)], [(1, 1)], [(5,)]]
    register(f"Tensor.{name}", lambda x, name=name: getattr(x, name)(dim=-1), *cases)
    register(f"Tensor.{name}(all)", lambda x, name=name: getattr(x, name)(dim=(0, -1), keepdim=True)
             if x.ndim > 1 else getattr(x, name)(dim=0), *cases)
    register(f"tg.{name}", lambda x, name=name: getattr(tg, name)(x, dim=0), *cases)
register("Tensor.sum(None)", lambda x: x.sum(), [(3, 4)], [()], [(1, 2, 1)])
for name in ("max", "min", "amax", "amin"):
    # max(dim)/min(dim) return (values, indices) as PyTorch; amax/amin return values
    register(f"Tensor.{name}", lambda x, name=name: getattr(x, name)(dim=1)[0] if name in ("max", "min")
             else getattr(x, name)(dim=1), [distinct(3, 4)], [distinct(2, 3, 2)], [distinct(1, 1)])
    register(f"Tensor.{name}(all)", lambda x, name=name: getattr(x, name)(),
             [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
register("Tensor.gather", lambda x: x.gather(1, tg.tensor([[0, 0, 2], [1, 0, 1]])),  # repeats add up
         [(2, 3)], [(3, 4)], [(2, 5)])
register("Tensor.gather(dim0)", lambda x: x.gather(0, tg.tensor([[1], [0], [1]])), [(2, 1)], [(2, 3)], [(3, 1)])
register("Tensor.var", lambda x: x.var(dim=0), [(4, 3)], [(2, 3, 2)], [(3, 1)])
register("Tensor.var(biased)", lambda x: x.var(unbiased=False, keepdim=True), [(4, 3)], [(2,)], [(1, 3)])
register("Tensor.std", lambda x: x.std(dim=(0, 1)), [(4, 3)], [(2, 3, 2)], [(3, 2)])

# ---- shape ---------------------------------------------------------------------------------
register("Tensor.reshape", lambda x: x.reshape(-1, 2), [(3, 4)], [(2, 1, 2)], [(1, 2)])
register("Tensor.view", lambda x: x.view(2, -1), [(3, 4)], [(2, 1, 2)], [(1, 2)])
register("tg.reshape", lambda x: tg.reshape(x, (-1,)), [(3, 4)], [(2, 1, 2)], [()])
register("Tensor.flatten", lambda x: x.flatten(1), [(3, 4, 2)], [(2, 1, 2)], [(1, 2)])
register("tg.flatten", lambda x: tg.flatten(x), [(3, 4, 2)], [(2, 1, 2)], [(1, 2)])
register("Tensor.transpose", lambda x: x.transpose(0, -1), [(3, 4)], [(2, 1, 3)], [(1, 2)])
register("tg.transpose", lambda x: tg.transpose(x, 1, 0), [(3, 4)], [(2, 1, 3)], [(1, 2)])
register("Tensor.T", lambda x: x.T, [(3, 4)], [(1, 3)], [(1, 1)])
register("Tensor.permute", lambda x: x.permute(2, 0, 1), [(2, 3, 4)], [(1, 2, 1)], [(3, 1, 2)])
register("tg.permute", lambda x: tg.permute(x, (1, 0)), [(2, 3)], [(1, 2)], [(3, 1)])
register("Tensor.squeeze", lambda x: x.squeeze(), [(3, 1)], [(1, 2, 1)], [(1,)])
register("Tensor.squeeze(dim)", lambda x: x.squeeze(0), [(1, 3)], [(1, 2, 1)], [(1,)])
register("tg.squeeze", lambda x: tg.squeeze(x, -1), [(3, 1)], [(1, 2, 1)], [(1,)])
register("Tensor.unsqueeze", lambda x: x.unsqueeze(-1), [(3,)], [(2, 3)], [()])
register("tg.unsqueeze", lambda x: tg.unsqueeze(x, 0), [(3,)], [(2, 3)], [()])
register("Tensor.expand", lambda x: x.expand(2, 3, 4), [(3, 1)], [(1, 4)], [(2, 3, 4)], [()])
register("Tensor.expand_as", lambda x: x.expand_as(tg.zeros(2, 3)), [(3,)], [(2, 1)], [(1, 1)])
register("Tensor.split", lambda x: x.split(2, dim=-1)[-1], [(3, 5)], [(2, 2)], [(1, 3)])
register("Tensor.split(sections)", lambda x: x.split([1, 2], dim=0)[1], [(3, 5)], [(3,)], [(3, 1)])
register("tg.split", lambda x: tg.split(x, 1)[0], [(3, 5)], [(2, 2)], [(1, 3)])
register("Tensor.chunk", lambda x: x.chunk(2, dim=0)[0] * 2 + x.chunk(2, dim=0)[-1].sum(),
         [(5, 2)], [(4,)], [(1, 3)])
register("tg.chunk", lambda x: tg.chunk(x, 3, dim=-1)[1], [(2, 5)], [(3,)], [(1, 3)])
register("tg.cat", lambda a, b: tg.cat([a, b, a], dim=-1), [(2, 1), (2, 3)], [(3,), (1,)], [(1, 1), (1, 2)])
register("tg.stack", lambda a, b: tg.stack([a, b], dim=-1), [(2, 3), (2, 3)], [(3,), (3,)], [(), ()])

# ---- indexing ------------------------------------------------------------------------------
register("Tensor.__getitem__", lambda x: x[1:, ::2], [(3, 4)], [(2, 3, 2)], [(2, 1)])
register("Tensor.__getitem__(advanced)", lambda x: x[[0, 2, 0, 0]] * x[np.array([1, 1])].sum(),
         [(3, 2)], [(3,)], [(4, 1)])
register("Tensor.__getitem__(mask)", lambda x: x[x.detach() > 0] ** 2,
         [distinct(3, 2)], [distinct(4)], [distinct(2, 2)])
register("Tensor.__getitem__(None, ...)", lambda x: x[None, ..., -1], [(3, 2)], [(2,)], [(1, 2, 3)])
register("Tensor.__iter__", lambda x: [row for row in x][-1] * 3, [(3, 2)], [(2,)], [(1, 4)])

# ---- copies and dtype ----------------------------------------------------------------------
register("Tensor.clone", lambda x: x.clone() * x, [(3,)], [(2, 3)], [()])
# A float32 step in the middle keeps only ~7 digits: a larger finite-difference step and tolerance.
FLOAT32_TOLERANCE = dict(eps=1e-3, atol=1e-3, rtol=1e-2)
register("Tensor.double", lambda x: x.float().double() + x, [(3,)], [(2, 3)], [()], **FLOAT32_TOLERANCE)
register("Tensor.to", lambda x: x.to(np.float32).to(np.float64) * x.to("float64"), [(3,)], [(2, 3)], [()],
         **FLOAT32_TOLERANCE)
register("Tensor.float", lambda x: x.float().double(), [(3,)], [(2, 1)], [()], **FLOAT32_TOLERANCE)

not_differentiable(
    "comparisons and logic give bool tensors",
    "Tensor.eq", "Tensor.ne", "Tensor.lt", "Tensor.le", "Tensor.gt", "Tensor.ge", "Tensor.__eq__",
    "Tensor.__ne__", "Tensor.__lt__", "Tensor.__le__", "Tensor.__gt__", "Tensor.__ge__",
    "Tensor.__invert__", "Tensor.__and__", "Tensor.__or__", "Tensor.any", "Tensor.all", "Tensor.bool",
)
not_differentiable(
    "integer results (indices, signs, counts)",
    "Tensor.argmax", "Tensor.argmin", "Tensor.sign", "Tensor.long", "Tensor.numel", "Tensor.size",
    "Tensor.dim", "Tensor.item", "Tensor.__len__", "Tensor.__index__", "Tensor.__int__",
    "Tensor.__float__", "Tensor.__bool__",
)
not_differentiable(
    "in-place ops: differentiable through the out-of-place op they record (tested in test_autograd)",
    "Tensor.add_", "Tensor.sub_", "Tensor.mul_", "Tensor.div_", "Tensor.zero_", "Tensor.fill_",
    "Tensor.__iadd__", "Tensor.__isub__", "Tensor.__imul__", "Tensor.__itruediv__", "Tensor.__setitem__",
    "Tensor.requires_grad_",
)
not_differentiable(
    "not an operation on values: conversion, graph control, creation, checking, saving",
    "Tensor.numpy", "Tensor.tolist", "Tensor.detach", "Tensor.retain_grad", "Tensor.register_hook",
    "Tensor.backward", "Tensor.__array__", "Tensor.__repr__", "Tensor.__hash__", "Tensor.__init__",
    "tg.Tensor", "tg.tensor", "tg.zeros", "tg.ones", "tg.full", "tg.zeros_like", "tg.ones_like",
    "tg.full_like", "tg.arange", "tg.linspace", "tg.eye", "tg.rand", "tg.randn", "tg.randint",
    "tg.manual_seed", "tg.set_default_dtype", "tg.get_default_dtype", "tg.no_grad", "tg.enable_grad",
    "tg.set_grad_enabled", "tg.is_grad_enabled", "tg.grad", "tg.Function", "tg.detect_anomaly",
    "tg.is_anomaly_enabled", "tg.gradcheck", "tg.gradgradcheck", "tg.numerical_grad", "tg.save",
    "tg.load", "tg.ShapeError", "tg.LoadError", "tg.GradcheckError",
)
