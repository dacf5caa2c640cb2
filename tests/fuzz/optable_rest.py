"""Fifth round of op-table entries: the registry names the first four tables never drew (listed by
`python -m tests.fuzz.coverage --list`) -- linear algebra (slogdet, svd, svd_lowrank, QR and
Householder products, triangular and Cholesky solves, the *_ex forms, tensorinv/tensorsolve),
products and their in-place forms, the function forms of shape ops drawn only as methods (and the
other way round), scatter/segment reductions, the `tg.` forms of losses and normalizations, the
`native_*` ops, deterministic forms of the dropouts and of rrelu, recurrent cells and layers given
their weights, resampling, and the in-place `_` forms (as methods and as `tg.fn_(t)`, through
views, and on leaves that require grad, where both libraries refuse). Imported by optable.py after
optable_conv.py; small weights, so that the derandomized suite's mix stays much as it was.

Each entry makes its own inputs (of the layout the op wants) more often than it waits for one,
so that each name is drawn often. Names left out on purpose: the random ops (poisson, normal,
gumbel_softmax, dropout in training mode, rrelu in training mode, lobpcg), the CUDA-only
batch_norm_{stats,elemt,gather_stats,backward_*} kernels and native_norm (PyTorch has no CPU kernel), pin_memory
(needs an accelerator), tg.autobatch, nn.SPINN and nn.TreeLSTMCell (not PyTorch names), and the
nn modules whose parameters are random (their functional forms are drawn here; the modules are in
modules_fuzz.py)."""
from __future__ import annotations

from hypothesis import strategies as st

from .optable import chance, choice, dim_arg, op, tensor_like


def _float(b) -> str:
    return "float32" if chance(b, 10) else "float64"


def _new(b, shape: tuple, dtype: str = "float64", low=None, high=None, requires_grad=None) -> str:
    return b.new_input(tuple(shape), dtype, requires_grad, low, high)


def _some(b, accept=lambda m: True, shape: tuple | None = None, dtype: str | None = None) -> str:
    """An existing float value that passes `accept` (now and then), else a new input."""
    found = b.pick(lambda m: m.is_float and accept(m), recent=False)
    if found is not None and chance(b, 40):
        return found
    if shape is None:
        shape = choice(b, [(3,), (2, 3), (2, 1, 2), (), (0, 2), (1,)])
    return _new(b, shape, dtype or _float(b))


def _matrix(b, n: int, batch: bool = True) -> tuple[str, str, tuple]:
    """(input name, a well-conditioned n x n matrix made from it, batch shape)."""
    lead = (b.draw(st.integers(1, 2)),) if batch and chance(b, 30) else ()
    A = _new(b, lead + (n, n), "float64", -1.0, 1.0, True)
    return A, f"({A} + {n + 1} * tg.eye({n}))", lead


# ---- linear algebra -------------------------------------------------------------------------
@op("linalg_rest", weight=3, extra=True)
def _linalg_rest(b, name):
    fn = choice(b, ["slogdet", "det", "logdet", "svd", "svd_lowrank", "pca_lowrank", "triangular_solve",
                    "cholesky", "cholesky_inverse", "cholesky_solve", "cholesky_ex", "inverse", "pinverse",
                    "matrix_exp", "matrix_power", "qr", "householder_product", "ormqr", "inv_ex", "solve_ex",
                    "tensorinv", "tensorsolve", "linalg.diagonal", "linalg.matmul", "linalg.vander",
                    "nuclear_norm", "frobenius_norm"])
    n = b.draw(st.integers(1, 3))
    A, M, lead = _matrix(b, n)
    item = b.draw(st.integers(0, 1))
    if fn == "slogdet":
        raw = A if chance(b, 25) else M  # (raw values: negative and zero determinants)
        return b.add(fn, choice(b, [f"tg.slogdet({raw})[{item}]", f"{raw}.slogdet()[{item}]"]), [A])
    if fn in ("det", "logdet"):
        raw = A if chance(b, 25) else M
        forms = [f"{raw}.{fn}()"] + ([f"tg.det({raw})"] if fn == "det" else [])
        return b.add(fn, choice(b, forms), [A])
    if fn == "svd":
        # singular values, and squared entries of U and V (a vector's sign is not defined)
        some = b.draw(st.booleans())
        k = choice(b, ["[1]", "[0] ** 2", "[2] ** 2"])
        return b.add(fn, choice(b, [f"tg.svd({M}, some={some}){k}", f"{M}.svd(){k}"]), [A])
    if fn in ("svd_lowrank", "pca_lowrank"):
        # q = the rank: the singular values do not depend on the random projection (a full-rank
        # matrix, diagonally dominant; centring takes one rank away); distinct nonzero values keep
        # the derivatives finite
        rows = b.draw(st.integers(n, 3))
        B = _new(b, lead + (rows, n), "float64", -1.0, 1.0, True)
        full = f"({B} + {n + 1} * tg.eye({rows}, {n}))"
        if fn == "svd_lowrank":
            return b.add(fn, f"tg.svd_lowrank({full}, q={n}, niter={b.draw(st.integers(0, 2))})[1]", [B])
        center = b.draw(st.booleans())
        q = min(rows - 1, n) if center else n
        if q < 1:
            return
        return b.add(fn, f"tg.pca_lowrank({full}, q={q}, center={center})[1]", [B])
    if fn == "triangular_solve":
        upper, trans, unit = b.draw(st.booleans()), b.draw(st.booleans()), b.draw(st.booleans())
        rhs = _new(b, lead + (n, b.draw(st.integers(1, 2))), "float64", requires_grad=True)
        tri = f"{M}.{'triu' if upper else 'tril'}()"
        args = f"upper={upper}, transpose={trans}, unitriangular={unit}"
        return b.add(fn, choice(b, [f"tg.triangular_solve({rhs}, {tri}, {args})[{item}]",
                                    f"{rhs}.triangular_solve({tri}, {args})[0]"]), [A, rhs])
    spd = f"({M} @ {M}.mT)"
    if fn == "cholesky":
        upper = b.draw(st.booleans())
        return b.add(fn, choice(b, [f"tg.cholesky({spd}, upper={upper})", f"{spd}.cholesky()"]), [A])
    if fn == "cholesky_inverse":
        upper = b.draw(st.booleans())
        L = f"tg.linalg.cholesky({spd}, upper={upper})"
        return b.add(fn, choice(b, [f"tg.cholesky_inverse({L}, upper={upper})",
                                    f"{L}.cholesky_inverse(upper={upper})"]), [A])
    if fn == "cholesky_solve":
        rhs = _new(b, (n, b.draw(st.integers(1, 2))), "float64", requires_grad=True)
        upper = b.draw(st.booleans())
        return b.add(fn, f"{rhs}.cholesky_solve(tg.linalg.cholesky({spd}, upper={upper}), upper={upper})", [A, rhs])
    if fn == "cholesky_ex":
        # info is int32, a dtype the new inputs cannot take: compared as int64
        return b.add(fn, f"tg.linalg.cholesky_ex({spd if chance(b, 80) else A})[{item}]" + (".long()" if item else ""),
                     [A])
    if fn in ("inverse", "pinverse", "matrix_exp"):
        arg = A if fn == "matrix_exp" else M
        return b.add(fn, choice(b, [f"{arg}.{fn}()", f"tg.{fn}({arg})"]), [A])
    if fn == "matrix_power":
        k = b.draw(st.integers(-2, 3))  # (negative powers: the inverse's powers)
        return b.add(fn, choice(b, [f"{M}.matrix_power({k})", f"tg.matrix_power({M}, {k})"]), [A])
    if fn == "qr":
        return b.add(fn, choice(b, [f"tg.qr({M}, some={b.draw(st.booleans())})[{item}]", f"{M}.qr()[{item}]"]), [A])
    if fn in ("householder_product", "ormqr"):
        rows = b.draw(st.integers(n, 3))
        V = _new(b, (rows, n), "float64", -1.0, 1.0, True)
        tau = _new(b, (b.draw(st.integers(0, n)),), "float64", 0.0, 2.0, True)
        if fn == "householder_product":
            return b.add(fn, choice(b, [f"tg.linalg.householder_product({V}, {tau})", f"tg.orgqr({V}, {tau})",
                                        f"{V}.orgqr({tau})"]), [V, tau])
        left, trans = b.draw(st.booleans()), b.draw(st.booleans())
        C = _new(b, (rows, 2) if left else (2, rows), "float64", requires_grad=True)
        return b.add(fn, choice(b, [f"tg.ormqr({V}, {tau}, {C}, left={left}, transpose={trans})",
                                    f"{V}.ormqr({tau}, {C}, left={left}, transpose={trans})"]), [V, tau, C])
    if fn == "inv_ex":
        return b.add(fn, f"tg.linalg.inv_ex({M if chance(b, 80) else A})[{item}]" + (".long()" if item else ""), [A])
    if fn == "solve_ex":
        rhs = _new(b, lead + (n,) + ((b.draw(st.integers(1, 2)),) if chance(b, 70) else ()), "float64",
                   requires_grad=True)
        return b.add(fn, f"tg.linalg.solve_ex({M}, {rhs})[{item}]" + (".long()" if item else ""), [A, rhs])
    if fn in ("tensorinv", "tensorsolve"):
        if n == 1 or lead:
            return
        T = f"{M}.reshape({n}, 1, {n})" if chance(b, 50) else f"{M}.reshape({n}, {n})"
        if fn == "tensorinv":
            return b.add(fn, f"tg.linalg.tensorinv({T}, ind={2 if '1,' in T else 1})", [A])
        rhs = _new(b, (n,) + ((1,) if "1," in T else ()), "float64", requires_grad=True)
        return b.add(fn, f"tg.linalg.tensorsolve({T}, {rhs})", [A, rhs])
    if fn == "linalg.diagonal":
        return b.add(fn, f"tg.linalg.diagonal({A}, offset={b.draw(st.integers(-1, 1))})", [A])
    if fn == "linalg.matmul":
        other = _new(b, (n, b.draw(st.integers(1, 2))), "float64")
        return b.add(fn, f"tg.linalg.matmul({A}, {other})", [A, other])
    if fn == "linalg.vander":
        x = _some(b, lambda m: m.ndim in (1, 2) and m.numel <= 6)
        N = "" if chance(b, 40) else f", N={b.draw(st.integers(1, 4))}"
        return b.add(fn, choice(b, [f"tg.linalg.vander({x}{N})", f"tg.vander({x}.reshape(-1))"]), [x])
    if fn == "nuclear_norm":
        return b.add(fn, f"tg.nuclear_norm({M}{', keepdim=True' if chance(b, 30) else ''})", [A])
    b.add(fn, f"tg.frobenius_norm({A}, (-2, -1))", [A])


