"""Third round of op-table entries: public names the first two tables never drew — special
functions, scans, scatter/index ops, selection (sort, kthvalue, quantile), reductions with their
options, products (einsum, tensordot, the add*-products), distances, layout ops, linear algebra
and more activations and losses. Imported by optable.py like optable_more.py; each entry has a
small weight so that the derandomized suite's mix stays as it was.

Linear algebra draws well-conditioned matrices: values in [-1, 1] plus (n + 1)·I (diagonally
dominant, so invertible, with a gradient PyTorch defines); spectral ops compare only what does not
depend on the sign of an eigen- or singular vector (values, and squared vector entries)."""
from __future__ import annotations

from hypothesis import strategies as st

from .optable import FLOAT, chance, choice, dim_arg, op, operand, tensor_like


def _unique_indices(b, n: int, k: int) -> str:
    """Source of a 1-D int64 tensor of k distinct indices into a dim of length n."""
    idx = list(b.draw(st.permutations(range(n))))[:k]
    return f"tg.tensor({idx!r}, dtype=tg.int64)"


@op("special_fns", weight=2, extra=True)
def _special_fns(b, name):
    a = b.pick(FLOAT)
    if a is None:
        return
    unary = ["lgamma", "digamma", "erfinv", "logit", "i0", "sgn", "sigmoid", "exp2", "expm1", "log1p"]
    special = ["erfcx", "ndtr", "ndtri", "log_ndtr", "i0e", "i1", "i1e", "expit", "entr", "gammaln", "psi",
               "sinc", "erf", "erfc"]
    binary = ["copysign", "remainder", "fmax", "fmin", "float_power", "xlogy"]
    kind = choice(b, ["unary", "unary", "special", "special", "binary", "binary", "polygamma", "mvlgamma",
                      "logit_eps", "special_binary"])
    if kind == "unary":
        fn = choice(b, unary)
        return b.add(fn, choice(b, [f"{a}.{fn}()", f"tg.{fn}({a})"]), [a])
    if kind == "special":
        fn = choice(b, special)
        return b.add(f"special.{fn}", f"tg.special.{fn}({a})", [a])
    if kind == "polygamma":
        n = b.draw(st.integers(0, 3))
        return b.add("polygamma", choice(b, [f"tg.polygamma({n}, {a})", f"{a}.polygamma({n})",
                                             f"tg.special.polygamma({n}, {a})"]), [a])
    if kind == "mvlgamma":
        p = b.draw(st.integers(1, 3))
        return b.add("mvlgamma", f"({a}.abs() + {(p - 1) / 2 + 0.1}).mvlgamma({p})", [a])
    if kind == "logit_eps":
        return b.add("logit", f"{a}.logit(eps={choice(b, [1e-6, 0.1, 0.25])})", [a])
    m = b.meta(a)
    if kind == "special_binary":
        other = tensor_like(b, m.shape, m.dtype) if chance(b, 60) else operand(b, a, scalar_percent=30)
        fn = choice(b, ["xlog1py", "xlogy", "zeta"])
        if fn == "zeta":  # q > 0 and x > 1 keep zeta finite; PyTorch has no derivative in x
            return b.add("special.zeta", f"tg.special.zeta({a}.detach().abs() + 1.5, {a}.abs() + 0.5)", [a])
        return b.add(f"special.{fn}", f"tg.special.{fn}({a}, {other})", [a, other])
    fn = choice(b, binary)
    other = tensor_like(b, m.shape, m.dtype) if chance(b, 60) else operand(b, a, scalar_percent=30)
    b.add(fn, choice(b, [f"{a}.{fn}({other})", f"tg.{fn}({a}, {other})"]), [a, other])


