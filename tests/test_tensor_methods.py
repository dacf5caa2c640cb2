"""PyTorch's Tensor methods and their `tg.` function forms: products (mm, bmm, mv, dot, outer),
t/T/mT, norm, view_as/reshape_as, softmax, clone/contiguous, masked_fill, index_select, the
elementwise sign/reciprocal/square/log1p/expm1, prod, cumsum, all/any, allclose, sort/topk/argsort
and the in-place forms -- compared with PyTorch (values, dtypes, gradients, exception types) when
it is installed, plus torch-free checks of known values."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

try:
    import torch
except ImportError:  # the comparisons skip; the torch-free tests still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _as_pair(value):
    """(ours, theirs) from a numpy array: the same numbers as a tg and a torch tensor."""
    value = np.asarray(value)
    grad = value.dtype.kind == "f"
    return (tg.tensor(value.copy(), requires_grad=grad),
            torch.tensor(value.copy(), requires_grad=grad))


def _leaves(outputs):
    return outputs if isinstance(outputs, tuple) else (outputs,)


def _check_same(ours, theirs, rtol=1e-10, atol=1e-12):
    """Values and dtypes (and, for named tuples, the field names) agree."""
    if isinstance(theirs, tuple):
        assert type(ours).__name__ == type(theirs).__name__ and len(ours) == len(theirs)
        if hasattr(theirs, "_fields") or hasattr(theirs, "values"):
            assert ours.values is ours[0] and ours.indices is ours[1]
        for a, b in zip(ours, theirs):
            _check_same(a, b, rtol, atol)
        return
    if isinstance(theirs, (bool, int, float)):
        assert ours == theirs and type(ours) is type(theirs)
        return
    expected = theirs.detach().numpy()
    assert ours.shape == tuple(theirs.shape)
    assert ours.dtype == expected.dtype, f"dtype {ours.dtype} != torch's {theirs.dtype}"
    np.testing.assert_allclose(ours.numpy(), expected, rtol=rtol, atol=atol, equal_nan=True)


def compare(fn, *arrays, torch_fn=None, grad=True, rtol=1e-10, atol=1e-12):
    """Run `fn` on tg tensors and (`torch_fn` or `fn`) on torch tensors made from the same arrays;
    assert equal values and dtypes, then equal gradients of Σ w·out for random weights w."""
    pairs = [_as_pair(a) for a in arrays]
    ours = fn(*[p[0] for p in pairs])
    theirs = (torch_fn or fn)(*[p[1] for p in pairs])
    _check_same(ours, theirs, rtol, atol)
    if not grad:
        return ours
    rng = np.random.default_rng(0)
    loss_ours, loss_theirs = 0, 0
    for a, b in zip(_leaves(ours), _leaves(theirs)):
        if b.dtype.is_floating_point and b.requires_grad:
            w = rng.standard_normal(tuple(b.shape))
            loss_ours = loss_ours + (a * tg.tensor(w)).sum()
            loss_theirs = loss_theirs + (b * torch.tensor(w)).sum()
    if isinstance(loss_theirs, int):  # no output carries a gradient (integer results)
        return ours
    loss_ours.backward()
    loss_theirs.backward()
    for (mine, yours) in pairs:
        if yours.requires_grad:
            expected = np.zeros(yours.shape) if yours.grad is None else yours.grad.numpy()
            got = np.zeros(mine.shape) if mine.grad is None else mine.grad.numpy()
            np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    return ours


def raises_like(fn, *arrays, torch_fn=None):
    """Both raise, and ours is an instance of the exception class PyTorch raises."""
    with pytest.raises(Exception) as theirs:
        (torch_fn or fn)(*[torch.tensor(np.asarray(a)) for a in arrays])
    with pytest.raises(type(theirs.value)):
        fn(*[tg.tensor(np.asarray(a)) for a in arrays])


def float64_default_in_torch():
    """PyTorch's default float dtype is float32, ours float64: compare int -> float results in
    the same default (the fuzz harness's context manager; imported here because it needs torch)."""
    from .fuzz.torch_side import float64_default

    return float64_default()


RNG = np.random.default_rng(7)


def randn(*shape):
    return RNG.standard_normal(shape)


def distinct(*shape):
    n = int(np.prod(shape))
    return (RNG.permutation(n) * 0.5 - n / 4 + 0.125).reshape(shape)


# ---- products ----------------------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize("name, shapes", [
    ("mm", [(2, 3), (3, 4)]), ("mm", [(1, 1), (1, 5)]), ("bmm", [(2, 2, 3), (2, 3, 4)]),
    ("mv", [(2, 3), (3,)]), ("dot", [(4,), (4,)]), ("outer", [(3,), (2,)]), ("outer", [(1,), (4,)]),
])
def test_products_like_torch(name, shapes):
    arrays = [randn(*s) for s in shapes]
    compare(lambda a, b: getattr(a, name)(b), *arrays)
    pairs = [_as_pair(a) for a in arrays]
    _check_same(getattr(tg, name)(*[p[0] for p in pairs]), getattr(torch, name)(*[p[1] for p in pairs]))