# ---- products ---------------------------------------------------------------------------------
@op("products_rest", weight=2, extra=True)
def _products_rest(b, name):
    dt = _float(b)
    n, k, r = (b.draw(st.integers(1, 3)) for _ in range(3))
    alpha, beta = choice(b, [1, 0.5, -2, 0]), choice(b, [1, 0.5, 0, -1])
    fn = choice(b, ["mm", "dot", "vdot", "inner", "outer", "ger", "mv", "bmm", "addbmm", "baddbmm", "addmm",
                    "addmv", "addr", "addcdiv", "addcmul", "kron", "cross", "rmatmul"])
    x, y = _new(b, (r, n), dt), _new(b, (n, k), dt)
    u, v = _new(b, (n,), dt), _new(b, (n,), dt)
    if fn == "mm":
        return b.add(fn, f"tg.mm({x}, {y})", [x, y])
    if fn in ("dot", "vdot", "inner", "outer", "ger"):
        forms = [f"tg.{fn}({u}, {v})", f"{u}.{fn}({v})"]
        return b.add(fn, choice(b, forms), [u, v])
    if fn == "mv":
        return b.add(fn, f"{x}.mv({u})", [x, u])
    if fn == "rmatmul":
        return b.add("__rmatmul__", f"{y}.__rmatmul__({x})", [x, y])
    if fn == "cross":
        p, q = _new(b, (2, 3), dt), _new(b, choice(b, [(2, 3), (3,)]), dt)
        return b.add(fn, f"{p}.cross({q}, dim=-1)", [p, q])
    if fn == "kron":
        return b.add(fn, f"{x}.kron({u})", [x, u])
    bsz = b.draw(st.integers(1, 2))
    in_place = chance(b, 35)
    us = "_" if in_place else ""
    if fn in ("bmm", "addbmm", "baddbmm"):
        p, q = _new(b, (bsz, r, n), dt), _new(b, (bsz, n, k), dt)
        if fn == "bmm":
            return b.add(fn, f"{p}.bmm({q})", [p, q])
        shape = (r, k) if fn == "addbmm" else (bsz, r, k)
        base = _new(b, shape if in_place or chance(b, 60) else (k,), dt)
        if not in_place and chance(b, 30):
            return b.add(fn, f"tg.{fn}({base}, {p}, {q}, beta={beta}, alpha={alpha})", [base, p, q])
        return b.add(fn + us, f"{base}.{fn}{us}({p}, {q}, beta={beta}, alpha={alpha})", [base, p, q])
    if fn == "addmm":
        base = _new(b, (r, k) if in_place or chance(b, 60) else (k,), dt)
        form = f"{base}.addmm{us}({x}, {y}, beta={beta}, alpha={alpha})"
        return b.add(fn + us, form if in_place or chance(b, 50) else f"tg.addmm({base}, {x}, {y}, alpha={alpha})",
                     [base, x, y])
    if fn == "addmv":
        base = _new(b, (r,), dt)
        return b.add(fn + us, choice(b, [f"{base}.addmv{us}({x}, {u}, beta={beta}, alpha={alpha})",
                                         f"tg.addmv_({base}, {x}, {u})"]), [base, x, u])
    if fn == "addr":
        base = _new(b, (n, n), dt)
        return b.add(fn + us, f"{base}.addr{us}({u}, {v}, beta={beta}, alpha={alpha})", [base, u, v])
    base, t1, t2 = _new(b, (r, n), dt), _new(b, (r, n), dt), _new(b, choice(b, [(r, n), (n,)]), dt)
    value = choice(b, [1, 0.5, -2])
    b.add(fn + us, choice(b, [f"{base}.{fn}{us}({t1}, {t2}, value={value})",
                              f"tg.{fn}({base}, {t1}, {t2}, value={value})"]), [base, t1, t2])


# ---- shapes: function forms of methods, method forms of functions ----------------------------
# The outputs of unsafe_split/unsafe_chunk are views that PyTorch does not track: changing one in
# place changes the input behind autograd's back (even a leaf's), which PyTorch documents as the
# caller's responsibility and which is refused here. They are used through a copy, so that later
# in-place lines never change them.
_UNSAFE_COPY = " * 1"

