"""The op table of the autobatch fuzz: one generator per kind of line that per-example model code
writes. Each receives the `Builder` of autobatch_fuzz.py, picks operands among the values that
exist (per-example values, shared tensors such as weights, per-example Python numbers), makes new
inputs when the line needs one of a fitting shape, and proposes the line with `b.add(op, code)`;
the builder runs it eagerly on every example and keeps it only if it fits all of them.

Shapes are read per example (`m.shapes[k]`), because examples may differ in their row counts:
a new input "like" a value gets each example's own shape through a transform of it.
"""
from __future__ import annotations

OPS: list = []  # (name, generator), each entry repeated `weight` times


def op(name: str, weight: int = 1):
    def register(fn):
        OPS.extend([(name, fn)] * weight)
        return fn
    return register


def choice(b, options):
    options = list(options)
    return options[b.rnd.randrange(len(options))]


def chance(b, percent: int) -> bool:
    return b.rnd.randrange(100) < percent


def floats(m) -> bool:
    return m.dtype.kind == "f"


def at_least(ndim: int):
    return lambda m: floats(m) and m.ndim >= ndim


def a_dim(b, ndim: int, new_axis: bool = False) -> int:
    """A valid dim, negative a third of the time."""
    places = max(ndim + (1 if new_axis else 0), 1)
    d = b.rnd.randrange(places)
    return d - places if chance(b, 33) else d


def fixed(m, axis: int) -> bool:
    """Is this axis the same size in every example?"""
    return len({s[axis] for s in m.shapes}) == 1


def number(b) -> str:
    return choice(b, ["2", "-1", "0.5", "1.5", "3.0", "-0.25", "0", "1"])


def partner(b, a: str) -> str:
    """An operand for a broadcasting op with `a`: a Python number, a per-example number, the value
    itself or another of the same shapes, a shared tensor of `a`'s trailing shape (a bias, a
    weight row), or a new per-example input of `a`'s shape (some axes 1)."""
    m = b.meta[a]
    kind = choice(b, ["number", "number", "scalar", "self", "same", "shared", "shared", "example", "example"])
    if kind == "number":
        return number(b)
    if kind == "scalar":
        return b.scalar()
    if kind == "self":
        return a
    if kind == "same":
        other = b.pick(lambda o: floats(o) and o.shapes == m.shapes, recent=False)
        if other is not None:
            return other
    if kind == "shared" or (kind == "same" and chance(b, 50)):
        cut = b.rnd.randint(0 if not m.ragged else 1, m.ndim)
        shape = tuple(1 if chance(b, 20) else n for n in m.shape[cut:])
        existing = b.pick(lambda o: o.shared and floats(o) and o.shape == shape, recent=False)
        if existing is not None and chance(b, 50):
            return existing
        return b.shared(shape, grad=chance(b, 80))
    ones = [chance(b, 20) for _ in range(m.ndim)]
    return b.example_like(a, lambda s: tuple(1 if one else n for one, n in zip(ones, s)), grad=chance(b, 70))


# ---- elementwise -----------------------------------------------------------------------------------
@op("binary", 6)
def binary(b, name):
    a = b.pick(floats)
    if a is None:
        return
    other = partner(b, a)
    symbol = choice(b, ["+", "-", "*", "/", "max", "min"])
    if symbol in ("max", "min"):
        if other[0].isdigit() or other[0] == "-" or other.startswith("c"):
            other = f"tg.full_like({a}, {other})"
        b.add(name, f"tg.maximum({a}, {other})" if symbol == "max" else f"tg.minimum({other}, {a})")
    elif chance(b, 30):
        b.add(name, f"{other} {symbol} {a}")  # reflected: a number or a weight on the left
    else:
        b.add(name, f"{a} {symbol} {other}")


@op("pow")
def power(b, name):
    a = b.pick(floats)
    if a is None:
        return
    form = choice(b, ["square", "cube", "half", "tensor", "rpow"])
    code = {"square": f"{a} ** 2", "cube": f"{a} ** 3", "half": f"({a}.abs() + 0.5) ** 0.5",
            "rpow": f"2 ** {a}", "tensor": f"({a}.abs() + 0.5) ** {partner(b, a)}"}[form]
    b.add(name, code)


