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
    "Tensor.argmax", "Tensor.argmin", "Tensor.long", "Tensor.numel", "Tensor.size",
    "Tensor.dim", "Tensor.item", "Tensor.__len__", "Tensor.__index__", "Tensor.__int__",
    "Tensor.__float__", "Tensor.__bool__",
)
not_differentiable(
    "in-place ops: differentiable through the out-of-place op they record (tested in test_autograd)",
    "Tensor.add_", "Tensor.sub_", "Tensor.mul_", "Tensor.div_", "Tensor.zero_", "Tensor.fill_",
    "Tensor.__iadd__", "Tensor.__isub__", "Tensor.__imul__", "Tensor.__itruediv__",
    "Tensor.requires_grad_",
)
not_differentiable(
    "not an operation on values: conversion, graph control, creation, checking, saving",
    "Tensor.numpy", "Tensor.tolist", "Tensor.detach", "Tensor.retain_grad", "Tensor.register_hook",
    "Tensor.backward", "Tensor.__array__", "Tensor.__repr__", "Tensor.__hash__", "Tensor.__init__",
    "tg.Tensor", "tg.tensor", "tg.zeros", "tg.ones", "tg.full", "tg.zeros_like", "tg.ones_like",
    "tg.full_like", "tg.arange", "tg.linspace", "tg.eye", "tg.rand", "tg.randn", "tg.randint",
    "tg.manual_seed", "tg.initial_seed", "tg.Generator", "tg.multinomial", "tg.bernoulli", "Tensor.multinomial",
    "Tensor.bernoulli", "tg.use_deterministic_algorithms", "tg.are_deterministic_algorithms_enabled",
    "tg.is_deterministic_algorithms_warn_only_enabled", "tg.set_deterministic_debug_mode",
    "tg.get_deterministic_debug_mode",
    "Tensor.nelement", "tg.set_default_dtype", "tg.get_default_dtype", "tg.no_grad", "tg.enable_grad",
    "tg.set_grad_enabled", "tg.is_grad_enabled", "tg.grad", "tg.Function", "tg.detect_anomaly",
    "tg.is_anomaly_enabled", "tg.gradcheck", "tg.gradgradcheck", "tg.numerical_grad", "tg.save",
    "tg.load", "tg.ShapeError", "tg.LoadError", "tg.GradcheckError",
    "tg.compile", "tg.set_float32_matmul_precision", "tg.get_float32_matmul_precision", "tg.result_type",
    "tg.can_cast", "tg.promote_types", "tg.asarray", "tg.typename", "tg.autocast", "tg.vmap",
)


# ---- more Tensor methods and their tg. forms: products, norms, scans, sorting, masks ----------
MM_CASES = [[(2, 3), (3, 4)], [(1, 1), (1, 3)], [(3, 1), (1, 2)]]
register("Tensor.mm", lambda a, b: a.mm(b), *MM_CASES)
register("tg.mm", lambda a, b: tg.mm(a, b), *MM_CASES)
BMM_CASES = [[(2, 2, 3), (2, 3, 4)], [(1, 1, 1), (1, 1, 2)], [(3, 1, 2), (3, 2, 1)]]
register("Tensor.bmm", lambda a, b: a.bmm(b), *BMM_CASES)
register("tg.bmm", lambda a, b: tg.bmm(a, b), *BMM_CASES)
MV_CASES = [[(2, 3), (3,)], [(1, 1), (1,)], [(4, 1), (1,)]]
register("Tensor.mv", lambda a, b: a.mv(b), *MV_CASES)
register("tg.mv", lambda a, b: tg.mv(a, b), *MV_CASES)
DOT_CASES = [[(3,), (3,)], [(1,), (1,)], [(5,), (5,)]]
register("Tensor.dot", lambda a, b: a.dot(b), *DOT_CASES)
register("tg.dot", lambda a, b: tg.dot(a, b), *DOT_CASES)
OUTER_CASES = [[(3,), (2,)], [(1,), (4,)], [(2,), (1,)]]
register("Tensor.outer", lambda a, b: a.outer(b), *OUTER_CASES)
register("tg.outer", lambda a, b: tg.outer(a, b), *OUTER_CASES)
register("Tensor.t", lambda x: x.t(), [(2, 3)], [(3,)], [()], [(1, 4)])
register("tg.t", lambda x: tg.t(x), [(2, 3)], [(3,)], [(4, 1)])