@needs_torch
@pytest.mark.parametrize("name, shapes", [
    ("mm", [(2, 3), (4, 5)]), ("mm", [(3,), (3, 5)]), ("mm", [(2, 3, 1), (1, 2)]),
    ("bmm", [(2, 3, 4), (3, 4, 5)]), ("bmm", [(2, 3, 4), (2, 5, 5)]), ("bmm", [(2, 3), (2, 3)]),
    ("mv", [(2, 3), (4,)]), ("mv", [(2, 3), (3, 1)]), ("dot", [(3,), (4,)]), ("dot", [(3,), (3, 1)]),
    ("outer", [(3,), (2, 1)]),
])
def test_product_errors_like_torch(name, shapes):
    raises_like(lambda a, b: getattr(a, name)(b), *[randn(*s) for s in shapes])


@needs_torch
def test_product_dtype_rules_like_torch():
    raises_like(lambda a, b: a.dot(b), np.ones(3, np.float32), np.ones(3))
    raises_like(lambda a, b: a.mm(b), np.ones((2, 3), np.float32), np.ones((3, 2)))
    compare(lambda a, b: a.dot(b), np.arange(3), np.arange(3) + 1)  # int64 stays int64
    compare(lambda a, b: a.outer(b), np.ones(3, np.float32), np.arange(2.0))  # outer promotes


def test_products_known_values():
    a = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert a.mm(a).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert a.mv(tg.tensor([1.0, 1.0])).tolist() == [3.0, 7.0]
    assert tg.dot(tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])).item() == 11.0
    assert tg.outer(tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0, 5.0])).shape == (2, 3)
    assert tg.bmm(tg.ones(4, 2, 3), tg.ones(4, 3, 5)).shape == (4, 2, 5)
    with pytest.raises(RuntimeError, match=r"mm: shapes \(2, 2\) and \(3, 1\)"):
        a.mm(tg.ones(3, 1))


# ---- transposes --------------------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (1, 2, 3, 4)])
def test_T_reverses_dims_like_torch_and_warns_alike(shape):
    x = randn(*shape)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        compare(lambda t: t.T * 1, x, torch_fn=lambda t: t.T * 1)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        _ = tg.tensor(x).T
    assert bool(ours) == bool(theirs)


@needs_torch
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_t_like_torch(shape):
    compare(lambda t: t.t() * 1, randn(*shape))
    compare(lambda t: tg.t(t) * 1, randn(*shape), torch_fn=lambda t: torch.t(t) * 1)


@needs_torch
def test_t_and_mT_errors_and_values():
    raises_like(lambda t: t.t(), randn(2, 3, 4))
    raises_like(lambda t: t.mT, randn(3))
    compare(lambda t: t.mT * 1, randn(2, 3, 4))
    compare(lambda t: t.mT * 1, randn(3, 2))


# ---- norm --------------------------------------------------------------------------------------

NORM_CALLS = [
    {}, {"p": 2}, {"p": "fro"}, {"dim": 1}, {"dim": -1, "keepdim": True}, {"dim": (0, 1)},
    {"p": "fro", "dim": (0, 2)}, {"p": 1}, {"p": 1, "dim": 0}, {"p": 3, "dim": 2}, {"p": 1.5},
    {"p": 0.5, "dim": 1}, {"p": -1.0, "dim": 0}, {"p": float("inf")}, {"p": float("inf"), "dim": 1},
    {"p": -float("inf"), "dim": 2, "keepdim": True}, {"p": 0}, {"p": 0, "dim": 1},
]


@needs_torch
@pytest.mark.parametrize("kwargs", NORM_CALLS, ids=[str(k) for k in NORM_CALLS])
def test_norm_like_torch(kwargs):
    x = randn(2, 3, 4)
    x[0, 1, 2] = 0.0  # a zero element: p < 1 and p = 0 treat it specially
    compare(lambda t: t.norm(**kwargs), x)
    compare(lambda t: tg.norm(t, **kwargs), x, torch_fn=lambda t: torch.norm(t, **kwargs))