UNARY = ["{a}.exp()", "{a}.tanh()", "{a}.sigmoid()", "{a}.relu()", "F.relu({a})", "-{a}", "{a}.abs()",
         "{a}.sin()", "{a}.cos()", "({a}.abs() + 0.1).log()", "({a} * {a} + 1).sqrt()", "{a}.clamp(-0.5, 0.8)",
         "{a}.clamp(min=0.1)", "{a}.clamp(max=0.3)", "tg.tanh({a})", "tg.exp(-{a})", "{a}.clone()",
         "F.sigmoid({a})", "{a}.float().double()", "{a}.log()", "{a}.sqrt()", "tg.sigmoid({a}) * {a}"]


@op("unary", 5)
def unary(b, name):
    a = b.pick(floats)
    if a is not None:
        b.add(name, choice(b, UNARY).format(a=a))


NO_RULE = ["F.gelu({a})", "F.softplus({a})", "{a}.cumsum({d})", "{a}.flip({d})", "{a}.sort({d}).values",
           "{a}.prod({d})", "F.elu({a})", "{a}.roll(1, {d})", "{a}.norm()", "F.leaky_relu({a}, 0.1)",
           "{a}.max({d}).values", "{a}.min({d}, keepdim=True).values", "{a}.argmax({d})", "{a}.sign()",
           "{a}.floor()", "F.layer_norm({a}, {a}.shape[-1:])", "F.normalize({a}, dim={d})", "({a} > 0).float()",
           "{a}.repeat(2, *[1] * {a}.dim())", "{a}.erf()", "{a}.square()", "{a}.rsqrt()", "{a}.reciprocal()",
           "{a}.masked_fill({a} > 0.5, 0.5)", "F.hardtanh({a})", "{a}.lerp({a} * 2, 0.3)", "F.dropout({a}, 0.0)"]


@op("no rule", 3)
def no_rule(b, name):
    """Ops that (probably) have no batching rule: they run eagerly, after computing their inputs."""
    a = b.pick(at_least(1))
    if a is not None:
        b.add(name, choice(b, NO_RULE).format(a=a, d=a_dim(b, b.meta[a].ndim)))


@op("where")
def where(b, name):
    a = b.pick(floats)
    if a is not None:
        b.add(name, f"tg.where({a} > 0, {a}, {partner(b, a)})" if chance(b, 70) else
              f"tg.where({partner(b, a)} < 0.3, {a} * 2, {a})")


@op("control flow", 2)
def control_flow(b, name):
    """A Python `if` on a value: reading it computes what is pending (examples take different
    branches)."""
    a = b.pick(floats)
    if a is None:
        return
    form = choice(b, ["item", "float", "bool", "tolist", "numpy"])
    test = {"item": f"{a}.sum().item() > 0", "float": f"float({a}.mean()) < 0.2",
            "bool": f"bool(({a} > 0.5).any())", "tolist": f"len({a}.tolist()) > 1",
            "numpy": f"{a}.numpy().max() > 0.3"}[form]
    b.add(name, f"{a} * 2 if {test} else {a}.tanh() - 1")


@op("detach")
def detach(b, name):
    a = b.pick(floats)
    if a is not None:
        b.add(name, choice(b, [f"{a}.detach() * {a}", f"{a}.detach()", f"{a} - {a}.detach().mean()"]))


@op("in place", 2)
def in_place(b, name):
    """In-place changes of a whole value (through a slice of a lazy value is a documented limit):
    of a fresh result, of one its op keeps for backward (exp, tanh: eager backward then raises),
    and of a value a product kept (changed after the product was computed)."""
    a = b.pick(at_least(1))
    if a is None:
        return
    t = f"v{len(b.lines) + 1}"
    form = choice(b, ["mul_", "add_", "setitem", "iadd", "exp", "tanh", "sigmoid", "saved"])
    code = {"mul_": f"{a} * 1.0; {t}.mul_(2.0)", "add_": f"{a} + 0.0; {t}.add_({a})",
            "setitem": f"{a}.clone(); {t}[0] = 0.5", "iadd": f"{a} * 1.0; {t} += 1.5",
            "exp": f"{a}.exp(); {t} /= 2", "tanh": f"{a}.tanh(); {t}.add_(1.0)",
            "sigmoid": f"{a}.sigmoid(); {t}[0] = 0.5",
            "saved": f"{a} * 1.0; {t}_kept = {t} * {t}; {t}.mul_(3.0); {t} = {t} + {t}_kept"}[form]
    b.add(name, code)


