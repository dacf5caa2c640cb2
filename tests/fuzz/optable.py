"""The op table: every public op of tinygrad_edu, each with a generator that writes one line of
code using it. The same line runs with `tg = tinygrad_edu` and with `tg = torch` (the public
names are PyTorch's), so the line *is* the mapping to the PyTorch counterpart. A name that
tinygrad_edu lacks shows up as a difference of kind "missing" (see compare.py).

Each generator receives a `Builder` (program.py), picks operands among the values that exist,
draws arguments that fit their shapes (now and then ones that do not, to compare errors) and
adds the line. Entries marked `extra` are PyTorch names that the project has decided to add
(beyond the core list); they are fuzzed the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from hypothesis import strategies as st

from .values import broadcast_partner, subshape_for

OPS: list = []  # weighted: an op appears `weight` times


@dataclass(frozen=True)
class Op:
    name: str
    generate_line: Callable
    extra: bool = False

    def generate(self, builder) -> None:
        self.generate_line(builder, self.name)


def op(name: str, weight: int = 1, extra: bool = False):
    def register(fn):
        entry = Op(name, fn, extra)
        OPS.extend([entry] * weight)
        return fn
    return register


def choice(b, options):
    return b.draw(st.sampled_from(list(options)))


def chance(b, percent: int) -> bool:
    return b.draw(st.integers(0, 99)) < percent


FLOAT = lambda m: m.is_float  # noqa: E731
ANY = lambda m: True  # noqa: E731


# ---- argument helpers ----------------------------------------------------------------------
def dim_arg(b, ndim: int, new_axis: bool = False) -> int:
    """A valid dim (negative half the time); one time in twenty an invalid one."""
    places = max(ndim + (1 if new_axis else 0), 1)
    if chance(b, 5):
        return choice(b, [places, -places - 1])
    return b.draw(st.integers(-places, places - 1))


def dims_arg(b, ndim: int, allow_tuple: bool = True):
    """None, an int, or a tuple of ints (sometimes repeating an axis)."""
    kind = choice(b, ["none", "int", "int", "tuple"] if allow_tuple and ndim else ["none", "int", "int"])
    if kind == "none":
        return None
    if kind == "int":
        return dim_arg(b, ndim)
    axes = b.draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    axes = [a - ndim if chance(b, 30) else a for a in axes]
    if chance(b, 5):
        axes.append(axes[0])
    return tuple(axes)


def tensor_like(b, shape: tuple, dtype: str | None = None, requires_grad=None) -> str:
    """An existing value of exactly this shape, or a new input."""
    same = b.pick(lambda m: m.shape == tuple(shape) and (dtype is None or m.dtype == dtype), recent=False)
    if same is not None and chance(b, 40):
        return same
    return b.new_input(shape, dtype, requires_grad)


def operand(b, a: str, scalar_percent: int = 35) -> str:
    """The second operand of a binary op with `a`: a Python number or a broadcasting tensor."""
    if chance(b, scalar_percent):
        return b.scalar()
    shape = b.meta(a).shape
    if chance(b, 10):
        other = b.pick(ANY, recent=False)
        if other is not None:
            return other
    return tensor_like(b, broadcast_partner(b.draw, shape))


def into_operand(b, shape: tuple) -> str:
    """A number, or a tensor that broadcasts to `shape` (for in-place ops and setitem)."""
    if chance(b, 40):
        return b.scalar()
    return tensor_like(b, subshape_for(b.draw, shape))


def kwargs(**items) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in items.items())


# ---- arithmetic ----------------------------------------------------------------------------
ARITHMETIC = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}


def _arithmetic(name: str, symbol: str):
    @op(name, weight=3)
    def generate(b, op_name):
        a = b.pick()
        if a is None:
            return
        form = choice(b, ["symbol", "symbol", "reflected", "function", "method"])
        if form == "reflected":
            s = b.scalar()
            return b.add(op_name, f"{s} {symbol} {a}", [s, a])
        other = operand(b, a)
        code = {"symbol": f"{a} {symbol} {other}", "function": f"tg.{name}({a}, {other})",
                "method": f"{a}.{name}({other})"}[form]
        b.add(op_name, code, [a, other])


for _name, _symbol in ARITHMETIC.items():
    _arithmetic(_name, _symbol)


@op("neg")
def _neg(b, name):
    a = b.pick()
    if a is not None:
        b.add(name, choice(b, [f"-{a}", f"{a}.neg()", f"tg.neg({a})"]), [a])


@op("matmul", weight=2)
def _matmul(b, name):
    a = b.pick(lambda m: m.ndim >= 1 and m.dtype != "bool")
    if a is None:
        return
    m = b.meta(a)
    n = m.shape[-1] if not chance(b, 5) else m.shape[-1] + 1
    k = choice(b, [1, 2, 3])
    shape = choice(b, [(n,), (n, k), (n, k), (2, n, k)] if m.ndim >= 2 else [(n,), (n, k)])
    other = b.new_input(shape, m.dtype if chance(b, 85) else None)
    form = choice(b, ["symbol", "function", "method"])
    code = {"symbol": f"{a} @ {other}", "function": f"tg.matmul({a}, {other})",
            "method": f"{a}.matmul({other})"}[form]
    b.add(name, code, [a, other])


# ---- comparisons and logic (no gradient) ----------------------------------------------------
COMPARISONS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


@op("compare", weight=2)
def _compare(b, name):
    a = b.pick()
    if a is None:
        return
    symbol = choice(b, COMPARISONS)
    other = operand(b, a, scalar_percent=50)
    code = f"{a} {symbol} {other}" if chance(b, 70) else f"{a}.{COMPARISONS[symbol]}({other})"
    b.add(name, code, [a, other])


@op("logical")
def _logical(b, name):
    a = b.pick(lambda m: m.dtype == "bool") or b.pick()
    if a is None:
        return
    if chance(b, 30):
        return b.add(name, f"~{a}", [a])
    other = b.pick(lambda m: m.dtype == "bool") or operand(b, a)
    b.add(name, f"{a} {choice(b, '&|')} {other}", [a, other])


# ---- elementwise functions -----------------------------------------------------------------
UNARY = ["exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu"]
UNARY_EXTRA = ["square", "reciprocal", "log1p", "expm1", "sign"]


def _unary(fn: str, extra: bool):
    @op(fn, weight=1 if extra else 2, extra=extra)
    def generate(b, name):
        a = b.pick()
        if a is None:
            return
        forms = [f"{a}.{fn}()"] + ([] if extra else [f"tg.{fn}({a})"])
        if fn in ("sigmoid", "tanh", "relu"):
            forms.append(f"F.{fn}({a})")
        b.add(name, choice(b, forms), [a])


for _fn in UNARY:
    _unary(_fn, False)
for _fn in UNARY_EXTRA:
    _unary(_fn, True)


@op("clamp", weight=2)
def _clamp(b, name):
    a = b.pick()
    if a is None:
        return
    bound = lambda: None if chance(b, 35) else b.scalar(choice(b, ["int", "float", "float"]))  # noqa: E731
    lo, hi = bound(), bound()
    form = choice(b, ["method", "function", "clip"])
    if form == "function":
        code = f"tg.clamp({a}, {lo}, {hi})"
    else:
        code = f"{a}.{'clamp' if form == 'method' else 'clip'}(min={lo}, max={hi})"
    b.add(name, code, [a])


@op("maximum", weight=2)
def _maximum(b, name):
    a = b.pick()
    if a is None:
        return
    other = operand(b, a, scalar_percent=0)
    which = choice(b, ["maximum", "minimum"])
    form = choice(b, ["function", "method", "max"])
    if form == "max":
        code = f"tg.{which[:3]}({a}, {other})"
    else:
        code = f"tg.{which}({a}, {other})" if form == "function" else f"{a}.{which}({other})"
    b.add(name, code, [a, other])


@op("where", weight=2)
def _where(b, name):
    a = b.pick()
    if a is None:
        return
    shape = b.meta(a).shape
    kind = choice(b, ["compare", "compare", "bool"])
    cond = f"{a} > 0" if kind == "compare" else tensor_like(b, broadcast_partner(b.draw, shape), "bool")
    other = operand(b, a, scalar_percent=25)
    first, second = (a, other) if chance(b, 70) else (other, a)
    b.add(name, f"tg.where({cond}, {first}, {second})", [first, second])


# ---- reductions ------------------------------------------------------------------------------
def _reduction(fn: str, weight: int = 1, function_form: bool = True, allow_tuple: bool = True,
               extra: bool = False, extra_kwargs: Callable | None = None):
    @op(fn, weight=weight, extra=extra)
    def generate(b, name):
        a = b.pick()
        if a is None:
            return
        ndim = b.meta(a).ndim
        dim = dims_arg(b, ndim, allow_tuple)
        more = extra_kwargs(b) if extra_kwargs else {}
        keep = {} if chance(b, 40) else {"keepdim": b.draw(st.booleans())}
        if dim is None and not more and chance(b, 60):
            code = f"{a}.{fn}()"
        elif chance(b, 25) and not more and not keep:
            code = f"{a}.{fn}({dim!r})"
        elif function_form and chance(b, 30):
            code = f"tg.{fn}({a}, {kwargs(dim=dim, **keep, **more)})"
        else:
            code = f"{a}.{fn}({kwargs(dim=dim, **keep, **more)})"
        b.add(name, code, [a])


_reduction("sum", weight=3)
_reduction("mean", weight=2)
_reduction("logsumexp", weight=2)
_reduction("amax", function_form=False)
_reduction("amin", function_form=False)
_reduction("prod", allow_tuple=False, extra=True)
for _fn in ("var", "std"):
    _reduction(_fn, weight=2, function_form=False,
               extra_kwargs=lambda b: {} if chance(b, 50) else {"unbiased": b.draw(st.booleans())})


@op("max_min", weight=3)
def _max_min(b, name):
    """max()/min() (a value), max(dim) (values and indices), and argmax/argmin."""
    a = b.pick()
    if a is None:
        return
    fn = choice(b, ["max", "min", "argmax", "argmin"])
    ndim = b.meta(a).ndim
    if chance(b, 35):
        return b.add(name, f"{a}.{fn}()", [a])
    dim = dim_arg(b, ndim)
    form = choice(b, ["positional", "keyword", "function"] if fn in ("max", "min") else
                  ["positional", "keyword"])
    keep = b.draw(st.booleans())
    code = {"positional": f"{a}.{fn}({dim})", "keyword": f"{a}.{fn}(dim={dim}, keepdim={keep})",
            "function": f"tg.{fn}({a}, {dim})"}[form]
    b.add(name, code, [a])


@op("cumsum", extra=True)
def _cumsum(b, name):
    a = b.pick()
    if a is not None:
        b.add(name, f"{a}.cumsum({dim_arg(b, b.meta(a).ndim)})", [a])


@op("all_any", extra=True)
def _all_any(b, name):
    a = b.pick()
    if a is not None:
        b.add(name, f"{a}.{choice(b, ['all', 'any'])}()", [a])


@op("norm", extra=True)
def _norm(b, name):
    a = b.pick(FLOAT)
    if a is not None:
        b.add(name, choice(b, [f"{a}.norm()", f"{a}.norm(dim={dim_arg(b, b.meta(a).ndim)})"]), [a])


# ---- shapes --------------------------------------------------------------------------------
def _factorizations(n: int) -> list[tuple]:
    if n == 0:
        return [(0,), (0, 2), (2, 0, 1), (1, 0)]
    shapes = [(n,), (1, n), (n, 1), (1, n, 1)] + ([()] if n == 1 else [])
    shapes += [(p, n // p) for p in range(2, n) if n % p == 0]
    return shapes


@op("reshape", weight=3)
def _reshape(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    shape = choice(b, _factorizations(m.numel))
    if shape and chance(b, 35):
        i = b.draw(st.integers(0, len(shape) - 1))
        shape = shape[:i] + (-1,) + shape[i + 1:]
    if chance(b, 5):
        shape = (m.numel + 1,)
    form = choice(b, ["star", "tuple", "view", "function"])
    star = ", ".join(map(str, shape)) if shape else "()"
    code = {"star": f"{a}.reshape({star})", "tuple": f"{a}.reshape({shape!r})",
            "view": f"{a}.view({star})", "function": f"tg.reshape({a}, {shape!r})"}[form]
    b.add(name, code, [a])


@op("flatten")
def _flatten(b, name):
    a = b.pick()
    if a is None:
        return
    ndim = b.meta(a).ndim
    if chance(b, 40):
        return b.add(name, choice(b, [f"{a}.flatten()", f"tg.flatten({a})"]), [a])
    start, end = dim_arg(b, ndim), dim_arg(b, ndim)
    b.add(name, f"{a}.flatten({start}, {end})", [a])


@op("transpose", weight=2)
def _transpose(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    if chance(b, 25):
        return b.add(name, f"{a}.T", [a])
    if chance(b, 10):
        return b.add("t", f"{a}.t()", [a])
    d0, d1 = dim_arg(b, m.ndim), dim_arg(b, m.ndim)
    b.add(name, choice(b, [f"{a}.transpose({d0}, {d1})", f"tg.transpose({a}, {d0}, {d1})"]), [a])


@op("permute")
def _permute(b, name):
    a = b.pick()
    if a is None:
        return
    ndim = b.meta(a).ndim
    perm = tuple(b.draw(st.permutations(range(ndim))))
    if chance(b, 5):
        perm = perm + (0,)
    star = ", ".join(map(str, perm))
    b.add(name, choice(b, [f"{a}.permute({star})", f"{a}.permute({perm!r})",
                           f"tg.permute({a}, {perm!r})"]), [a])


@op("squeeze")
def _squeeze(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    ones = [i for i, n in enumerate(m.shape) if n == 1]
    if chance(b, 30):
        return b.add(name, choice(b, [f"{a}.squeeze()", f"tg.squeeze({a})"]), [a])
    dim = choice(b, ones) if ones and chance(b, 70) else dim_arg(b, m.ndim)
    b.add(name, f"{a}.squeeze({dim})", [a])


@op("unsqueeze", weight=2)
def _unsqueeze(b, name):
    a = b.pick()
    if a is None:
        return
    dim = dim_arg(b, b.meta(a).ndim, new_axis=True)
    b.add(name, choice(b, [f"{a}.unsqueeze({dim})", f"tg.unsqueeze({a}, {dim})"]), [a])


@op("expand")
def _expand(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    lead = tuple(choice(b, [1, 2]) for _ in range(b.draw(st.integers(0, 1))))
    shape = lead + tuple(choice(b, [1, 2, 3, -1]) if n == 1 else choice(b, [n, n, -1, n + 1] if chance(b, 10)
                         else [n, -1]) for n in m.shape)
    star = ", ".join(map(str, shape)) if shape else ""
    b.add(name, choice(b, [f"{a}.expand({star})", f"{a}.expand({shape!r})"]), [a])


@op("cat_stack", weight=2)
def _cat_stack(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    fn = choice(b, ["cat", "stack"])
    dim = dim_arg(b, m.ndim, new_axis=fn == "stack")
    others = []
    for _ in range(b.draw(st.integers(1, 2))):
        shape = list(m.shape)
        if fn == "cat" and m.ndim and -m.ndim <= dim < m.ndim and chance(b, 60):
            shape[dim] = choice(b, [0, 1, 2])
        dtype = m.dtype if chance(b, 85) else None
        others.append(choice(b, [a, tensor_like(b, tuple(shape), dtype)]))
    items = [a] + others
    b.add(name, f"tg.{fn}([{', '.join(items)}], dim={dim})", items)


@op("split_chunk", weight=2)
def _split_chunk(b, name):
    a = b.pick(lambda m: m.ndim >= 1)
    if a is None:
        return
    m = b.meta(a)
    dim = dim_arg(b, m.ndim)
    length = m.shape[dim] if -m.ndim <= dim < m.ndim else 2
    kind = choice(b, ["split", "split", "sections", "chunk"])
    if kind == "chunk":
        n = choice(b, [1, 2, 3, 4] + ([0] if chance(b, 20) else []))
        return b.add(name, choice(b, [f"{a}.chunk({n}, {dim})", f"tg.chunk({a}, {n}, dim={dim})"]), [a])
    if kind == "split":
        size = choice(b, [1, 2, 3] + ([0] if chance(b, 20) else []))
        return b.add(name, choice(b, [f"{a}.split({size}, {dim})", f"tg.split({a}, {size}, dim={dim})"]), [a])
    sections = []
    while sum(sections) < length:
        sections.append(b.draw(st.integers(0, length - sum(sections))))
    if chance(b, 10):
        sections.append(1)
    b.add(name, f"{a}.split({sections!r}, dim={dim})", [a])


@op("like", extra=True)
def _like(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    c = tensor_like(b, m.shape)
    b.add(name, choice(b, [f"{a}.view_as({c})", f"{a}.expand_as({c})", f"{a}.type_as({c})",
                           f"{a}.reshape_as({c})"]), [a, c])


# ---- copies and dtypes ---------------------------------------------------------------------
@op("convert", weight=2)
def _convert(b, name):
    a = b.pick()
    if a is not None:
        b.add(name, f"{a}.{choice(b, ['float', 'double', 'long', 'bool', 'detach', 'clone'])}()", [a])


@op("contiguous", extra=True)
def _contiguous(b, name):
    a = b.pick()
    if a is not None:
        b.add(name, choice(b, [f"{a}.contiguous()", f"{a}.to(tg.float32)", f"{a}.to(tg.float64)"]), [a])


# ---- indexing ------------------------------------------------------------------------------
def _slice(b, n: int) -> str:
    start = choice(b, ["", str(b.draw(st.integers(-n - 1, n + 1)))])
    stop = choice(b, ["", str(b.draw(st.integers(-n - 1, n + 1)))])
    step = choice(b, ["", "", ":2", ":3"] + ([":-1"] if chance(b, 10) else []))
    return f"{start}:{stop}{step}"


def index_source(b, a: str) -> str:
    """Source text of an index for value `a`: basic (ints, slices, None, ...) or advanced
    (an int list or tensor, a bool mask)."""
    shape = b.meta(a).shape
    kind = choice(b, ["int", "basic", "basic", "basic", "ints", "mask"])
    if not shape and kind in ("int", "ints"):
        kind = "basic"
    if kind == "int":
        n = shape[0]
        return str(b.draw(st.integers(-n, n - 1)) if n and not chance(b, 5) else n)
    if kind == "ints":
        n = shape[0]
        items = b.draw(st.lists(st.integers(-n, n - 1) if n else st.just(0), min_size=0, max_size=4))
        return choice(b, [repr(items), f"tg.tensor({items!r})"]) if items else repr(items)
    if kind == "mask":
        if chance(b, 60):
            return f"{a} > 0"
        mask = b.draw(st.lists(st.booleans(), min_size=shape[0], max_size=shape[0])) if shape else [True]
        return f"tg.tensor({mask!r})"
    parts, axis, used_ellipsis = [], 0, False
    for _ in range(b.draw(st.integers(1, len(shape) + 1))):
        item = choice(b, ["int", "slice", "slice", "none", "ellipsis"])
        if item == "ellipsis" and not used_ellipsis:
            parts.append("...")
            used_ellipsis = True
        elif item == "none":
            parts.append("None")
        elif axis < len(shape):
            n = shape[axis]
            parts.append(str(b.draw(st.integers(-n, n - 1))) if item == "int" and n else _slice(b, n))
            axis += 1
    return ", ".join(parts) if parts else ":"


@op("getitem", weight=4)
def _getitem(b, name):
    a = b.pick()
    if a is not None:
        b.add(name, f"{a}[{index_source(b, a)}]", [a])


def _writable(b, percent: int = 85) -> str | None:
    """A value that in-place ops may change (not a leaf that requires grad), usually."""
    if chance(b, percent):
        return b.pick(lambda m: m.writable) or b.pick()
    return b.pick()


@op("setitem", weight=3)
def _setitem(b, name):
    a = _writable(b)
    if a is None:
        return
    index = index_source(b, a)
    try:
        target_shape = tuple(eval(f"{a}[{index}]", b.env).shape)
    except Exception:
        target_shape = ()
    value = into_operand(b, target_shape)
    b.add(name, f"{a}[{index}] = {value}", [a, value], statement_target=a)


IN_PLACE = ["add_", "sub_", "mul_", "div_"]


@op("in_place", weight=4)
def _in_place(b, name):
    a = _writable(b)
    if a is None:
        return
    shape = b.meta(a).shape
    fn = choice(b, IN_PLACE + ["fill_", "zero_", "augmented"])
    if fn == "zero_":
        return b.add(name, f"{a}.zero_()", [a])
    value = b.scalar() if fn == "fill_" else into_operand(b, shape)
    if fn == "augmented":
        symbol = choice(b, ["+=", "-=", "*=", "/="])
        return b.add(name, f"{a} {symbol} {value}", [a, value], statement_target=a)
    b.add(name, f"{a}.{fn}({value})", [a, value])


@op("in_place_view", weight=3)
def _in_place_view(b, name):
    """An in-place op through a view (`t[0].fill_(5)`): the base must change too."""
    a = _writable(b)
    if a is None or not b.meta(a).shape:
        return
    view = choice(b, [f"{a}[{index_source(b, a)}]", f"{a}[0]", f"{a}.reshape(-1)",
                      f"{a}.transpose(0, -1)", f"{a}.unsqueeze(0)"])
    fn = choice(b, IN_PLACE + ["fill_", "zero_"])
    if fn == "zero_":
        return b.add(name, f"{view}.zero_()", [a])
    try:
        view_shape = tuple(eval(view, b.env).shape)
    except Exception:
        view_shape = ()
    value = b.scalar() if fn == "fill_" else into_operand(b, view_shape)
    b.add(name, f"{view}.{fn}({value})", [a, value])


@op("masked_fill", extra=True)
def _masked_fill(b, name):
    a = b.pick()
    if a is not None:
        b.add(name, f"{a}.masked_fill({a} > 0, {b.scalar()})", [a])


@op("gather", extra=True)
def _gather(b, name):
    a = b.pick(lambda m: m.ndim >= 1 and min(m.shape) > 0)
    if a is None:
        return
    m = b.meta(a)
    dim = b.draw(st.integers(0, m.ndim - 1))
    n = m.shape[dim]
    idx = b.new_input(m.shape, "int64", low=0, high=n - 1)
    b.add(name, choice(b, [f"{a}.gather({dim}, {idx})", f"{a}.index_select({dim}, {idx}.reshape(-1))"]),
          [a, idx])


@op("topk_sort", extra=True)
def _topk_sort(b, name):
    a = b.pick(lambda m: m.ndim >= 1)
    if a is not None:
        k = b.draw(st.integers(0, b.meta(a).shape[-1]))
        b.add(name, choice(b, [f"{a}.topk({k})", f"{a}.sort()", f"{a}.sort(dim=0, descending=True)"]), [a])


@op("mm_dot", extra=True)
def _mm_dot(b, name):
    a = b.pick(lambda m: m.ndim in (1, 2) and m.is_float)
    if a is None:
        return
    m = b.meta(a)
    if m.ndim == 1:
        other = b.new_input(m.shape, m.dtype)
        return b.add(name, f"{a}.dot({other})", [a, other])
    other = b.new_input((m.shape[1], choice(b, [1, 2])), m.dtype)
    b.add(name, f"{a}.mm({other})", [a, other])


# ---- nn.functional -------------------------------------------------------------------------
@op("softmax", weight=2)
def _softmax(b, name):
    a = b.pick()
    if a is None:
        return
    fn = choice(b, ["softmax", "log_softmax"])
    dim = dim_arg(b, b.meta(a).ndim)
    if chance(b, 15):
        return b.add(fn + "_method", f"{a}.{fn}({dim})", [a])
    b.add(name, f"F.{fn}({a}, dim={dim})", [a])


def _class_target(b, batch: tuple, classes: int) -> str:
    high = max(classes - 1, 0)
    target = b.new_input(batch, "int64", low=0, high=high)
    if chance(b, 10):
        return f"{target} * 0 - 100"  # every target ignored (ignore_index=-100)
    return target


@op("cross_entropy", weight=2)
def _cross_entropy(b, name):
    a = b.pick(lambda m: m.ndim in (1, 2) and m.is_float)
    if a is None or chance(b, 30):
        a = b.new_input(choice(b, [(3, 4), (2, 3), (1, 2), (4,), (0, 3)]), "float64")
    m = b.meta(a)
    if min(m.shape + (1,)) == 0 and m.ndim == 1:
        return
    classes = m.shape[-1] if m.ndim == 1 else m.shape[1]
    fn = choice(b, ["cross_entropy", "nll_loss"])
    target = _class_target(b, m.shape[:1] if m.ndim == 2 else (), classes)
    more = "" if chance(b, 50) else f", reduction={choice(b, ['mean', 'sum', 'none'])!r}"
    logits = a if fn == "cross_entropy" or chance(b, 30) else f"F.log_softmax({a}, dim=-1)"
    b.add(fn, f"F.{fn}({logits}, {target}{more})", [a, target])


@op("mse_loss")
def _mse(b, name):
    a = b.pick(FLOAT)
    if a is None:
        return
    shape = b.meta(a).shape
    target = tensor_like(b, shape if chance(b, 90) else broadcast_partner(b.draw, shape))
    more = "" if chance(b, 50) else f", reduction={choice(b, ['mean', 'sum', 'none'])!r}"
    b.add(name, f"F.mse_loss({a}, {target}{more})", [a, target])


@op("binary_cross_entropy")
def _bce(b, name):
    shape = choice(b, [(3,), (2, 2), (), (1, 3)])
    probs = b.new_input(shape, "float64", requires_grad=True, low=0.0, high=1.0)
    target = b.new_input(shape, "float64", requires_grad=False, low=0.0, high=1.0)
    more = "" if chance(b, 50) else f", reduction={choice(b, ['mean', 'sum', 'none'])!r}"
    b.add(name, f"F.binary_cross_entropy({probs}, {target}{more})", [probs, target])


@op("linear", weight=2)
def _linear(b, name):
    x = b.pick(lambda m: m.ndim >= 1 and m.is_float)
    if x is None:
        return
    m = b.meta(x)
    out = choice(b, [1, 2, 3])
    weight = b.new_input((out, m.shape[-1]), m.dtype, requires_grad=True)
    bias = b.new_input((out,), m.dtype, requires_grad=True) if chance(b, 60) else None
    args = f"{x}, {weight}" + (f", {bias}" if bias else "")
    b.add(name, f"F.linear({args})", [x, weight])


@op("dropout")
def _dropout(b, name):
    a = b.pick(FLOAT)
    if a is not None:
        b.add(name, choice(b, [f"F.dropout({a}, p=0.0)", f"F.dropout({a}, p=0.5, training=False)"]), [a])


@op("embedding")
def _embedding(b, name):
    weight = b.pick(lambda m: m.ndim == 2 and m.is_float and m.shape[0] > 0)
    if weight is None:
        weight = b.new_input((choice(b, [2, 3, 4]), choice(b, [1, 2])), "float64", requires_grad=True)
    rows = b.meta(weight).shape[0]
    idx = b.new_input(choice(b, [(2,), (2, 2), (3,), ()]), "int64", low=0, high=rows - 1)
    b.add(name, f"F.embedding({idx}, {weight})", [idx, weight])


@op("activation_extra", extra=True)
def _activation_extra(b, name):
    a = b.pick(FLOAT)
    if a is not None:
        fn = choice(b, ["softplus", "leaky_relu", "gelu", "elu"])
        b.add(fn, f"F.{fn}({a})", [a])


@op("loss_extra", extra=True)
def _loss_extra(b, name):
    a = b.pick(FLOAT)
    if a is None:
        return
    m = b.meta(a)
    fn = choice(b, ["l1_loss", "smooth_l1_loss", "binary_cross_entropy_with_logits"])
    if fn == "binary_cross_entropy_with_logits":
        target = b.new_input(m.shape, m.dtype, requires_grad=False, low=0.0, high=1.0)
    else:
        target = tensor_like(b, m.shape, m.dtype)
    b.add(fn, f"F.{fn}({a}, {target})", [a, target])


@op("rounding", extra=True)
def _rounding(b, name):
    a = b.pick(FLOAT)
    if a is not None:
        fn = choice(b, ["floor", "ceil", "trunc", "round", "frac", "log2", "log10", "exp2", "rsqrt"])
        b.add(fn, choice(b, [f"{a}.{fn}()", f"tg.{fn}({a})"]), [a])


@op("layout", extra=True)
def _layout(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    kind = choice(b, ["tril", "triu", "repeat", "flip", "unbind", "where"])
    if kind in ("tril", "triu"):
        code = f"{a}.{kind}({b.draw(st.integers(-2, 2))})"
    elif kind == "repeat":
        reps = [b.draw(st.integers(1, 2)) for _ in range(m.ndim + b.draw(st.integers(0, 1)))]
        code = f"{a}.repeat({', '.join(map(str, reps)) or '()'})"
    elif kind == "flip":
        code = f"{a}.flip({dim_arg(b, m.ndim)})"
    elif kind == "unbind":
        if m.ndim == 0 or 0 in m.shape:
            return
        code = f"{a}.unbind({dim_arg(b, m.ndim)})[0]"
    else:
        code = f"{a}.where({a} > 0, {b.scalar('float')})"
    b.add(kind, code, [a])


@op("normalization", extra=True)
def _normalization(b, name):
    a = b.pick(lambda m: m.is_float and m.ndim >= 1)
    if a is None:
        return
    m = b.meta(a)
    if m.ndim >= 2 and chance(b, 50):
        b.add("batch_norm", f"F.batch_norm({a}, None, None, training=True)", [a])
    else:
        k = b.draw(st.integers(1, m.ndim))
        b.add("layer_norm", f"F.layer_norm({a}, {tuple(m.shape[m.ndim - k:])})", [a])


@op("conv_pool", extra=True)
def _conv_pool(b, name):
    a = b.pick(lambda m: m.is_float and m.ndim in (3, 4) and min(m.shape[-2:]) >= 2)
    if a is None:
        return
    m = b.meta(a)
    fn = choice(b, ["conv", "max_pool", "avg_pool", "adaptive_avg_pool"])
    d = m.ndim - 2 if m.ndim == 4 and chance(b, 70) else 1
    if d == 1 and m.ndim == 4:
        return
    if fn == "conv":
        channels = m.shape[1]
        w = b.new_input((b.draw(st.integers(1, 3)), channels) + (2,) * d, m.dtype)
        code = f"F.conv{d}d({a}, {w}, padding={b.draw(st.integers(0, 1))}, stride={b.draw(st.integers(1, 2))})"
        return b.add("conv", code, [a, w])
    if fn == "adaptive_avg_pool":
        return b.add(fn, f"F.adaptive_avg_pool{d}d({a}, {b.draw(st.integers(1, 3))})", [a])
    ceil = choice(b, ["True", "False"])
    b.add(fn, f"F.{fn}{d}d({a}, 2, stride={b.draw(st.integers(1, 2))}, padding={b.draw(st.integers(0, 1))}, "
              f"ceil_mode={ceil})", [a])


from . import optable_more  # noqa: E402, F401, I001  (registers the second round's names)
from . import optable_extra  # noqa: E402, F401  (and the third round's, after it: the table's order)
from . import optable_conv  # noqa: E402, F401  (the fourth round: conv/pool, strided, copies, LU, cov)
from . import optable_rest  # noqa: E402, F401  (the fifth: the registry names the first four never drew)

EXTRA_OPS = sorted({o.name for o in OPS if o.extra})
CORE_OPS = sorted({o.name for o in OPS if not o.extra})