@op("scan", extra=True)
def _scan(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    d = dim_arg(b, m.ndim)
    fn = choice(b, ["cumprod", "logcumsumexp", "cummax", "cummin", "cumsum"])
    if fn in ("cummax", "cummin"):
        return b.add(fn, f"tg.{fn}({a}, {d})[{b.draw(st.integers(0, 1))}]", [a])
    if fn == "logcumsumexp" and not m.is_float:
        return
    b.add(fn, choice(b, [f"tg.{fn}({a}, {d})", f"{a}.{fn}(dim={d})"]), [a])


@op("scatter_more", weight=2, extra=True)
def _scatter_more(b, name):
    a = b.pick(lambda m: m.ndim >= 1 and min(m.shape) > 0)
    if a is None:
        return
    m = b.meta(a)
    dim = b.draw(st.integers(0, m.ndim - 1))
    n = m.shape[dim]
    fn = choice(b, ["scatter_reduce", "scatter_reduce", "index_copy", "index_select", "put", "index_put",
                    "masked_scatter", "index_reduce", "select_scatter", "slice_scatter", "diagonal_scatter",
                    "scatter_add_fn", "index_fill_fn"])
    if fn == "scatter_reduce":
        shape = tuple(min(s, b.draw(st.integers(1, s))) for s in m.shape)
        idx = b.new_input(shape, "int64", low=0, high=n - 1)
        src = tensor_like(b, shape, m.dtype)
        reduce = choice(b, ["sum", "prod", "mean", "amax", "amin"])
        incl = b.draw(st.booleans())
        return b.add(fn, f"{a}.scatter_reduce({dim}, {idx}, {src}, {reduce!r}, include_self={incl})", [a, idx, src])
    if fn in ("scatter_add_fn", "index_fill_fn"):
        idx = b.new_input(m.shape, "int64", low=0, high=n - 1)
        if fn == "index_fill_fn":
            return b.add("index_fill", f"tg.index_fill({a}, {dim}, {idx}.reshape(-1), {b.scalar('float')})", [a, idx])
        src = tensor_like(b, m.shape, m.dtype)
        return b.add("scatter_add", f"tg.scatter_add({a}, {dim}, {idx}, {src})", [a, idx, src])
    if fn in ("index_copy", "index_reduce"):
        k = b.draw(st.integers(1, n))
        idx = _unique_indices(b, n, k) if fn == "index_copy" else b.new_input((k,), "int64", low=0, high=n - 1)
        src = b.new_input(m.shape[:dim] + (k,) + m.shape[dim + 1:], m.dtype)
        if fn == "index_copy":
            return b.add(fn, choice(b, [f"{a}.index_copy({dim}, {idx}, {src})",
                                        f"tg.index_copy({a}, {dim}, {idx}, {src})"]), [a, src])
        reduce = choice(b, ["prod", "mean", "amax", "amin"])
        incl = b.draw(st.booleans())
        return b.add(fn, f"{a}.index_reduce({dim}, {idx}, {src}, {reduce!r}, include_self={incl})", [a, idx, src])
    if fn == "index_select":
        idx = b.new_input((b.draw(st.integers(0, 4)),), "int64", low=0, high=n - 1)
        return b.add(fn, choice(b, [f"tg.index_select({a}, {dim}, {idx})", f"{a}.index_select({dim}, {idx})"]),
                     [a, idx])
    if fn == "put":
        k = b.draw(st.integers(1, m.numel))
        acc = b.draw(st.booleans())
        idx = (b.new_input((k,), "int64", low=-m.numel, high=m.numel - 1) if acc
               else _unique_indices(b, m.numel, k))
        src = b.new_input((k,), m.dtype)
        return b.add(fn, f"{a}.put({idx}, {src}, accumulate={acc})", [a, src])
    if fn == "index_put":
        k = b.draw(st.integers(1, 3))
        acc = b.draw(st.booleans())
        k = k if acc else min(k, m.shape[0])
        idx = b.new_input((k,), "int64", low=0, high=m.shape[0] - 1) if acc else _unique_indices(b, m.shape[0], k)
        src = b.new_input((k,) + m.shape[1:] if chance(b, 70) else m.shape[1:], m.dtype)
        return b.add(fn, f"{a}.index_put(({idx},), {src}, accumulate={acc})", [a, src])
    if fn == "masked_scatter":
        src = b.new_input(m.shape, m.dtype)
        return b.add(fn, f"{a}.masked_scatter({a} > 0, {src})", [a, src])
    if fn == "select_scatter":
        src = b.new_input(m.shape[:dim] + m.shape[dim + 1:], m.dtype)
        return b.add(fn, f"tg.select_scatter({a}, {src}, {dim}, {b.draw(st.integers(-n, n - 1))})", [a, src])
    if fn == "slice_scatter":
        start = b.draw(st.integers(0, n - 1))
        step = b.draw(st.integers(1, 2))
        k = len(range(start, n, step))
        src = b.new_input(m.shape[:dim] + (k,) + m.shape[dim + 1:], m.dtype)
        return b.add(fn, f"tg.slice_scatter({a}, {src}, {dim}, {start}, None, {step})", [a, src])
    if m.ndim < 2:
        return
    off = b.draw(st.integers(-1, 1))
    probe = f"{a}.diagonal({off})"
    try:
        shape = tuple(eval(probe, b.env).shape)
    except Exception:
        return
    src = b.new_input(shape, m.dtype)
    b.add(fn, f"tg.diagonal_scatter({a}, {src}, {off})", [a, src])


@op("selection", weight=2, extra=True)
def _selection(b, name):
    a = b.pick(lambda m: m.dtype != "bool")
    if a is None:
        return
    m = b.meta(a)
    d = dim_arg(b, m.ndim)
    size = m.shape[d] if m.ndim and -m.ndim <= d < m.ndim else 1
    fn = choice(b, ["sort", "argsort", "kthvalue", "median", "nanmedian", "mode", "quantile", "nanquantile",
                    "msort", "aminmax", "topk_small"])
    item = b.draw(st.integers(0, 1))
    if fn == "sort":
        code = f"{a}.sort(dim={d}, descending={b.draw(st.booleans())}, stable=True)[{item}]"
    elif fn == "argsort":
        code = f"tg.argsort({a}, dim={d}, descending={b.draw(st.booleans())}, stable=True)"
    elif fn == "kthvalue":
        code = f"{a}.kthvalue({b.draw(st.integers(1, max(size, 1)))}, {d}, keepdim={b.draw(st.booleans())})[{item}]"
    elif fn in ("median", "nanmedian", "mode"):
        code = f"{a}.{fn}()" if fn != "mode" and chance(b, 30) else f"tg.{fn}({a}, {d})[{item}]"
    elif fn in ("quantile", "nanquantile"):
        if not m.is_float:
            return
        q = choice(b, ["0.5", "0.0", "1.0", "0.3", f"tg.tensor([0.25, 0.75], dtype={a}.dtype)"])
        interp = choice(b, ["linear", "lower", "higher", "midpoint", "nearest"])
        dim = "" if chance(b, 30) else f", dim={d}"
        code = f"{a}.{fn}({q}{dim}, interpolation={interp!r})"
    elif fn == "msort":
        code = f"tg.msort({a})"
    elif fn == "aminmax":
        code = f"tg.aminmax({a}, dim={d})[{item}]" if chance(b, 70) else f"{a}.aminmax()[{item}]"
    else:
        if m.ndim == 0:  # PyTorch's topk(0) of a 0-d tensor returns the element (see the report)
            return
        k = b.draw(st.integers(0, max(size, 0)))
        code = f"{a}.topk({k}, dim={d}, largest=False)[0]"
    b.add(fn, code, [a])


@op("reduce_more", weight=2, extra=True)
def _reduce_more(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    d = dim_arg(b, m.ndim) if m.ndim else None
    keep = b.draw(st.booleans())
    fn = choice(b, ["var", "std", "var_mean", "std_mean", "nansum", "nanmean", "prod", "amax", "amin",
                    "logsumexp", "sum_dtype", "mean_fn"])
    if fn in ("var", "std", "var_mean", "std_mean"):
        corr = b.draw(st.integers(0, 2))
        dims = d if chance(b, 70) or m.ndim < 2 else (0, -1)
        if fn in ("var", "std"):
            return b.add(fn, choice(b, [f"{a}.{fn}({dims}, correction={corr}, keepdim={keep})",
                                        f"tg.{fn}({a}, dim={dims}, correction={corr})"]), [a])
        return b.add(fn, f"tg.{fn}({a}, {dims}, correction={corr})[{b.draw(st.integers(0, 1))}]", [a])
    if fn in ("nansum", "nanmean"):
        return b.add(fn, choice(b, [f"{a}.{fn}()", f"tg.{fn}({a}, {d}, keepdim={keep})"]), [a])
    if fn == "prod":
        code = f"tg.prod({a}, {d}, keepdim={keep})" if m.ndim else f"tg.prod({a})"
        return b.add(fn, code, [a])
    if fn in ("amax", "amin"):
        return b.add(fn, f"tg.{fn}({a}, {d if d is not None else ()}, {keep})", [a])
    if fn == "logsumexp":
        return b.add(fn, f"tg.logsumexp({a}, {d if d is not None else 0})", [a])
    if fn == "sum_dtype":
        return b.add("sum", f"{a}.sum(dtype=tg.float64)", [a])
    if m.is_float:
        b.add("mean", f"tg.mean({a}, {d if d is not None else ()}, keepdim={keep})", [a])


@op("products", weight=2, extra=True)
def _products(b, name):
    a = b.pick(lambda m: m.is_float and 1 <= m.ndim <= 3)
    if a is None:
        return
    m = b.meta(a)
    dt = m.dtype
    n = m.shape[-1]
    fn = choice(b, ["einsum", "tensordot", "outer", "inner", "vdot", "kron", "cross", "mv", "bmm", "addmm",
                    "addmv", "baddbmm", "addbmm", "addr", "chain_matmul", "multi_dot", "vecdot", "block_diag",
                    "cartesian_prod"])
    alpha, beta = b.scalar("float"), b.scalar("float")
    if fn in ("outer", "vdot", "cartesian_prod"):
        x = f"{a}.reshape(-1)"
        y = b.new_input((m.numel if fn == "vdot" else b.draw(st.integers(0, 3)),), dt)
        code = {"outer": f"tg.outer({x}, {y})", "vdot": f"tg.vdot({x}, {y})",
                "cartesian_prod": f"tg.cartesian_prod({x}, {y})"}[fn]
        return b.add(fn, code, [a, y])
    if fn == "inner":
        y = b.new_input((b.draw(st.integers(1, 2)), n), dt)
        return b.add(fn, f"tg.inner({a}, {y})", [a, y])
    if fn == "kron":
        y = b.new_input(tuple(b.draw(st.integers(1, 2)) for _ in range(b.draw(st.integers(1, 2)))), dt)
        return b.add(fn, f"tg.kron({a}, {y})", [a, y])
    if fn == "cross":
        if 3 not in m.shape:
            return
        d = m.shape.index(3)
        y = b.new_input(m.shape, dt)
        return b.add(fn, choice(b, [f"tg.cross({a}, {y}, dim={d})", f"tg.linalg.cross({a}, {y}, dim={d})"]), [a, y])
    if fn == "einsum":
        letters = "ijk"[:m.ndim]
        y = b.new_input((n, 2), dt)
        out = choice(b, [letters[:-1] + "l", letters[0] + "l", "l", letters + "l"])
        return b.add(fn, f"tg.einsum('{letters},{letters[-1]}l->{out}', {a}, {y})", [a, y])
    if fn == "tensordot":
        y = b.new_input((n, 2), dt)
        return b.add(fn, choice(b, [f"tg.tensordot({a}, {y}, dims=1)", f"tg.tensordot({a}, {y}, dims=([-1], [0]))"]),
                     [a, y])
    if fn == "vecdot":
        y = b.new_input((n,), dt)
        return b.add(fn, f"tg.linalg.vecdot({a}, {y})", [a, y])
    if fn == "block_diag":
        y = b.new_input((b.draw(st.integers(1, 2)), b.draw(st.integers(0, 2))), dt)
        x = a if m.ndim <= 2 else f"{a}[0]"
        return b.add(fn, f"tg.block_diag({x}, {y})", [a, y])
    if m.ndim == 1:
        if fn in ("addr", "mv"):
            if fn == "mv":
                mat = b.new_input((2, n), dt)
                return b.add(fn, choice(b, [f"tg.mv({mat}, {a})", f"{mat}.mv({a})"]), [mat, a])
            y = b.new_input((2,), dt)
            base = b.new_input(choice(b, [(n, 2), (2,), ()]), dt)
            return b.add(fn, f"tg.addr({base}, {a}, {y}, beta={beta}, alpha={alpha})", [base, a, y])
        return
    if m.ndim == 2:
        k = b.draw(st.integers(1, 2))
        if fn == "addmm":
            y = b.new_input((n, k), dt)
            base = b.new_input(choice(b, [(m.shape[0], k), (k,), ()]), dt)
            return b.add(fn, f"tg.addmm({base}, {a}, {y}, beta={beta}, alpha={alpha})", [base, a, y])
        if fn == "addmv":
            v = b.new_input((n,), dt)
            base = b.new_input(choice(b, [(m.shape[0],), ()]), dt)
            return b.add(fn, f"tg.addmv({base}, {a}, {v}, beta={beta}, alpha={alpha})", [base, a, v])
        if fn in ("chain_matmul", "multi_dot"):
            y = b.new_input((n, k), dt)
            z = b.new_input((k, 2), dt)
            code = (f"tg.chain_matmul({a}, {y}, {z})" if fn == "chain_matmul"
                    else f"tg.linalg.multi_dot([{a}, {y}, {z}])")
            return b.add(fn, code, [a, y, z])
        return
    bsz, rows = m.shape[0], m.shape[1]
    k = b.draw(st.integers(1, 2))
    y = b.new_input((bsz, n, k), dt)
    if fn == "bmm":
        return b.add(fn, f"tg.bmm({a}, {y})", [a, y])
    if fn == "baddbmm":
        base = b.new_input(choice(b, [(bsz, rows, k), (rows, k), ()]), dt)
        return b.add(fn, f"tg.baddbmm({base}, {a}, {y}, beta={beta}, alpha={alpha})", [base, a, y])
    if fn == "addbmm":
        base = b.new_input(choice(b, [(rows, k), (k,)]), dt)
        return b.add(fn, f"tg.addbmm({base}, {a}, {y}, beta={beta}, alpha={alpha})", [base, a, y])


@op("distances", extra=True)
def _distances(b, name):
    a = b.pick(lambda m: m.is_float and m.ndim in (1, 2))
    if a is None:
        return
    m = b.meta(a)
    p = choice(b, [1.0, 2.0, 2.0, 3.0, 0.5, float("inf")])
    fn = choice(b, ["cdist", "dist", "pdist", "cosine_similarity", "pairwise_distance", "normalize"])
    if fn == "dist":
        y = tensor_like(b, m.shape, m.dtype)
        return b.add(fn, f"tg.dist({a}, {y}, {p})", [a, y])
    if fn == "normalize":
        return b.add(fn, f"F.normalize({a}, p={p}, dim={dim_arg(b, m.ndim)})", [a])
    if fn == "cosine_similarity":
        y = tensor_like(b, m.shape, m.dtype)
        return b.add(fn, f"F.cosine_similarity({a}, {y}, dim={dim_arg(b, m.ndim)})", [a, y])
    if fn == "pairwise_distance":
        y = tensor_like(b, m.shape, m.dtype)
        return b.add(fn, f"F.pairwise_distance({a}, {y}, p={p})", [a, y])
    if m.ndim != 2:
        return
    if fn == "pdist":
        if m.shape[0] == 0:  # PyTorch's pdist backward segfaults on 0 rows (see the report): not drawn
            return
        return b.add(fn, f"F.pdist({a}, p={p})", [a])
    y = b.new_input((b.draw(st.integers(1, 3)), m.shape[1]), m.dtype)
    b.add(fn, f"tg.cdist({a}, {y}, p={p})", [a, y])


@op("layout_more", weight=2, extra=True)
def _layout_more(b, name):
    a = b.pick()
    if a is None:
        return
    m = b.meta(a)
    d = dim_arg(b, m.ndim)
    fn = choice(b, ["diag", "diag_embed", "diagflat", "tril_fn", "triu_fn", "roll_tuple", "flip_tuple", "rot90",
                    "movedim_tuple", "unfold", "tile", "repeat_interleave_t", "unflatten", "ravel", "hsplit",
                    "vsplit", "atleast", "stack_fns", "broadcast_to", "select", "swapdims", "pad", "flipud",
                    "narrow_fn"])
    if fn == "diag":
        if m.ndim not in (1, 2):
            return
        return b.add(fn, choice(b, [f"tg.diag({a}, {b.draw(st.integers(-1, 1))})", f"{a}.diag()"]), [a])
    if fn in ("diag_embed", "diagflat"):
        off = b.draw(st.integers(-1, 1))
        return b.add(fn, f"tg.{fn}({a}, {off})", [a])
    if fn in ("tril_fn", "triu_fn"):
        return b.add(fn[:4], f"tg.{fn[:4]}({a}, {b.draw(st.integers(-2, 2))})", [a])
    if fn == "roll_tuple":
        if m.ndim < 2:
            return
        shifts = (b.draw(st.integers(-2, 3)), b.draw(st.integers(-2, 2)))
        return b.add("roll", f"tg.roll({a}, {shifts!r}, (0, -1))", [a])
    if fn == "flip_tuple":
        return b.add("flip", f"tg.flip({a}, {tuple(range(m.ndim))[:b.draw(st.integers(0, m.ndim))]!r})", [a])
    if fn == "rot90":
        if m.ndim < 2:
            return
        return b.add(fn, f"tg.rot90({a}, {b.draw(st.integers(-2, 3))}, ({m.ndim - 1}, 0))", [a])
    if fn == "movedim_tuple":
        if m.ndim < 2:
            return
        return b.add("movedim", choice(b, [f"tg.movedim({a}, (0, 1), (-1, 0))", f"{a}.moveaxis(0, -1)"]), [a])
    if fn == "unfold":
        if m.ndim == 0:
            return
        size = m.shape[d] if -m.ndim <= d < m.ndim else 1
        return b.add(fn, f"{a}.unfold({d}, {b.draw(st.integers(0, max(size, 1)))}, {b.draw(st.integers(1, 2))})", [a])
    if fn == "tile":
        reps = tuple(b.draw(st.integers(0, 2)) for _ in range(b.draw(st.integers(1, 3))))
        return b.add(fn, choice(b, [f"tg.tile({a}, {reps!r})", f"{a}.tile({reps!r})"]), [a])
    if fn == "repeat_interleave_t":
        if m.ndim == 0:
            return
        size = m.shape[d] if -m.ndim <= d < m.ndim else 1
        reps = [b.draw(st.integers(0, 2)) for _ in range(size)]
        return b.add("repeat_interleave", f"tg.repeat_interleave({a}, tg.tensor({reps!r}, dtype=tg.int64), dim={d})",
                     [a])
    if fn == "unflatten":
        if m.ndim == 0 or not -m.ndim <= d < m.ndim:
            return
        return b.add(fn, f"{a}.unflatten({d}, (-1, 1))", [a])
    if fn == "ravel":
        return b.add(fn, choice(b, [f"{a}.ravel()", f"tg.ravel({a})"]), [a])
    if fn in ("hsplit", "vsplit"):
        return b.add(fn, f"tg.{fn}({a}, {choice(b, [1, 2, [1], [0, 2]])})[0]", [a])
    if fn == "atleast":
        k = b.draw(st.integers(1, 3))
        return b.add(fn, f"tg.atleast_{k}d({a})", [a])
    if fn == "stack_fns":
        f2 = choice(b, ["hstack", "vstack", "dstack", "column_stack", "row_stack", "concatenate", "concat"])
        y = tensor_like(b, m.shape, m.dtype)
        return b.add(f2, f"tg.{f2}([{a}, {y}])", [a, y])
    if fn == "broadcast_to":
        return b.add(fn, f"tg.broadcast_to({a}, (2,) + tuple({a}.shape))", [a])
    if fn == "select":
        if m.ndim == 0 or not -m.ndim <= d < m.ndim or m.shape[d] == 0:
            return
        return b.add(fn, f"{a}.select({d}, {b.draw(st.integers(-m.shape[d], m.shape[d] - 1))})", [a])
    if fn == "swapdims":
        return b.add(fn, f"tg.swapdims({a}, {d}, {dim_arg(b, m.ndim)})", [a])
    if fn == "flipud":
        return b.add(fn, f"tg.flipud({a})", [a])
    if fn == "narrow_fn":
        if m.ndim == 0 or not -m.ndim <= d < m.ndim:
            return
        size = m.shape[d]
        start = b.draw(st.integers(-size, size)) if size else 0
        return b.add("narrow", f"tg.narrow({a}, {d}, {start}, 0)", [a])
    if not m.is_float or m.ndim == 0:
        return
    mode = choice(b, ["constant", "constant", "reflect", "replicate", "circular"])
    pads = tuple(b.draw(st.integers(0 if mode != "constant" else -1, 2)) for _ in range(2 * min(m.ndim, 1)))
    value = f", value={b.scalar('float')}" if mode == "constant" else ""
    b.add(fn, f"F.pad({a}, {pads!r}, mode={mode!r}{value})", [a])


def _square(b, batch: bool = True, low: float = -1.0, high: float = 1.0) -> tuple[str, int]:
    n = b.draw(st.integers(1, 3))
    lead = (b.draw(st.integers(1, 2)),) if batch and chance(b, 30) else ()
    return b.new_input(lead + (n, n), "float64", requires_grad=True, low=low, high=high), n


@op("linalg", weight=2, extra=True)
def _linalg(b, name):
    fn = choice(b, ["inv", "det", "slogdet", "logdet", "solve", "pinv", "vector_norm", "matrix_norm", "norm",
                    "svdvals", "svd", "qr", "cholesky", "eigh", "eigvalsh", "matrix_exp", "lstsq",
                    "matrix_power", "cond", "solve_triangular", "cholesky_solve", "inverse"])
    if fn in ("vector_norm", "norm"):
        a = b.pick(FLOAT)
        if a is None:
            return
        m = b.meta(a)
        ord_ = choice(b, [1, 2, 3, float("inf"), -float("inf"), 0.5] + ([0] if fn == "vector_norm" else []))
        d = "None" if m.ndim == 0 or chance(b, 40) else dim_arg(b, m.ndim)
        return b.add(fn, f"tg.linalg.{fn}({a}, {ord_!r}, dim={d})" if fn == "vector_norm" or d != "None"
                     else f"tg.linalg.norm({a})", [a])
    A, n = _square(b)
    M = f"({A} + {n + 1} * tg.eye({n}))"  # diagonally dominant: invertible
    if fn in ("inv", "det", "matrix_exp", "svdvals", "inverse"):
        space = "tg" if fn == "inverse" else "tg.linalg"
        arg = A if fn == "matrix_exp" else M
        return b.add(fn, f"{space}.{fn}({arg})", [A])
    if fn in ("slogdet", "logdet"):
        return b.add(fn, f"tg.linalg.slogdet({M})[{b.draw(st.integers(0, 1))}]" if fn == "slogdet"
                     else f"tg.logdet({M})", [A])
    if fn in ("solve", "lstsq", "cholesky_solve", "solve_triangular"):
        lead = tuple(b.meta(A).shape[:-2]) if fn == "lstsq" else ()  # (lstsq: see the report's notes)
        rhs = b.new_input(lead + (n, b.draw(st.integers(1, 2))), "float64", requires_grad=True)
        if fn == "solve":
            code = f"tg.linalg.solve({M}, {rhs})"
        elif fn == "lstsq":
            code = f"tg.linalg.lstsq({M}, {rhs})[0]"  # (.solution: the harness takes it for a method)
        elif fn == "cholesky_solve":
            code = f"tg.cholesky_solve({rhs}, tg.linalg.cholesky({M} @ {M}.mT))"
        else:
            upper = b.draw(st.booleans())
            tri = f"({M}).{'triu' if upper else 'tril'}()"
            code = f"tg.linalg.solve_triangular({tri}, {rhs}, upper={upper})"
        return b.add(fn, code, [A, rhs])
    if fn == "pinv":
        return b.add(fn, f"tg.linalg.pinv({M})", [A])
    if fn == "matrix_norm":
        ord_ = choice(b, ["fro", "nuc", 1, -1, float("inf"), 2])
        arg = M if ord_ in ("nuc", 2) else A
        return b.add(fn, f"tg.linalg.matrix_norm({arg}, {ord_!r})", [A])
    if fn == "cond":
        return b.add(fn, f"tg.linalg.cond({M})", [A])
    if fn == "matrix_power":
        return b.add(fn, f"tg.linalg.matrix_power({A}, {b.draw(st.integers(0, 3))})", [A])
    if fn == "cholesky":
        return b.add(fn, f"tg.linalg.cholesky({M} @ {M}.mT)", [A])
    if fn == "qr":
        return b.add(fn, f"tg.linalg.qr({M})[{b.draw(st.integers(0, 1))}]", [A])
    # symmetric with distinct eigenvalues (spread by a diagonal 0, 3, 6, ...); vectors compared squared
    S = f"({A} + {A}.mT + 3 * tg.diag(tg.arange({n}, dtype=tg.float64)))"
    if fn == "eigvalsh":
        return b.add(fn, f"tg.linalg.eigvalsh({S})", [A])
    if fn == "eigh":
        return b.add(fn, f"tg.linalg.eigh({S})[1] ** 2", [A])
    # svd: the singular values of M, and the squared entries of U (distinct values: n = 1 or 2 usual)
    b.add(fn, f"tg.linalg.svd({M})[{choice(b, [1, 0])}]" if chance(b, 50) else f"tg.linalg.svd({M})[0] ** 2", [A])


@op("activation_extra2", weight=2, extra=True)
def _activation_extra2(b, name):
    a = b.pick(FLOAT)
    if a is None:
        return
    m = b.meta(a)
    fn = choice(b, ["logsigmoid", "silu", "softplus", "mish", "selu", "relu6", "hardtanh", "elu", "celu",
                    "leaky_relu", "gelu", "huber_loss", "kl_div", "softsign", "rrelu_eval", "prelu"])
    if fn == "softplus":
        return b.add(fn, f"F.softplus({a}, beta={choice(b, [0.5, 1, 2])}, threshold={choice(b, [1, 20])})", [a])
    if fn == "hardtanh":
        return b.add(fn, f"F.hardtanh({a}, {b.draw(st.integers(-3, 0))}.0, {b.draw(st.integers(0, 3))}.0)", [a])
    if fn in ("elu", "celu"):
        return b.add(fn, f"F.{fn}({a}, alpha={choice(b, [0.5, 1.0, 2.0])})", [a])
    if fn == "leaky_relu":
        return b.add(fn, f"F.leaky_relu({a}, {choice(b, [0.01, 0.2, -0.5, 1.5])})", [a])
    if fn == "gelu":
        return b.add(fn, f"F.gelu({a}, approximate={choice(b, ['none', 'tanh'])!r})", [a])
    if fn == "rrelu_eval":
        return b.add("rrelu", f"F.rrelu({a}, training=False)", [a])
    if fn == "prelu":
        w = b.new_input((1,), m.dtype, low=-1.0, high=1.0)
        return b.add(fn, f"F.prelu({a}, {w})", [a, w])
    if fn in ("huber_loss", "kl_div"):
        y = tensor_like(b, m.shape, m.dtype)
        red = choice(b, ["mean", "sum", "none"] + (["batchmean"] if fn == "kl_div" else []))
        if fn == "huber_loss":
            return b.add(fn, f"F.huber_loss({a}, {y}, reduction={red!r}, delta={choice(b, [0.5, 1.0, 2.0])})", [a, y])
        return b.add(fn, f"F.kl_div({a}, {y}, reduction={red!r}, log_target=True)", [a, y])
    b.add(fn, f"F.{fn}({a})", [a])


# unary functions and their aliases, each drawn as tg.fn(a) or a.fn(); values outside a domain give
# nan in both libraries
ALIAS_UNARY = ["arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "asin", "acos", "atan", "asinh",
               "acosh", "atanh", "tan", "sinh", "cosh", "erf", "erfc", "expm1", "log1p", "log2", "square",
               "reciprocal", "sign", "sgn", "rsqrt", "sinc", "lgamma", "digamma", "i0", "logit", "positive",
               "negative", "fix", "absolute", "clone", "rad2deg", "deg2rad", "trunc", "ceil", "round", "frac",
               "nan_to_num", "angle", "ravel", "t"]
ALIAS_BINARY = ["multiply", "subtract", "divide", "true_divide", "arctan2", "logaddexp2", "ldexp", "fmax",
                "float_power", "rsub"]


@op("aliases", weight=2, extra=True)
def _aliases(b, name):
    a = b.pick()
    if a is None:
        return
    if chance(b, 70):
        fn = choice(b, ALIAS_UNARY)
        if fn == "t" and b.meta(a).ndim > 2:
            return
        return b.add(fn, choice(b, [f"tg.{fn}({a})", f"{a}.{fn}()"]) if fn != "rsub" else f"tg.{fn}({a})", [a])
    fn = choice(b, ALIAS_BINARY)
    other = operand(b, a, scalar_percent=25)
    form = [f"tg.{fn}({a}, {other})"] + ([] if fn == "rsub" else [f"{a}.{fn}({other})"])
    b.add(fn, choice(b, form), [a, other])


IN_PLACE_UNARY = ["abs_", "ceil_", "floor_", "round_", "trunc_", "frac_", "exp_", "exp2_", "expm1_", "sin_",
                  "cos_", "tan_", "sinh_", "cosh_", "tanh_", "atan_", "asinh_", "sigmoid_", "sign_", "sgn_",
                  "neg_", "negative_", "erf_", "erfc_", "sinc_", "deg2rad_", "rad2deg_", "square_", "relu_",
                  "nan_to_num_", "fix_", "log_", "log2_", "log10_", "log1p_", "sqrt_", "rsqrt_", "reciprocal_",
                  "lgamma_", "digamma_", "i0_", "erfinv_", "logit_", "asin_", "acos_", "atanh_", "acosh_",
                  "t_", "squeeze_", "absolute_", "arcsin_", "arctan_"]
IN_PLACE_BINARY = ["atan2_", "hypot_", "copysign_", "fmod_", "remainder_", "xlogy_", "pow_", "true_divide_",
                   "multiply_", "subtract_", "divide_", "clamp_min_", "clamp_max_", "lerp_", "float_power_",
                   "ldexp_", "arctan2_"]


@op("in_place_more", weight=2, extra=True)
def _in_place_more(b, name):
    """In-place forms (on a value that may change in place, usually; now and then a leaf that
    requires grad, where both libraries refuse)."""
    a = b.pick(lambda m: m.writable and m.is_float) if chance(b, 85) else b.pick(FLOAT)
    if a is None:
        return
    m = b.meta(a)
    kind = choice(b, ["unary", "unary", "binary", "shape", "fill"])
    if kind == "unary":
        fn = choice(b, IN_PLACE_UNARY)
        if fn == "t_" and m.ndim > 2:
            return
        return b.add(fn, f"{a}.{fn}()", [a])
    if kind == "binary":
        fn = choice(b, IN_PLACE_BINARY)
        other = tensor_like(b, m.shape, m.dtype) if chance(b, 60) else b.scalar("float")
        if fn == "lerp_":
            return b.add(fn, f"{a}.lerp_({other}, {b.scalar('float')})", [a, other])
        if fn == "ldexp_":
            other = b.new_input(m.shape, "int64", low=-2, high=3)
        return b.add(fn, f"{a}.{fn}({other})", [a, other])
    if kind == "shape":
        if m.ndim == 0:
            return b.add("unsqueeze_", f"{a}.unsqueeze_(0)", [a])
        fn = choice(b, ["unsqueeze_", "transpose_", "swapdims_", "swapaxes_", "tril_", "triu_"])
        if fn == "unsqueeze_":
            return b.add(fn, f"{a}.unsqueeze_({dim_arg(b, m.ndim, new_axis=True)})", [a])
        if fn in ("tril_", "triu_"):
            if m.ndim < 2:
                return
            return b.add(fn, f"{a}.{fn}({b.draw(st.integers(-1, 1))})", [a])
        return b.add(fn, f"{a}.{fn}({dim_arg(b, m.ndim)}, {dim_arg(b, m.ndim)})", [a])
    fn = choice(b, ["copy_", "fill_diagonal_", "masked_fill_", "clamp_", "clip_", "renorm_"])
    if fn == "copy_":
        src = tensor_like(b, m.shape, m.dtype)
        return b.add(fn, f"{a}.copy_({src})", [a, src])
    if fn == "fill_diagonal_":
        if m.ndim < 2 or len(set(m.shape)) != 1 and m.ndim > 2:
            return
        return b.add(fn, f"{a}.fill_diagonal_({b.scalar('float')}, wrap={b.draw(st.booleans())})", [a])
    if fn == "masked_fill_":
        return b.add(fn, f"{a}.masked_fill_({a} < 0, {b.scalar('float')})", [a])
    if fn == "renorm_":
        if m.ndim < 2:
            return
        return b.add(fn, f"{a}.renorm_({choice(b, [1, 2])}, {b.draw(st.integers(0, m.ndim - 1))}, 1.0)", [a])
    lo, hi = sorted([b.draw(st.integers(-3, 3)) / 2, b.draw(st.integers(-3, 3)) / 2])
    b.add(fn, f"{a}.{fn}({lo}, {hi})", [a])