@op("in place later", 2)
def in_place_later(b, name):
    """An in-place change of a value made by an earlier line -- so, under autobatch, perhaps
    computed in a batch (a piece of a batched result) and perhaps read by batched calls since.
    Only values that own their memory and have no views in any example: eagerly a change shows
    through views, but inside a block a batched slice or reshape is a copy (a documented
    limitation of autobatch)."""
    a = b.pick(lambda m: floats(m) and m.ndim >= 1 and not m.shared and m.owns_memory)
    if a is None or b.aliased(a):
        return
    form = choice(b, ["add_", "mul_", "setitem", "iadd"])
    code = {"add_": f"{a}.add_(1.0)", "mul_": f"{a}.mul_({a})", "setitem": f"{a}; {a}[0] = 0.5",
            "iadd": f"{a}; {a} += 0.5"}[form]
    b.add(name, code)


# ---- matrix products ----------------------------------------------------------------------------------
@op("matmul", 4)
def matmul(b, name):
    a = b.pick(at_least(1))
    if a is None:
        return
    m = b.meta[a]
    k = b.rnd.randint(1, 4)
    form = choice(b, ["shared right", "shared right", "shared left", "per example", "vector", "mm", "bmm"])
    if form == "shared right" or (form == "mm" and m.ndim != 2):
        w = b.pick(lambda o: o.shared and o.ndim == 2 and floats(o) and o.shape[0] == m.shape[-1], recent=False)
        w = w if w is not None and chance(b, 50) else b.shared((m.shape[-1], k))
        b.add(name, choice(b, [f"{a} @ {w}", f"{a}.matmul({w})", f"tg.matmul({a}, {w})"]))
    elif form == "mm":
        b.add(name, f"{a}.mm({b.shared((m.shape[-1], k))})")
    elif form == "shared left" and m.ndim >= 2 and fixed(m, -2):
        b.add(name, f"{b.shared((k, m.shape[-2]))} @ {a}")
    elif form == "vector":
        b.add(name, f"{a} @ {b.shared((m.shape[-1],))}")
    elif form == "bmm" and m.ndim == 3:
        other = b.example_like(a, lambda s: (s[0], s[2], k))
        b.add(name, f"tg.bmm({a}, {other})")
    else:  # both operands per example
        other = b.pick(lambda o: floats(o) and not o.shared and o.ndim == 2 and fixed(o, 0)
                       and o.shape[0] == m.shape[-1], recent=False)
        if other is None or chance(b, 50):
            other = b.example_like(a, lambda s: (s[-1], k), grad=chance(b, 70))
        b.add(name, f"{a} @ {other}")


@op("linear", 3)
def linear(b, name):
    a = b.pick(at_least(1))
    if a is None:
        return
    n_in = b.meta[a].shape[-1]
    k = b.rnd.randint(1, 4)
    if chance(b, 40):
        module = b.module(f"nn.Linear({n_in}, {k}, bias={chance(b, 80)}, dtype=np.float64)")
        b.add(name, f"{module}({a})")
        return
    w = b.pick(lambda o: o.shared and o.ndim == 2 and floats(o) and o.shape[1] == n_in, recent=False)
    w = w if w is not None and chance(b, 50) else b.shared((k, n_in))
    bias = b.shared((b.meta[w].shape[0],)) if chance(b, 70) else "None"
    b.add(name, f"F.linear({a}, {w}, {bias})")