@op("shapes_rest", weight=3, extra=True)
def _shapes_rest(b, name):
    a = _some(b)
    m = b.meta(a)
    nd = m.ndim
    d = dim_arg(b, nd)
    ok = -nd <= d < nd
    length = m.shape[d] if ok and nd else 0
    fn = choice(b, ["tile", "take_along_dim", "broadcast_to", "flipud", "diag_embed", "diagflat", "hsplit", "vsplit",
                    "dsplit", "swapaxes", "swapdims", "movedim", "atleast_3d", "column_stack", "vstack",
                    "concatenate", "split_with_sizes", "unsafe_split", "unsafe_chunk", "unsafe_split_with_sizes",
                    "msort", "broadcast_tensors", "clone", "absolute", "positive", "constant_pad_nd", "adjoint",
                    "conj", "conj_physical", "resolve_conj", "resolve_neg", "real", "negative", "__iter__", "__pos__",
                    "__mod__", "__rmod__", "resize", "resize_as", "half", "cpu", "type", "squeeze", "unbind",
                    "subtract", "true_divide", "select", "unflatten", "trace"])
    if fn == "tile":
        reps = tuple(b.draw(st.integers(0, 2)) for _ in range(b.draw(st.integers(1, 3))))
        return b.add(fn, f"{a}.tile({reps!r})" if chance(b, 50) else f"{a}.tile({', '.join(map(str, reps))})", [a])
    if fn == "take_along_dim":
        if not nd or not ok or length == 0:
            return b.add(fn, f"{a}.take_along_dim(tg.tensor([0]))", [a])
        shape = tuple(1 if i == d % nd else s for i, s in enumerate(m.shape))
        idx = _new(b, shape, "int64", 0, length - 1)
        return b.add(fn, f"{a}.take_along_dim({idx}, dim={d})", [a, idx])
    if fn == "broadcast_to":
        return b.add(fn, f"{a}.broadcast_to((2,) + tuple({a}.shape))", [a])
    if fn in ("flipud", "msort", "clone", "absolute", "positive", "conj", "conj_physical", "resolve_conj",
              "resolve_neg", "real", "adjoint", "negative"):
        forms = {"flipud": [f"{a}.flipud()"], "msort": [f"{a}.msort()"], "clone": [f"tg.clone({a})"],
                 "absolute": [f"tg.absolute({a})", f"{a}.absolute()"],
                 "positive": [f"{a}.positive()", f"tg.positive({a})"],
                 "negative": [f"{a}.negative()", f"tg.negative({a})"],
                 "adjoint": [f"{a}.adjoint()"], "real": [f"tg.real({a})"]}.get(fn, [f"tg.{fn}({a})", f"{a}.{fn}()"])
        return b.add(fn, choice(b, forms), [a])
    if fn in ("diag_embed", "diagflat"):
        return b.add(fn, f"{a}.{fn}({b.draw(st.integers(-1, 1))})", [a])
    if fn in ("hsplit", "vsplit", "dsplit"):
        sections = choice(b, [1, 2, [1], [0, 2]])
        forms = [f"{a}.{fn}({sections!r})"] + ([f"tg.dsplit({a}, {sections!r})"] if fn == "dsplit" else [])
        return b.add(fn, choice(b, forms) + f"[{b.draw(st.integers(0, 1))}]", [a])
    if fn in ("swapaxes", "swapdims", "movedim"):
        other = dim_arg(b, nd)
        forms = {"swapaxes": [f"tg.swapaxes({a}, {d}, {other})"], "swapdims": [f"{a}.swapdims({d}, {other})"],
                 "movedim": [f"tg.movedim({a}, {d}, {other})"]}[fn]
        return b.add(fn, forms[0], [a])
    if fn == "atleast_3d":
        return b.add(fn, choice(b, [f"tg.atleast_3d({a})", f"tg.atleast_3d({a}, {a})[1]"]), [a])
    if fn in ("column_stack", "vstack", "concatenate"):
        y = tensor_like(b, m.shape, m.dtype)
        if fn == "vstack" and chance(b, 40):
            fn = "row_stack"  # (PyTorch's alias, deprecated there)
        if fn == "concatenate" and chance(b, 40):
            fn = "concat"
        dim = f", dim={d}" if fn in ("concatenate", "concat") else ""
        return b.add(fn, f"tg.{fn}([{a}, {y}]{dim})", [a, y])
    if fn in ("split_with_sizes", "unsafe_split_with_sizes"):
        if not nd or not ok:
            return
        sizes = []
        while sum(sizes) < length:
            sizes.append(b.draw(st.integers(0, length - sum(sizes))))
        if chance(b, 10):
            sizes.append(1)
        item = b.draw(st.integers(0, max(len(sizes) - 1, 0))) if sizes else 0
        code = choice(b, [f"tg.{fn}({a}, {sizes!r}, dim={d})", f"{a}.{fn}({sizes!r}, {d})"])
        code += f"[{item}]" if sizes else ""
        return b.add(fn, code + _UNSAFE_COPY if fn.startswith("unsafe") and sizes else code, [a])
    if fn in ("unsafe_split", "unsafe_chunk"):
        if not nd or not ok:
            return
        k = b.draw(st.integers(1, 3))
        return b.add(fn, choice(b, [f"tg.{fn}({a}, {k}, {d})", f"{a}.{fn}({k}, dim={d})"]) + "[0]" + _UNSAFE_COPY, [a])
    if fn == "broadcast_tensors":
        y = tensor_like(b, (1,) + tuple(m.shape), m.dtype)
        return b.add(fn, f"tg.broadcast_tensors({a}, {y})[{b.draw(st.integers(0, 1))}]", [a, y])
    if fn == "constant_pad_nd":
        pads = [b.draw(st.integers(-1, 2)) for _ in range(2 * b.draw(st.integers(0, min(nd, 2))))]
        return b.add(fn, f"tg.constant_pad_nd({a}, {pads!r}, {b.scalar('float')})", [a])
    if fn == "__iter__":
        if not nd or m.shape[0] == 0:
            return
        return b.add(fn, f"list({a}.__iter__())[{b.draw(st.integers(0, m.shape[0] - 1))}]", [a])
    if fn == "__pos__":
        return b.add(fn, f"{a}.__pos__()", [a])
    if fn in ("__mod__", "__rmod__"):
        other = b.scalar(choice(b, ["int", "float", "float"]))
        if fn == "__mod__":
            y = tensor_like(b, m.shape, m.dtype) if chance(b, 50) else other
            return b.add(fn, f"{a} % {y}", [a, y])
        return b.add(fn, f"{a}.__rmod__({other})", [a])
    if fn in ("resize", "resize_as"):
        # non-in-place resize: a reshape that warns it is deprecated
        if fn == "resize_as":
            y = _new(b, (m.numel,), m.dtype, requires_grad=False)
            return b.add(fn, f"{a}.resize_as({y})", [a, y])
        return b.add(fn, f"{a}.resize({m.numel}, 1)", [a])
    if fn in ("half", "cpu", "type"):
        code = {"half": f"{a}.half()", "cpu": f"{a}.cpu()", "type": f"{a}.type(tg.float32)"}[fn]
        return b.add(fn, code, [a])
    if fn == "squeeze":
        return b.add(fn, choice(b, [f"tg.squeeze({a}, {d})", f"tg.squeeze({a})"]), [a])
    if fn == "unbind":
        if not nd or not ok or length == 0:
            return
        return b.add(fn, f"tg.unbind({a}, {d})[{b.draw(st.integers(0, length - 1))}]", [a])
    if fn in ("subtract", "true_divide"):
        y = tensor_like(b, m.shape, m.dtype) if chance(b, 60) else b.scalar()
        more = f", alpha={choice(b, [2, -0.5])}" if fn == "subtract" and chance(b, 40) else ""
        return b.add(fn, choice(b, [f"tg.{fn}({a}, {y}{more})", f"{a}.{fn}({y}{more})"]), [a, y])
    if fn == "select":
        if not nd or not ok or length == 0:
            return
        return b.add(fn, choice(b, [f"tg.select({a}, {d}, {b.draw(st.integers(-length, length - 1))})",
                                    f"{a}.select({d}, {b.draw(st.integers(-length, length - 1))})"]), [a])
    if fn == "unflatten":
        if not nd or not ok:
            return
        sizes = choice(b, [(1, -1), (-1, 1)] + ([(2, -1)] if length % 2 == 0 and length else []))
        return b.add(fn, choice(b, [f"tg.unflatten({a}, {d}, {sizes!r})", f"{a}.unflatten({d}, {sizes!r})"]), [a])
    if nd != 2:
        a = _new(b, (b.draw(st.integers(0, 3)), b.draw(st.integers(1, 3))), choice(b, ["float64", "int64"]))
    b.add(fn, choice(b, [f"tg.trace({a})", f"{a}.trace()"]), [a])