@needs_torch
@pytest.mark.parametrize("p", [2, "fro", 1, 3, 1.5, float("inf")])
def test_norm_gradient_at_zero_is_zero_like_torch(p):
    x = np.zeros((2, 3))
    x[1] = [3.0, -4.0, 0.0]  # row 0 is the zero vector, row 1 is not
    ours = compare(lambda t: t.norm(p=p, dim=1), x)
    assert ours.requires_grad
    compare(lambda t: t.norm(p=p), np.zeros(3))


def test_norm_gradient_at_zero_torch_free():
    x = tg.zeros(3, requires_grad=True)
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    y = tg.tensor([3.0, -4.0], requires_grad=True)
    assert y.norm().item() == 5.0
    y.norm().backward()
    np.testing.assert_allclose(y.grad.numpy(), [0.6, -0.8])


@needs_torch
def test_norm_second_derivatives_and_errors():
    x = tg.tensor(randn(3, 4), requires_grad=True)
    for p in (2, 3, 1.5):
        assert tg.gradgradcheck(lambda t: t.norm(p=p, dim=1), (x,))
    raises_like(lambda t: t.norm(), np.arange(3))  # integers: RuntimeError
    raises_like(lambda t: t.norm(p="abc"), randn(3, 3))
    raises_like(lambda t: t.norm(p="fro", dim=(0, 1, 2)), randn(2, 3, 4))
    raises_like(lambda t: t.norm(dim=3), randn(2, 3))


# ---- shapes, copies, softmax -------------------------------------------------------------------

@needs_torch
def test_view_as_reshape_as_expand_as_like_torch():
    other = (tg.zeros(2, 6), torch.zeros(2, 6))
    compare(lambda t: t.view_as(other[isinstance(t, torch.Tensor)]), randn(3, 4))
    compare(lambda t: t.reshape_as(other[isinstance(t, torch.Tensor)]), randn(12))
    big = (tg.zeros(2, 3, 4), torch.zeros(2, 3, 4))
    compare(lambda t: t.expand_as(big[isinstance(t, torch.Tensor)]), randn(3, 1))
    raises_like(lambda t: t.view_as(t.reshape(-1)[:5]), randn(2, 3))


@needs_torch
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_methods_like_torch(dim):
    x = randn(3, 4)
    compare(lambda t: t.softmax(dim), x)
    compare(lambda t: t.log_softmax(dim), x)
    compare(lambda t: tg.softmax(t, dim), x, torch_fn=lambda t: torch.softmax(t, dim))
    compare(lambda t: tg.log_softmax(t, dim), x, torch_fn=lambda t: torch.log_softmax(t, dim))
    compare(lambda t: t.softmax(dim, dtype=np.float32), x, torch_fn=lambda t: t.softmax(dim, dtype=torch.float32),
            rtol=1e-6, atol=1e-7)