# ---- reductions ------------------------------------------------------------------------------------
@op("reduce", 4)
def reduce(b, name):
    a = b.pick(floats)
    if a is None:
        return
    ndim = b.meta[a].ndim
    fn = choice(b, ["sum", "sum", "mean", "amax", "amin", "logsumexp", "std", "var", "max", "min"])
    if fn in ("max", "min") or ndim == 0 or (fn != "logsumexp" and chance(b, 25)):
        b.add(name, f"{a}.{fn}()" if fn != "logsumexp" else f"{a}.logsumexp(0)")
        return
    if chance(b, 30) and ndim >= 2:
        dims = tuple(sorted(b.rnd.sample(range(ndim), b.rnd.randint(1, ndim))))
        dim = repr(dims)
    else:
        dim = str(a_dim(b, ndim))
    keep = ", keepdim=True" if chance(b, 40) else ""
    extra = ", unbiased=False" if fn in ("std", "var") and chance(b, 40) else ""
    if chance(b, 20) and fn in ("sum", "mean", "amax"):
        b.add(name, f"tg.{fn}({a}, {dim}{keep})")
    else:
        b.add(name, f"{a}.{fn}({dim}{extra}{keep})")


# ---- shape ops --------------------------------------------------------------------------------------
@op("shape", 5)
def shape(b, name):
    a = b.pick(floats)
    if a is None:
        return
    m = b.meta[a]
    n = m.ndim
    forms = ["reshape(-1)", "view(-1)", "flatten()", "unsqueeze", "index None", "contiguous"]
    if n >= 1:
        forms += ["reshape rows", "squeeze", "expand", "reshape k"]
    if n >= 2:
        forms += ["transpose", "transpose", "T", "permute", "flatten(1)", "view rows"]
    form = choice(b, forms)
    if form == "reshape rows":
        code = f"{a}.reshape({a}.shape[0], -1)" if n >= 1 else f"{a}.reshape(-1)"
    elif form == "view rows":
        code = f"{a}.view(-1, {m.shape[-1]})"
    elif form == "reshape k":
        size = min(m.sizes)
        divisors = [d for d in range(1, size + 1) if size % d == 0] or [1]
        code = f"{a}.reshape({choice(b, divisors)}, -1)"
    elif form == "unsqueeze":
        code = f"{a}.unsqueeze({a_dim(b, n, new_axis=True)})"
    elif form == "index None":
        code = f"{a}[None]"
    elif form == "contiguous":
        code = f"{a}.contiguous()"
    elif form == "squeeze":
        ones = [d for d in range(n) if all(s[d] == 1 for s in m.shapes)]
        code = f"{a}.squeeze({choice(b, ones)})" if ones and chance(b, 70) else f"{a}.squeeze()"
    elif form == "expand":
        ones = [d for d in range(n) if all(s[d] == 1 for s in m.shapes)]
        if ones and chance(b, 60):
            target = ["-1"] * n
            target[choice(b, ones)] = "3"
            code = f"{a}.expand({', '.join(target)})"
        else:
            code = f"{a}.expand(2, *{a}.shape)"
    elif form == "transpose":
        code = f"{a}.transpose({a_dim(b, n)}, {a_dim(b, n)})"
    elif form == "T":
        code = f"{a}.T" if n == 2 else f"{a}.mT"
    elif form == "permute":
        perm = list(range(n))
        b.rnd.shuffle(perm)
        code = f"{a}.permute({', '.join(map(str, perm))})"
    elif form == "flatten(1)":
        code = f"{a}.flatten(1)" if chance(b, 70) else f"{a}.flatten(0, 1)"
    else:
        code = f"{a}.{form}"
    b.add(name, code)


@op("cat/stack", 3)
def cat_stack(b, name):
    a = b.pick(at_least(1))
    if a is None:
        return
    m = b.meta[a]
    d = a_dim(b, m.ndim)
    axis = d % m.ndim
    form = choice(b, ["self", "other", "new", "shared"])
    if form == "self":
        other = a
    elif form == "other":
        other = b.pick(lambda o: floats(o) and o.ndim == m.ndim and o is not m and all(
            len({s[i] for s in o.shapes + m.shapes}) == 1 for i in range(m.ndim) if i != axis))
        other = other or a
    elif form == "shared" and all(fixed(m, i) for i in range(m.ndim) if i != axis):
        other = b.shared(tuple(1 if i == axis else s for i, s in enumerate(m.shape)))  # e.g. a start row
    else:
        grow = b.rnd.randint(1, 2)
        other = b.example_like(a, lambda s: tuple(grow if i == axis else n for i, n in enumerate(s)))
    if chance(b, 70):
        pieces = [a, other] if chance(b, 60) else [other, a]
        b.add(name, f"tg.cat([{', '.join(pieces)}], {d})" if chance(b, 80) else f"tg.cat(({a}, {other}))")
    else:
        same = other if b.meta[other].shapes == m.shapes else a
        b.add(name, f"tg.stack([{a}, {same}], {a_dim(b, m.ndim, new_axis=True)})")