# ---- reductions, selection, scatter and friends ---------------------------------------------
@op("misc_rest", weight=3, extra=True)
def _misc_rest(b, name):
    a = _some(b, lambda m: m.ndim >= 1 and m.numel > 0, shape=choice(b, [(3,), (2, 3), (2, 1, 2), (1,)]))
    m = b.meta(a)
    nd, dt = m.ndim, m.dtype
    d = b.draw(st.integers(-nd, nd - 1)) if nd else 0
    length = m.shape[d] if nd else 1
    item = b.draw(st.integers(0, 1))
    fn = choice(b, ["cummax", "cummin", "mode", "nanquantile", "diff", "dist", "renorm", "frexp", "igamma",
                    "igammac", "mvlgamma", "lerp", "logaddexp2", "acosh", "erfinv", "fmin", "log_softmax",
                    "index_put", "index_reduce", "put", "masked_fill", "masked_scatter", "scatter",
                    "scatter_reduce", "segment_reduce", "fill", "embedding", "embedding_bag", "sort", "softmax",
                    "selu", "square", "tan", "trunc", "take", "trapezoid", "trapz", "vander", "cumprod"])
    if fn in ("cummax", "cummin"):
        return b.add(fn, f"{a}.{fn}({d})[{item}]", [a])
    if fn == "mode":
        return b.add(fn, f"{a}.mode({d}, keepdim={b.draw(st.booleans())})[{item}]", [a])
    if fn == "nanquantile":
        q = choice(b, ["0.5", "0.0", "1.0", "0.3"])
        return b.add(fn, f"tg.nanquantile({a}, {q}, dim={d}, interpolation={choice(b, ['linear', 'nearest'])!r})",
                     [a])
    if fn == "diff":
        pre = f", prepend={tensor_like(b, m.shape, dt)}" if chance(b, 30) else ""
        return b.add(fn, f"tg.diff({a}, n={b.draw(st.integers(0, 2))}, dim={d}{pre})", [a])
    if fn == "dist":
        y = tensor_like(b, m.shape, dt)
        p = choice(b, ["1", "2", "3", "float('inf')", "0.5"])
        return b.add(fn, f"{a}.dist({y}, {p})", [a, y])
    if fn == "renorm":
        if nd < 2:
            return
        return b.add(fn, f"{a}.renorm({choice(b, [1, 2, 3])}, {d}, {choice(b, [0.5, 1.5])})", [a])
    if fn == "frexp":
        return b.add(fn, f"{a}.frexp()[0]" if item == 0 else f"{a}.frexp()[1].long()", [a])
    if fn in ("igamma", "igammac"):
        y = tensor_like(b, m.shape, dt)
        return b.add(fn, f"({a}.abs() + 0.5).{fn}({y}.abs())", [a, y])
    if fn == "mvlgamma":
        p = b.draw(st.integers(1, 3))
        return b.add(fn, f"tg.mvlgamma({a}.abs() + {(p - 1) / 2 + 0.1}, {p})", [a])
    if fn == "lerp":
        y = tensor_like(b, m.shape, dt)
        w = tensor_like(b, m.shape, dt) if chance(b, 40) else b.scalar("float")
        return b.add(fn, f"{a}.lerp({y}, {w})", [a, y, w])
    if fn in ("logaddexp2", "fmin"):
        y = tensor_like(b, m.shape, dt) if chance(b, 70) else _new(b, m.shape[-1:], dt)
        return b.add(fn, f"{a}.logaddexp2({y})" if fn == "logaddexp2" else f"tg.fmin({a}, {y})", [a, y])
    if fn in ("acosh", "erfinv", "selu", "square", "tan", "trunc"):
        forms = {"acosh": f"{a}.acosh()", "erfinv": f"tg.erfinv({a})", "selu": f"tg.selu({a})",
                 "square": f"tg.square({a})", "tan": f"tg.tan({a})", "trunc": f"tg.trunc({a})"}
        return b.add(fn, forms[fn], [a])
    if fn in ("log_softmax", "softmax"):
        dtype = ", dtype=tg.float64" if chance(b, 25) else ""
        return b.add(fn, f"tg.{fn}({a}, {d}{dtype})", [a])
    if fn == "sort":
        return b.add(fn, f"tg.sort({a}, {d}, {b.draw(st.booleans())})[{item}]", [a])
    if fn == "take":
        idx = _new(b, (b.draw(st.integers(0, 3)),), "int64", -m.numel, m.numel - 1)
        return b.add(fn, f"{a}.take({idx})", [a, idx])
    if fn in ("trapezoid", "trapz"):
        if chance(b, 50):
            xs = _new(b, (length,), dt, requires_grad=chance(b, 50))
            return b.add(fn, f"tg.{fn}({a}, {xs}, dim={d})", [a, xs])
        return b.add(fn, f"tg.trapezoid({a}, dx={choice(b, [1.0, 0.5, 2])}, dim={d})"
                     if fn == "trapezoid" else f"tg.trapz({a}, dx={choice(b, [1.0, 0.5])}, dim={d})", [a])
    if fn == "vander":
        return b.add(fn, f"tg.vander({a}.reshape(-1)[:4], N={b.draw(st.integers(0, 3))}, "
                         f"increasing={b.draw(st.booleans())})", [a])
    if fn == "cumprod":
        return b.add(fn, f"tg.cumprod({a}, {d})", [a])
    if fn == "index_put":
        k = b.draw(st.integers(1, 3))
        acc = b.draw(st.booleans())
        idx = _new(b, (k,), "int64", 0, m.shape[0] - 1)
        src = _new(b, (k,) + m.shape[1:] if chance(b, 70) else m.shape[1:], dt)
        if not acc:  # (repeated indices without accumulate: the winner is unspecified)
            idx = f"tg.arange({min(k, m.shape[0])})"
            src = _new(b, (min(k, m.shape[0]),) + m.shape[1:], dt)
        return b.add(fn, f"tg.index_put({a}, ({idx},), {src}, accumulate={acc})", [a, src])
    if fn == "index_reduce":
        k = b.draw(st.integers(1, length))
        idx = _new(b, (k,), "int64", 0, length - 1)
        src = _new(b, m.shape[:d % nd] + (k,) + m.shape[d % nd + 1:], dt)
        reduce = choice(b, ["prod", "mean", "amax", "amin"])
        return b.add(fn, f"tg.index_reduce({a}, {d}, {idx}, {src}, {reduce!r}, include_self={b.draw(st.booleans())})",
                     [a, idx, src])
    if fn == "put":
        k = b.draw(st.integers(1, m.numel))
        idx = _new(b, (k,), "int64", -m.numel, m.numel - 1)
        src = _new(b, (k,), dt)
        return b.add(fn, f"tg.put({a}, {idx}, {src}, accumulate=True)", [a, src])
    if fn in ("masked_fill", "masked_scatter"):
        if fn == "masked_fill":
            value = b.scalar("float") if chance(b, 60) else f"tg.tensor({b.scalar('float')})"
            return b.add(fn, f"tg.masked_fill({a}, {a} > 0, {value})", [a])
        src = _new(b, m.shape, dt)
        return b.add(fn, f"tg.masked_scatter({a}, {a} < 0, {src})", [a, src])
    if fn in ("scatter", "scatter_reduce"):
        shape = tuple(b.draw(st.integers(1, s)) for s in m.shape)
        if fn == "scatter":
            # distinct targets along d (a repeated target's winner is unspecified)
            k = min(shape[d], length)
            shape = shape[:d % nd] + (k,) + shape[d % nd + 1:]
            perm = list(b.draw(st.permutations(range(length))))[:k]
            idx = f"tg.tensor({perm!r}).reshape({[-1 if i == d % nd else 1 for i in range(nd)]!r}).expand({shape!r})"
            if chance(b, 30):
                return b.add(fn, f"tg.scatter({a}, {d}, {idx}, {b.scalar('float')})", [a])
            src = _new(b, shape, dt)
            reduce = f", reduce={choice(b, ['add', 'multiply'])!r}" if chance(b, 20) else ""
            return b.add(fn, f"tg.scatter({a}, {d}, {idx}, {src}{reduce})", [a, src])
        idx = _new(b, shape, "int64", 0, length - 1)
        src = _new(b, shape, dt)
        reduce = choice(b, ["sum", "prod", "mean", "amax", "amin"])
        return b.add(fn, f"tg.scatter_reduce({a}, {d}, {idx}, {src}, {reduce!r}, include_self={b.draw(st.booleans())})",
                     [a, idx, src])
    if fn == "segment_reduce":
        n0 = m.shape[0]
        lengths = []
        while sum(lengths) < n0:
            lengths.append(b.draw(st.integers(0, n0 - sum(lengths))))
        reduce = choice(b, ["sum", "mean", "max", "min", "prod"])
        init = f", initial={choice(b, [0.0, 1.0, -2.0])}" if chance(b, 30) else ""
        unsafe = ", unsafe=True" if chance(b, 20) else ""
        return b.add(fn, f"tg.segment_reduce({a}, {reduce!r}, lengths=tg.tensor({lengths!r}){init}{unsafe})", [a])
    if fn == "fill":
        return b.add(fn, f"tg.fill({a}, {b.scalar('float')})", [a])
    w = _new(b, (b.draw(st.integers(2, 4)), b.draw(st.integers(1, 2))), "float64", requires_grad=True)
    rows = b.meta(w).shape[0]
    if fn == "embedding":
        idx = _new(b, choice(b, [(2,), (2, 2), ()]), "int64", 0, rows - 1)
        pad = f", {b.draw(st.integers(0, rows - 1))}" if chance(b, 30) else ", -1"
        return b.add(fn, f"tg.embedding({w}, {idx}{pad})", [w, idx])
    mode = choice(b, ["sum", "mean", "max"])
    if chance(b, 50):
        idx = _new(b, (b.draw(st.integers(1, 3)), b.draw(st.integers(1, 3))), "int64", 0, rows - 1)
        psw = ""
        if mode == "sum" and chance(b, 40):
            psw = f", per_sample_weights={_new(b, b.meta(idx).shape, 'float64')}"
        return b.add("embedding_bag", f"F.embedding_bag({idx}, {w}, mode={mode!r}{psw})", [w, idx])
    k = b.draw(st.integers(1, 4))
    idx = _new(b, (k,), "int64", 0, rows - 1)
    offsets = sorted({0} | {b.draw(st.integers(0, k)) for _ in range(b.draw(st.integers(0, 2)))})
    # (include_last_offset with a single offset -- no bag -- in mode 'max' crashes PyTorch 2.13: a
    # segmentation fault in its kernel; that case is left out)
    last = f", include_last_offset={b.draw(st.booleans())}" if chance(b, 30) and len(offsets) > 1 else ""
    if chance(b, 30):  # tg.embedding_bag(weight, indices, offsets, scale_grad, mode as int, ...)[0]
        return b.add("embedding_bag", f"tg.embedding_bag({w}, {idx}, tg.tensor({offsets!r}), False, "
                                      f"{['sum', 'mean', 'max'].index(mode)})[0]", [w, idx])
    b.add("embedding_bag", f"F.embedding_bag({idx}, {w}, tg.tensor({offsets!r}), mode={mode!r}{last})", [w, idx])