def test_clone_and_contiguous():
    x = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.is_contiguous() and x.contiguous() is x
    xt = x.T
    assert not xt.is_contiguous()
    c = xt.contiguous()
    assert c is not xt and c.is_contiguous() and c.tolist() == xt.tolist()
    (c * tg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    assert x.grad.tolist() == [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]
    y = tg.clone(x)
    assert y.data is not x.data and y.grad_fn is not None
    y.data[0, 0] = 100.0
    assert x.data[0, 0] == 0.0


# ---- masked_fill and index_select --------------------------------------------------------------

@needs_torch
def test_masked_fill_like_torch():
    x = distinct(3, 4)
    mask = (x > 0, None)

    def fill(t, value=-1.5):
        m = torch.tensor(mask[0]) if isinstance(t, torch.Tensor) else tg.tensor(mask[0])
        return t.masked_fill(m, value)

    compare(fill, x)
    compare(lambda t: fill(t, 7), x)
    compare(lambda t: t.masked_fill(t > 0.3, 2.5), np.arange(6).reshape(2, 3))  # int keeps int
    # broadcasting in the out-of-place form, both ways
    compare(lambda t: t.masked_fill((t.new_ones(2, 3) if isinstance(t, torch.Tensor) else tg.ones(2, 3)) > 0, 1.0),
            randn(3))
    compare(lambda t, v: t.masked_fill(t > 0, v), distinct(2, 3), np.array(0.25))  # a 0-d tensor value


@needs_torch
def test_masked_fill_errors_like_torch():
    x = randn(2, 3)
    raises_like(lambda t: t.masked_fill((t > 0).double() if isinstance(t, tg.Tensor) else (t > 0).double(), 1.0), x)
    raises_like(lambda t, v: t.masked_fill(t > 0, v), x, np.array([1.0]))
    raises_like(lambda t: t.masked_fill_(t.reshape(-1)[:3].reshape(1, 3).expand(4, 3) > 0, 1.0), randn(3))


@needs_torch
def test_masked_fill_in_place_like_torch():
    def fill_(t):
        t = t * 1
        return t.masked_fill_(t > 0, 0.0) * 2

    compare(fill_, distinct(3, 4))
    compare(lambda t: (t * 1).masked_fill_(t[0] > 0, -3.0), distinct(2, 3))  # a mask that broadcasts


@needs_torch
@pytest.mark.parametrize("dim, index", [(0, [1, 0, 1]), (1, [2]), (-1, [0, 0, 3]), (1, 2)])
def test_index_select_like_torch(dim, index):
    x = randn(2, 4)

    def select(t):
        i = torch.tensor(index) if isinstance(t, torch.Tensor) else tg.tensor(index)
        return t.index_select(dim, i)

    compare(select, x)
    compare(lambda t: tg.index_select(t, dim, tg.tensor(index)), x,
            torch_fn=lambda t: torch.index_select(t, dim, torch.tensor(index)))


@needs_torch
def test_index_select_errors():
    x = randn(2, 3)
    raises_like(lambda t, i: t.index_select(1, i), x, np.array([[0, 1]]))
    raises_like(lambda t, i: t.index_select(1, i), x, np.array([0.0, 1.0]))
    raises_like(lambda t, i: t.index_select(2, i), x, np.array([0]))
    with pytest.raises(TypeError):
        tg.tensor(x).index_select(1, [1])
    for bad in ([3], [-1]):  # PyTorch raises RuntimeError here; an index out of range is an IndexError
        with pytest.raises(IndexError, match="out of range"):
            tg.tensor(x).index_select(1, tg.tensor(bad))


# ---- elementwise -------------------------------------------------------------------------------

ELEMENTWISE = ["sign", "neg", "reciprocal", "square", "log1p", "expm1"]


@needs_torch
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_like_torch(name):
    x = distinct(3, 4) / 8  # in (-1, 1) for log1p, no zeros
    compare(lambda t: getattr(t, name)(), x)
    compare(lambda t: getattr(t, name)(), x.astype(np.float32), rtol=1e-6, atol=1e-7)
    compare(lambda t: getattr(tg if isinstance(t, tg.Tensor) else torch, name)(t), x)
    if name in ("neg",):
        return
    with float64_default_in_torch():  # integers give the default float dtype: float64 here
        compare(lambda t: getattr(t, name)(), np.array([-2, 0, 3]) if name != "log1p" else np.array([0, 3]))
    if name in ("sign", "square"):
        compare(lambda t: getattr(t, name)(), np.array([True, False]))


@needs_torch
def test_sign_gradient_is_zero_like_torch():
    compare(lambda t: t.sign(), np.array([-2.0, 0.0, 3.0]))
    x = tg.tensor([1.0, -1.0], requires_grad=True)
    x.sign().sum().backward()  # as in PyTorch: a gradient of zeros, not an error
    assert x.grad.tolist() == [0.0, 0.0]


def test_log1p_expm1_exact_near_zero():
    tiny = tg.tensor([1e-18, -1e-17])
    assert tiny.log1p().tolist() == [1e-18, -1e-17]
    assert tiny.expm1().tolist() == [1e-18, -1e-17]
    assert tg.tensor([0.0]).reciprocal().tolist() == [float("inf")]


# ---- prod and cumsum ---------------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize("zeros", [0, 1, 2])
@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": -1}])
def test_prod_like_torch_also_with_zeros(zeros, kwargs):
    x = randn(3, 4)
    x.reshape(-1)[[5, 6][:zeros]] = 0.0  # one or two zeros in row 1
    compare(lambda t: t.prod(**kwargs), x)
    compare(lambda t: tg.prod(t, **kwargs), x, torch_fn=lambda t: torch.prod(t, **kwargs))


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0, -1.5], [0.0, 2.0, 0.0, 4.0], [0.0, 0.0, 0.0, 1.0]])
def test_prod_gradients_at_zeros_pass_gradcheck(values):
    x = tg.tensor(np.array(values).reshape(2, 2), requires_grad=True)
    for fn in (lambda t: t.prod(), lambda t: t.prod(1), lambda t: t.prod(0, keepdim=True)):
        assert tg.gradcheck(fn, (x,))
        assert tg.gradgradcheck(fn, (x,))
    x = tg.tensor([2.0, 0.0, 3.0], requires_grad=True)
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 6.0, 0.0]


