"""The shape, join and reduction names of tensor_shaping.py, tensor_statistics.py and
functions_shaping.py: values, dtypes, shapes and gradients against PyTorch (where installed),
views that share memory where PyTorch's do, error types; and a few checks against numpy or by
hand that need no torch.
Their gradients are also in the gradcheck registry (tests/registry/shaping.py)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 4, 5))
M = RNG.standard_normal((4, 4))
V = RNG.standard_normal(5)
D = RNG.permutation(60).reshape(3, 4, 5) * 0.5  # distinct values: no ties for order statistics

# `L` is tg or torch; a (3, 4, 5), m (4, 4), v (5,), d (3, 4, 5) distinct, all float64 requiring grad
EXPRESSIONS = [
    "L.narrow(a, 1, 1, 2)", "a.narrow(-1, -3, 2)", "a.narrow(0, 3, 0)", "L.movedim(a, 0, -1)",
    "a.movedim((0, 1), (2, 0))", "L.moveaxis(a, -1, 0)", "a.moveaxis((2,), (0,))", "a.swapaxes(0, 2)",
    "L.swapdims(a, 1, 2)", "a.swapdims(1, 1)", "a.broadcast_to((2, 3, 4, 5))", "L.broadcast_to(v, (3, 5))",
    "L.broadcast_tensors(v, m[:, :1])[1]", "L.broadcast_tensors(v[0], a)[0]", "a.unflatten(1, (2, 2))",
    "L.unflatten(a, -1, (-1, 1))", "m.fliplr()", "L.flipud(a)", "L.flipud(v)", "a.rot90()", "L.rot90(a, 2, (1, 2))",
    "a.rot90(-1, (2, 0))", "a.rot90(4)", "m.rot90(3)", "a.roll(1)", "L.roll(a, (1, -2), (0, 2))", "a.roll(7, 1)",
    "v[0].roll(2)", "a.diagonal()", "L.diagonal(a, 1, 1, 2)", "a.diagonal(-1, 2, 0)", "a.diagonal(2, -1, -2)",
    "m.diagonal(9)", "m.diag()", "L.diag(v, 1)", "L.diag(v, -2)", "L.diag(m, -1)", "a.diag_embed()",
    "L.diag_embed(v, 1, 0, 1)", "a.diag_embed(-1, 0, 2)", "m.trace()", "L.concat([a, a], 1)",
    "L.concatenate([a, a], axis=2)", "L.concat((a, a), axis=-1)", "L.hstack([v, v])", "L.hstack([m, m])",
    "L.hstack([v[0], v[1]])", "L.vstack([v, v])", "L.row_stack([m, m])", "L.dstack([m, m])", "L.dstack([v, v])",
    "L.column_stack([v, v[:5]])", "L.column_stack([m, m[0], m[0, 0].expand(4)])", "L.tensor_split(a, 3, 1)[2]",
    "a.tensor_split([1, 3], 2)[1]", "a.tensor_split((1, 9), 2)[2]", "a.tensor_split(L.tensor([1, 2]), 0)[1]",
    "a.tensor_split(L.tensor(2), -1)[0]", "L.hsplit(m, 2)[1]", "v.hsplit([2])[1]", "a.vsplit([1])[1]", "a.dsplit(5)[3]",
    "L.atleast_3d(v)", "L.atleast_3d(m)", "L.atleast_2d(v)", "L.atleast_2d(v[0])", "L.atleast_1d(v[0])",
    "L.atleast_1d(v, a)[1]", "L.atleast_3d([v[0], m])[0]", "L.block_diag(m, v, v[0])", "L.block_diag(v)",
    "L.cartesian_prod(v[:2], v[:3], v[:2])", "L.cartesian_prod(v)", "L.meshgrid(v[:2], v[:3], indexing='xy')[0]",
    "L.meshgrid([v[:2], v[:3], v[:1]], indexing='xy')[2]", "L.meshgrid(v[:2], v[:3], indexing='ij')[1]",
    "L.meshgrid(v[0], v[:3], indexing='ij')[0]", "a.repeat_interleave(2)", "L.repeat_interleave(a, 2, 1)",
    "a.repeat_interleave(L.tensor([1, 0, 2]), dim=0)", "a.repeat_interleave(L.tensor(2), dim=-1, output_size=10)",
    "m.kron(v)", "L.kron(a, m)", "v[0].kron(v[1])", "L.tensordot(a[..., :4], m, 1)",
    "L.tensordot(a, a, ([0, 1], [0, 1]))", "L.tensordot(m, m, 0)", "L.tensordot(a, a, 3)",
    "L.tensordot(a, d, dims=([2, 0], [2, 0]))",
    "L.cross(a[:, :3], a[:, 1:], dim=1)", "a[:, :3].cross(a[:1, 1:], 1)", "L.cross(m[:3, :3], m[1:, 1:], dim=-1)",
    "L.cdist(a, d)", "L.cdist(m, m[:2], p=1)", "L.cdist(a[:, :, :2], a[:, :2, :2], p=3.5)",
    "L.cdist(m, m * 2, p=float('inf'))", "L.cdist(m[:1], a[:, :, :4], p=0)", "a.cumprod(1)", "L.cumprod(a, -1)",
    "v[0].cumprod(0)", "a.cummax(1).values", "a.cummax(1).indices", "L.cummin(a, 2)[1]", "L.cummin(a, 2)[0]",
    "a.logcumsumexp(1)", "L.logcumsumexp(a * 100, 2)", "v[0].logcumsumexp(-1)", "a.diff()", "L.diff(a, 2, 0)",
    "a.diff(1, 1, prepend=a[:, :1], append=a[:, :2])", "v.diff(9)", "L.var_mean(a, 1)[0]",
    "L.var_mean(a, (0, 2), keepdim=True)[1]", "L.std_mean(a, correction=0)[0]", "L.std_mean(a, 1, True)[0]",
    "d.median()", "d.median(1).values", "d.median(1, True).indices", "L.median(d[:, :2], 1)[0]",
    "L.nanmedian(d, 0)[0]", "d.nanmedian()", "d.mode(1).values", "L.mode(d, 0, True)[1]",
    "L.quantile(a, 0.3)", "a.quantile(L.tensor([0.1, 0.5, 1.0], dtype=L.float64), dim=1)", "a.quantile(0.25, 2, True)",
    "a.quantile(L.tensor([0.1, 0.5], dtype=L.float64), 0, True, interpolation='nearest')",
    "a.quantile(0.4, 1, interpolation='midpoint')", "a.quantile(0.4, 1, interpolation='lower')",
    "a.quantile(0.4, 1, interpolation='higher')", "L.quantile(a, L.tensor([0.3, 0.9], dtype=L.float64), keepdim=True)",
    "v[0].quantile(0.5)", "L.nanquantile(a, 0.7, 1)", "a.nanmean(1)", "L.nanmean(a, (0, 2), True)",
    "L.nansum(a, (0, 2))", "a.nansum()", "a.aminmax().min", "L.aminmax(a, dim=1, keepdim=True).max",
    "L.aminmax(a, keepdim=True)[0]",
    "m.cov()", "L.cov(v)", "L.cov(m, correction=0)", "m.corrcoef()", "L.corrcoef(v)",
    "L.cov(m, fweights=L.tensor([1, 2, 0, 3]), aweights=L.tensor([0.5, 1.0, 2.0, 0.1], dtype=L.float64))",
    "L.cov(m, correction=2, aweights=L.tensor([0.5, 1.0, 2.0, 0.1], dtype=L.float64))",
]


def _run(L, expression: str):
    """The expression's result (first element of a tuple), and the gradients of its sum."""
    leaves = {name: L.tensor(x, requires_grad=True) for name, x in (("a", A), ("m", M), ("v", V), ("d", D))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = eval(expression, {"L": L, **leaves})
    out = out[0] if isinstance(out, tuple) else out
    grads = None
    if out.requires_grad:
        out.sum().backward()
        grads = {k: None if t.grad is None else np.asarray(t.grad) for k, t in leaves.items()}
    return out, grads


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_matches_torch(torch, expression):
    ours, our_grads = _run(tg, expression)
    theirs, their_grads = _run(torch, expression)
    expected = theirs.detach().numpy()
    assert ours.shape == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    assert np.allclose(ours.numpy(), expected, rtol=1e-10, atol=1e-12, equal_nan=True)
    assert (our_grads is None) == (their_grads is None)
    if their_grads is not None:
        for name, grad in their_grads.items():
            assert (our_grads[name] is None) == (grad is None), name
            if grad is not None:
                assert np.allclose(our_grads[name], grad, rtol=1e-10, atol=1e-12), name


INT_EXPRESSIONS = ["i.trace()", "i.cumprod(1)", "L.cumprod(i.int(), 0)", "i.cummax(0).values", "i.diff()",
                   "(i > 3).diff(dim=0)", "i.nansum(1)", "i.median()", "i.median(0).indices", "i.mode(0).values",
                   "L.cov(i)", "L.kron(i, i)", "i.roll(1, 0)", "i.diag()", "i.diag_embed()", "L.hstack([i, i.int()])",
                   "L.block_diag(i, i.float())", "i.repeat_interleave(2)", "i.aminmax().max", "L.cumprod(i > 2, 1)",
                   "L.cross(i[:, :3], i[:, 1:], dim=1)", "i.flipud()", "L.atleast_3d(i).narrow(1, 1, 1)"]


@pytest.mark.parametrize("expression", INT_EXPRESSIONS)
def test_integer_inputs_match_torch(torch, expression):
    data = np.array([[3, 1, 4, 1], [5, 9, 2, 6], [5, 3, 5, 8]])
    ours = eval(expression, {"L": tg, "i": tg.tensor(data)})
    theirs = eval(expression, {"L": torch, "i": torch.tensor(data)})
    ours, theirs = (ours[0], theirs[0]) if isinstance(ours, tuple) else (ours, theirs)
    expected = str(theirs.dtype).replace("torch.", "")
    if "cov" in expression:  # a float result of integers: the default float dtype (float64 here)
        expected = str(tg.get_default_dtype())
    assert str(ours.dtype) == expected
    assert np.allclose(ours.numpy(), theirs.numpy())


VIEWS = ["t.narrow(1, 1, 2)", "t.movedim(0, 1)", "t.moveaxis(0, -1)", "t.swapaxes(0, 1)", "t.swapdims(0, 1)",
         "t.broadcast_to((2, 3, 4))", "lib.broadcast_tensors(t, lib.zeros(2, 1, 1))[0]", "t.unflatten(1, (2, 2))",
         "t.diagonal()", "t.diagonal(1)", "lib.diagonal(t, -1, 1, 0)", "t.tensor_split(2, 1)[1]", "t.hsplit(2)[0]",
         "t.vsplit([1])[1]", "lib.atleast_3d(t)", "lib.meshgrid(t[0], t[1], indexing='ij')[1]",
         "lib.cartesian_prod(t[0])"]
COPIES = ["t.fliplr()", "t.flipud()", "t.rot90()", "t.rot90(0)", "t.roll(1)", "t.roll(0, 0)", "t.diag()",
          "t[0].diag()", "t.diag_embed()", "t.repeat_interleave(1)", "lib.kron(t, lib.ones(1, 1))",
          "t.cumprod(0)", "t.diff(0)", "lib.block_diag(t)", "lib.hstack([t])"]


@pytest.mark.parametrize("expression", VIEWS + COPIES)
def test_views_share_memory_as_in_torch(torch, expression):
    def shares(lib, make):
        t = make(np.arange(12.0).reshape(3, 4))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = eval(expression, {"t": t, "lib": lib})
        before = np.array(out.numpy() if lib is tg else out.detach().numpy(), copy=True)
        with lib.no_grad():
            t.add_(100.0)
        after = out.numpy() if lib is tg else out.detach().numpy()
        return not np.array_equal(before, after) if before.size else None

    ours, theirs = shares(tg, tg.tensor), shares(torch, torch.tensor)
    assert ours == theirs
    assert ours is (expression in VIEWS)


def test_writing_into_a_diagonal_view_changes_the_tensor():
    x = tg.zeros(3, 3)
    x.diagonal().fill_(1.0)
    assert np.array_equal(x.numpy(), np.eye(3))
    w = tg.tensor(np.arange(9.0).reshape(3, 3), requires_grad=True)
    y = w * 1.0
    y.diagonal().mul_(2.0)  # recorded: the gradient of y's diagonal entries doubles
    y.sum().backward()
    assert np.array_equal(w.grad.numpy(), np.ones((3, 3)) + np.eye(3))
    assert np.array_equal(y.detach().numpy(), np.arange(9.0).reshape(3, 3) * (1 + np.eye(3)))


def test_cumprod_gradient_with_zeros(torch):
    for data in ([2.0, 0.0, 3.0, 4.0], [0.0, 0.0, 5.0, 2.0], [1.5, -2.0, 0.5, 0.0]):
        x = tg.tensor(data, requires_grad=True)
        x.cumprod(0).sum().backward()
        t = torch.tensor(data, requires_grad=True, dtype=torch.float64)
        t.cumprod(0).sum().backward()
        assert np.allclose(x.grad.numpy(), t.grad.numpy())
    x = tg.tensor([[2.0, 0.0, 3.0]], requires_grad=True)
    (g,) = tg.grad(x.cumprod(1).sum(), x, create_graph=True)
    (gg,) = tg.grad(g.sum(), x)
    t = torch.tensor([[2.0, 0.0, 3.0]], requires_grad=True, dtype=torch.float64)
    (tgr,) = torch.autograd.grad(t.cumprod(1).sum(), t, create_graph=True)
    (tgg,) = torch.autograd.grad(tgr.sum(), t)
    assert np.allclose(g.detach().numpy(), tgr.detach().numpy()) and np.allclose(gg.numpy(), tgg.numpy())


def test_cumprod_gradient_with_zeros_by_hand():
    # y = (x0, x0 x1, x0 x1 x2) at x = (2, 0, 3): d(Σy)/dx = (1 + x1 + x1 x2, x0 + x0 x2, x0 x1) = (1, 8, 0)
    x = tg.tensor([2.0, 0.0, 3.0], requires_grad=True)
    x.cumprod(0).sum().backward()
    assert x.grad.tolist() == [1.0, 8.0, 0.0]


def test_ties_and_nan_follow_torch(torch):
    data = [1.0, 3.0, 3.0, 2.0, float("nan"), 5.0, float("nan")]
    for name in ("cummax", "cummin"):
        ours, theirs = getattr(tg.tensor(data), name)(0), getattr(torch.tensor(data), name)(0)
        assert ours.indices.tolist() == theirs.indices.tolist()
        assert np.array_equal(ours.values.numpy(), theirs.values.numpy(), equal_nan=True)
    for data in ([1.0, 2.0, 2.0, 1.0, 3.0], [2.0, 2.0, 1.0, 1.0], [4.0, 4.0, 4.0]):
        ours, theirs = tg.tensor(data).mode(), torch.tensor(data).mode()
        assert (ours.values.item(), ours.indices.item()) == (theirs.values.item(), theirs.indices.item())
        ours, theirs = tg.tensor(data).median(0), torch.tensor(data).median(0)
        assert (ours.values.item(), ours.indices.item()) == (theirs.values.item(), theirs.indices.item())
    nan = float("nan")
    for data in ([1.0, nan, 2.0, nan], [nan, nan], [3.0, 1.0, nan, 2.0]):
        for name in ("median", "nanmedian"):
            ours, theirs = getattr(tg.tensor(data), name)(0), getattr(torch.tensor(data), name)(0)
            assert np.array_equal(ours.values.numpy(), theirs.values.numpy(), equal_nan=True)
            assert ours.indices.item() == theirs.indices.item(), (name, data)
            assert np.array_equal(getattr(tg.tensor(data), name)().numpy(), getattr(torch.tensor(data), name)().numpy(),
                                  equal_nan=True)
        for name in ("quantile", "nanquantile"):
            ours = getattr(tg.tensor(data), name)(tg.tensor([0.0, 0.5, 0.75]))
            q = torch.tensor([0.0, 0.5, 0.75], dtype=torch.float64)
            theirs = getattr(torch.tensor(data, dtype=torch.float64), name)(q)
            assert np.array_equal(ours.numpy(), theirs.numpy(), equal_nan=True), (name, data)
        assert np.allclose(tg.tensor(data).nanmean().item(), torch.tensor(data).nanmean().item(), equal_nan=True)


def test_named_tuples():
    x = tg.tensor([[1.0, 3.0], [2.0, 0.0]])
    for result, fields in ((x.cummax(1), ("values", "indices")), (x.cummin(0), ("values", "indices")),
                           (x.median(0), ("values", "indices")), (x.nanmedian(1), ("values", "indices")),
                           (x.mode(0), ("values", "indices")), (x.aminmax(), ("min", "max"))):
        assert result._fields == fields
        assert type(result).__name__ in repr(result)
    assert x.aminmax() == (x.aminmax().min, x.aminmax().max)
    assert x.aminmax().max.item() == 3.0 and x.aminmax().min.item() == 0.0
    var, mean = tg.var_mean(x, 1)  # plain tuples, as PyTorch's
    assert type(tg.var_mean(x)) is tuple and mean.tolist() == [2.0, 1.0] and var.tolist() == [2.0, 2.0]


def test_values_against_numpy():
    a = tg.tensor(A)
    assert np.array_equal(a.narrow(2, 1, 3).numpy(), A[:, :, 1:4])
    assert np.array_equal(tg.movedim(a, (0, 2), (2, 0)).numpy(), np.moveaxis(A, (0, 2), (2, 0)))
    assert np.array_equal(a.roll((1, -2), (0, 2)).numpy(), np.roll(A, (1, -2), (0, 2)))
    assert np.array_equal(a.roll(3).numpy(), np.roll(A, 3))
    assert np.array_equal(a.rot90(1, (1, 2)).numpy(), np.rot90(A, 1, (1, 2)))
    assert np.array_equal(a.diagonal(1, 0, 2).numpy(), np.diagonal(A, 1, 0, 2))
    assert np.array_equal(tg.diag(tg.tensor(V), -1).numpy(), np.diag(V, -1))
    assert np.allclose(tg.tensordot(a, tg.tensor(M), ([1], [0])).numpy(), np.tensordot(A, M, ([1], [0])))
    assert np.allclose(tg.kron(tg.tensor(M), a).numpy(), np.kron(M, A))
    assert np.allclose(a.cumprod(1).numpy(), np.cumprod(A, 1))
    assert np.allclose(a.logcumsumexp(2).numpy(), np.logaddexp.accumulate(A, 2))
    assert np.allclose(a.diff(2, 0).numpy(), np.diff(A, 2, 0))
    assert np.allclose(a.quantile(tg.tensor([0.2, 0.9]), 1).numpy(), np.quantile(A, [0.2, 0.9], 1))
    assert np.allclose(a.median().numpy(), np.sort(A.ravel())[(A.size - 1) // 2])
    assert np.allclose(tg.cov(tg.tensor(M)).numpy(), np.cov(M))
    assert np.allclose(tg.corrcoef(tg.tensor(M)).numpy(), np.corrcoef(M))
    w, f = np.array([0.5, 1.0, 2.0, 0.1]), np.array([1, 2, 0, 3])
    assert np.allclose(tg.cov(tg.tensor(M), fweights=tg.tensor(f), aweights=tg.tensor(w)).numpy(),
                       np.cov(M, fweights=f, aweights=w))
    grids = tg.meshgrid(tg.arange(3), tg.arange(2), indexing="xy")
    assert all(np.array_equal(g.numpy(), n) for g, n in zip(grids, np.meshgrid(np.arange(3), np.arange(2))))
    assert tg.cartesian_prod(tg.tensor([1, 2]), tg.tensor([3, 4])).tolist() == [[1, 3], [1, 4], [2, 3], [2, 4]]
    assert tg.block_diag(tg.tensor([[1, 2]]), tg.tensor(3)).tolist() == [[1, 2, 0], [0, 0, 3]]
    assert [p.shape for p in tg.tensor_split(tg.arange(7), 3)] == [(3,), (2,), (2,)]
    assert tg.repeat_interleave(tg.tensor([2, 0, 1])).tolist() == [0, 0, 2]
    assert tg.broadcast_shapes((2, 1), (3,), 1) == (2, 3)
    assert tg.cdist(tg.tensor([[0.0, 0.0]]), tg.tensor([[3.0, 4.0]])).item() == 5.0
    assert tg.cross(tg.tensor([1.0, 0.0, 0.0]), tg.tensor([0.0, 1.0, 0.0]), dim=0).tolist() == [0.0, 0.0, 1.0]
    assert tg.nansum(tg.tensor([1.0, float("nan"), 2.0])).item() == 3.0
    assert tg.median(a, axis=1).values.shape == (3, 5)  # numpy's names are accepted
    assert tg.quantile(a, 0.5, axis=0, keepdims=True).shape == (1, 4, 5)


def test_empty_and_zero_d():
    empty = tg.zeros(0, 3)
    assert empty.cumprod(0).shape == (0, 3) and empty.cummax(1).values.shape == (0, 3)
    assert empty.logcumsumexp(0).shape == (0, 3) and empty.diff(dim=0).shape == (0, 3)
    assert empty.roll(1, 0).shape == (0, 3) and empty.diagonal().shape == (0,)
    assert np.isnan(tg.median(tg.zeros(0)).item())
    scalar = tg.tensor(2.5, requires_grad=True)
    assert scalar.cumprod(0).item() == 2.5 and scalar.cummax(0).indices.item() == 0
    assert scalar.logcumsumexp(-1).item() == 2.5 and scalar.median(0).values.item() == 2.5
    assert scalar.roll(3).item() == 2.5 and tg.atleast_2d(scalar).shape == (1, 1)
    assert scalar.quantile(0.5).item() == 2.5 and scalar.nansum().item() == 2.5


def test_meshgrid_warns_without_indexing_like_torch(torch):
    with pytest.warns(UserWarning, match="indexing"):
        tg.meshgrid(tg.arange(2), tg.arange(3))
    with pytest.warns(UserWarning, match="dim"):
        tg.cross(tg.ones(3), tg.ones(3))


ERRORS = [
    ("x.narrow(1, 4, 1)", "narrow"), ("x.narrow(1, 1, 5)", "narrow"), ("L.zeros(()).narrow(0, 0, 1)", "narrow"),
    ("x.movedim((0, 1), (0,))", "movedim"), ("x.movedim((0, 0), (0, 1))", "movedim"), ("x.movedim(0, 5)", "movedim"),
    ("x.unflatten(1, (2, 2))", "unflatten"), ("L.zeros(3).fliplr()", "fliplr"), ("x.rot90(1, (0, 0))", "rot90"),
    ("x.rot90(1, (0,))", "rot90"), ("L.zeros(3).rot90()", "rot90"), ("x.roll((1, 2))", "roll"),
    ("x.roll((1, 2), (0,))", "roll"), ("L.zeros(3).diagonal()", "diagonal"), ("x.diagonal(0, 1, 1)", "diagonal"),
    ("L.zeros(2, 2, 2).diag()", "diag"), ("L.zeros(3).trace()", "trace"), ("x.tensor_split(0)", "tensor_split"),
    ("L.zeros(()).tensor_split(1)", "tensor_split"), ("x.hsplit(2)", "hsplit"), ("L.zeros(3).vsplit(1)", "vsplit"),
    ("x.dsplit(1)", "dsplit"), ("x.repeat_interleave(L.tensor([1, 2, 3, 4]), 1)", "repeat_interleave"),
    ("x.repeat_interleave(-1)", "repeat_interleave"), ("L.block_diag(L.zeros(1, 1, 1))", "block_diag"),
    ("L.cartesian_prod(x)", "cartesian_prod"), ("L.meshgrid(x, indexing='ij')", "meshgrid"),
    ("L.meshgrid(L.zeros(2), indexing='foo')", "meshgrid"), ("L.tensordot(x, x, 1)", "tensordot"),
    ("L.cross(L.zeros(2, 2), L.zeros(2, 2))", "cross"), ("L.cross(L.zeros(2, 3), L.zeros(3), dim=-1)", "cross"),
    ("L.cross(x, x, dim=0)", "cross"), ("L.cdist(L.zeros(3), L.zeros(3))", "cdist"),
    ("L.cdist(x, L.zeros(2, 4))", "cdist"), ("L.cdist(x, x, p=-1)", "cdist"), ("L.cdist(x.long(), x.long())", "cdist"),
    ("x.cumprod(2)", "cumprod"), ("L.zeros(()).diff()", "diff"), ("x.diff(-1)", "diff"),
    ("x.diff(prepend=L.zeros(2))", "diff"), ("x.median(2)", "median"), ("L.zeros(2, 0).median(1)", "median"),
    ("x.mode(5)", "mode"), ("x.quantile(1.5)", "quantile"), ("x.long().quantile(0.5)", "quantile"),
    ("x.quantile(L.zeros(2, 2))", "quantile"), ("x.quantile(0.5, interpolation='cubic')", "quantile"),
    ("L.zeros(0).quantile(0.5)", "quantile"), ("x.nanmean(5)", "nanmean"), ("x.long().nanmean()", "nanmean"),
    ("L.zeros(0).aminmax()", "aminmax"), ("L.zeros(2, 2, 2).cov()", "cov"),
    ("x.cov(fweights=L.tensor([1.0, 2.0, 3.0]))", "cov"), ("x.cov(fweights=L.tensor([1, 2]))", "cov"),
    ("x.cov(aweights=L.tensor([-1.0, 2.0, 3.0]))", "cov"), ("L.broadcast_shapes((2, 3), (4,))", "broadcast_shapes"),
    ("L.broadcast_tensors(L.zeros(2), L.zeros(3))", "broadcast_tensors"), ("x.broadcast_to((4, 3))", "expand"),
    ("x.kron(3)", "kron"), ("L.hstack(x)", "hstack"), ("L.logcumsumexp(x, 2)", "logcumsumexp"),
    ("x.long().logcumsumexp(0)", "logcumsumexp"), ("x.cummax(2)", "cummax"),
]


@pytest.mark.parametrize("expression,op", ERRORS)
def test_errors_like_torch(torch, expression, op):
    with pytest.raises(Exception) as theirs, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eval(expression, {"L": torch, "x": torch.zeros(2, 3)})
    with pytest.raises(type(theirs.value), match=op), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eval(expression, {"L": tg, "x": tg.zeros(2, 3)})


def test_errors_without_torch():
    with pytest.raises(RuntimeError, match=r"narrow: start \(1\) \+ length \(5\) exceeds"):
        tg.zeros(2, 3).narrow(1, 1, 5)
    with pytest.raises(RuntimeError, match="hsplit: cannot split dim 1 of size 3 into 2"):
        tg.zeros(2, 3).hsplit(2)
    with pytest.raises(RuntimeError, match=r"quantile: q must be in the range \[0, 1\], got 1.5"):
        tg.zeros(3).quantile(1.5)
    with pytest.raises(RuntimeError, match="cdist: x1 and x2 must have the same number of columns"):
        tg.cdist(tg.zeros(2, 3), tg.zeros(2, 4))