# ---- nn: tg. forms of losses and normalizations, native_*, deterministic dropouts ------------
@op("nn_rest", weight=3, extra=True)
def _nn_rest(b, name):
    dt = _float(b)
    bsz, c = b.draw(st.integers(1, 3)), b.draw(st.integers(1, 3))
    fn = choice(b, ["celu", "prelu", "rrelu", "cosine_similarity", "pairwise_distance", "pdist", "kl_div",
                    "bilinear", "binary_cross_entropy_with_logits", "cosine_embedding_loss", "hinge_embedding_loss",
                    "poisson_nll_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss", "group_norm",
                    "instance_norm", "layer_norm", "batch_norm", "local_response_norm", "native_batch_norm",
                    "native_group_norm", "native_layer_norm", "norm_except_dim",
                    "native_channel_shuffle", "dropout", "native_dropout", "scaled_dot_product_attention",
                    "linear_cross_entropy", "log_softmax"])
    x = _new(b, (bsz, c), dt)
    if fn in ("celu", "rrelu", "log_softmax"):
        code = {"celu": f"tg.celu({x}, {choice(b, [0.5, 1.0, 2.0])})",
                "rrelu": f"tg.rrelu({x}, 0.1, 0.3, training=False)",
                "log_softmax": f"tg.log_softmax({x}, -1)"}[fn]
        return b.add(fn, code, [x])
    if fn == "prelu":
        w = _new(b, choice(b, [(1,), (c,)]), dt, -1.0, 1.0)
        return b.add(fn, choice(b, [f"tg.prelu({x}, {w})", f"{x}.prelu({w})"]), [x, w])
    y = _new(b, (bsz, c), dt)
    red = choice(b, [0, 1, 2])  # (the tg. forms take PyTorch's int reduction enum: none, mean, sum)
    if fn in ("cosine_similarity", "pairwise_distance"):
        extra = f"{choice(b, [0, 1])}, 1e-8" if fn == "cosine_similarity" else f"{choice(b, [1.0, 2.0, 3.0])}, 1e-6"
        return b.add(fn, f"tg.{fn}({x}, {y}, {extra})", [x, y])
    if fn == "pdist":
        return b.add(fn, f"tg.pdist({x}, {choice(b, [1.0, 2.0, 0.5])})", [x])
    if fn == "kl_div":
        return b.add(fn, f"tg.kl_div({x}, {y}, {red}, log_target={b.draw(st.booleans())})", [x, y])
    if fn == "bilinear":
        w = _new(b, (2, c, c), dt)
        bias = _new(b, (2,), dt) if chance(b, 50) else "None"
        return b.add(fn, f"tg.bilinear({x}, {y}, {w}, {bias})", [x, y, w])
    t = _new(b, (bsz, c), dt, -1.0, 1.0, False)
    if fn == "binary_cross_entropy_with_logits":
        pw = _new(b, (c,), dt, 0.5, 2.0) if chance(b, 40) else "None"
        return b.add(fn, f"tg.binary_cross_entropy_with_logits({x}, {t}.abs(), None, {pw}, {red})", [x, t])
    if fn == "cosine_embedding_loss":
        return b.add(fn, f"tg.cosine_embedding_loss({x}, {y}, {t}[:, 0].sign(), 0.5, {red})", [x, y, t])
    if fn == "hinge_embedding_loss":
        return b.add(fn, f"tg.hinge_embedding_loss({x}, {t}.sign(), 1.0, {red})", [x, t])
    if fn == "poisson_nll_loss":
        log = b.draw(st.booleans())
        return b.add(fn, f"tg.poisson_nll_loss({x if log else f'{x}.abs()'}, {t}.abs() * 3, {log}, "
                         f"{b.draw(st.booleans())}, 1e-8, {red})", [x, t])
    if fn in ("triplet_margin_loss", "triplet_margin_with_distance_loss"):
        z = _new(b, (bsz, c), dt)
        if fn == "triplet_margin_loss":
            return b.add(fn, f"tg.triplet_margin_loss({x}, {y}, {z}, 1.0, {choice(b, [1.0, 2.0])}, 1e-6, "
                             f"{b.draw(st.booleans())}, {red})", [x, y, z])
        dist = choice(b, ["None", "F.pairwise_distance", "lambda a, b: (a - b).abs().sum(-1)"])
        return b.add(fn, f"F.triplet_margin_with_distance_loss({x}, {y}, {z}, distance_function={dist}, "
                         f"margin={choice(b, [0.5, 1.0])}, swap={b.draw(st.booleans())}, "
                         f"reduction={choice(b, ['mean', 'sum', 'none'])!r})", [x, y, z])
    img = _new(b, (bsz, c, b.draw(st.integers(1, 3))), dt)
    w, bias = _new(b, (c,), dt), _new(b, (c,), dt)
    if fn == "group_norm":
        g = choice(b, [g for g in (1, 2, 3) if c % g == 0])
        return b.add(fn, f"tg.group_norm({img}, {g}, {w}, {bias}, 1e-5, False)", [img, w, bias])
    if fn == "native_group_norm":
        g = choice(b, [g for g in (1, 2, 3) if c % g == 0])
        L = b.meta(img).shape[-1]
        item = b.draw(st.integers(0, 2))
        return b.add(fn, f"tg.native_group_norm({img}, {w}, {bias}, {bsz}, {c}, {L}, {g}, 1e-5)[{item}]",
                     [img, w, bias])
    if fn == "instance_norm":
        return b.add(fn, f"tg.instance_norm({img}, {w}, {bias}, None, None, True, 0.1, 1e-5, False)", [img, w, bias])
    if fn in ("layer_norm", "native_layer_norm"):
        shape = tuple(b.meta(img).shape[-b.draw(st.integers(1, 2)):])
        lw = _new(b, shape, dt) if chance(b, 70) else "None"
        if fn == "layer_norm":
            return b.add(fn, f"tg.layer_norm({img}, {list(shape)}, {lw}, None, 1e-5, False)", [img])
        return b.add(fn, f"tg.native_layer_norm({img}, {list(shape)}, {lw}, None, 1e-5)[{b.draw(st.integers(0, 2))}]",
                     [img])
    if fn in ("batch_norm", "native_batch_norm"):
        training = b.draw(st.booleans())
        rm = _new(b, (c,), dt, -1.0, 1.0, False)
        rv = _new(b, (c,), dt, 0.5, 2.0, False)
        if fn == "batch_norm":
            return b.add(fn, f"tg.batch_norm({img}, {w}, {bias}, {rm}, {rv}, {training}, 0.1, 1e-5, False)",
                         [img, w, bias])
        return b.add(fn, f"tg.native_batch_norm({img}, {w}, {bias}, {rm}, {rv}, {training}, 0.1, 1e-5)"
                         f"[{b.draw(st.integers(0, 2)) if training else 0}]", [img, w, bias])
    if fn == "local_response_norm":
        return b.add(fn, f"F.local_response_norm({img}, {b.draw(st.integers(1, 3))}, alpha=0.1, beta=0.75, k=1.0)",
                     [img])
    if fn == "norm_except_dim":
        return b.add(fn, f"tg.norm_except_dim({img}, {choice(b, [1, 2])}, {b.draw(st.integers(-1, 2))})", [img])
    if fn == "native_channel_shuffle":
        g = choice(b, [g for g in (1, 2, 3) if c % g == 0])
        return b.add(fn, f"F.native_channel_shuffle({img}, {g})", [img])
    if fn == "dropout":
        # the deterministic forms: not training (the identity) or p = 0
        form = choice(b, ["F.dropout1d({x}, 0.5, training=False)", "F.dropout2d({x}, 0.5, training=False)",
                          "F.dropout3d({x}.unsqueeze(-1), 0.5, training=False)",
                          "F.alpha_dropout({x}, 0.5, training=False)",
                          "F.feature_alpha_dropout({x}, 0.5, training=False)", "tg.dropout({x}, 0.5, False)",
                          "tg.alpha_dropout({x}, 0.3, False)", "tg.feature_alpha_dropout({x}, 0.3, False)",
                          "tg.feature_dropout({x}, 0.3, False)", "tg.dropout({x}, 0.0, True)"])
        return b.add(fn, form.format(x=img), [img])
    if fn == "native_dropout":
        return b.add(fn, f"tg.native_dropout({img}, 0.5, False)[{b.draw(st.integers(0, 1))}]", [img])
    if fn == "scaled_dot_product_attention":
        L, S, E = b.draw(st.integers(1, 3)), b.draw(st.integers(1, 3)), b.draw(st.integers(1, 2))
        q, k, v = _new(b, (bsz, L, E), dt), _new(b, (bsz, S, E), dt), _new(b, (bsz, S, E), dt)
        kind = choice(b, ["none", "causal", "bool", "float"])
        mask = ""
        if kind == "causal":
            mask = ", is_causal=True"
        elif kind == "bool":
            mask = f", attn_mask={_new(b, (L, S), 'float64', requires_grad=False)} > -0.5"
        elif kind == "float":
            mask = f", attn_mask={_new(b, (L, S), dt, requires_grad=False)}"
        scale = f", scale={choice(b, [0.5, 2.0])}" if chance(b, 30) else ""
        return b.add(fn, f"F.scaled_dot_product_attention({q}, {k}, {v}{mask}{scale})", [q, k, v])
    # linear_cross_entropy: cross_entropy(linear(x, W, b), target) fused
    classes = b.draw(st.integers(1, 3))
    W = _new(b, (classes, c), dt)
    target = _new(b, (bsz,), "int64", 0, classes - 1)
    lb = f", linear_bias={_new(b, (classes,), dt)}" if chance(b, 40) else ""
    ls = f", label_smoothing={choice(b, [0.1, 0.5])}" if chance(b, 25) else ""
    b.add(fn, f"F.linear_cross_entropy({x}, {W}, {target}{lb}, reduction={choice(b, ['mean', 'sum', 'none'])!r}{ls})",
          [x, W, target])