@needs_torch
def test_prod_dtypes_and_errors_like_torch():
    compare(lambda t: t.prod(), np.array([2, 3, 4], np.int32))
    compare(lambda t: t.prod(0), np.array([True, False]))
    compare(lambda t: t.prod(dtype=torch.float64 if isinstance(t, torch.Tensor) else np.float64),
            np.array([2.0, 3.0], np.float32))
    with pytest.raises(TypeError):
        tg.ones(2, 3).prod(dim=(0, 1))
    raises_like(lambda t: t.prod(dim=None, keepdim=True), randn(2, 3))
    raises_like(lambda t: t.prod(2), randn(2, 3))


@needs_torch
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_like_torch(dim):
    compare(lambda t: t.cumsum(dim), randn(3, 4))
    compare(lambda t: tg.cumsum(t, dim), randn(3, 4), torch_fn=lambda t: torch.cumsum(t, dim))
    compare(lambda t: t.cumsum(dim), np.arange(12, dtype=np.int32).reshape(3, 4))
    compare(lambda t: t.cumsum(dim), randn(3, 4) > 0)


@needs_torch
def test_cumsum_edges_like_torch():
    compare(lambda t: t.cumsum(0), np.array(2.5))
    compare(lambda t: t.cumsum(-1), randn(1))
    raises_like(lambda t: t.cumsum(2), randn(2, 3))
    x = tg.tensor(randn(3, 4), requires_grad=True)
    assert tg.gradgradcheck(lambda t: (t.cumsum(1) ** 2).cumsum(0), (x,))


# ---- all / any / allclose ----------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize("kwargs", [{}, {"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": (0, 2)}])
def test_all_any_like_torch(kwargs):
    x = (randn(2, 3, 4) > -0.5) & (randn(2, 3, 4) < 1.5)
    for name in ("all", "any"):
        compare(lambda t: getattr(t, name)(**kwargs), x, grad=False)
        compare(lambda t: getattr(t, name)(**kwargs), randn(2, 3, 4).round(), grad=False)
        compare(lambda t: getattr(tg if isinstance(t, tg.Tensor) else torch, name)(t, **kwargs), x, grad=False)


@needs_torch
def test_allclose_isclose_equal_like_torch():
    a = np.array([1.0, 2.0, np.nan])
    b = a + np.array([1e-9, 1e-3, 0.0])
    for kwargs in ({}, {"rtol": 1e-2}, {"equal_nan": True}, {"atol": 0.1, "equal_nan": True}):
        compare(lambda s, t: s.allclose(t, **kwargs), a, b, grad=False)
        compare(lambda s, t: s.isclose(t, **kwargs), a, b, grad=False)
        compare(lambda s, t: (tg if isinstance(s, tg.Tensor) else torch).allclose(s, t, **kwargs), a, b, grad=False)
        compare(lambda s, t: (tg if isinstance(s, tg.Tensor) else torch).isclose(s, t, **kwargs), a, b, grad=False)
    compare(lambda s, t: s.allclose(t), randn(2, 3), randn(3), grad=False)  # broadcasting
    for x, y in ((np.ones(2), np.ones(2)), (np.ones(2), np.arange(2)), (np.ones(2), np.ones(3)),
                 (np.ones(2), np.ones((1, 2)))):
        compare(lambda s, t: (tg if isinstance(s, tg.Tensor) else torch).equal(s, t), x, y, grad=False)
    raises_like(lambda s, t: s.allclose(t), np.ones(2), np.ones(2, np.int64))
    raises_like(lambda s, t: s.allclose(t), np.ones(2), np.ones(3))


# ---- sort, argsort, topk -----------------------------------------------------------------------

@needs_torch
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_like_torch(dim, descending):
    x = distinct(3, 5)
    compare(lambda t: t.sort(dim, descending), x)
    compare(lambda t: t.sort(dim=dim, descending=descending, stable=True), x)
    compare(lambda t: t.argsort(dim, descending), x, grad=False)
    mod = lambda t: tg if isinstance(t, tg.Tensor) else torch  # noqa: E731
    compare(lambda t: mod(t).sort(t, dim, descending), x)
    compare(lambda t: mod(t).argsort(t, dim, descending), x, grad=False)


@needs_torch
@pytest.mark.parametrize("descending", [False, True])
def test_stable_sort_ties_and_nan_like_torch(descending):
    x = np.array([[2.0, 1.0, 2.0, np.nan, 1.0, 0.0, 2.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 5.0]])
    compare(lambda t: t.sort(descending=descending, stable=True), x)
    compare(lambda t: t.argsort(descending=descending, stable=True), x, grad=False)
    ints = np.array([3, 1, 3, 2, 1, 3])
    compare(lambda t: t.sort(descending=descending, stable=True), ints, grad=False)
    compare(lambda t: t.sort(stable=True, descending=descending), ints > 1, grad=False)


