"""More op-table entries, for PyTorch names beyond the first table (pointwise math, shape and
scan ops, scatter and selection, more activations, losses and normalizations). Imported by
optable.py, whose `op` registers them; each line runs in both libraries, as there."""
from __future__ import annotations

from hypothesis import strategies as st

from .optable import ANY, FLOAT, chance, choice, dim_arg, op, operand, tensor_like


@op("pointwise_more", weight=2, extra=True)
def _pointwise_more(b, name):
    a = b.pick(FLOAT)
    if a is None:
        return
    unary = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "erfc",
             "deg2rad", "rad2deg", "sinc", "nan_to_num", "clamp_min", "clamp_max"]
    binary = ["atan2", "hypot", "logaddexp", "xlogy", "fmod", "lerp", "addcmul", "addcdiv"]
    fn = choice(b, unary + binary)
    if fn in unary:
        if fn in ("clamp_min", "clamp_max"):
            s = b.scalar("float")
            return b.add(fn, choice(b, [f"{a}.{fn}({s})", f"tg.{fn}({a}, {s})"]), [a])
        return b.add(fn, choice(b, [f"{a}.{fn}()", f"tg.{fn}({a})"]), [a])
    m = b.meta(a)
    other = tensor_like(b, m.shape, m.dtype) if chance(b, 60) else operand(b, a, scalar_percent=0)
    if fn == "lerp":
        w = b.scalar("float") if chance(b, 50) else tensor_like(b, m.shape, m.dtype)
        return b.add(fn, f"tg.lerp({a}, {other}, {w})", [a, other, w])
    if fn in ("addcmul", "addcdiv"):
        third = tensor_like(b, m.shape, m.dtype)
        return b.add(fn, f"{a}.{fn}({other}, {third}, value={b.scalar('float')})", [a, other, third])
    b.add(fn, choice(b, [f"{a}.{fn}({other})", f"tg.{fn}({a}, {other})"]), [a, other])


@op("shaping_more", weight=2, extra=True)
def _shaping_more(b, name):
    a = b.pick(lambda m: m.ndim >= 1)
    if a is None:
        return
    m = b.meta(a)
    fn = choice(b, ["narrow", "movedim", "roll", "diagonal", "trace", "cumprod", "diff", "var_mean",
                    "std_mean", "logcumsumexp", "repeat_interleave", "tensor_split", "median", "swapaxes",
                    "rot90", "kron", "fliplr"])
    d = dim_arg(b, m.ndim)
    if fn == "narrow":
        size = m.shape[d % m.ndim] if -m.ndim <= d < m.ndim else 1
        start = b.draw(st.integers(0, max(size - 1, 0)))
        code = f"{a}.narrow({d}, {start}, {b.draw(st.integers(0, max(size - start, 0)))})"
    elif fn in ("movedim", "swapaxes"):
        code = f"{a}.{fn}({d}, {dim_arg(b, m.ndim)})"
    elif fn == "roll":
        code = f"{a}.roll({b.draw(st.integers(-3, 3))}, {d})" if chance(b, 70) else f"{a}.roll(1)"
    elif fn in ("diagonal", "trace", "rot90", "fliplr"):
        if m.ndim < 2:
            return
        code = {"diagonal": f"{a}.diagonal({b.draw(st.integers(-1, 1))})", "trace": f"{a}.trace()",
                "rot90": f"{a}.rot90({b.draw(st.integers(-1, 2))})", "fliplr": f"{a}.fliplr()"}[fn]
        if fn == "trace" and m.ndim != 2:
            return
    elif fn in ("cumprod", "logcumsumexp"):
        code = f"{a}.{fn}({d})"
    elif fn == "diff":
        code = f"{a}.diff(dim={d})"
    elif fn in ("var_mean", "std_mean"):
        code = f"tg.{fn}({a}, {d})[{b.draw(st.integers(0, 1))}]"
    elif fn == "median":
        code = f"{a}.median()" if chance(b, 40) else f"{a}.median({d})[0]"
    elif fn == "repeat_interleave":
        code = f"{a}.repeat_interleave({b.draw(st.integers(0, 2))}, {d})"
    elif fn == "tensor_split":
        code = f"{a}.tensor_split({b.draw(st.integers(1, 3))}, {d})[0]"
    else:  # kron
        other = b.pick(ANY, recent=False) or a
        code = f"tg.kron({a}, {other})"
        return b.add(fn, code, [a, other])
    b.add(fn, code, [a])