# ---- recurrent cells and layers with given weights, conv_tbc, resampling, CTC, control flow ------
@op("nn_more_rest", weight=2, extra=True)
def _nn_more_rest(b, name):
    dt = "float64"
    fn = choice(b, ["cell", "cell", "rnn", "conv_tbc", "max_pool1d_with_indices",
                    "interpolate", "upsample", "grid_sample", "affine_grid",
                    "grid_sampler", "ctc_loss", "mha", "cond", "while_loop"])
    bsz, hin, hid = b.draw(st.integers(1, 2)), b.draw(st.integers(1, 3)), b.draw(st.integers(1, 2))
    if fn == "cell":
        kind = choice(b, ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"])
        gates = {"lstm_cell": 4, "gru_cell": 3}.get(kind, 1)
        x, h = _new(b, (bsz, hin), dt), _new(b, (bsz, hid), dt)
        wi, wh = _new(b, (gates * hid, hin), dt, -1.0, 1.0), _new(b, (gates * hid, hid), dt, -1.0, 1.0)
        bi, bh = (_new(b, (gates * hid,), dt), _new(b, (gates * hid,), dt)) if chance(b, 70) else ("None", "None")
        if kind == "lstm_cell":
            cx = _new(b, (bsz, hid), dt)
            return b.add(kind, f"tg.lstm_cell({x}, ({h}, {cx}), {wi}, {wh}, {bi}, {bh})[{b.draw(st.integers(0, 1))}]",
                         [x, h, cx, wi, wh])
        return b.add(kind, f"tg.{kind}({x}, {h}, {wi}, {wh}, {bi}, {bh})", [x, h, wi, wh])
    if fn == "rnn":
        kind = choice(b, ["rnn_tanh", "rnn_relu", "lstm", "gru"])
        gates = {"lstm": 4, "gru": 3}.get(kind, 1)
        T, batch_first = b.draw(st.integers(1, 3)), b.draw(st.booleans())
        x = _new(b, (bsz, T, hin) if batch_first else (T, bsz, hin), dt)
        params = [_new(b, (gates * hid, hin), dt, -1.0, 1.0), _new(b, (gates * hid, hid), dt, -1.0, 1.0)]
        bias = chance(b, 70)
        if bias:
            params += [_new(b, (gates * hid,), dt), _new(b, (gates * hid,), dt)]
        h = _new(b, (1, bsz, hid), dt)
        p = "[" + ", ".join(params) + "]"
        tail = f"{bias}, 1, 0.0, False, False, {batch_first}"
        item = b.draw(st.integers(0, 2 if kind == "lstm" else 1))
        if kind == "lstm":
            cx = _new(b, (1, bsz, hid), dt)
            return b.add(kind, f"tg.lstm({x}, ({h}, {cx}), {p}, {tail})[{item}]", [x, h, cx] + params)
        return b.add(kind, f"tg.{kind}({x}, {h}, {p}, {tail})[{item}]", [x, h] + params)
    if fn == "max_pool1d_with_indices":
        x = _new(b, (bsz, hin, b.draw(st.integers(1, 4))), dt)
        k = b.draw(st.integers(1, 2))
        stride, pad, ceil, item = (b.draw(st.integers(1, 2)), b.draw(st.integers(0, k // 2)), b.draw(st.booleans()),
                                   b.draw(st.integers(0, 1)))
        return b.add(fn, f"tg.max_pool1d_with_indices({x}, {k}, {stride}, {pad}, 1, {ceil})[{item}]", [x])
    if fn == "conv_tbc":
        T, k = b.draw(st.integers(1, 4)), b.draw(st.integers(1, 3))
        x = _new(b, (T, bsz, hin), dt)
        w, bias = _new(b, (k, hin, hid), dt), _new(b, (hid,), dt)
        return b.add(fn, f"tg.conv_tbc({x}, {w}, {bias}, {b.draw(st.integers(0, 1))})", [x, w, bias])
    if fn in ("interpolate", "upsample"):
        dims = b.draw(st.integers(1, 2))
        x = _new(b, (bsz, hin) + tuple(b.draw(st.integers(1, 3)) for _ in range(dims)), dt)
        size = tuple(b.draw(st.integers(1, 4)) for _ in range(dims))
        if fn == "upsample":
            kind = choice(b, ["F.upsample({x}, size={s}, mode='nearest')", "F.upsample_nearest({x}, size={s})"]
                          + (["F.upsample_bilinear({x}, size={s})"] if dims == 2 else []))
            return b.add(fn, kind.format(x=x, s=size), [x])
        mode = choice(b, ["nearest", "nearest-exact", "area"] + (["linear"] if dims == 1 else ["bilinear", "bicubic"]))
        corners = f", align_corners={b.draw(st.booleans())}" if "linear" in mode or mode == "bicubic" else ""
        how = f"size={size!r}" if chance(b, 60) else f"scale_factor={choice(b, [0.5, 1.5, 2.0])}"
        return b.add(fn, f"F.interpolate({x}, {how}, mode={mode!r}{corners})", [x])
    if fn in ("grid_sample", "affine_grid", "grid_sampler"):
        H, W = b.draw(st.integers(1, 3)), b.draw(st.integers(1, 3))
        theta = _new(b, (bsz, 2, 3), dt, -1.0, 1.0)
        corners = b.draw(st.booleans())
        if fn == "affine_grid":
            return b.add(fn, choice(b, [f"F.affine_grid({theta}, ({bsz}, 1, {H}, {W}), align_corners={corners})",
                                        f"tg.affine_grid_generator({theta}, ({bsz}, 1, {H}, {W}), {corners})"]),
                         [theta])
        x = _new(b, (bsz, hin, H, W), dt)
        grid = _new(b, (bsz, b.draw(st.integers(1, 3)), b.draw(st.integers(1, 3)), 2), dt, -1.2, 1.2)
        mode, pad = b.draw(st.integers(0, 1)), b.draw(st.integers(0, 2))
        if fn == "grid_sampler":
            space = choice(b, ["grid_sampler", "grid_sampler_2d", "grid_sampler_3d"])
            if space == "grid_sampler_3d":  # (a 5-D input and grid: one depth slice)
                x, grid = f"{x}.unsqueeze(2)", f"tg.cat([{grid}, {grid}[..., :1] * 0], -1).unsqueeze(1)"
            return b.add(space, f"tg.{space}({x}, {grid}, {mode}, {pad}, {corners})", [x, grid])
        names = ["bilinear", "nearest"][mode], ["zeros", "border", "reflection"][pad]
        return b.add(fn, f"F.grid_sample({x}, {grid}, mode={names[0]!r}, padding_mode={names[1]!r}, "
                         f"align_corners={corners})", [x, grid])
    if fn == "ctc_loss":
        T, classes = b.draw(st.integers(1, 4)), b.draw(st.integers(2, 3))
        logits = _new(b, (T, bsz, classes), dt)
        S = b.draw(st.integers(1, 2))
        targets = _new(b, (bsz, S), "int64", 1, classes - 1)
        in_len = f"tg.full(({bsz},), {T}, dtype=tg.int64)"
        tgt_len = f"tg.full(({bsz},), {S}, dtype=tg.int64)"
        zi = b.draw(st.booleans())
        if chance(b, 30):
            return b.add(fn, f"tg.ctc_loss({logits}.log_softmax(-1), {targets}, {in_len}, {tgt_len}, 0, "
                             f"{choice(b, [0, 1, 2])}, {zi})", [logits, targets])
        return b.add(fn, f"F.ctc_loss({logits}.log_softmax(-1), {targets}, {in_len}, {tgt_len}, "
                         f"reduction={choice(b, ['mean', 'sum', 'none'])!r}, zero_infinity={zi})", [logits, targets])
    if fn == "mha":
        E, heads = choice(b, [2, 4]), choice(b, [1, 2])
        L = b.draw(st.integers(1, 3))
        q = _new(b, (L, bsz, E), dt)
        w_in, b_in = _new(b, (3 * E, E), dt, -1.0, 1.0), _new(b, (3 * E,), dt)
        w_out, b_out = _new(b, (E, E), dt, -1.0, 1.0), _new(b, (E,), dt)
        item = b.draw(st.integers(0, 1))
        avg = b.draw(st.booleans())
        return b.add("multi_head_attention_forward",
                     f"F.multi_head_attention_forward({q}, {q}, {q}, {E}, {heads}, {w_in}, {b_in}, None, None, False, "
                     f"0.0, {w_out}, {b_out}, training=False, need_weights=True, average_attn_weights={avg})[{item}]",
                     [q, w_in, b_in, w_out, b_out])
    x = _new(b, (b.draw(st.integers(1, 3)),), dt)
    if fn == "cond":
        return b.add(fn, f"tg.cond({x}.sum() > 0, lambda t: t.sin() * 2, lambda t: t.cos() - t, ({x},))", [x])
    steps = b.draw(st.integers(0, 3))
    b.add(fn, f"tg.while_loop(lambda i, t: i < {steps}, lambda i, t: (i + 1, t * 0.5 + t.sin()), "
              f"(tg.tensor(0), {x}))[1]", [x])


# ---- in-place forms --------------------------------------------------------------------------------
# unary in-place ops drawn here as tg.fn_(t) and as t.fn_() (values outside a domain give nan in both)
UNARY_FN = ["abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "asin_",
            "asinh_", "atan_", "atanh_", "ceil_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp2_", "exp_",
            "expm1_", "fix_", "floor_", "frac_", "i0_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_",
            "neg_", "negative_", "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "selu_", "sigmoid_", "sin_",
            "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "zero_", "conj_physical_"]
UNARY_METHOD = ["absolute_", "acosh_", "arccos_", "arccosh_", "arcsinh_", "arctanh_", "asin_", "atan_", "atanh_",
                "cos_", "cosh_", "deg2rad_", "erfc_", "log1p_", "log_", "logit_", "nan_to_num_", "rad2deg_", "rsqrt_",
                "sgn_", "sin_", "sqrt_", "tanh_", "conj_physical_", "tan_", "trunc_", "square_", "sigmoid_"]
F_IN_PLACE = {"celu_": "", "elu_": "", "hardtanh_": ", -0.5, 0.5", "leaky_relu_": ", 0.2", "relu_": "",
              "rrelu_": ", 0.1, 0.3, training=False", "selu_": "", "threshold_": ", 0.5, -1.0"}


def _in_place_target(b) -> tuple[str, str] | None:
    """(expression to change in place, the value it belongs to): an existing value that may change,
    a fresh copy of an input, or a leaf that requires grad (refused by both), sometimes through a view."""
    kind = choice(b, ["existing", "existing", "copy", "copy", "leaf"])
    base = b.pick(lambda m: m.writable and m.is_float) if kind == "existing" else None
    if base is None and kind != "leaf":
        x = _new(b, choice(b, [(3,), (2, 3), (2, 1, 2), (), (1,)]), _float(b))
        b.add("clone", f"{x}.clone()", [x])
        if b.ended:
            return None
        base = b.names[-1]
    if kind == "leaf":
        base = _new(b, choice(b, [(3,), (2, 2)]), "float64", requires_grad=True)
    m = b.meta(base)
    if not m.ndim or chance(b, 60):
        return base, base
    # (views in both libraries whatever the memory layout: reshape views or copies as PyTorch's strides
    # allow, and those differ, e.g. for linalg.inv's column-major result)
    view = choice(b, [f"{base}[0]", f"{base}.transpose(0, -1)", f"{base}.view_as({base})", f"{base}[..., :1]",
                      f"{base}.unsqueeze(0)", f"{base}[1:]"])
    return view, base


@op("in_place_rest", weight=6, extra=True)
def _in_place_rest(b, name):
    found = _in_place_target(b)
    if found is None:
        return
    t, base = found
    try:
        m = b.meta(base)
        shape = tuple(eval(t, b.env).shape)
    except Exception:
        return
    dt = m.dtype
    kind = choice(b, ["fn", "fn", "method", "method", "F", "binary", "index", "index", "scan", "shape"])
    if kind == "fn":
        fn = choice(b, UNARY_FN + ["clamp_", "clamp_max_", "clamp_min_", "clip_", "fill_", "xlogy_", "ldexp_",
                                   "threshold_", "celu_", "rrelu_", "dropout_", "alpha_dropout_",
                                   "feature_alpha_dropout_", "feature_dropout_"])
        args = {"clamp_": ", -0.5, 0.5", "clip_": ", None, 0.5", "clamp_max_": ", 0.5", "clamp_min_": ", -0.5",
                "fill_": f", {b.scalar('float')}", "threshold_": ", 0.5, -1.0", "celu_": ", 0.5",
                "rrelu_": ", 0.1, 0.3, False", "dropout_": ", 0.5, False", "alpha_dropout_": ", 0.5, False",
                "feature_alpha_dropout_": ", 0.5, False", "feature_dropout_": ", 0.5, False"}.get(fn, "")
        if fn in ("xlogy_", "ldexp_"):
            other = (_new(b, shape, "int64", -2, 3) if fn == "ldexp_" else tensor_like(b, shape, dt))
            return b.add(fn, f"tg.{fn}({t}, {other})", [base, other])
        return b.add(fn, f"tg.{fn}({t}{args})", [base])
    if kind == "method":
        fn = choice(b, UNARY_METHOD + ["mvlgamma_", "polygamma_"])
        if fn == "mvlgamma_":
            return b.add(fn, f"{t}.abs_().add_(1.1).mvlgamma_({b.draw(st.integers(1, 2))})", [base])
        if fn == "polygamma_":
            return b.add(fn, f"{t}.polygamma_({b.draw(st.integers(0, 2))})", [base])
        return b.add(fn, f"{t}.{fn}()", [base])
    if kind == "F":
        fn = choice(b, list(F_IN_PLACE))
        return b.add(fn, f"F.{fn}({t}{F_IN_PLACE[fn]})", [base])
    if kind == "binary":
        fn = choice(b, ["clamp_max_", "clamp_min_", "divide_", "true_divide_", "fmod_", "hypot_", "igamma_",
                        "igammac_", "lerp_"])
        other = tensor_like(b, shape, dt) if chance(b, 60) or fn in ("hypot_", "igamma_", "igammac_") \
            else b.scalar("float")
        if fn in ("igamma_", "igammac_"):
            return b.add(fn, f"{t}.abs_().add_(0.5).{fn}({other}.abs())", [base, other])
        if fn == "lerp_":
            return b.add(fn, f"{t}.lerp_({other}, {choice(b, [0.5, 2.0])})", [base, other])
        more = f", rounding_mode={choice(b, ['floor', 'trunc'])!r}" if fn == "divide_" and chance(b, 30) else ""
        return b.add(fn, f"{t}.{fn}({other}{more})", [base, other])
    if kind == "scan":
        if not shape:
            return b.add("cumsum_", f"{t}.cumsum_(0)", [base])
        fn = choice(b, ["cumsum_", "cumprod_"])
        return b.add(fn, f"{t}.{fn}({dim_arg(b, len(shape))})", [base])
    if kind == "shape":
        if len(shape) < 2:
            return b.add("transpose_", f"{t}.transpose_(0, -1)" if shape else f"{t}.as_strided_((), ())", [base])
        fn = choice(b, ["transpose_", "tril_", "triu_", "as_strided_"])
        if fn == "as_strided_":
            return b.add(fn, choice(b, [f"{t}.as_strided_((1,), (1,))", f"tg.as_strided_({t}, (1,), (1,))"]), [base])
        if fn == "transpose_":
            return b.add(fn, f"{t}.transpose_(0, 1)", [base])
        return b.add(fn, f"{t}.{fn}({b.draw(st.integers(-1, 1))})", [base])
    # index ops in place
    if not shape or 0 in shape:
        return
    nd = len(shape)
    d = b.draw(st.integers(0, nd - 1))
    n = shape[d]
    fn = choice(b, ["index_add_", "index_copy_", "index_fill_", "index_put_", "index_put_fn", "index_reduce_",
                    "masked_scatter_", "put_", "scatter_", "scatter_add_", "scatter_reduce_"])
    k = b.draw(st.integers(1, n))
    perm = list(b.draw(st.permutations(range(n))))[:k]
    distinct = f"tg.tensor({perm!r})"
    src_shape = shape[:d] + (k,) + shape[d + 1:]
    if fn in ("index_add_", "index_copy_", "index_reduce_"):
        src = _new(b, src_shape, dt)
        if fn == "index_add_":
            idx = _new(b, (k,), "int64", 0, n - 1)
            return b.add(fn, f"{t}.index_add_({d}, {idx}, {src}, alpha={choice(b, [1, -2])})", [base, src])
        if fn == "index_copy_":
            return b.add(fn, f"{t}.index_copy_({d}, {distinct}, {src})", [base, src])
        idx = _new(b, (k,), "int64", 0, n - 1)
        reduce = choice(b, ["prod", "mean", "amax", "amin"])
        return b.add(fn, f"{t}.index_reduce_({d}, {idx}, {src}, {reduce!r}, include_self={b.draw(st.booleans())})",
                     [base, src])
    if fn == "index_fill_":
        return b.add(fn, f"{t}.index_fill_({d}, {distinct}, {b.scalar('float')})", [base])
    if fn in ("index_put_", "index_put_fn"):
        acc = b.draw(st.booleans())
        k0 = min(k, shape[0])
        idx = _new(b, (k0,), "int64", 0, shape[0] - 1) if acc else f"tg.tensor({list(range(k0))!r})"
        src = _new(b, (k0,) + shape[1:], dt)
        if fn == "index_put_fn":
            return b.add("index_put_", f"tg.index_put_({t}, ({idx},), {src}, {acc})", [base, src])
        return b.add(fn, f"{t}.index_put_(({idx},), {src}, accumulate={acc})", [base, src])
    if fn == "masked_scatter_":
        src = _new(b, shape, dt)
        return b.add(fn, f"{t}.masked_scatter_({t} > 0, {src})", [base, src])
    if fn == "put_":
        numel = 1
        for s in shape:
            numel *= s
        acc = b.draw(st.booleans())
        kk = b.draw(st.integers(1, numel))
        idx = (_new(b, (kk,), "int64", -numel, numel - 1) if acc
               else f"tg.tensor({list(b.draw(st.permutations(range(numel))))[:kk]!r})")
        src = _new(b, (kk,), dt)
        return b.add(fn, f"{t}.put_({idx}, {src}, accumulate={acc})", [base, src])
    idx_shape = tuple(1 if i == d else s for i, s in enumerate(shape))
    if fn == "scatter_":
        # one distinct target per slice along d (a repeated target's winner is unspecified)
        idx = _new(b, idx_shape, "int64", 0, n - 1)
        value = b.scalar("float") if chance(b, 40) else _new(b, idx_shape, dt)
        reduce = f", reduce={choice(b, ['add', 'multiply'])!r}" if chance(b, 20) else ""
        return b.add(fn, f"{t}.scatter_({d}, {idx}, {value}{reduce})", [base, value])
    idx = _new(b, shape, "int64", 0, n - 1)
    src = _new(b, shape, dt)
    if fn == "scatter_add_":
        return b.add(fn, f"{t}.scatter_add_({d}, {idx}, {src})", [base, src])
    reduce = choice(b, ["sum", "prod", "mean", "amax", "amin"])
    b.add(fn, f"{t}.scatter_reduce_({d}, {idx}, {src}, {reduce!r}, include_self={b.draw(st.booleans())})", [base, src])