@needs_torch
@pytest.mark.parametrize("k, dim, largest", [(2, -1, True), (1, 0, False), (3, 1, True), (0, 1, True), (5, 1, False)])
def test_topk_like_torch(k, dim, largest):
    x = distinct(3, 5)
    compare(lambda t: t.topk(k, dim, largest), x)
    compare(lambda t: t.topk(k, dim=dim, largest=largest, sorted=True), x)
    mod = lambda t: tg if isinstance(t, tg.Tensor) else torch  # noqa: E731
    compare(lambda t: mod(t).topk(t, k, dim, largest), x)


@needs_torch
def test_sort_topk_edges_like_torch():
    compare(lambda t: t.sort(), np.array(3.0))
    compare(lambda t: t.topk(1), np.array(3.0))
    compare(lambda t: t.argsort(), np.array(3.0), grad=False)
    compare(lambda t: t.sort(0), randn(0, 2))
    for k in (6, -1):
        raises_like(lambda t: t.topk(k), randn(2, 5))
    raises_like(lambda t: t.sort(dim=2), randn(2, 5))


def test_sort_topk_named_tuples_torch_free():
    x = tg.tensor([[3.0, 1.0, 2.0]], requires_grad=True)
    values, indices = x.sort(descending=True)
    assert values.tolist() == [[3.0, 2.0, 1.0]] and indices.tolist() == [[0, 2, 1]]
    assert indices.dtype == np.int64
    top = x.topk(2)
    assert top.values.tolist() == [[3.0, 2.0]] and top.indices.tolist() == [[0, 2]]
    (top.values * tg.tensor([[10.0, 1.0]])).sum().backward()
    assert x.grad.tolist() == [[10.0, 0.0, 1.0]]
    assert x.argsort().tolist() == [[1, 2, 0]]
    with pytest.raises(RuntimeError, match="topk: k=4"):
        x.topk(4)


# ---- function forms of reductions --------------------------------------------------------------

@needs_torch
def test_max_min_function_forms_like_torch():
    x = distinct(3, 4)
    for name in ("max", "min"):
        compare(lambda t: getattr(tg if isinstance(t, tg.Tensor) else torch, name)(t), x)
        compare(lambda t: getattr(tg if isinstance(t, tg.Tensor) else torch, name)(t, 1), x)
        compare(lambda t: getattr(tg if isinstance(t, tg.Tensor) else torch, name)(t, -1, keepdim=True), x)
        compare(lambda t: getattr(tg if isinstance(t, tg.Tensor) else torch, name)(t, dim=0), x)
        compare(lambda a, b: getattr(tg if isinstance(a, tg.Tensor) else torch, name)(a, b), x, distinct(4) + 0.25)
    _, pred = tg.max(tg.tensor([[0.1, 0.9], [0.8, 0.2]]), 1)  # the usual way to get predicted classes
    assert pred.tolist() == [1, 0]


@needs_torch
@pytest.mark.parametrize("name, args, kwargs", [
    ("amax", (), {}), ("amax", (1,), {}), ("amin", ((0, 1),), {"keepdim": True}),
    ("argmax", (), {}), ("argmax", (1,), {"keepdim": True}), ("argmin", (0,), {}),
    ("var", (), {}), ("var", (1,), {}), ("var", (0, False), {}), ("var", (1,), {"unbiased": False, "keepdim": True}),
    ("std", (), {}), ("std", (0,), {}), ("std", (1, True, True), {}), ("std", (0,), {"correction": 0}),
])
def test_reduction_function_forms_like_torch(name, args, kwargs):
    x = distinct(3, 4)
    grad = not name.startswith("arg")
    compare(lambda t: getattr(tg if isinstance(t, tg.Tensor) else torch, name)(t, *args, **kwargs), x, grad=grad)
    if name in ("var", "std"):  # the method takes unbiased second, too (PyTorch's order)
        compare(lambda t: getattr(t, name)(*args, **kwargs), x)


@needs_torch
def test_numel_flatten_squeeze_clone_gather_function_forms():
    x = randn(2, 1, 3)
    assert tg.numel(tg.tensor(x)) == torch.numel(torch.tensor(x)) == 6
    mod = lambda t: tg if isinstance(t, tg.Tensor) else torch  # noqa: E731
    compare(lambda t: mod(t).flatten(t), x)
    compare(lambda t: mod(t).squeeze(t), x)
    compare(lambda t: mod(t).clone(t), x)
    compare(lambda t: mod(t).gather(t.reshape(2, 3), 1, mod(t).tensor([[0, 0], [2, 1]])), x)


# ---- add/sub with alpha and the in-place forms -------------------------------------------------

