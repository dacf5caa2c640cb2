"""Fourth round of op-table entries: the public names the first three tables never drew --
convolutions and transposed convolutions (stride, padding, dilation, groups, output_padding),
pooling (max, avg, LP, adaptive, fractional with fixed samples), unfold/fold, pixel and channel
shuffles, as_strided and the *_scatter family, the *_copy forms, the LU family, cov/corrcoef,
and others found by listing the registry's names against the lines the fuzz writes
(tests/fuzz/coverage.py). Imported by optable.py like optable_extra.py; small weights, so that
the derandomized suite's mix stays much as it was.

These ops want inputs of a given layout ((N, C, L...) images, matrices), which the programs'
first inputs seldom have: each entry takes an existing value of the right shape when there is
one (tensor_like) and otherwise makes a new input, with size-1 dims and an empty batch where
PyTorch allows one."""
from __future__ import annotations

import math

from hypothesis import strategies as st

from .optable import chance, choice, dim_arg, op, tensor_like


def _ints(b, k: int, lo: int, hi: int) -> tuple:
    return tuple(b.draw(st.integers(lo, hi)) for _ in range(k))


def _arg(b, values: tuple):
    """An int when all entries agree (usually), else the tuple: both spellings are public."""
    if len(set(values)) == 1 and chance(b, 60):
        return values[0]
    return tuple(values)


def _float(b) -> str:
    return "float32" if chance(b, 10) else "float64"


def _batch(b, allow_unbatched: bool = True, allow_empty: bool = True) -> tuple:
    options = [(1,), (2,), (2,), (1,)] + [()] * allow_unbatched + [(0,)] * allow_empty
    return choice(b, options)


def _bias(b, channels: int, dtype: str) -> str:
    return "None" if chance(b, 40) else tensor_like(b, (channels,), dtype)


def _out_len(size: int, k: int, s: int, p: int, d: int, ceil: bool = False) -> int:
    """Output length of a window of k (dilation d) with stride s over size + 2p (floor or ceil)."""
    span = size + 2 * p - d * (k - 1) - 1
    if span < 0:
        return 0
    n = (span + (s - 1 if ceil else 0)) // s + 1
    if ceil and (n - 1) * s >= size + p:  # PyTorch's rule: the last window starts inside
        n -= 1
    return n