@op("split/chunk", 2)
def split_chunk(b, name):
    a = b.pick(at_least(1))
    if a is None:
        return
    m = b.meta[a]
    d = a_dim(b, m.ndim)
    size = m.shape[d]
    form = choice(b, ["split int", "split sizes", "chunk", "unbind"])
    if form == "split int":
        b.add(name, f"{a}.split({b.rnd.randint(1, max(size, 1))}, {d})")
    elif form == "split sizes" and size >= 2:
        first = b.rnd.randint(1, size - 1)
        b.add(name, f"{a}.split([{first}, {size - first}], {d})")
    elif form == "chunk":
        b.add(name, f"{a}.chunk({b.rnd.randint(1, 3)}, {d})")
    else:
        b.add(name, f"{a}.unbind({d})")


# ---- indexing -------------------------------------------------------------------------------------
@op("index", 5)
def index(b, name):
    a = b.pick(at_least(1))
    if a is None:
        return
    m = b.meta[a]
    rows = min(s[0] for s in m.shapes)
    i = b.rnd.randrange(-rows, rows) if rows else 0
    forms = ["int", "int", "-1", "slice", "slice", "step", "list", "shared index", "example index",
             "mask", "ellipsis", "None int"]
    if m.ndim >= 2:
        forms += ["column", "column slice", "two ints", "shared index columns"]
    form = choice(b, forms)
    cols = m.shape[-1]
    j = b.rnd.randrange(-cols, cols) if cols else 0
    start = b.rnd.randint(0, max(rows - 1, 0))
    if form in ("shared index", "example index", "shared index columns", "list"):
        high = cols if form == "shared index columns" else rows
        if high == 0:
            return
        count = b.rnd.randint(1, 3)
        if form == "list":
            idx = repr([b.rnd.randrange(high) for _ in range(count)])
        elif form == "example index":
            idx = b.example_index(count, lambda k: min(m.shapes[k][0], high))
        else:
            idx = b.shared_index((count,), high)
        code = f"{a}[:, {idx}]" if form == "shared index columns" else f"{a}[{idx}]"
    else:
        code = {"int": f"{a}[{i}]", "-1": f"{a}[-1]", "slice": f"{a}[{start}:{start + b.rnd.randint(1, 3)}]",
                "step": f"{a}[::2]", "mask": f"{a}[{a} > 0]", "ellipsis": f"{a}[..., {j}]",
                "None int": f"{a}[None, {i}]", "column": f"{a}[:, {j}]",
                "column slice": f"{a}[:, {b.rnd.randint(0, max(cols - 1, 0))}:]", "two ints": f"{a}[{i}, {j}]"}[form]
    b.add(name, code)


# ---- softmax and losses ------------------------------------------------------------------------------
@op("softmax", 3)
def softmax(b, name):
    a = b.pick(at_least(1))
    if a is not None:
        d = a_dim(b, b.meta[a].ndim)
        b.add(name, choice(b, [f"F.softmax({a}, {d})", f"F.log_softmax({a}, {d})", f"{a}.softmax({d})",
                               f"{a}.log_softmax(dim={d})"]))