@needs_torch
@pytest.mark.parametrize("alpha", [1, 2, -0.5])
def test_add_sub_alpha_like_torch(alpha):
    a, b = randn(3, 4), randn(4)
    compare(lambda s, t: s.add(t, alpha=alpha), a, b)
    compare(lambda s, t: s.sub(t, alpha=alpha), a, b)
    mod = lambda t: tg if isinstance(t, tg.Tensor) else torch  # noqa: E731
    compare(lambda s, t: mod(s).add(s, t, alpha=alpha), a, b)
    compare(lambda s, t: mod(s).sub(s, t, alpha=alpha), a, b)
    compare(lambda s: s.add(2, alpha=alpha), a)
    compare(lambda s, t: (s * 1).add_(t, alpha=alpha), a, b)
    compare(lambda s, t: (s * 1).sub_(t, alpha=alpha), a, b)
    raises_like(lambda s, t: s.add(t, alpha=2.5), np.arange(3), np.arange(3))


IN_PLACE_UNARY = ["exp_", "log_", "sqrt_", "sin_", "cos_", "tanh_", "sigmoid_", "relu_", "abs_", "neg_",
                  "sign_", "reciprocal_", "square_", "log1p_", "expm1_"]


@needs_torch
@pytest.mark.parametrize("name", IN_PLACE_UNARY)
def test_in_place_unary_like_torch(name):
    x = distinct(2, 3) / 8
    if name in ("log_", "sqrt_"):
        x = np.abs(x)

    def fn(t):
        u = t * 1
        out = getattr(u, name)()
        assert out is u
        return u * t

    compare(fn, x)
    # on a leaf that requires grad, while recording: refused, as in PyTorch
    with pytest.raises(RuntimeError):
        getattr(tg.tensor(x, requires_grad=True), name)()
    with tg.no_grad():  # optimizers' way: allowed, bumps the version
        leaf = tg.tensor(x.copy(), requires_grad=True)  # an ndarray is not copied: changing it changes x
        getattr(leaf, name)()
    np.testing.assert_allclose(leaf.numpy(), getattr(torch.tensor(x), name)().numpy())
    assert leaf._version == 1


@needs_torch
def test_pow_clamp_copy_zero_fill_in_place_like_torch():
    a, b = distinct(3, 4) / 4, randn(4)
    compare(lambda s: (s * 1).pow_(2), a)
    compare(lambda s, t: (s * 1).pow_(t), np.abs(a) + 0.5, b)
    compare(lambda s: (s * 1).clamp_(-0.5, 0.75) * s, a)
    compare(lambda s: (s * 1).clamp_(min=0.1), a)
    compare(lambda s: (s * 1).clamp_(max=0.1), a)
    compare(lambda s, t: (s * 2).copy_(t) * s, a, b)  # the gradient goes to t, none to s's old value
    compare(lambda s, t: (s * 2).copy_(t), a, b.reshape(1, 4))
    compare(lambda s: (s * 1).zero_() + s, a)
    compare(lambda s: (s * 1).fill_(2.5) * s, a)
    compare(lambda s: s.fill_(-2.7), np.arange(3), grad=False)  # the value is cast to the int dtype
    compare(lambda s: s.clone().mul_(3).div_(2) + s, a)
    raises_like(lambda s, t: s.copy_(t), randn(3), randn(2))
    compare(lambda s, t: s.copy_(t), np.zeros(3, np.int64), np.array([2.7, -1.5, 3.2]), grad=False)