# norms: p = 2 ('fro') and other p are the Norm op; 1, ±inf and 0 compose abs/sum/amax/sign
NORM_CASES = [[(3, 4)], [(5,)], [(1, 1)], [(2, 1, 3)]]
register("Tensor.norm", lambda x: x.norm(), *NORM_CASES)
register("Tensor.norm(dim)", lambda x: x.norm(dim=-1, keepdim=True), *NORM_CASES)
register("Tensor.norm(fro, 2 dims)", lambda x: x.norm("fro", dim=(0, -1)), [(3, 4)], [(2, 1, 3)], [(1, 1)])
register("Tensor.norm(p=3)", lambda x: x.norm(p=3, dim=0), *NORM_CASES)
register("Tensor.norm(p=1.5)", lambda x: x.norm(p=1.5), [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
register("Tensor.norm(p=0.5)", lambda x: x.norm(p=0.5, dim=-1), [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
register("Tensor.norm(p=-2)", lambda x: x.norm(p=-2, dim=0), [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
register("Tensor.norm(p=1)", lambda x: x.norm(p=1, dim=1), [distinct(3, 4)], [distinct(2, 5)], [distinct(1, 1)])
register("Tensor.norm(inf)", lambda x: x.norm(p=float("inf"), dim=0), [distinct(3, 4)], [distinct(5)],
         [distinct(1, 1)])
register("Tensor.norm(-inf)", lambda x: x.norm(p=-float("inf")), [distinct(3, 4)], [distinct(5)], [distinct(1)])
register("Tensor.norm(p=0)", lambda x: x.norm(p=0) + x.sum(), [distinct(3, 4)], [distinct(5)], [distinct(1)])
register("tg.norm", lambda x: tg.norm(x, 2, dim=1), [(3, 4)], [(2, 1)], [(1, 3, 2)])

register("Tensor.view_as", lambda x: x.view_as(tg.zeros(x.numel())), [(3, 4)], [(1,)], [()])
register("Tensor.reshape_as", lambda x: x.reshape_as(tg.zeros(1, x.numel())), [(3, 4)], [(2,)], [()])
SOFTMAX_CASES = [[(3, 4)], [(1,)], [(2, 1, 3)]]
for name in ("softmax", "log_softmax"):
    register(f"Tensor.{name}", lambda x, name=name: getattr(x, name)(-1), *SOFTMAX_CASES)
    register(f"tg.{name}", lambda x, name=name: getattr(tg, name)(x, 0), *SOFTMAX_CASES)
register("Tensor.contiguous", lambda x: x.transpose(0, -1).contiguous() * 2, [(3, 4)], [(1, 2)], [(2, 3, 1)])
register("tg.clone", lambda x: tg.clone(x) * x, [(3,)], [(2, 3)], [()])
register("Tensor.masked_fill", lambda x: x.masked_fill(x.detach() > 0, 0.5),
         [distinct(3, 4)], [distinct(1)], [distinct(2, 1, 3)])
register("Tensor.masked_fill(broadcast mask)", lambda x: x.masked_fill(tg.tensor([True, False, True]), -1.0),
         [(2, 3)], [(3,)], [(4, 1)])
register("Tensor.masked_fill(tensor value)", lambda x, v: x.masked_fill(tg.tensor([[False, True, True]]), v),
         [(2, 3), ()], [(3,), ()], [(1, 1), ()])
register("tg.masked_fill", lambda x: tg.masked_fill(x, x.detach() < 0, 2.0),
         [distinct(3, 4)], [distinct(2)], [distinct(1, 1)])
register("Tensor.index_select", lambda x: x.index_select(0, tg.tensor([1, 0, 1])), [(2, 3)], [(2,)], [(2, 1)])
register("Tensor.index_select(dim=-1)", lambda x: x.index_select(-1, tg.tensor([0, 0])),
         [(3, 1)], [(2, 2)], [(1,)])
register("tg.index_select", lambda x: tg.index_select(x, 1, tg.tensor(0)), [(2, 3)], [(3, 1)], [(1, 2, 2)])
register("tg.gather", lambda x: tg.gather(x, 1, tg.tensor([[0, 0], [1, 0]])), [(2, 3)], [(2, 2)], [(3, 4)])

# elementwise; sign has gradient 0 (as PyTorch), checked away from its jump at 0
ELEMENTWISE_CASES = {
    "sign": [distinct(3), distinct(2, 3), distinct(1, 1)],
    "reciprocal": [positive(3), distinct(2, 3), positive(1, 1)],
    "square": [(3,), (2, 3), ()],
    "log1p": [unit(3), unit(2, 3), positive(1, 1)],
    "expm1": [(3,), (2, 3), ()],
}
for name, shapes in ELEMENTWISE_CASES.items():
    register(f"Tensor.{name}", lambda x, name=name: getattr(x, name)(), *[[s] for s in shapes])
    register(f"tg.{name}", lambda x, name=name: getattr(tg, name)(x), *[[s] for s in shapes])

# scans and products (prod at zeros is checked in test_tensor_methods: a random input has none)
register("Tensor.prod", lambda x: x.prod(1), [(3, 4)], [(2, 1)], [(1, 5)])
register("Tensor.prod(all)", lambda x: x.prod(), [(3,)], [(2, 2)], [()])
register("Tensor.prod(keepdim)", lambda x: x.prod(-1, keepdim=True), [(3, 4)], [(1,)], [(2, 1, 3)])
register("tg.prod", lambda x: tg.prod(x, 0), [(3, 4)], [(1,)], [(2, 3)])
register("Tensor.cumsum", lambda x: x.cumsum(-1), [(3, 4)], [(1,)], [()])
register("Tensor.cumsum(dim0)", lambda x: x.cumsum(0), [(3, 4)], [(5,)], [(1, 2)])
register("tg.cumsum", lambda x: tg.cumsum(x, dim=1), [(2, 3)], [(1, 1)], [(2, 4, 1)])

# sorting: ties-free inputs; the gradient goes back to where each value came from
SORT_CASES = [[distinct(3, 4)], [distinct(5)], [distinct(1, 1)]]
register("Tensor.sort", lambda x: x.sort(dim=0, descending=True)[0], *SORT_CASES)
register("Tensor.sort(last)", lambda x: x.sort().values, *SORT_CASES)
register("tg.sort", lambda x: tg.sort(x, -1, True).values, *SORT_CASES)
register("Tensor.topk", lambda x: x.topk(1, dim=-1).values, *SORT_CASES)
register("Tensor.topk(smallest)", lambda x: x.topk(1, dim=0, largest=False).values, *SORT_CASES)
register("tg.topk", lambda x: tg.topk(x, 1)[0], *SORT_CASES)

# tg. forms of reductions
register("tg.max", lambda x: tg.max(x), [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
register("tg.max(dim)", lambda x: tg.max(x, 1).values, [distinct(3, 4)], [distinct(2, 3, 2)], [distinct(1, 1)])
register("tg.max(other)", lambda a, b: tg.max(a, b + 0.25), *MAXMIN_CASES)
register("tg.min", lambda x: tg.min(x), [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
register("tg.min(dim)", lambda x: tg.min(x, -1, keepdim=True)[0], [distinct(3, 4)], [distinct(2, 3, 2)],
         [distinct(1, 1)])
register("tg.min(other)", lambda a, b: tg.min(a, b + 0.25), *MAXMIN_CASES)
register("tg.amax", lambda x: tg.amax(x, (0, 1)), [distinct(3, 4)], [distinct(2, 3, 2)], [distinct(1, 1)])
register("tg.amin", lambda x: tg.amin(x, -1), [distinct(3, 4)], [distinct(2, 3, 2)], [distinct(1, 1)])
register("tg.var", lambda x: tg.var(x, 0), [(4, 3)], [(2, 3, 2)], [(3, 1)])
register("tg.std", lambda x: tg.std(x, 1, False, True), [(4, 3)], [(2, 3, 2)], [(3, 2)])

# add/sub with alpha, and the in-place forms: each checked through the op it records
ALPHA_CASES = [[(3, 4), (4,)], [(2, 1), (1, 3)], [(), (2,)]]
register("Tensor.add(alpha)", lambda a, b: a.add(b, alpha=-2.5), *ALPHA_CASES)
register("Tensor.sub(alpha)", lambda a, b: a.sub(b, alpha=3), *ALPHA_CASES)
register("tg.add(alpha)", lambda a, b: tg.add(a, b, alpha=0.5), *ALPHA_CASES)
register("tg.sub(alpha)", lambda a, b: tg.sub(a, b, alpha=2), *ALPHA_CASES)
IN_PLACE_CASES = [[(3, 4), (4,)], [(2, 3), (1, 3)], [(1,), ()]]
register("Tensor.add_(alpha)", lambda a, b: (a * 1).add_(b, alpha=2) * a, *IN_PLACE_CASES)
register("Tensor.sub_(alpha)", lambda a, b: (a * 1).sub_(b, alpha=-0.5), *IN_PLACE_CASES)
register("Tensor.copy_", lambda a, b: (a * 2).copy_(b) * a, *IN_PLACE_CASES)
register("Tensor.pow_", lambda a: (a * 1).pow_(3) + a, [(3,)], [(2, 3)], [()])
register("Tensor.clamp_", lambda a: (a * 1).clamp_(-0.5, 1.0) * a, [distinct(3)], [distinct(2, 3)], [distinct(1)])
register("Tensor.clip_", lambda a: (a * 1).clip_(max=0.75), [distinct(3)], [distinct(2, 3)], [distinct(1)])
register("Tensor.masked_fill_", lambda a: (a * 1).masked_fill_(a.detach() > 0, 2.0) * a,
         [distinct(3)], [distinct(2, 3)], [distinct(1)])
IN_PLACE_UNARY = {
    "exp_": [(3,), (2, 3), ()], "log_": [positive(3), positive(2, 3), positive()],
    "sqrt_": [positive(3), positive(2, 3), positive()], "sin_": [(3,), (2, 3), ()], "cos_": [(3,), (2, 3), ()],
    "tanh_": [(3,), (2, 3), ()], "sigmoid_": [(3,), (2, 3), ()], "relu_": [distinct(3), distinct(2, 3), (1,)],
    "abs_": [distinct(3), distinct(2, 3), (1,)], "neg_": [(3,), (2, 3), ()], "sign_": [distinct(3), distinct(2), ()],
    "reciprocal_": [positive(3), distinct(2, 3), positive()], "square_": [(3,), (2, 3), ()],
    "log1p_": [unit(3), unit(2, 3), unit()], "expm1_": [(3,), (2, 3), ()],
}
for name, shapes in IN_PLACE_UNARY.items():
    # on a non-leaf copy: a leaf that requires grad cannot change in place while recording
    register(f"Tensor.{name}", lambda x, name=name: getattr(x * 1, name)() * x, *[[s] for s in shapes])

not_differentiable(
    "bool or integer results (indices, tests, counts)",
    "Tensor.argsort", "tg.argsort", "Tensor.allclose", "Tensor.isclose", "Tensor.equal", "tg.allclose",
    "tg.isclose", "tg.equal", "Tensor.is_contiguous", "tg.all", "tg.any", "tg.argmax", "tg.argmin", "tg.numel",
)
not_differentiable(
    "random fills: the new values do not depend on the old ones (their gradient is 0)",
    "Tensor.normal_", "Tensor.uniform_",
)

# einsum: one op whose backward is an einsum of the gradient (diagonals and lone sums included)
register("tg.einsum", lambda a, b: tg.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)], [(1, 1), (1, 2)], [(3, 1), (1, 1)])
register("tg.einsum(batch, implicit)", lambda a, b: tg.einsum("bij,bjk", a, b),
         [(2, 2, 3), (2, 3, 4)], [(1, 1, 1), (1, 1, 2)], [(3, 2, 1), (3, 1, 2)])
register("tg.einsum(trace, diagonal)", lambda a: tg.einsum("ii->i", a) * tg.einsum("ii", a),
         [(3, 3)], [(1, 1)], [(2, 2)])
register("tg.einsum(sum, outer)", lambda a, b: tg.einsum("ij,k->jk", a, b), [(2, 3), (4,)], [(1, 1), (1,)],
         [(3, 2), (2,)])
register("tg.einsum(ellipsis, broadcast)", lambda a, b: tg.einsum("...ij,...jk->...ik", a, b),
         [(2, 1, 2, 3), (4, 3, 2)], [(1, 2), (2, 1)], [(3, 1, 2), (1, 2, 2)])
register("tg.einsum(three)", lambda a, b, c: tg.einsum("ij,jk,kl->il", a, b, c),
         [(2, 3), (3, 2), (2, 2)], [(1, 1), (1, 1), (1, 3)], [(2, 1), (1, 2), (2, 1)])
register("tg.einsum(size-1 broadcast)", lambda a, b: tg.einsum("ij,jk->ik", a, b) ** 2,  # j: 1 against 3
         [(2, 1), (3, 4)], [(2, 3), (1, 4)], [(1, 1), (3, 2)])
register("tg.einsum(size-1 broadcast, elementwise)", lambda a, b: tg.einsum("ij,ij->i", a, b) ** 2,
         [(2, 1), (2, 3)], [(1, 3), (2, 1)], [(1, 1), (3, 2)])

register("Tensor.__mod__", lambda a, b: a % (b.abs() + 1.5), [distinct(3, 4), (4,)], [distinct(2, 1), (1, 3)],
         [distinct(5), ()])
register("Tensor.remainder", lambda a: a.remainder(1.75), [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
register("Tensor.__rmod__", lambda b: 7.25 % (b.abs() + 1.5), [distinct(3, 4)], [distinct(5)], [distinct(1, 1)])
not_differentiable("integer division: rounding has no derivative (PyTorch's floor_divide has none either)",
                   "Tensor.__floordiv__", "Tensor.__rfloordiv__")