@op("indexing_more", weight=2, extra=True)
def _indexing_more(b, name):
    a = b.pick(lambda m: m.ndim >= 1 and min(m.shape) > 0)
    if a is None:
        return
    m = b.meta(a)
    fn = choice(b, ["scatter", "scatter_add", "index_add", "masked_select", "take", "take_along_dim",
                    "index_fill", "count_nonzero", "nonzero"])
    dim = b.draw(st.integers(0, m.ndim - 1))
    n = m.shape[dim]
    if fn in ("scatter", "scatter_add", "take_along_dim"):
        idx = b.new_input(m.shape, "int64", low=0, high=n - 1)
        if fn == "take_along_dim":
            return b.add(fn, f"tg.take_along_dim({a}, {idx}, {dim})", [a, idx])
        src = tensor_like(b, m.shape, m.dtype)
        if fn == "scatter" and chance(b, 40):
            return b.add(fn, f"{a}.scatter({dim}, {idx}, {b.scalar('float')})", [a, idx])
        return b.add(fn, f"{a}.{fn}({dim}, {idx}, {src})", [a, idx, src])
    if fn in ("index_add", "index_fill"):
        k = b.draw(st.integers(1, 3))
        idx = b.new_input((k,), "int64", low=0, high=n - 1)
        if fn == "index_fill":
            return b.add(fn, f"{a}.index_fill({dim}, {idx}, {b.scalar('float')})", [a, idx])
        shape = m.shape[:dim] + (k,) + m.shape[dim + 1:]
        src = b.new_input(shape, m.dtype)
        return b.add(fn, f"{a}.index_add({dim}, {idx}, {src}, alpha={b.scalar('float')})", [a, idx, src])
    if fn == "masked_select":
        return b.add(fn, f"{a}.masked_select({a} > 0)", [a])
    if fn == "take":
        idx = b.new_input((b.draw(st.integers(0, 3)),), "int64", low=0, high=max(m.numel - 1, 0))
        return b.add(fn, f"{a}.take({idx})", [a, idx])
    if fn == "count_nonzero":
        return b.add(fn, f"{a}.count_nonzero({dim_arg(b, m.ndim)})", [a])
    b.add(fn, f"{a}.nonzero()", [a])


@op("activation_more", weight=2, extra=True)
def _activation_more(b, name):
    a = b.pick(FLOAT)
    if a is None:
        return
    fn = choice(b, ["relu6", "hardtanh", "hardsigmoid", "hardswish", "selu", "celu", "mish", "softsign",
                    "tanhshrink", "softshrink", "hardshrink", "softmin", "glu", "threshold"])
    m = b.meta(a)
    if fn in ("softmin", "glu"):
        if m.ndim == 0:
            return
        return b.add(fn, f"F.{fn}({a}, {dim_arg(b, m.ndim)})", [a])
    if fn == "threshold":
        return b.add(fn, f"F.threshold({a}, {b.scalar('float')}, {b.scalar('float')})", [a])
    b.add(fn, f"F.{fn}({a})", [a])


@op("loss_more", extra=True)
def _loss_more(b, name):
    a = b.pick(lambda m: m.is_float and m.ndim >= 1)
    if a is None:
        return
    m = b.meta(a)
    fn = choice(b, ["soft_margin_loss", "margin_ranking_loss", "poisson_nll_loss", "gaussian_nll_loss",
                    "hinge_embedding_loss", "multilabel_soft_margin_loss"])
    reduction = choice(b, ["mean", "sum", "none"])
    if fn in ("soft_margin_loss", "hinge_embedding_loss"):
        sign = b.new_input(m.shape, "int64", requires_grad=False, low=0, high=1)
        return b.add(fn, f"F.{fn}({a}, {sign} * 2 - 1, reduction={reduction!r})", [a, sign])
    if fn == "margin_ranking_loss":
        other = tensor_like(b, m.shape, m.dtype)
        sign = b.new_input(m.shape, "int64", requires_grad=False, low=0, high=1)
        return b.add(fn, f"F.margin_ranking_loss({a}, {other}, {sign} * 2 - 1, margin={b.scalar('float')}, "
                         f"reduction={reduction!r})", [a, other, sign])
    if fn == "multilabel_soft_margin_loss":
        if m.ndim != 2:
            return
        target = b.new_input(m.shape, m.dtype, requires_grad=False, low=0.0, high=1.0)
        return b.add(fn, f"F.{fn}({a}, {target}.round(), reduction={reduction!r})", [a, target])
    target = b.new_input(m.shape, m.dtype, requires_grad=False, low=0.0, high=3.0)
    if fn == "poisson_nll_loss":
        return b.add(fn, f"F.poisson_nll_loss({a}, {target}, reduction={reduction!r})", [a, target])
    var = b.new_input(m.shape, m.dtype, low=0.1, high=2.0)
    b.add(fn, f"F.gaussian_nll_loss({a}, {target}, {var}, reduction={reduction!r})", [a, target, var])


@op("normalization_more", extra=True)
def _normalization_more(b, name):
    a = b.pick(lambda m: m.is_float and m.ndim >= 2)
    if a is None:
        return
    m = b.meta(a)
    fn = choice(b, ["group_norm", "rms_norm", "instance_norm"])
    if fn == "group_norm":
        channels = m.shape[1]
        groups = [g for g in (1, 2, 3) if channels % g == 0] or [1]
        return b.add(fn, f"F.group_norm({a}, {choice(b, groups)})", [a])
    if fn == "rms_norm":
        return b.add(fn, f"F.rms_norm({a}, {tuple(m.shape[-1:])})", [a])
    if m.ndim < 3:
        return
    b.add(fn, f"F.instance_norm({a})", [a])