def test_copy_into_a_constant_records_the_source():
    dst = tg.zeros(3)
    src = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = dst.copy_(src)
    assert out is dst and dst.requires_grad and dst.grad_fn is not None
    (dst * tg.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert src.grad.tolist() == [1.0, 10.0, 100.0]


def test_normal_uniform_use_the_framework_generator():
    tg.manual_seed(3)
    a = tg.empty(1000) if hasattr(tg, "empty") else tg.zeros(1000)
    a.normal_(2.0, 0.5)
    tg.manual_seed(3)
    b = tg.zeros(1000).normal_(2.0, 0.5)
    assert a.tolist() == b.tolist()  # tg.manual_seed makes them repeatable
    assert abs(a.mean().item() - 2.0) < 0.1 and abs(a.std().item() - 0.5) < 0.05
    u = tg.zeros(2000, dtype=np.float32).uniform_(-1.0, to=3.0)
    assert u.dtype == np.float32 and -1.0 <= u.min().item() and u.max().item() < 3.0
    assert abs(u.mean().item() - 1.0) < 0.1
    assert u._version == 1
    assert tg.zeros(5).uniform_().min().item() >= 0.0
    gen = np.random.default_rng(0)
    assert tg.zeros(3).normal_(generator=gen).tolist() == np.random.default_rng(0).normal(0, 1, 3).tolist()
    with pytest.raises(RuntimeError, match="std"):
        tg.zeros(3).normal_(std=-1.0)
    with pytest.raises(RuntimeError, match="from"):
        tg.zeros(3).uniform_(3.0, 1.0)
    with pytest.raises(NotImplementedError, match="int64"):  # (PyTorch's type)
        tg.zeros(3, dtype=np.int64).normal_()
    with pytest.raises(RuntimeError, match="leaf"):
        tg.zeros(3, requires_grad=True).normal_()
    w = tg.zeros(3, requires_grad=True)
    with tg.no_grad():
        w.uniform_(-0.1, 0.1)  # the nn.init way
    assert w.is_leaf and w.requires_grad and (w.abs() <= 0.1).all()


def test_in_place_on_a_view_reaches_the_base():
    base = tg.tensor([[1.0, -2.0], [3.0, -4.0]], requires_grad=True)
    y = base * 1
    y[0].abs_()
    y[1].clamp_(max=0.0)
    assert y.tolist() == [[1.0, 2.0], [0.0, -4.0]]
    y.sum().backward()
    assert base.grad.tolist() == [[1.0, -1.0], [0.0, 1.0]]


# ---- einsum ------------------------------------------------------------------------------------

EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->", [(3, 3)]), ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]), ("ij->", [(2, 3)]), ("ij->ji", [(2, 3)]), ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("...ij,...jk", [(2, 1, 2, 3), (4, 3, 5)]),
    ("i,j->ij", [(3,), (2,)]), ("iji->j", [(2, 3, 2)]), ("Ab,bA", [(2, 3), (3, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("i...->...", [(2, 3, 4)]), ("b i, b j -> b i j", [(2, 3), (2, 4)]),
]


@needs_torch
@pytest.mark.parametrize("equation, shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_like_torch(equation, shapes):
    arrays = [randn(*s) for s in shapes]
    compare(lambda *xs: (tg if isinstance(xs[0], tg.Tensor) else torch).einsum(equation, *xs), *arrays)
    compare(lambda *xs: (tg if isinstance(xs[0], tg.Tensor) else torch).einsum(equation, list(xs)), *arrays)


@needs_torch
@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk", [(2, 3)]), ("ij", [(2, 3), (3, 2)]), ("ij,jk->ik", [(2, 3), (4, 5)]), ("ij->ii", [(2, 2)]),
    ("ij->k", [(2, 2)]), ("ijk", [(2, 2)]),
])
def test_einsum_errors_like_torch(equation, shapes):
    raises_like(lambda *xs: (tg if isinstance(xs[0], tg.Tensor) else torch).einsum(equation, *xs),
                *[randn(*s) for s in shapes])


def test_einsum_second_derivatives_torch_free():
    a = tg.tensor(randn(3, 3), requires_grad=True)
    b = tg.tensor(randn(3, 2), requires_grad=True)
    assert tg.gradgradcheck(lambda a, b: tg.einsum("ii,ij->j", a, b) ** 2, (a, b))
    assert tg.einsum("ii", tg.tensor([[1.0, 2.0], [3.0, 4.0]])).item() == 5.0


@pytest.mark.parametrize("obj", [tg.Tensor.norm, tg.Tensor.sort, tg.einsum], ids=["norm", "sort", "einsum"])
def test_docstring_examples_run(obj):
    import doctest

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(obj, obj.__name__, globs={}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0


def test_einsum_sublist_format():
    """PyTorch's other spelling of einsum (its docstring's example): operands each followed by a
    list of dim numbers, Ellipsis for broadcast dims, and the output's list last."""
    rng = np.random.default_rng(0)
    a = tg.tensor(rng.standard_normal((5, 2, 3)), requires_grad=True)
    b = tg.tensor(rng.standard_normal((5, 3, 4)), requires_grad=True)
    out = tg.einsum(a, [..., 0, 1], b, [..., 1, 2], [..., 0, 2])
    np.testing.assert_allclose(out.data, a.data @ b.data)
    out.sum().backward()
    np.testing.assert_allclose(a.grad.data, np.ones((5, 2, 4)) @ b.data.transpose(0, 2, 1))
    assert tg.einsum(tg.tensor([1.0, 2.0]), [0], tg.tensor([3.0, 4.0]), [0]).item() == 11.0
    assert tg.einsum(tg.eye(2), [1, 0]).shape == (2, 2)  # no output list: implicit, like "ba"
    with pytest.raises(ValueError, match="valid range"):
        tg.einsum(a, [52, 0, 1])