@op("loss", 4)
def loss(b, name):
    a = b.pick(at_least(1))
    if a is None:
        return
    m = b.meta[a]
    reduction = choice(b, ["mean", "mean", "sum", "none"])
    form = choice(b, ["cross_entropy", "cross_entropy", "nll_loss", "mse_loss", "bce"])
    if form in ("cross_entropy", "nll_loss") and m.ndim in (1, 2):
        classes = m.shape[-1]
        target = b.example_index("like" if m.ndim == 2 else None, lambda k: classes, like=a)
        logits = a if form == "cross_entropy" else f"F.log_softmax({a}, -1)"
        b.add(name, f"F.{form}({logits}, {target}, reduction={reduction!r})")
    elif form == "bce":
        p = b.example_like(a, lambda s: s, kind="prob", grad=False)
        b.add(name, f"F.binary_cross_entropy({a}.sigmoid(), {p}, reduction={reduction!r})")
    else:
        other = b.pick(lambda o: floats(o) and o.shapes == m.shapes and o is not m, recent=False)
        other = other or b.example_like(a, lambda s: s, grad=chance(b, 50))
        b.add(name, f"F.mse_loss({a}, {other}, reduction={reduction!r})")


# ---- lookups and the fused cells ---------------------------------------------------------------------
@op("embedding", 2)
def embedding(b, name):
    vocab, width = b.rnd.randint(2, 6), b.rnd.randint(1, 4)
    words = b.example_index(choice(b, [1, 1, 2, 3, "rows"]), lambda k: vocab)
    form = choice(b, ["F", "module", "index"])
    if form == "module":
        b.add(name, f"{b.module(f'nn.Embedding({vocab}, {width}, dtype=np.float64)')}({words})")
        return
    table = b.pick(lambda o: o.shared and o.ndim == 2 and floats(o) and o.shape[0] == vocab, recent=False)
    table = table or b.shared((vocab, width))
    b.add(name, f"F.embedding({words}, {table})" if form == "F" else f"{table}[{words}]")


def _state(b, rows_of: str, width: int) -> str:
    """A (rows, width) per-example value: an existing one of those shapes, or a new input."""
    m = b.meta[rows_of]
    want = tuple((s[0], width) for s in m.shapes)
    found = b.pick(lambda o: floats(o) and o.shapes == want, recent=False)
    return found if found is not None and chance(b, 60) else b.example_like(rows_of, lambda s: (s[0], width))


@op("lstm cell", 2)
def lstm_cell(b, name):
    x = b.pick(lambda m: floats(m) and m.ndim == 2)
    if x is None:
        width = b.rnd.randint(1, 3)
        x = b.example(lambda k: (b.rows[k], width))
    n_in, hidden = b.meta[x].shape[1], b.rnd.randint(1, 4)
    cell = b.module(f"nn.LSTMCell({n_in}, {hidden}, dtype=np.float64)")
    if chance(b, 20):
        b.add(name, f"{cell}({x})")
    else:
        b.add(name, f"{cell}({x}, ({_state(b, x, hidden)}, {_state(b, x, hidden)}))")


@op("tree lstm cell", 2)
def tree_lstm_cell(b, name):
    h = b.pick(lambda m: floats(m) and m.ndim == 2)
    if h is None:
        return
    hidden = b.meta[h].shape[1]
    tracker = b.rnd.randint(1, 3) if chance(b, 30) else None
    cell = b.module(f"nn.TreeLSTMCell({hidden}, tracker_size={tracker}, dtype=np.float64)")
    states = [h] + [_state(b, h, hidden) for _ in range(3)]
    track = f", {_state(b, h, tracker)}" if tracker else ""
    b.add(name, f"{cell}(({states[0]}, {states[1]}), ({states[2]}, {states[3]}){track})")


@op("new input")
def new_input(b, name):
    """A fresh per-example input combined with a value of its shape (a second feature, a mask)."""
    a = b.pick(floats)
    if a is not None:
        b.add(name, f"{a} * {b.example_like(a, lambda s: s, grad=chance(b, 60))}")


@op("in place on a kept result")
def in_place_on_kept_result(b, name):
    """A result its op keeps for backward (exp, tanh, sigmoid), changed in place by the next line:
    eagerly, backward through it then raises. Run line by line, the results of all examples are
    computed in one batch first, and the change is made to one piece of it."""
    a = b.pick(floats)
    if a is None or not b.add(name, f"{a}.{choice(b, ['exp', 'tanh', 'sigmoid'])}()"):
        return
    kept = f"v{len(b.lines)}"
    b.add(name, choice(b, [f"{kept}.add_(1.0)", f"{kept}; {kept}[0] = 0.5", f"{kept}.mul_({kept})"]))