# ---- convolutions ----------------------------------------------------------------------------
@op("conv_nd", weight=2, extra=True)
def _conv_nd(b, name):
    d = choice(b, [1, 2, 2, 3])
    groups = choice(b, [1, 1, 2, 3])
    cin, cout = groups * b.draw(st.integers(1, 2)), groups * b.draw(st.integers(1, 2))
    kmax = 2 if d == 3 else 3
    k = _ints(b, d, 1, kmax)
    dil = _ints(b, d, 1, 2)
    pad_kind = choice(b, ["int", "int", "int", "same", "valid"])
    stride = (1,) * d if pad_kind == "same" else _ints(b, d, 1, 3)
    pad = _ints(b, d, 0, 2) if pad_kind == "int" else (0,) * d
    extra = 1 if chance(b, 5) else 0  # now and then too short: compare the errors
    spatial = tuple(max(di * (ki - 1) + 1 - 2 * pi - extra, 1) + b.draw(st.integers(0, 3 if d < 3 else 1))
                    for ki, di, pi in zip(k, dil, pad))
    dt = _float(b)
    x = tensor_like(b, _batch(b) + (cin,) + spatial, dt)
    w = tensor_like(b, (cout, cin // groups) + k, dt)
    bias = _bias(b, cout, dt)
    padding = repr(pad_kind) if pad_kind in ("same", "valid") else _arg(b, pad)
    args = f"stride={_arg(b, stride)!r}, padding={padding}, dilation={_arg(b, dil)!r}, groups={groups}"
    form = choice(b, ["F", "F", "tg", "convolution"])
    if form == "convolution":
        if pad_kind != "int" or len(b.meta(x).shape) != d + 2:
            form = "F"
        else:
            return b.add("convolution", f"tg.convolution({x}, {w}, {bias}, {list(stride)}, {list(pad)}, "
                                        f"{list(dil)}, False, {[0] * d}, {groups})", [x, w])
    space = "F" if form == "F" else "tg"
    b.add(f"conv{d}d", f"{space}.conv{d}d({x}, {w}, {bias}, {args})", [x, w])


@op("conv_transpose_nd", weight=2, extra=True)
def _conv_transpose_nd(b, name):
    d = choice(b, [1, 2, 2, 3])
    groups = choice(b, [1, 1, 2])
    cin, cout = groups * b.draw(st.integers(1, 2)), groups * b.draw(st.integers(1, 2))
    k = _ints(b, d, 1, 2 if d == 3 else 3)
    stride = _ints(b, d, 1, 3)
    dil = _ints(b, d, 1, 2)
    pad = tuple(b.draw(st.integers(0, di * (ki - 1))) for ki, di in zip(k, dil))
    # output_padding must be smaller than stride or dilation (PyTorch's rule); now and then not
    out_pad = tuple(b.draw(st.integers(0, max(s, di) - (0 if chance(b, 5) else 1))) for s, di in zip(stride, dil))
    spatial = _ints(b, d, 1, 3 if d < 3 else 2)
    dt = _float(b)
    x = tensor_like(b, _batch(b) + (cin,) + spatial, dt)
    w = tensor_like(b, (cin, cout // groups) + k, dt)
    bias = _bias(b, cout, dt)
    if chance(b, 20) and len(b.meta(x).shape) == d + 2:
        return b.add("convolution", f"tg.convolution({x}, {w}, {bias}, {list(stride)}, {list(pad)}, {list(dil)}, "
                                    f"True, {list(out_pad)}, {groups})", [x, w])
    space = choice(b, ["F", "F", "tg"])
    b.add(f"conv_transpose{d}d", f"{space}.conv_transpose{d}d({x}, {w}, {bias}, stride={_arg(b, stride)!r}, "
                                 f"padding={_arg(b, pad)!r}, output_padding={_arg(b, out_pad)!r}, groups={groups}, "
                                 f"dilation={_arg(b, dil)!r})", [x, w])


# ---- pooling ---------------------------------------------------------------------------------
def _image(b, d: int, max_side: int = 4, allow_empty: bool = True) -> str:
    """An (N, C, *spatial) or (C, *spatial) float input (an existing one that fits, or new)."""
    fits = b.pick(lambda m: m.is_float and m.ndim in (d + 1, d + 2) and min(m.shape[-d:]) >= 1
                  and m.numel <= 60, recent=False)
    if fits is not None and chance(b, 30):
        return fits
    spatial = _ints(b, d, 1, max_side if d < 3 else 3)
    return b.new_input(_batch(b, allow_empty=allow_empty) + (b.draw(st.integers(1, 2)),) + spatial, _float(b))


@op("max_pool_nd", weight=2, extra=True)
def _max_pool_nd(b, name):
    d = choice(b, [1, 2, 2, 3])
    x = _image(b, d)  # (windows that do not fit are compared as errors)
    k = _ints(b, d, 1, 3)
    dil = _ints(b, d, 1, 2) if chance(b, 30) else (1,) * d
    pad = tuple(b.draw(st.integers(0, ki // 2)) for ki in k)
    stride = _ints(b, d, 1, 3)
    ceil = b.draw(st.booleans())
    indices = chance(b, 30)
    stride_arg = _arg(b, stride) if chance(b, 80) else None  # (None: the kernel size)
    args = (f"{_arg(b, k)!r}, stride={stride_arg!r}, padding={_arg(b, pad)!r}, "
            f"dilation={_arg(b, dil)!r}, ceil_mode={ceil}")
    form = choice(b, ["F", "F", "with_indices", "tg"])
    if form == "with_indices" and d < 3 or form == "with_indices" and chance(b, 50):
        return b.add(f"max_pool{d}d", f"F.max_pool{d}d_with_indices({x}, {args})[{b.draw(st.integers(0, 1))}]", [x])
    space = "tg" if form == "tg" else "F"
    if indices and space == "F":
        item = choice(b, ["[0]", "[1]", ""])
        return b.add(f"max_pool{d}d", f"F.max_pool{d}d({x}, {args}, return_indices=True){item}", [x])
    b.add(f"max_pool{d}d", f"{space}.max_pool{d}d({x}, {args})", [x])


@op("avg_lp_pool_nd", weight=2, extra=True)
def _avg_lp_pool_nd(b, name):
    d = choice(b, [1, 2, 2, 3])
    x = _image(b, d)
    k = _ints(b, d, 1, 3)
    stride = _ints(b, d, 1, 3)
    ceil = b.draw(st.booleans())
    if chance(b, 35):
        p = choice(b, [1, 2, 2, 3, 1.5])
        # LP pooling of |x|^p keeps powers real; the raw input shows PyTorch's sign convention too
        arg = x if chance(b, 30) else f"{x}.abs()"
        if d == 1:  # (a single int: PyTorch's lp_pool1d documents no tuple, and fails on one)
            return b.add("lp_pool1d", f"F.lp_pool1d({arg}, {p}, {k[0]}, stride={stride[0]}, ceil_mode={ceil})", [x])
        return b.add(f"lp_pool{d}d", f"F.lp_pool{d}d({arg}, {p}, {_arg(b, k)!r}, stride={_arg(b, stride)!r}, "
                                     f"ceil_mode={ceil})", [x])
    pad = tuple(b.draw(st.integers(0, ki // 2)) for ki in k)
    incl = b.draw(st.booleans())
    div = f", divisor_override={b.draw(st.integers(1, 3))}" if d > 1 and chance(b, 25) else ""
    space = "tg" if d == 1 and chance(b, 30) else "F"
    b.add(f"avg_pool{d}d", f"{space}.avg_pool{d}d({x}, {_arg(b, k)!r}, stride={_arg(b, stride)!r}, "
                           f"padding={_arg(b, pad)!r}, ceil_mode={ceil}, count_include_pad={incl}{div})", [x])


@op("adaptive_pool_nd", weight=2, extra=True)
def _adaptive_pool_nd(b, name):
    d = choice(b, [1, 2, 2, 3])
    x = _image(b, d, max_side=5)
    out = tuple(None if chance(b, 15) else b.draw(st.integers(1, 4)) for _ in range(d))
    size = out[0] if d == 1 else _arg(b, out) if None not in out else out
    kind = choice(b, ["avg", "max"])
    if kind == "avg":
        space = "tg" if d == 1 and chance(b, 30) else "F"
        return b.add(f"adaptive_avg_pool{d}d", f"{space}.adaptive_avg_pool{d}d({x}, {size!r})", [x])
    form = choice(b, ["plain", "indices", "with_indices", "tg"] if d == 1 else ["plain", "indices", "with_indices"])
    item = b.draw(st.integers(0, 1))
    code = {"plain": f"F.adaptive_max_pool{d}d({x}, {size!r})",
            "indices": f"F.adaptive_max_pool{d}d({x}, {size!r}, return_indices=True)[{item}]",
            "with_indices": f"F.adaptive_max_pool{d}d_with_indices({x}, {size!r})[{item}]",
            "tg": f"tg.adaptive_max_pool1d({x}, {size!r})[{item}]"}[form]
    b.add(f"adaptive_max_pool{d}d", code, [x])


@op("fractional_max_pool", extra=True)
def _fractional_max_pool(b, name):
    d = choice(b, [2, 2, 3])
    batch = _batch(b, allow_empty=False)
    c = b.draw(st.integers(1, 2))
    k = _ints(b, d, 1, 2)
    spatial = tuple(ki + b.draw(st.integers(0, 3 if d == 2 else 1)) for ki in k)
    dt = _float(b)
    x = tensor_like(b, batch + (c,) + spatial, dt)
    samples = b.new_input((batch[0] if batch else 1, c, d), dt, requires_grad=False, low=0.0, high=0.9)
    if chance(b, 60):
        size = tuple(b.draw(st.integers(1, max(s - ki + 1, 1))) for s, ki in zip(spatial, k))
        target = f"output_size={_arg(b, size)!r}"
    else:
        ratio = choice(b, [0.5, 0.75, 1.0])  # (a number: PyTorch's bug, see known.py; now and then)
        target = f"output_ratio={(ratio,) * d if chance(b, 85) else ratio}"
    item = b.draw(st.integers(0, 1))
    form = choice(b, ["plain", "indices", "with_indices"])
    call = f"{x}, {_arg(b, k)!r}, {target}, _random_samples={samples}"
    code = {"plain": f"F.fractional_max_pool{d}d({call})",
            "indices": f"F.fractional_max_pool{d}d({call}, return_indices=True)[{item}]",
            "with_indices": f"F.fractional_max_pool{d}d_with_indices({call})[{item}]"}[form]
    b.add(f"fractional_max_pool{d}d", code, [x, samples])


@op("max_unpool", extra=True)
def _max_unpool(b, name):
    d = choice(b, [1, 2, 3])
    x = _image(b, d, allow_empty=False)
    k = _ints(b, d, 1, 2)
    stride = tuple(ki + b.draw(st.integers(0, 1)) for ki in k)
    pooled = f"F.max_pool{d}d({x}, {k!r}, {stride!r}, return_indices=True)"
    size = "" if chance(b, 60) else f", output_size={tuple(b.meta(x).shape[-d:])!r}"
    b.add(f"max_unpool{d}d", f"F.max_unpool{d}d(*{pooled}, {k!r}, {stride!r}{size})", [x])


# ---- unfold/fold, shuffles --------------------------------------------------------------------
@op("unfold_fold", weight=2, extra=True)
def _unfold_fold(b, name):
    k = _ints(b, 2, 1, 3)
    dil = _ints(b, 2, 1, 2) if chance(b, 30) else (1, 1)
    pad = _ints(b, 2, 0, 1)
    stride = _ints(b, 2, 1, 2)
    args = f"dilation={_arg(b, dil)!r}, padding={_arg(b, pad)!r}, stride={_arg(b, stride)!r}"
    if chance(b, 50):
        x = _image(b, 2)
        if b.meta(x).ndim == 3 and chance(b, 30):
            return b.add("unfold", f"F.unfold({x}, {_arg(b, k)!r}, {args})", [x])
        return b.add("unfold", f"F.unfold({x}, {_arg(b, k)!r}, {args})", [x])
    out = tuple(max(di * (ki - 1) + 1 - 2 * pi, 1) + b.draw(st.integers(0, 2))
                for ki, di, pi in zip(k, dil, pad))
    blocks = math.prod(_out_len(o, ki, s, pi, di) for o, ki, s, pi, di in zip(out, k, stride, pad, dil))
    c = b.draw(st.integers(1, 2))
    lead = choice(b, [(), (1,), (2,), (0,)])
    x = tensor_like(b, lead + (c * k[0] * k[1], blocks), _float(b))
    b.add("fold", f"F.fold({x}, {_arg(b, out)!r}, {_arg(b, k)!r}, {args})", [x])


@op("shuffles", extra=True)
def _shuffles(b, name):
    fn = choice(b, ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle"])
    r = b.draw(st.integers(1, 2))
    lead = choice(b, [(), (1,), (2,), (0,), (2, 1)])
    dt = _float(b)
    if fn == "pixel_shuffle":
        x = tensor_like(b, lead + (b.draw(st.integers(1, 2)) * r * r, b.draw(st.integers(1, 2)),
                                   b.draw(st.integers(1, 3))), dt)
        return b.add(fn, f"{choice(b, ['F', 'tg'])}.pixel_shuffle({x}, {r})", [x])
    if fn == "pixel_unshuffle":
        x = tensor_like(b, lead + (b.draw(st.integers(1, 2)), r * b.draw(st.integers(1, 2)),
                                   r * b.draw(st.integers(1, 2))), dt)
        return b.add(fn, f"{choice(b, ['F', 'tg'])}.pixel_unshuffle({x}, {r})", [x])
    g = b.draw(st.integers(1, 3))
    spatial = _ints(b, b.draw(st.integers(0, 2)), 1, 3)
    x = tensor_like(b, (b.draw(st.integers(1, 2)), g * b.draw(st.integers(1, 2))) + spatial, dt)
    space = "tg" if fn == "native_channel_shuffle" else choice(b, ["F", "tg"])
    b.add(fn, f"{space}.{fn}({x}, {g})", [x])


# ---- as_strided and the scatter family ---------------------------------------------------------
def _strided_layout(b, distinct: bool) -> tuple[tuple, tuple, int, int]:
    """(size, stride, offset, storage elements needed); `distinct`: no two elements share a place."""
    for _ in range(10):
        ndim = b.draw(st.integers(0, 3))
        size = _ints(b, ndim, 0 if chance(b, 10) else 1, 3)
        stride = _ints(b, ndim, 0, 4)
        offset = b.draw(st.integers(0, 2))
        places = [offset + sum(i * s for i, s in zip(idx, stride)) for idx in _indices(size)]
        if not distinct or len(set(places)) == len(places):
            return size, stride, offset, max(places, default=offset) + 1
    return (), (), 0, 1


def _indices(size: tuple):
    if not size:
        yield ()
        return
    for i in range(size[0]):
        for rest in _indices(size[1:]):
            yield (i,) + rest


@op("strided", weight=2, extra=True)
def _strided(b, name):
    fn = choice(b, ["as_strided", "as_strided", "as_strided_scatter", "unfold", "diagonal_scatter",
                    "select_scatter", "slice_scatter"])
    if fn in ("as_strided", "as_strided_scatter"):
        size, stride, offset, need = _strided_layout(b, distinct=fn == "as_strided_scatter")
        numel = need + b.draw(st.integers(0, 2))
        shape = choice(b, [(numel,), (1, numel)] + ([(2, numel // 2)] if numel % 2 == 0 else []))
        dt = _float(b)
        x = tensor_like(b, shape, dt)
        off = "" if offset == 0 and chance(b, 40) else f", {offset}"
        if fn == "as_strided":
            form = choice(b, [f"tg.as_strided({x}, {size!r}, {stride!r}{off})",
                              f"{x}.as_strided({size!r}, {stride!r}{off})",
                              f"tg.as_strided_copy({x}, {size!r}, {stride!r}{off})",
                              f"({x} * 1).as_strided({size!r}, {stride!r}{off})"])
            return b.add(fn, form, [x])
        src = tensor_like(b, size, dt)
        return b.add(fn, choice(b, [f"tg.as_strided_scatter({x}, {src}, {size!r}, {stride!r}{off})",
                                    f"{x}.as_strided_scatter({src}, {size!r}, {stride!r}{off})"]), [x, src])
    a = b.pick(lambda m: m.ndim >= 1)
    if a is None:
        return
    m = b.meta(a)
    dt = m.dtype if m.dtype in ("float64", "float32", "int64", "bool") else "int64"  # (values.py draws these)
    d = dim_arg(b, m.ndim)
    if not -m.ndim <= d < m.ndim:
        return b.add(fn, f"{a}.unfold({d}, 1, 1)", [a])
    n = m.shape[d]
    if fn == "unfold":
        size, step = b.draw(st.integers(0, n + (1 if chance(b, 5) else 0))), b.draw(st.integers(1, 3))
        return b.add(fn, choice(b, [f"{a}.unfold({d}, {size}, {step})", f"tg.unfold_copy({a}, {d}, {size}, {step})"]),
                     [a])
    if fn == "select_scatter":
        if n == 0:
            return
        src = tensor_like(b, m.shape[:d % m.ndim] + m.shape[d % m.ndim + 1:], dt)
        idx = b.draw(st.integers(-n, n - 1))
        return b.add(fn, choice(b, [f"tg.select_scatter({a}, {src}, {d}, {idx})",
                                    f"{a}.select_scatter({src}, {d}, {idx})"]), [a, src])
    if fn == "slice_scatter":
        start = choice(b, [None, 0, 1, -1, -n if n else 0])
        end = choice(b, [None, n, -1, 1, n + 2])
        step = b.draw(st.integers(1, 3))
        k = len(range(n)[slice(start, end, step)])
        dd = d % m.ndim
        src = tensor_like(b, m.shape[:dd] + (k,) + m.shape[dd + 1:], dt)
        return b.add(fn, choice(b, [f"tg.slice_scatter({a}, {src}, {d}, {start}, {end}, {step})",
                                    f"{a}.slice_scatter({src}, dim={d}, start={start}, end={end}, step={step})"]),
                     [a, src])
    if m.ndim < 2:
        return
    d1, d2 = list(b.draw(st.permutations(range(m.ndim))))[:2]
    off = b.draw(st.integers(-2, 2))
    try:
        shape = tuple(eval(f"{a}.diagonal({off}, {d1}, {d2})", b.env).shape)
    except Exception:
        return
    src = tensor_like(b, shape, dt)
    b.add(fn, choice(b, [f"tg.diagonal_scatter({a}, {src}, {off}, {d1}, {d2})",
                         f"{a}.diagonal_scatter({src}, {off}, dim1={d1}, dim2={d2})"]), [a, src])


# ---- the *_copy forms --------------------------------------------------------------------------
@op("copies", weight=2, extra=True)
def _copies(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    nd = m.ndim
    d = dim_arg(b, nd)
    ok = -nd <= d < nd and nd > 0
    n = m.shape[d] if ok else 0
    fn = choice(b, ["view_copy", "expand_copy", "permute_copy", "squeeze_copy", "unsqueeze_copy", "t_copy",
                    "transpose_copy", "diagonal_copy", "select_copy", "slice_copy", "split_copy",
                    "split_with_sizes_copy", "unbind_copy", "alias_copy", "detach_copy", "narrow_copy"])
    item = "[0]" if chance(b, 50) else "[-1]"
    code = {
        "view_copy": f"tg.view_copy({a}, {(-1,) if chance(b, 50) else tuple(reversed(m.shape))!r})",
        "expand_copy": f"tg.expand_copy({a}, {(2,) + tuple(m.shape)!r})",
        "permute_copy": f"tg.permute_copy({a}, {tuple(reversed(range(nd)))!r})",
        "squeeze_copy": f"tg.squeeze_copy({a})" if chance(b, 40) else f"tg.squeeze_copy({a}, {d})",
        "unsqueeze_copy": f"tg.unsqueeze_copy({a}, {dim_arg(b, nd, new_axis=True)})",
        "t_copy": f"tg.t_copy({a})",
        "transpose_copy": f"tg.transpose_copy({a}, {d}, {dim_arg(b, nd)})",
        "diagonal_copy": f"tg.diagonal_copy({a}, {b.draw(st.integers(-1, 1))})",
        "select_copy": f"tg.select_copy({a}, {d}, {b.draw(st.integers(-n, max(n - 1, 0)))})",
        "slice_copy": f"tg.slice_copy({a}, {d}, {choice(b, [None, 0, 1, -1])}, {choice(b, [None, 2, -1])}, "
                      f"{b.draw(st.integers(1, 2))})",
        "split_copy": f"tg.split_copy({a}, {b.draw(st.integers(1, 2))}, {d}){item}",
        "split_with_sizes_copy": f"tg.split_with_sizes_copy({a}, {[1, n - 1] if n >= 1 else [0]!r}, {d}){item}",
        "unbind_copy": f"tg.unbind_copy({a}, {d}){item}",
        "alias_copy": f"tg.alias_copy({a})",
        "detach_copy": f"tg.detach_copy({a})",
        "narrow_copy": choice(b, [f"tg.narrow_copy({a}, {d}, {min(1, n)}, {max(n - 1, 0)})",
                                  f"{a}.narrow_copy({d}, 0, {n})"]),
    }[fn]
    if fn in ("select_copy", "split_with_sizes_copy", "narrow_copy", "unbind_copy") and not ok:
        return
    if fn == "unbind_copy" and n == 0:
        return
    b.add(fn, code, [a])


# ---- LU ----------------------------------------------------------------------------------------
@op("lu_family", weight=2, extra=True)
def _lu_family(b, name):
    n = b.draw(st.integers(1, 3))
    rect = chance(b, 25)
    rows, cols = (n, b.draw(st.integers(1, 3))) if rect else (n, n)
    lead = (b.draw(st.integers(1, 2)),) if chance(b, 30) else ()
    A = b.new_input(lead + (rows, cols), "float64", requires_grad=True, low=-1.0, high=1.0)
    # diagonally dominant (invertible, no row exchanges) most of the time; raw values exercise pivoting
    M = A if rect or chance(b, 30) else f"({A} + {n + 1} * tg.eye({n}))"
    fn = choice(b, ["linalg.lu", "linalg.lu_factor", "linalg.lu_factor_ex", "lu", "lu_unpack", "linalg.lu_solve",
                    "lu_solve"])
    item = b.draw(st.integers(0, 2))
    if fn == "linalg.lu":
        return b.add(fn, f"tg.linalg.lu({M}, pivot=True)[{item}]", [A])
    # pivots and infos are int32, a dtype the other entries' new inputs cannot take: compared as int64
    as_long = ".long()" if item else ""
    if fn in ("linalg.lu_factor", "linalg.lu_factor_ex"):
        return b.add(fn, f"tg.{fn}({M})[{min(item, 1 if fn == 'linalg.lu_factor' else 2)}]{as_long}", [A])
    if fn == "lu":
        return b.add(fn, choice(b, [f"tg.lu({M})[{min(item, 1)}]{as_long}",
                                    f"{M}.lu(get_infos=True)[{item}]{as_long}"]), [A])
    if fn == "lu_unpack":
        return b.add(fn, f"tg.lu_unpack(*tg.linalg.lu_factor({M}))[{item}]", [A])
    if rect:
        return
    k = b.draw(st.integers(1, 2))
    left = b.draw(st.booleans()) if fn == "linalg.lu_solve" else True
    B = b.new_input(lead + ((n, k) if left else (k, n)), "float64", requires_grad=True)
    if fn == "linalg.lu_solve":
        adj = b.draw(st.booleans())
        return b.add(fn, f"tg.linalg.lu_solve(*tg.linalg.lu_factor({M}), {B}, left={left}, adjoint={adj})", [A, B])
    b.add(fn, choice(b, [f"tg.lu_solve({B}, *tg.linalg.lu_factor({M}))", f"{B}.lu_solve(*tg.linalg.lu_factor({M}))"]),
          [A, B])


# ---- cov / corrcoef ------------------------------------------------------------------------------
@op("cov_corrcoef", extra=True)
def _cov_corrcoef(b, name):
    a = b.pick(lambda m: m.is_float and m.ndim in (1, 2))
    if a is None or chance(b, 40):
        obs = b.draw(st.integers(0, 4))
        a = b.new_input(choice(b, [(obs,), (b.draw(st.integers(1, 3)), obs)]), _float(b))
    m = b.meta(a)
    obs = m.shape[-1]
    if chance(b, 35):
        return b.add("corrcoef", choice(b, [f"tg.corrcoef({a})", f"{a}.corrcoef()"]), [a])
    corr = b.draw(st.integers(0, 2))
    fw = f", fweights={b.new_input((obs,), 'int64', low=0, high=3)}" if chance(b, 30) else ""
    aw = f", aweights={b.new_input((obs,), m.dtype, requires_grad=chance(b, 50), low=0.0, high=2.0)}" \
        if chance(b, 30) else ""
    b.add("cov", choice(b, [f"tg.cov({a}, correction={corr}{fw}{aw})", f"{a}.cov(correction={corr}{fw}{aw})"]), [a])


# ---- function forms and others the listing found undrawn ---------------------------------------
@op("function_forms", weight=2, extra=True)
def _function_forms(b, name):
    """tg.<name>(a, ...) of methods drawn elsewhere, and a few names drawn nowhere."""
    a = b.pick(lambda m: m.is_float and m.ndim >= 1)
    if a is None:
        return
    m = b.meta(a)
    nd = m.ndim
    d = dim_arg(b, nd)
    ok = -nd <= d < nd
    n = m.shape[d] if ok else 0
    fn = choice(b, ["sort", "topk", "select", "diagonal", "unbind", "softmax", "log_softmax", "quantile", "norm",
                    "kthvalue", "diff", "gradient", "trapezoid", "cumulative_trapezoid", "trapz", "vander", "take",
                    "take_along_dim", "tensor_split", "dsplit", "igamma", "igammac", "frexp", "renorm", "dist",
                    "combinations", "meshgrid", "broadcast_tensors", "unflatten", "moveaxis", "swapaxes", "fliplr",
                    "hstack", "dstack", "rad2deg", "clip", "sum_to_size", "trace", "t", "masked_select",
                    "masked_fill", "index_add", "gather", "hardshrink", "threshold", "rms_norm", "frobenius_norm",
                    "nuclear_norm", "adjoint", "fix"])
    if not ok and fn not in ("combinations", "meshgrid", "broadcast_tensors", "rad2deg", "clip", "fix", "fliplr",
                             "hstack", "dstack", "frobenius_norm", "trace", "t", "adjoint", "dist", "igamma",
                             "igammac", "frexp", "hardshrink", "threshold", "masked_select", "masked_fill", "vander"):
        return
    k = b.draw(st.integers(0, 1))
    dt = m.dtype
    if fn == "sort":
        code = f"tg.sort({a}, dim={d}, descending={b.draw(st.booleans())}, stable=True)[0]"
    elif fn == "topk":
        code = f"tg.topk({a}, {b.draw(st.integers(0, n))}, {d})[0]"
    elif fn == "select":
        if n == 0:
            return
        code = f"tg.select({a}, {d}, {b.draw(st.integers(-n, n - 1))})"
    elif fn == "diagonal":
        if nd < 2:
            return
        code = f"tg.diagonal({a}, {b.draw(st.integers(-1, 1))}, {nd - 2}, {nd - 1})"
    elif fn == "unbind":
        if n == 0:
            return
        code = f"tg.unbind({a}, {d})[{b.draw(st.integers(0, n - 1))}]"
    elif fn in ("softmax", "log_softmax"):
        code = f"tg.{fn}({a}, {d})"
    elif fn == "quantile":
        code = f"tg.quantile({a}, {choice(b, [0.0, 0.4, 1.0])}, dim={d}, keepdim={b.draw(st.booleans())})"
    elif fn == "norm":
        code = f"tg.norm({a}, {choice(b, [1, 2, 'fro'])!r}, dim={d})"
    elif fn == "kthvalue":
        code = f"tg.kthvalue({a}, {b.draw(st.integers(1, max(n, 1)))}, {d})[0]"
    elif fn == "diff":
        code = f"tg.diff({a}, n={b.draw(st.integers(1, 2))}, dim={d})"
    elif fn == "gradient":
        code = f"tg.gradient({a}, spacing={choice(b, [1.0, 2.0])}, dim={d % nd}, edge_order=1)[0]"
    elif fn in ("trapezoid", "cumulative_trapezoid", "trapz"):
        code = f"tg.{fn}({a}, dx={choice(b, [1.0, 0.5])}, dim={d})" if fn != "trapz" else f"tg.trapz({a}, dim={d})"
    elif fn == "vander":
        code = f"tg.vander({a}.reshape(-1), N={b.draw(st.integers(0, 3))}, increasing={b.draw(st.booleans())})"
    elif fn == "take":
        if m.numel == 0:
            return
        idx = b.new_input((b.draw(st.integers(0, 3)),), "int64", low=-m.numel, high=m.numel - 1)
        code = f"tg.take({a}, {idx})"
    elif fn == "take_along_dim":
        if n == 0:
            return
        shape = tuple(1 if i == d % nd else s for i, s in enumerate(m.shape))
        idx = b.new_input(shape, "int64", low=0, high=n - 1)
        code = choice(b, [f"tg.take_along_dim({a}, {idx}, dim={d})", f"{a}.take_along_dim({idx}, {d})"])
    elif fn == "tensor_split":
        code = f"tg.tensor_split({a}, {choice(b, [1, 2, 3, [1], [0, 2]])!r}, dim={d})[{k}]"
    elif fn == "dsplit":
        if nd < 3:
            return
        code = f"tg.dsplit({a}, {choice(b, [1, [1]])!r})[0]"
    elif fn in ("igamma", "igammac"):
        other = tensor_like(b, m.shape, dt)
        code = f"tg.{fn}({a}.abs() + 0.5, {other}.abs())"
    elif fn == "frexp":
        # (the exponent is int32, a dtype the other entries' new inputs cannot take: compared as int64)
        code = f"tg.frexp({a})[0]" if k == 0 else f"tg.frexp({a})[1].long()"
    elif fn == "renorm":
        if nd < 2:
            return
        code = f"tg.renorm({a}, {choice(b, [1, 2])}, {d % nd}, 1.5)"
    elif fn == "dist":
        other = tensor_like(b, m.shape, dt)
        p = choice(b, ["1", "2", "3", "float('inf')", "0"])
        code = f"tg.dist({a}, {other}, {p})"
    elif fn == "combinations":
        r, repl = b.draw(st.integers(1, 2)), b.draw(st.booleans())
        code = f"tg.combinations({a}.reshape(-1)[:4], {r}, with_replacement={repl})"
    elif fn == "meshgrid":
        other = b.new_input((b.draw(st.integers(0, 3)),), dt)
        code = f"tg.meshgrid({a}.reshape(-1), {other}, indexing={choice(b, ['ij', 'xy'])!r})[{k}]"
    elif fn == "broadcast_tensors":
        other = tensor_like(b, (1,) + tuple(m.shape), dt)
        code = f"tg.broadcast_tensors({a}, {other})[{k}]"
    elif fn == "unflatten":
        code = f"tg.unflatten({a}, {d}, (1, -1))"
    elif fn in ("moveaxis", "swapaxes"):
        code = f"tg.{fn}({a}, {d}, {dim_arg(b, nd)})"
    elif fn in ("fliplr", "rad2deg", "fix", "adjoint"):
        if fn in ("fliplr", "adjoint") and nd < 2:
            return
        code = f"tg.{fn}({a})"
    elif fn in ("hstack", "dstack"):
        code = f"tg.{fn}([{a}, {tensor_like(b, m.shape, dt)}])"
    elif fn == "clip":
        code = f"tg.clip({a}, {b.scalar('float')}, {b.scalar('float')})"
    elif fn == "sum_to_size":
        code = f"{a}.sum_to_size({tuple(1 if chance(b, 50) else s for s in m.shape)!r})"
    elif fn in ("trace", "t"):
        if nd > 2 or fn == "trace" and nd != 2:
            return
        code = f"tg.{fn}({a})"
    elif fn == "masked_select":
        code = f"tg.masked_select({a}, {a} > 0)"
    elif fn == "masked_fill":
        code = f"tg.masked_fill({a}, {a} < 0, {b.scalar('float')})"
    elif fn == "index_add":
        if n == 0:
            return
        idx = b.new_input((b.draw(st.integers(1, 3)),), "int64", low=0, high=n - 1)
        src = b.new_input(m.shape[:d % nd] + (b.meta(idx).shape[0],) + m.shape[d % nd + 1:], dt)
        code = f"tg.index_add({a}, {d}, {idx}, {src}, alpha={choice(b, [1, 2, -0.5])})"
    elif fn == "gather":
        if n == 0:
            return
        idx = b.new_input(m.shape, "int64", low=0, high=n - 1)
        code = f"tg.gather({a}, {d}, {idx})"
    elif fn == "hardshrink":
        code = choice(b, [f"tg.hardshrink({a}, {choice(b, [0.5, 1.0])})", f"{a}.hardshrink()"])
    elif fn == "threshold":
        code = choice(b, [f"tg.threshold({a}, 0.5, -1.0)", f"F.threshold({a}, {b.scalar('float')}, 2.0)"])
    elif fn == "rms_norm":
        shape = tuple(m.shape[nd - b.draw(st.integers(1, nd)):])
        w = f", {tensor_like(b, shape, dt)}" if chance(b, 50) else ""
        code = f"{choice(b, ['F', 'tg'])}.rms_norm({a}, {shape!r}{w}, eps={choice(b, [None, 1e-5])})"
    elif fn == "frobenius_norm":
        if nd < 2:
            return
        code = f"tg.frobenius_norm({a}, (-2, -1))"
    elif fn == "nuclear_norm":
        if nd != 2:
            return
        code = f"tg.nuclear_norm({a})"
    b.add(fn, code, [a])


@op("losses_more2", weight=2, extra=True)
def _losses_more2(b, name):
    a = b.pick(lambda m: m.is_float and m.ndim in (1, 2) and m.numel > 0)
    if a is None:
        return
    m = b.meta(a)
    dt = m.dtype
    red = choice(b, ["mean", "sum", "none"])
    fn = choice(b, ["multi_margin_loss", "multilabel_margin_loss", "triplet_margin_loss", "cosine_embedding_loss",
                    "hinge_embedding_loss", "margin_ranking_loss", "poisson_nll_loss", "gaussian_nll_loss",
                    "multilabel_soft_margin_loss", "soft_margin_loss", "bilinear", "local_response_norm",
                    "group_norm", "glu", "tanhshrink", "softshrink", "hardswish"])
    if fn in ("tanhshrink", "softshrink", "hardswish"):
        return b.add(fn, f"F.{fn}({a})", [a])
    if fn == "glu":
        if m.shape[-1] % 2:
            return
        return b.add(fn, f"F.glu({a}, -1)", [a])
    if fn in ("local_response_norm", "group_norm"):
        if m.ndim != 2:
            return
        x = f"{a}.unsqueeze(-1)"
        if fn == "group_norm":
            g = choice(b, [g for g in (1, 2, 3) if m.shape[1] % g == 0])
            return b.add(fn, f"F.group_norm({x}, {g}, eps=1e-5)", [a])
        return b.add(fn, f"F.local_response_norm({x}, {b.draw(st.integers(1, 3))}, alpha=0.1, beta=0.75, k=1.0)", [a])
    if fn == "bilinear":
        y = b.new_input(m.shape[:-1] + (b.draw(st.integers(1, 2)),), dt)
        w = b.new_input((b.draw(st.integers(1, 2)), m.shape[-1], b.meta(y).shape[-1]), dt)
        bias = f", {b.new_input((b.meta(w).shape[0],), dt)}" if chance(b, 50) else ""
        return b.add(fn, f"F.bilinear({a}, {y}, {w}{bias})", [a, y, w])
    if fn == "multi_margin_loss":
        if m.ndim != 2:
            return
        t = b.new_input((m.shape[0],), "int64", low=0, high=m.shape[1] - 1)
        return b.add(fn, f"F.multi_margin_loss({a}, {t}, p={choice(b, [1, 2])}, margin={choice(b, [0.5, 1.0])}, "
                         f"reduction={red!r})", [a, t])
    if fn == "multilabel_margin_loss":
        t = b.new_input(m.shape, "int64", low=-1, high=m.shape[-1] - 1)
        return b.add(fn, f"F.multilabel_margin_loss({a}, {t}, reduction={red!r})", [a, t])
    if fn in ("multilabel_soft_margin_loss", "soft_margin_loss"):
        t = b.new_input(m.shape, dt, requires_grad=False, low=-1.0, high=1.0)
        return b.add(fn, f"F.{fn}({a}, {t}.sign(), reduction={red!r})", [a, t])
    if fn == "triplet_margin_loss":
        p, n = tensor_like(b, m.shape, dt), tensor_like(b, m.shape, dt)
        return b.add(fn, f"F.triplet_margin_loss({a}, {p}, {n}, margin={choice(b, [0.5, 1.0])}, p={choice(b, [1, 2])}, "
                         f"swap={b.draw(st.booleans())}, reduction={red!r})", [a, p, n])
    if fn == "cosine_embedding_loss":
        if m.ndim != 2:
            return
        y = tensor_like(b, m.shape, dt)
        t = b.new_input((m.shape[0],), dt, requires_grad=False, low=-1.0, high=1.0)
        return b.add(fn, f"F.cosine_embedding_loss({a}, {y}, {t}.sign(), margin={choice(b, [0.0, 0.5])}, "
                         f"reduction={red!r})", [a, y, t])
    if fn == "hinge_embedding_loss":
        t = b.new_input(m.shape, dt, requires_grad=False, low=-1.0, high=1.0)
        return b.add(fn, f"F.hinge_embedding_loss({a}, {t}.sign(), margin={choice(b, [0.5, 1.0])}, reduction={red!r})",
                     [a, t])
    if fn == "margin_ranking_loss":
        y = tensor_like(b, m.shape, dt)
        t = b.new_input(m.shape, dt, requires_grad=False, low=-1.0, high=1.0)
        if chance(b, 40):  # (tg.'s loss functions take the reduction as PyTorch's int enum)
            enum = ["none", "mean", "sum"].index(red)
            return b.add(fn, f"tg.margin_ranking_loss({a}, {y}, {t}.sign(), 0.5, {enum})", [a, y, t])
        return b.add(fn, f"F.margin_ranking_loss({a}, {y}, {t}.sign(), margin=0.5, reduction={red!r})", [a, y, t])
    if fn == "poisson_nll_loss":
        t = b.new_input(m.shape, dt, requires_grad=False, low=0.0, high=3.0)
        log = b.draw(st.booleans())
        x = a if log else f"{a}.abs()"
        return b.add(fn, f"F.poisson_nll_loss({x}, {t}, log_input={log}, full={b.draw(st.booleans())}, "
                         f"reduction={red!r})", [a, t])
    var = b.new_input(m.shape if chance(b, 70) else m.shape[:-1] + (1,), dt, low=0.1, high=2.0)
    t = tensor_like(b, m.shape, dt)
    b.add(fn, f"F.gaussian_nll_loss({a}, {t}, {var}, full={b.draw(st.booleans())}, reduction={red!r})", [a, t, var])
