"""Names that programs from PyTorch's documentation use: tg.range, isin, combinations,
unravel_index, vander, trapezoid/trapz/cumulative_trapezoid, gradient, histogram/histogramdd,
chain_matmul, nonzero_static, empty_strided, empty_permuted, frombuffer, as_strided_scatter,
index_reduce, Tensor.view(dtype), dim_order, is_storage, set_flush_denormal and angle.

Each is checked with PyTorch's own docstring examples (known values, no torch needed), edge cases
and errors by hand, and against PyTorch itself when it is installed (values, dtypes, gradients)."""
from __future__ import annotations

import array
import doctest
import importlib
import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _quiet(fn, *args, **kwargs):
    """fn(...) with its deprecation / beta warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _same(ours, theirs, exact: bool = True) -> None:
    """A tg result equals a torch result: shape, dtype name and values (bit for bit by default)."""
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b, exact)
        return
    want = theirs.detach().numpy()
    got = np.asarray(ours.data)
    assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
    if exact:
        np.testing.assert_array_equal(got, want)
    else:  # (float32 sums may add in another order than PyTorch's)
        tolerance = 1e-5 if got.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance, equal_nan=True)


@pytest.mark.parametrize("module", ["functions_numeric", "functions_calculus", "functions_deprecated", "histograms",
                                    "functions_memory", "tensor_numeric"])
def test_docstring_examples(module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(importlib.import_module(f"tinygrad_edu.{module}"),
                                 optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ---- range (deprecated): end included ------------------------------------------------------------
def test_range_doc_examples_and_warning():
    with pytest.warns(UserWarning, match="range is deprecated"):
        r = tg.range(1, 4)
    assert r.tolist() == [1.0, 2.0, 3.0, 4.0] and r.dtype == tg.get_default_dtype()
    assert _quiet(tg.range, 1, 4, 0.5).tolist() == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]
    assert len(_quiet(tg.range, 0, 1, 0.1)) == 11                     # ⌊(1 - 0)/0.1⌋ + 1, end included
    assert _quiet(tg.range, 4, 1, -1).tolist() == [4.0, 3.0, 2.0, 1.0]
    ints = _quiet(tg.range, 0, 2.5, dtype=tg.int64)                    # truncated to int64 first, as PyTorch
    assert ints.tolist() == [0, 1, 2] and ints.dtype == tg.int64
    assert _quiet(tg.range, 1, 3, requires_grad=True).requires_grad


@pytest.mark.parametrize("args,error", [((4, 1), RuntimeError), ((1, 4, 0), RuntimeError),
                                        ((0, math.inf), RuntimeError), ((4,), TypeError)])
def test_range_errors(args, error):
    with pytest.raises(error):
        _quiet(tg.range, *args)
    with pytest.raises(NotImplementedError, match="Bool"):
        _quiet(tg.range, 0, 2, dtype=tg.bool)


@pytest.mark.parametrize("args,kwargs", [((1, 4), {}), ((0, 1, 0.1), {}), ((0, 0.9, 0.3), {"dtype": "float32"}),
                                         ((-2, 3.5, 0.7), {}), ((5, -1, -1.5), {}), ((0, 10, 3), {"dtype": "int64"})])
def test_range_matches_torch(torch, args, kwargs):
    ours = _quiet(tg.range, *args, dtype=getattr(tg, kwargs["dtype"]) if kwargs else tg.float32)
    theirs = _quiet(torch.range, *args, dtype=getattr(torch, kwargs["dtype"]) if kwargs else torch.float32)
    _same(ours, theirs)


# ---- isin ---------------------------------------------------------------------------------------
def test_isin_doc_example_and_scalars():
    assert tg.isin(tg.tensor([[1, 2], [3, 4]]), tg.tensor([2, 3])).tolist() == [[False, True], [True, False]]
    assert tg.isin(tg.tensor([1.0, 2.5]), 2.5).tolist() == [False, True]
    scalar = tg.isin(2, tg.tensor([1, 2]))
    assert scalar.shape == () and scalar.item() is True
    assert tg.isin(tg.tensor([1, 2]), tg.tensor([1.0, 2.5])).tolist() == [True, False]  # compared as floats
    assert tg.isin(tg.tensor([1, 2]), tg.tensor([1, 2]), invert=True).tolist() == [False, False]
    assert tg.isin(tg.tensor([math.nan, 2.0]), tg.tensor([math.nan])).tolist() == [False, False]
    # a Python float meets a float32 tensor in float32 (PyTorch's promotion); a float64 tensor does not
    assert tg.isin(tg.tensor([0.1], dtype=tg.float32), 0.1).tolist() == [True]
    assert tg.isin(tg.tensor([0.1], dtype=tg.float32), tg.tensor([0.1])).tolist() == [False]
    out = tg.zeros(2, dtype=tg.bool)
    assert tg.isin(tg.tensor([1, 5]), tg.tensor([5]), out=out) is out and out.tolist() == [False, True]


def test_isin_errors():
    with pytest.raises(TypeError, match="both be numbers"):
        tg.isin(2, 3)
    with pytest.raises(RuntimeError, match="Bool"):
        tg.isin(tg.tensor([True]), tg.tensor([True]))
    with pytest.raises(TypeError, match="list"):
        tg.isin(tg.tensor([1]), [1])


def test_isin_matches_torch(torch):
    rng = np.random.default_rng(0)
    a, b = rng.integers(-5, 5, (4, 6)), rng.integers(-5, 5, 7)
    for assume_unique in (False, True):
        for invert in (False, True):
            _same(tg.isin(tg.tensor(a), tg.tensor(b), invert=invert, assume_unique=assume_unique),
                  torch.isin(torch.tensor(a), torch.tensor(b), invert=invert, assume_unique=assume_unique))
    f = rng.standard_normal(5).astype(np.float32)
    wide = f[:2].astype(np.float64)
    _same(tg.isin(tg.tensor(f), tg.tensor(wide)), torch.isin(torch.tensor(f), torch.tensor(wide)))
    _same(tg.isin(float(f[1]), tg.tensor(f)), torch.isin(float(f[1]), torch.tensor(f)))


# ---- combinations -------------------------------------------------------------------------------
def test_combinations_doc_examples():
    a = tg.tensor([1, 2, 3])
    assert tg.combinations(a).tolist() == [[1, 2], [1, 3], [2, 3]]
    assert tg.combinations(a, r=3).tolist() == [[1, 2, 3]]
    assert tg.combinations(a, with_replacement=True).tolist() == [[1, 1], [1, 2], [1, 3], [2, 2], [2, 3], [3, 3]]
    assert tg.combinations(a, r=0).shape == (0,) and tg.combinations(a, r=4).shape == (0, 4)
    assert tg.combinations(tg.tensor([]), 2).shape == (0, 2)


def test_combinations_gradient_counts_each_use():
    x = tg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    tg.combinations(x, 2).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0, 3.0]  # each entry is in n - 1 = 3 pairs


def test_combinations_errors():
    with pytest.raises(RuntimeError, match="1D vector"):
        tg.combinations(tg.ones(2, 2))
    with pytest.raises(RuntimeError, match="non-negative"):
        tg.combinations(tg.ones(2), -1)
    with pytest.raises(TypeError, match="'r' must be int"):
        tg.combinations(tg.ones(2), 2.0)


@pytest.mark.parametrize("r,with_replacement", [(1, False), (2, False), (3, False), (2, True), (3, True)])
def test_combinations_matches_torch(torch, r, with_replacement):
    x = np.random.default_rng(r).standard_normal(5)
    ours = tg.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    a, b = tg.combinations(ours, r, with_replacement), torch.combinations(theirs, r, with_replacement)
    _same(a, b)
    w = np.arange(a.numel(), dtype=float).reshape(a.shape)
    (a * tg.tensor(w)).sum().backward()
    (b * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy())


# ---- unravel_index --------------------------------------------------------------------------------
def test_unravel_index_doc_examples():
    def as_lists(result):
        return [t.tolist() for t in result]

    assert as_lists(tg.unravel_index(tg.tensor(4), (3, 2))) == [2, 0]
    assert as_lists(tg.unravel_index(tg.tensor([4, 1]), (3, 2))) == [[2, 0], [0, 1]]
    assert as_lists(tg.unravel_index(tg.tensor([0, 1, 2, 3, 4, 5]), (3, 2))) == [[0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 0, 1]]
    assert as_lists(tg.unravel_index(tg.tensor([1234, 5678]), (10, 10, 10, 10))) == [[1, 5], [2, 6], [3, 7], [4, 8]]
    assert as_lists(tg.unravel_index(tg.tensor([[1234], [5678]]), (10, 10, 10, 10))) == [
        [[1], [5]], [[2], [6]], [[3], [7]], [[4], [8]]]
    assert as_lists(tg.unravel_index(tg.tensor([[1234], [5678]]), (100, 100))) == [[[12], [56]], [[34], [78]]]
    assert as_lists(tg.unravel_index(tg.tensor(-1), (3, 2))) == [2, 1]      # wraps, as PyTorch's
    assert tg.unravel_index(tg.tensor([4], dtype=tg.int32), 6)[0].dtype == tg.int64
    assert tg.unravel_index(tg.tensor([4]), ()) == ()


def test_unravel_index_errors():
    with pytest.raises(TypeError, match="integer dtype"):
        tg.unravel_index(tg.tensor([4.0]), (3, 2))
    with pytest.raises(ValueError, match="negative"):
        tg.unravel_index(tg.tensor([4]), (3, -2))
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        tg.unravel_index(tg.tensor([4]), (3, 0))
    with pytest.raises(TypeError, match="only contain ints"):
        tg.unravel_index(tg.tensor([4]), (3.0, 2))


def test_unravel_index_matches_torch(torch):
    idx = np.array([[-7, 0, 5], [23, 11, 100]])
    for shape in [(4, 6), (2, 3, 4), 7, (1, 24)]:
        _same(tg.unravel_index(tg.tensor(idx), shape), torch.unravel_index(torch.tensor(idx), shape))


# ---- vander ---------------------------------------------------------------------------------------
def test_vander_doc_examples():
    x = tg.tensor([1, 2, 3, 5])
    assert tg.vander(x).tolist() == [[1, 1, 1, 1], [8, 4, 2, 1], [27, 9, 3, 1], [125, 25, 5, 1]]
    assert tg.vander(x, N=3).tolist() == [[1, 1, 1], [4, 2, 1], [9, 3, 1], [25, 5, 1]]
    assert tg.vander(x, N=3, increasing=True).tolist() == [[1, 1, 1], [1, 2, 4], [1, 3, 9], [1, 5, 25]]
    assert tg.vander(tg.tensor([1, 2], dtype=tg.int8)).dtype == tg.int64
    assert tg.vander(tg.tensor([True, False])).dtype == tg.int64
    assert tg.vander(tg.tensor([1.0], dtype=tg.float32)).dtype == tg.float32
    assert tg.vander(tg.tensor([1.0, 2.0]), N=0).shape == (2, 0)


def test_vander_gradient_by_hand():
    # Σ_j vander(x, 3)[i, j] = x² + x + 1, so d/dx = 2x + 1 (also at x = 0)
    x = tg.tensor([0.0, 1.5, -2.0], requires_grad=True)
    tg.vander(x, 3).sum().backward()
    assert x.grad.tolist() == [1.0, 4.0, -3.0]
    y = tg.tensor([2.0, 3.0], requires_grad=True)
    ones = tg.vander(y, N=1)  # x⁰ only: new ones, outside the graph, as PyTorch's (requires_grad False)
    assert ones.tolist() == [[1.0], [1.0]] and not ones.requires_grad


def test_vander_errors():
    with pytest.raises(RuntimeError, match="one-dimensional"):
        tg.vander(tg.tensor(2.0))
    with pytest.raises(RuntimeError, match="non-negative"):
        tg.vander(tg.tensor([1.0]), N=-1)
    with pytest.raises(TypeError, match="'N' must be int"):
        tg.vander(tg.tensor([1.0]), N=2.0)


@pytest.mark.parametrize("x", [[1, 2, 3, 5], [1.5, 0.0, -2.0], [True, False], []])
@pytest.mark.parametrize("N", [None, 0, 1, 4])
def test_vander_matches_torch(torch, x, N):
    data = np.asarray(x)  # (float64 on both sides: torch.tensor of a float list would be float32)
    for increasing in (False, True):
        _same(tg.vander(tg.tensor(data), N, increasing), torch.vander(torch.from_numpy(data), N, increasing))


# ---- trapezoid, trapz, cumulative_trapezoid ------------------------------------------------------------
def test_trapezoid_doc_examples():
    y, x = tg.tensor([1, 5, 10]), tg.tensor([1, 3, 6])
    assert tg.trapezoid(y).item() == 10.5 == (1 + 10 + 10) / 2
    assert tg.trapezoid(y, dx=2).item() == 21.0
    assert tg.trapezoid(y, x).item() == 28.5 == ((3 - 1) * (1 + 5) + (6 - 3) * (5 + 10)) / 2
    m = tg.arange(9).reshape(3, 3)
    assert tg.trapezoid(m).tolist() == [2.0, 8.0, 14.0]
    assert tg.trapezoid(m, dim=0).tolist() == [6.0, 8.0, 10.0]
    assert tg.trapezoid(m, axis=0).tolist() == [6.0, 8.0, 10.0]  # numpy's name, which PyTorch accepts too
    assert tg.trapezoid(tg.ones(3, 3), x).tolist() == [5.0, 5.0, 5.0]
    assert tg.trapezoid(tg.ones(3, 3), tg.tensor([[1, 2, 3], [1, 3, 5], [1, 4, 7]])).tolist() == [2.0, 4.0, 6.0]
    assert tg.trapz(y, x).item() == 28.5 and tg.trapz(y, dx=2).item() == 21.0
    empty = tg.trapezoid(tg.zeros(2, 0, dtype=tg.int64))  # integrating nothing: 0 in y's dtype
    assert empty.tolist() == [0, 0] and empty.dtype == tg.int64


def test_cumulative_trapezoid_doc_examples():
    y, x = tg.tensor([1, 5, 10]), tg.tensor([1, 3, 6])
    assert tg.cumulative_trapezoid(y).tolist() == [3.0, 10.5]
    assert tg.cumulative_trapezoid(y, dx=2).tolist() == [6.0, 21.0]
    assert tg.cumulative_trapezoid(y, x).tolist() == [6.0, 28.5]
    m = tg.arange(9).reshape(3, 3)
    assert tg.cumulative_trapezoid(m).tolist() == [[0.5, 2.0], [3.5, 8.0], [6.5, 14.0]]
    assert tg.cumulative_trapezoid(m, dim=0).tolist() == [[1.5, 2.5, 3.5], [6.0, 8.0, 10.0]]
    assert tg.cumulative_trapezoid(tg.ones(3, 3), x).tolist() == [[2.0, 5.0]] * 3
    assert tg.cumulative_trapezoid(tg.ones(3, 3), tg.tensor([[1, 2, 3], [1, 3, 5], [1, 4, 7]])).tolist() == [
        [1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]


def test_trapezoid_gradient_by_hand():
    # Σ (y_i + y_{i-1})/2: the ends count half, the inner samples once
    y = tg.tensor([1.0, 2.0, 4.0, 8.0], requires_grad=True)
    tg.trapezoid(y, dx=2.0).backward()
    assert y.grad.tolist() == [1.0, 2.0, 2.0, 1.0]
    x = tg.tensor([0.0, 1.0, 3.0, 4.0], requires_grad=True)
    z = tg.tensor([1.0, 2.0, 4.0, 8.0], requires_grad=True)
    tg.trapezoid(z, x).backward()
    # ∂/∂x_i = (y_{i-1} - y_{i+1})/2 inside, -(y_0 + y_1)/2 and (y_{n-1} + y_n)/2 at the ends
    assert x.grad.tolist() == [-1.5, -1.5, -3.0, 6.0]


@pytest.mark.parametrize("call,error,words", [
    (lambda: tg.trapezoid(tg.tensor([1, 2]), tg.tensor([1, 2]), dx=2), TypeError, "not both"),
    (lambda: tg.trapezoid(tg.tensor([1, 2]), 2), TypeError, "dx="),
    (lambda: tg.trapezoid(tg.tensor([1, 2]), dx=True), RuntimeError, "real number"),
    (lambda: tg.trapezoid(tg.tensor([True, False])), RuntimeError, "bool"),
    (lambda: tg.trapezoid(tg.tensor(2.0)), IndexError, "no dimensions"),
    (lambda: tg.trapezoid(tg.tensor([1, 5, 10]), dim=1), IndexError, "out of range"),
    (lambda: tg.trapezoid(tg.tensor([1, 5, 10]), tg.tensor([1, 2])), RuntimeError, "one `x` value"),
    (lambda: tg.cumulative_trapezoid(tg.tensor(2.0)), IndexError, "0-dim"),
    (lambda: tg.cumulative_trapezoid(tg.tensor([True, False])), RuntimeError, "bool"),
])
def test_trapezoid_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid"])
def test_trapezoid_matches_torch(torch, name):
    rng = np.random.default_rng(1)
    ours, theirs = getattr(tg, name), getattr(torch, name)
    y = rng.standard_normal((3, 5))
    x1, x2 = np.sort(rng.standard_normal(5)), np.sort(rng.standard_normal((3, 5)), 1)
    _same(ours(tg.tensor(y)), theirs(torch.tensor(y)), exact=False)
    _same(ours(tg.tensor(y), dx=0.3, dim=0), theirs(torch.tensor(y), dx=0.3, dim=0), exact=False)
    _same(ours(tg.tensor(y), tg.tensor(x1)), theirs(torch.tensor(y), torch.tensor(x1)), exact=False)
    _same(ours(tg.tensor(y), tg.tensor(x2)), theirs(torch.tensor(y), torch.tensor(x2)), exact=False)
    f32 = y.astype(np.float32)
    _same(ours(tg.tensor(f32), dx=0.1), theirs(torch.tensor(f32), dx=0.1), exact=False)
    ints = np.arange(12).reshape(3, 4)  # integers integrate to the default float dtype
    assert ours(tg.tensor(ints)).dtype == tg.get_default_dtype()
    np.testing.assert_allclose(ours(tg.tensor(ints)).numpy(), theirs(torch.tensor(ints)).numpy())
    # gradients, in y and in x
    gy, gx = tg.tensor(y, requires_grad=True), tg.tensor(x2, requires_grad=True)
    ty, tx = torch.tensor(y, requires_grad=True), torch.tensor(x2, requires_grad=True)
    ours(gy, gx).sum().backward()
    theirs(ty, tx).sum().backward()
    np.testing.assert_allclose(gy.grad.numpy(), ty.grad.numpy())
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy())


# ---- gradient ---------------------------------------------------------------------------------------
def test_gradient_doc_examples():
    values = tg.tensor([4.0, 1.0, 1.0, 16.0], dtype=tg.float32)
    coordinates = (tg.tensor([-2.0, -1.0, 1.0, 4.0], dtype=tg.float32),)
    assert [g.tolist() for g in tg.gradient(values, spacing=coordinates)] == [[-3.0, -2.0, 2.0, 5.0]]
    t = tg.tensor([[1, 2, 4, 8], [10, 20, 40, 80]])
    d0, d1 = tg.gradient(t)
    assert d0.tolist() == [[9.0, 18.0, 36.0, 72.0]] * 2
    assert d1.tolist() == [[1.0, 1.5, 3.0, 4.0], [10.0, 15.0, 30.0, 40.0]]
    half0, half1 = tg.gradient(t, spacing=2.0)
    assert half0.tolist() == [[4.5, 9.0, 18.0, 36.0]] * 2
    assert half1.tolist() == [[0.5, 0.75, 1.5, 2.0], [5.0, 7.5, 15.0, 20.0]]
    only1, = tg.gradient(t, dim=1)
    assert only1.tolist() == d1.tolist()
    s0, s1 = tg.gradient(t, spacing=[3.0, 2.0])
    assert s0.tolist() == [[3.0, 6.0, 12.0, 24.0]] * 2 and s1.tolist() == half1.tolist()
    c0, c1 = tg.gradient(t, spacing=(tg.tensor([0, 2]), tg.tensor([0, 3, 6, 9])))
    assert c0.tolist() == half0.tolist()
    np.testing.assert_allclose(c1.numpy(), [[1 / 3, 0.5, 1.0, 4 / 3], [10 / 3, 5.0, 10.0, 40 / 3]])
    assert tg.gradient(tg.tensor(1.0)) == ()


def test_gradient_edge_order_2_is_exact_for_quadratics():
    x = tg.tensor([0.0, 0.5, 1.5, 2.0, 3.5])
    (slope,) = tg.gradient(x * x, spacing=[x], edge_order=2)  # d/dx x² = 2x at every sample
    np.testing.assert_allclose(slope.numpy(), 2 * x.numpy(), atol=1e-12)
    (even,) = tg.gradient(tg.tensor([0.0, 1.0, 4.0, 9.0]), edge_order=2)
    assert even.tolist() == [0.0, 2.0, 4.0, 6.0]


@pytest.mark.parametrize("call,error,words", [
    (lambda: tg.gradient(tg.ones(2, 2), spacing=[3.0]), RuntimeError, "list of length"),
    (lambda: tg.gradient(tg.ones(2, 2), spacing=[3.0, 2.0], dim=1), RuntimeError, "same length"),
    (lambda: tg.gradient(tg.ones(2, 2), edge_order=2), RuntimeError, "at least edge_order"),
    (lambda: tg.gradient(tg.ones(3, 3), edge_order=3), RuntimeError, "edge_order=1 and edge_order=2"),
    (lambda: tg.gradient(tg.ones(1)), RuntimeError, "at least edge_order"),
    (lambda: tg.gradient(tg.ones(3, dtype=tg.uint8)), RuntimeError, "uint8"),
    (lambda: tg.gradient(tg.ones(2), spacing=[tg.ones(1, 2)]), RuntimeError, "one dimension"),
    (lambda: tg.gradient(tg.ones(2), spacing=tg.ones(2)), TypeError, "spacing"),
    (lambda: tg.gradient(tg.ones(2), dim=2), IndexError, "out of range"),
    (lambda: tg.gradient(tg.ones(2, 2), dim=[1, 1]), RuntimeError, "multiple times"),
    (lambda: tg.gradient(tg.ones(3), spacing=[1, tg.ones(3)]), TypeError, "mix"),
])
def test_gradient_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_gradient_matches_torch(torch):
    rng = np.random.default_rng(2)
    m = rng.standard_normal((4, 5))
    c0, c1 = np.cumsum(rng.random(4) + 0.1), np.cumsum(rng.random(5) + 0.1)
    cases = [({}, {}), ({"spacing": 0.5}, {"spacing": 0.5}), ({"dim": -1}, {"dim": -1}),
             ({"spacing": [2.0], "dim": 0, "edge_order": 2}, {"spacing": [2.0], "dim": 0, "edge_order": 2}),
             ({"spacing": [tg.tensor(c0), tg.tensor(c1)]}, {"spacing": [torch.tensor(c0), torch.tensor(c1)]}),
             ({"spacing": [tg.tensor(c0), tg.tensor(c1)], "edge_order": 2},
              {"spacing": [torch.tensor(c0), torch.tensor(c1)], "edge_order": 2})]
    for ours, theirs in cases:
        _same(tg.gradient(tg.tensor(m), **ours), torch.gradient(torch.tensor(m), **theirs), exact=False)
    f32 = m.astype(np.float32)  # float32 values with float64 coordinates give float64, as PyTorch's cat
    _same(tg.gradient(tg.tensor(f32), spacing=[tg.tensor(c0), tg.tensor(c1)]),
          torch.gradient(torch.tensor(f32), spacing=[torch.tensor(c0), torch.tensor(c1)]), exact=False)
    _same(tg.gradient(tg.tensor(f32), spacing=0.1, edge_order=2),
          torch.gradient(torch.tensor(f32), spacing=0.1, edge_order=2))
    ints = np.array([[1, 2, 4, 8], [10, 20, 40, 80]], dtype=np.int8)
    _same(tg.gradient(tg.tensor(ints))[1].to(tg.float32), torch.gradient(torch.tensor(ints))[1])
    # gradients of the values and of the coordinates
    gm, g0 = tg.tensor(m, requires_grad=True), tg.tensor(c0, requires_grad=True)
    tm, t0 = torch.tensor(m, requires_grad=True), torch.tensor(c0, requires_grad=True)
    w = rng.standard_normal(m.shape)
    (tg.gradient(gm, spacing=[g0], dim=0, edge_order=2)[0] * tg.tensor(w)).sum().backward()
    (torch.gradient(tm, spacing=[t0], dim=0, edge_order=2)[0] * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(gm.grad.numpy(), tm.grad.numpy())
    np.testing.assert_allclose(g0.grad.numpy(), t0.grad.numpy())


# ---- histogram, histogramdd ---------------------------------------------------------------------------
def test_histogram_doc_examples():
    result = tg.histogram(tg.tensor([1.0, 2, 1]), bins=4, range=(0.0, 3.0), weight=tg.tensor([1.0, 2.0, 4.0]))
    assert result.hist.tolist() == [0.0, 5.0, 2.0, 0.0]
    assert result.bin_edges.tolist() == [0.0, 0.75, 1.5, 2.25, 3.0]
    hist, _ = tg.histogram(tg.tensor([1.0, 2, 1]), bins=4, range=(0.0, 3.0), weight=tg.tensor([1.0, 2.0, 4.0]),
                           density=True)
    np.testing.assert_allclose(hist.numpy(), [0.0, 5 / 7 / 0.75, 2 / 7 / 0.75, 0.0])  # 0.9524, 0.3810
    assert type(result).__name__ == "histogram" and tg.tensor([1.0, 2.0]).histogram(2).hist.tolist() == [1.0, 1.0]


def test_histogram_bin_rules():
    x = tg.tensor([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, -1.0, math.nan, math.inf])
    hist, edges = tg.histogram(x, tg.tensor([0.0, 1.0, 2.0]))
    # [0, 1) gets 0 and 0.5; the last bin [1, 2] also gets its right edge 2.0; 2.5, -1, nan, inf are out
    assert hist.tolist() == [2.0, 3.0] and edges.tolist() == [0.0, 1.0, 2.0]
    one_value, edges = tg.histogram(tg.tensor([1.0, 1.0, 1.0]), 4)  # a one-value range is widened by 0.5 each way
    assert edges.tolist() == [0.5, 0.75, 1.0, 1.25, 1.5] and one_value.tolist() == [0.0, 0.0, 3.0, 0.0]
    empty, edges = tg.histogram(tg.tensor([]), 4)                 # no data: the range [0, 1]
    assert empty.tolist() == [0.0] * 4 and edges.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    nothing_counted, _ = tg.histogram(tg.tensor([5.0]), 2, range=(0.0, 1.0), density=True)
    assert np.isnan(nothing_counted.numpy()).all()              # 0 / 0, as in PyTorch
    f32 = tg.histogram(tg.tensor([1.0, 2.0], dtype=tg.float32), 3)
    assert f32.hist.dtype == f32.bin_edges.dtype == tg.float32
    hist, edges = tg.histogram(tg.tensor([1.0, 2, 3]), 2, out=(tg.zeros(2), tg.zeros(3)))
    assert hist.tolist() == [1.0, 2.0]


def test_histogramdd_doc_examples():
    points = tg.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0]])
    result = tg.histogramdd(points, bins=[3, 3], weight=tg.tensor([1.0, 2.0, 4.0, 8.0]))
    assert result.hist.tolist() == [[0.0, 1.0, 0.0], [2.0, 0.0, 0.0], [4.0, 0.0, 8.0]]
    assert len(result.bin_edges) == 2 and np.allclose(result.bin_edges[0].numpy(), [0.0, 2 / 3, 4 / 3, 2.0])
    dense = tg.histogramdd(tg.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), bins=[2, 2], range=[0.0, 1.0, 0.0, 1.0],
                           density=True)
    assert dense.hist.tolist() == [[2.0, 0.0], [0.0, 2.0]]
    assert [e.tolist() for e in dense.bin_edges] == [[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]]
    given = tg.histogramdd(points, bins=[tg.tensor([0.0, 1, 2]), tg.tensor([0.0, 2])])
    assert given.hist.tolist() == [[1.0], [3.0]]
    flat = tg.histogramdd(points.reshape(2, 2, 2), 2, weight=tg.ones(2, 2))  # leading dims flattened
    assert flat.hist.tolist() == [[0.0, 1.0], [2.0, 1.0]]


@pytest.mark.parametrize("call,error,words", [
    (lambda: tg.histogram(tg.tensor([1, 2]), 4), NotImplementedError, "int64"),
    (lambda: tg.histogram(tg.ones(3), tg.tensor([0.0, 1.0]), range=(0.0, 1.0)), TypeError, "range"),
    (lambda: tg.histogram(tg.ones(3), tg.tensor([0.0, 1.0], dtype=tg.float32)), RuntimeError, "same dtype"),
    (lambda: tg.histogram(tg.ones(3), tg.tensor([1.0])), RuntimeError, "bins must be > 0"),
    (lambda: tg.histogram(tg.ones(3), tg.ones(1, 2)), RuntimeError, "one dimension"),
    (lambda: tg.histogram(tg.tensor([1.0, math.nan]), 2), RuntimeError, "not finite"),
    (lambda: tg.histogram(tg.ones(3), 2, range=(3.0, 0.0)), RuntimeError, "min should not exceed max"),
    (lambda: tg.histogram(tg.ones(3), 0), RuntimeError, "bins must be > 0"),
    (lambda: tg.histogram(tg.ones(3), 2, weight=tg.ones(2)), RuntimeError, "same shape"),
    (lambda: tg.histogram(tg.ones(3), 2, weight=tg.ones(3, dtype=tg.float32)), RuntimeError, "same dtype"),
    (lambda: tg.histogram(tg.ones(3), 2, range=(0, 4, 5)), RuntimeError, "2 elements"),
    (lambda: tg.histogram(tg.ones(3), 2.0), TypeError, "bins"),
    (lambda: tg.histogramdd(tg.ones(4, 2), bins=[2]), RuntimeError, "innermost dimension"),
    (lambda: tg.histogramdd(tg.ones(4, 2), bins=[tg.tensor([])] * 2), RuntimeError, "at least 1 element"),
    (lambda: tg.histogramdd(tg.ones(4), bins=2), RuntimeError, "at least 2 dimensions"),
    (lambda: tg.histogramdd(tg.ones(2, 2, 2), bins=2, weight=tg.ones(4)), RuntimeError, "same shape"),
    (lambda: tg.histogramdd(tg.ones(4, 2), bins=2, range=[0.0, 1.0]), RuntimeError, "4 elements"),
    (lambda: tg.histogramdd(tg.ones(4, 2), bins=[2, 3.0]), TypeError, "bins"),
])
def test_histogram_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_histogram_matches_torch_bit_for_bit(torch):
    """Counts and edges exactly equal to PyTorch's, also for values on the edges and float32 edges
    of many bins (where PyTorch's fused multiply-adds round differently from a plain linspace)."""
    rng = np.random.default_rng(3)
    grid32 = np.arange(0, 1, 0.001, dtype=np.float32)
    datasets = [rng.standard_normal(1000), rng.integers(0, 10, 300).astype(float), np.linspace(0, 1, 101), grid32,
                np.array([0.1, 0.2, 0.3, 0.7, 1.0, np.inf, -np.inf, np.nan])]
    for data in datasets:
        for dtype in (np.float32, np.float64):
            a = data.astype(dtype)
            for bins in (1, 3, 7, 100, 999):
                for bounds in ((None, (0.0, 0.999), (-1.0, 3.0)) if np.isfinite(a).all() else ((0.0, 1.0),)):
                    ours = tg.histogram(tg.tensor(a), bins, range=bounds)
                    theirs = torch.histogram(torch.from_numpy(a), bins, range=bounds)
                    _same(tuple(ours), tuple(theirs))
            edges = np.array([-2, -1, 0, 0.1, 0.5, 5]).astype(dtype)
            w = rng.random(a.shape).astype(dtype)
            _same(tuple(tg.histogram(tg.tensor(a), tg.tensor(edges), weight=tg.tensor(w), density=True)),
                  tuple(torch.histogram(torch.from_numpy(a), torch.from_numpy(edges), weight=torch.from_numpy(w),
                                        density=True)), exact=False)
    unsorted = np.array([1.0, 4.0, 2.0])  # PyTorch's binary search on unsorted edges, reproduced
    _same(tuple(tg.histogram(tg.tensor([1.0, 2, 3, 4]), tg.tensor(unsorted))),
          tuple(torch.histogram(torch.tensor([1.0, 2, 3, 4], dtype=torch.float64), torch.tensor(unsorted))))


def test_histogramdd_matches_torch(torch):
    rng = np.random.default_rng(4)
    points = rng.standard_normal((500, 3))
    for dtype in (np.float32, np.float64):
        p = points.astype(dtype)
        for kwargs in ({"bins": [4, 5, 6]}, {"bins": 3, "density": True},
                       {"bins": [2, 3, 4], "range": [-1.0, 1.0, -2.0, 2.0, 0.0, 1.0]}):
            ours, theirs = tg.histogramdd(tg.tensor(p), **kwargs), torch.histogramdd(torch.from_numpy(p), **kwargs)
            _same(ours.hist, theirs.hist, exact="density" not in kwargs)
            _same(ours.bin_edges, tuple(theirs.bin_edges))
        w = rng.random(500).astype(dtype)
        edges = [np.array([-1.0, 0.0, 2.0]).astype(dtype)] * 3
        ours = tg.histogramdd(tg.tensor(p), [tg.tensor(e) for e in edges], weight=tg.tensor(w))
        theirs = torch.histogramdd(torch.from_numpy(p), [torch.from_numpy(e) for e in edges],
                                   weight=torch.from_numpy(w))
        _same(ours.hist, theirs.hist, exact=False)


# ---- chain_matmul -------------------------------------------------------------------------------------
def test_chain_matmul_warns_and_multiplies():
    a, b, c = tg.ones(2, 3), tg.full((3, 4), 2.0), tg.ones(4, 1)
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        product = tg.chain_matmul(a, b, c)
    assert product.tolist() == [[24.0], [24.0]]
    single = _quiet(tg.chain_matmul, a)
    assert single is not a and single.tolist() == a.tolist()   # a copy, as PyTorch's
    with pytest.raises(RuntimeError, match="one or more"):
        _quiet(tg.chain_matmul)
    with pytest.raises(RuntimeError, match="dimension is 1"):
        _quiet(tg.chain_matmul, tg.ones(3), tg.ones(3))
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        _quiet(tg.chain_matmul, tg.ones(2, 2), tg.ones(3, 2))


def test_chain_matmul_matches_torch(torch):
    rng = np.random.default_rng(5)
    mats = [rng.standard_normal(s) for s in [(3, 4), (4, 5), (5, 6), (6, 7)]]
    ours = [tg.tensor(m, requires_grad=True) for m in mats]
    theirs = [torch.tensor(m, requires_grad=True) for m in mats]
    a, b = _quiet(tg.chain_matmul, *ours), _quiet(torch.chain_matmul, *theirs)
    _same(a, b, exact=False)
    a.sum().backward()
    b.sum().backward()
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy())


# ---- nonzero_static -----------------------------------------------------------------------------------
def test_nonzero_static_doc_examples():
    x = tg.tensor([[1, 0], [3, 2]])
    assert tg.nonzero_static(x, size=4).tolist() == [[0, 0], [1, 0], [1, 1], [-1, -1]]
    assert tg.nonzero_static(x, size=2).tolist() == [[0, 0], [1, 0]]
    assert tg.nonzero_static(tg.tensor([10]), size=0).shape == (0, 1)
    assert tg.nonzero_static(tg.tensor(10), size=2).shape == (2, 0)
    assert tg.tensor([1, 0]).nonzero_static(size=3, fill_value=7).tolist() == [[0], [7], [7]]
    assert tg.nonzero_static(x, size=1).dtype == tg.int64
    with pytest.raises(RuntimeError, match="non-negative"):
        tg.nonzero_static(x, size=-1)
    with pytest.raises(TypeError):
        tg.nonzero_static(x, 3)
    with pytest.raises(TypeError, match="fill_value"):
        tg.nonzero_static(x, size=3, fill_value=2.5)


# ---- empty_strided, empty_permuted, frombuffer -----------------------------------------------------------
@pytest.mark.parametrize("size,stride,nbytes", [((2, 3), (1, 2), 48), ((2, 3), (3, 1), 48), ((2, 3), (0, 0), 8),
                                                ((2, 0), (1, 2), 0), ((), (), 8)])
def test_empty_strided_layout(size, stride, nbytes):
    t = tg.empty_strided(size, stride, dtype=tg.float64)
    assert t.shape == size and t.stride() == stride
    assert t.untyped_storage().nbytes() == nbytes  # (1 + Σ (size - 1)·stride) elements, as PyTorch allocates


def test_empty_strided_and_permuted_errors():
    with pytest.raises(RuntimeError, match="dimensionality"):
        tg.empty_strided((2, 3), (1,))
    with pytest.raises(RuntimeError, match="negative dimension"):
        tg.empty_strided((-2, 3), (1, 1))
    with pytest.raises(TypeError, match="tuple of ints"):
        tg.empty_strided(2, 1)
    with pytest.raises(RuntimeError, match="Duplicate"):
        tg.empty_permuted((2, 3), (0, 0))
    with pytest.raises(RuntimeError, match="does not match"):
        tg.empty_permuted((2, 3), (0,))
    with pytest.raises(RuntimeError, match="out of range"):
        tg.empty_permuted((2, 3), (1, -1))


def test_empty_permuted_doc_example():
    t = tg.empty_permuted((2, 3, 5, 7), (0, 2, 3, 1), dtype=tg.float32, requires_grad=True)
    assert t.shape == (2, 3, 5, 7) and t.stride() == (105, 1, 21, 3) and t.requires_grad
    assert t.dim_order() == (0, 2, 3, 1)


def test_frombuffer_shares_memory():
    a = array.array("i", [1, 2, 3])
    t = tg.frombuffer(a, dtype=tg.int32)
    assert t.tolist() == [1, 2, 3] and t.dtype == tg.int32
    t[0] = -1
    assert a.tolist() == [-1, 2, 3]                  # the doc example: the tensor writes into the buffer
    a[1] = 20
    assert t.tolist() == [-1, 20, 3]
    assert tg.frombuffer(array.array("b", [-1, 0, 0, 0]), dtype=tg.int32).tolist() == [255]
    assert tg.frombuffer(bytearray(8), dtype=tg.int32, count=1, offset=4).tolist() == [0]
    assert tg.frombuffer(bytearray(b"\x00\x00\x80\x3f"), dtype=tg.float32, requires_grad=True).requires_grad


def test_frombuffer_read_only_buffer_warns_once(monkeypatch):
    from tinygrad_edu import functions_memory

    monkeypatch.setattr(functions_memory, "_warned_read_only", False)
    with pytest.warns(UserWarning, match="not writable"):
        t = tg.frombuffer(bytes(8), dtype=tg.int32)
    with pytest.raises(RuntimeError, match="read-only"):
        t.add_(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.frombuffer(bytes(8), dtype=tg.int32)      # no second warning


@pytest.mark.parametrize("kwargs,words", [({"count": 3}, "requested buffer length"), ({"offset": 8}, "offset"),
                                          ({"offset": -1}, "offset"), ({"offset": 2}, "multiple of element size")])
def test_frombuffer_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        tg.frombuffer(bytearray(8), dtype=tg.int32, **kwargs)
    with pytest.raises(ValueError, match="must not be 0"):
        tg.frombuffer(bytearray(0), dtype=tg.int32)
    with pytest.raises(ValueError, match="buffer protocol"):
        tg.frombuffer([1, 2], dtype=tg.int32)
    with pytest.raises(TypeError):
        tg.frombuffer(bytearray(8), tg.int32)


# ---- as_strided_scatter --------------------------------------------------------------------------------
def test_as_strided_scatter_doc_example_and_storage_places():
    a = tg.arange(4).reshape(2, 2) + 1
    out = tg.as_strided_scatter(tg.zeros(3, 3), a, (2, 2), (1, 2))
    assert out.tolist() == [[1.0, 3.0, 2.0], [4.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    base = tg.arange(9.0).reshape(3, 3)
    # a transposed input keeps its storage order: places 0 and 1 are its [0, 0] and [1, 0]
    assert tg.as_strided_scatter(base.t(), -tg.ones(2), (2,), (1,)).tolist() == [
        [-1.0, 3.0, 6.0], [-1.0, 4.0, 7.0], [2.0, 5.0, 8.0]]
    # a view starts at its own offset; place 1 lies between its elements 0 and 2 and is not seen
    assert tg.as_strided_scatter(base[:, ::2], tg.tensor([-1.0, -2.0, -3.0]), (3,), (1,)).tolist() == [
        [-1.0, -3.0], [3.0, 5.0], [6.0, 8.0]]
    # an expanded input (elements sharing memory) is copied to its own memory first
    assert tg.as_strided_scatter(base.expand(2, 3, 3), -tg.ones(2), (2,), (1,))[:, 0].tolist() == [
        [-1.0, -1.0, 2.0], [0.0, 1.0, 2.0]]
    assert base.as_strided_scatter(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), (2, 2), (1, 1))[0].tolist() == [1.0, 3.0, 4.0]


def test_as_strided_scatter_gradient_is_the_derivative():
    x = tg.arange(9.0).reshape(3, 3).requires_grad_()
    s = tg.ones(2, 2, requires_grad=True)
    out = tg.as_strided_scatter(x, s, (2, 2), (1, 1))  # writes places 0, 1, 1, 2
    (out * tg.arange(9.0).reshape(3, 3)).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]  # 0 where overwritten
    assert s.grad.tolist() == [[0.0, 1.0], [1.0, 2.0]]                             # as PyTorch's
    assert tg.gradcheck(lambda a, b: tg.as_strided_scatter(a, b, (2, 2), (3, 1), 1),
                        (tg.rand(3, 3, requires_grad=True), tg.rand(2, 2, requires_grad=True)))


def test_as_strided_scatter_errors():
    with pytest.raises(RuntimeError, match="src to have a size"):
        tg.as_strided_scatter(tg.zeros(3, 3), tg.ones(2, 3), (2, 2), (1, 2), 1)
    with pytest.raises(RuntimeError, match="only 9 elements"):
        tg.as_strided_scatter(tg.zeros(3, 3), tg.ones(2, 2), (2, 2), (3, 4), 2)
    with pytest.raises(RuntimeError, match="single memory location"):
        tg.as_strided_scatter(tg.zeros(3, 3), tg.ones(2, 3), (2, 3), (0, 1))


def test_as_strided_scatter_matches_torch(torch):
    rng = np.random.default_rng(6)
    x, s = rng.standard_normal((4, 5)), rng.standard_normal((2, 3))
    for make in (lambda t: t, lambda t: t.t(), lambda t: t[1:], lambda t: t[:, ::2]):
        for offset in (None, 0, 3):
            ours = tg.as_strided_scatter(make(tg.tensor(x)), tg.tensor(s), (2, 3), (4, 1), offset)
            theirs = torch.as_strided_scatter(make(torch.tensor(x)), torch.tensor(s), (2, 3), (4, 1), offset)
            _same(ours, theirs)
    gs, ts = tg.tensor(s, requires_grad=True), torch.tensor(s, requires_grad=True)
    w = rng.standard_normal(x.shape)
    (tg.as_strided_scatter(tg.tensor(x), gs, (2, 3), (4, 1), 2) * tg.tensor(w)).sum().backward()
    (torch.as_strided_scatter(torch.tensor(x), ts, (2, 3), (4, 1), 2) * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(gs.grad.numpy(), ts.grad.numpy())  # (input's gradient: PyTorch's is wrong)


# ---- index_reduce -----------------------------------------------------------------------------------------
SOURCE = [[1.0, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]
INDEX = [0, 4, 2, 0]


def test_index_reduce_doc_examples():
    x = _quiet(tg.full((5, 3), 2.0).index_reduce_, 0, tg.tensor(INDEX), tg.tensor(SOURCE), "prod")
    assert x.tolist() == [[20.0, 44.0, 72.0], [2.0, 2.0, 2.0], [14.0, 16.0, 18.0], [2.0, 2.0, 2.0], [8.0, 10.0, 12.0]]
    y = _quiet(tg.full((5, 3), 2.0).index_reduce_, 0, tg.tensor(INDEX), tg.tensor(SOURCE), "prod", include_self=False)
    assert y.tolist() == [[10.0, 22.0, 36.0], [2.0, 2.0, 2.0], [7.0, 8.0, 9.0], [2.0, 2.0, 2.0], [4.0, 5.0, 6.0]]


def test_index_reduce_other_reductions():
    base, index, source = tg.full((5, 3), 2.0), tg.tensor(INDEX), tg.tensor(SOURCE)
    mean = _quiet(base.index_reduce, 0, index, source, "mean")
    np.testing.assert_allclose(mean.numpy()[0], [13 / 3, 15 / 3, 17 / 3])      # (2 + 1 + 10)/3, ...
    assert _quiet(base.index_reduce, 0, index, source, "mean", include_self=False).tolist()[0] == [5.5, 6.5, 7.5]
    assert _quiet(base.index_reduce, 0, index, source, "amax").tolist()[0] == [10.0, 11.0, 12.0]
    assert _quiet(base.index_reduce, 0, index, source, "amin", include_self=False).tolist()[0] == [1.0, 2.0, 3.0]
    ints = _quiet(tg.full((5, 3), 2).index_reduce, 0, index, source.long(), "mean")
    assert ints.tolist()[0] == [4, 5, 5] and ints.dtype == tg.int64             # integer means round down
    assert _quiet(tg.index_reduce, base, -1, tg.tensor([0, 2], dtype=tg.int32), tg.ones(5, 2), "amin").tolist()[0] == [
        1.0, 2.0, 1.0]
    assert _quiet(tg.tensor(2.0).index_reduce, 0, tg.tensor(0), tg.tensor(3.0), "prod").item() == 6.0


def test_index_reduce_warns_once(monkeypatch):
    from tinygrad_edu import tensor_numeric

    monkeypatch.setattr(tensor_numeric, "_warned_index_reduce", False)
    with pytest.warns(UserWarning, match="beta"):
        tg.ones(2).index_reduce(0, tg.tensor([0]), tg.ones(1), "prod")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.ones(2).index_reduce(0, tg.tensor([0]), tg.ones(1), "prod")


@pytest.mark.parametrize("call,error,words", [
    (lambda: tg.zeros(5, 3).index_reduce(0, tg.tensor([0, 1]), tg.ones(2, 3), "sum"), RuntimeError, "prod, mean"),
    (lambda: tg.zeros(5, 3).index_reduce(0, tg.tensor([0, 1]), tg.ones(2, 3, dtype=tg.float32), "prod"),
     RuntimeError, "same scalar type"),
    (lambda: tg.zeros(5, 3).index_reduce(0, tg.tensor([0.0, 1.0]), tg.ones(2, 3), "prod"), RuntimeError, "int32/int64"),
    (lambda: tg.zeros(5, 3).index_reduce(0, tg.tensor([0]), tg.ones(2, 3), "prod"), RuntimeError, "Number of indices"),
    (lambda: tg.zeros(5, 3).index_reduce(0, tg.tensor([0, 5]), tg.ones(2, 3), "prod"), IndexError, "out of range"),
    (lambda: tg.zeros(5, 3).index_reduce(0, tg.tensor([0, -1]), tg.ones(2, 3), "prod"), IndexError, "out of range"),
    (lambda: tg.zeros(5, 3).index_reduce(1, tg.tensor([0, 2]), tg.ones(4, 2), "amin"), RuntimeError, "must match"),
    (lambda: tg.zeros(5, 3).index_reduce(1, tg.tensor([[0, 2]]), tg.ones(5, 2), "amin"), IndexError, "vector"),
    (lambda: tg.zeros(5, 3).index_reduce(3, tg.tensor([2]), tg.ones(5, 1), "amin"), IndexError, "out of range"),
    (lambda: tg.zeros(2, dtype=tg.bool).index_reduce(0, tg.tensor([0]), tg.tensor([False]), "amax"),
     NotImplementedError, "Bool"),
])
def test_index_reduce_errors(call, error, words):
    with pytest.raises(error, match=words):
        _quiet(call)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_matches_torch(torch, reduce, include_self):
    rng = np.random.default_rng(7)
    base, source = rng.random((5, 3)) + 1, rng.random((4, 3))
    source[0, 0] = source[3, 1] = 0.0                 # zeros in a product
    source[0, 2] = source[3, 2] = 0.5                 # a tie between two source elements (both go to row 0)
    if include_self:  # a tie between self and source (without self, PyTorch still counts self's tie when
        source[1, 2], base[4, 2] = 2.0, 2.0  # it shares the gradient out: it halves source's, a quirk not copied)
    ours = [tg.tensor(base, requires_grad=True), tg.tensor(source, requires_grad=True)]
    theirs = [torch.tensor(base, requires_grad=True), torch.tensor(source, requires_grad=True)]
    a = _quiet(ours[0].index_reduce, 0, tg.tensor(INDEX), ours[1], reduce, include_self=include_self)
    b = _quiet(theirs[0].index_reduce, 0, torch.tensor(INDEX), theirs[1], reduce, include_self=include_self)
    _same(a, b, exact=False)
    w = rng.standard_normal(a.shape)
    (a * tg.tensor(w)).sum().backward()
    (b * torch.tensor(w)).sum().backward()
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy())


# ---- Tensor.view(dtype) -------------------------------------------------------------------------------------
def test_view_dtype_reinterprets_the_bytes():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tg.float32)
    y = x.view(tg.int32)
    assert y.tolist() == [[1065353216, 1073741824], [1077936128, 1082130432]] and y.dtype == tg.int32
    y[0, 0] = 1000000000                             # the doc example: writing through the int view
    assert x[0, 0].item() == pytest.approx(0.0047, abs=1e-4) and x._version == y._version
    assert x.view(tg.uint8).shape == (2, 8) and x.view(tg.float64).shape == (2, 1) and x.view(tg.int16).shape == (2, 4)
    assert x.view(dtype=tg.int32).dtype == tg.int32 and x.view(float).dtype == tg.float64
    assert tg.tensor(1.0, dtype=tg.float32).view(tg.int32).item() == 1065353216
    z = tg.tensor([1.0, 2.0], requires_grad=True).view(tg.float64)
    assert not z.requires_grad and z.grad_fn is None          # no gradient, as PyTorch
    assert x.view(2, 2).shape == (2, 2) and x.view(-1).shape == (4,)  # (sizes still mean a reshape view)


@pytest.mark.parametrize("make,dtype,words", [
    (lambda: tg.tensor([1.0, 2.0, 3.0], dtype=tg.float32), tg.float64, "size\\(-1\\) must be divisible by 2"),
    (lambda: tg.tensor(1.0, dtype=tg.float32), tg.int16, "cannot be 0"),
    (lambda: tg.ones(2, 2, dtype=tg.float32).t(), tg.int16, "stride\\(-1\\) must be 1"),
    (lambda: tg.arange(8.0, dtype=tg.float32).reshape(2, 4)[:, 1:3], tg.float64, "storage_offset"),
    (lambda: tg.arange(9.0, dtype=tg.float32).reshape(3, 3)[:, :2], tg.float64, "stride\\(0\\) must be divisible"),
    (lambda: tg.arange(9.0, dtype=tg.float32).reshape(3, 3)[:, ::2], tg.float64, "stride\\(-1\\) must be 1"),
])
def test_view_dtype_errors(make, dtype, words):
    with pytest.raises(RuntimeError, match=words):
        make().view(dtype)


def test_view_dtype_matches_torch(torch):
    x = np.random.default_rng(8).standard_normal((4, 6)).astype(np.float32)
    for ours_dtype, theirs_dtype in [(tg.int32, torch.int32), (tg.float64, torch.float64), (tg.int16, torch.int16),
                                     (tg.uint8, torch.uint8), (tg.int64, torch.int64), (tg.bool, torch.bool)]:
        for make in (lambda t: t, lambda t: t[1:], lambda t: t[:, 2:], lambda t: t[::2]):
            ours, theirs = make(tg.tensor(x)).view(ours_dtype), make(torch.from_numpy(x)).view(theirs_dtype)
            _same(ours, theirs)
            assert ours.stride() == theirs.stride() and ours.storage_offset() == theirs.storage_offset()


# ---- dim_order, is_storage, set_flush_denormal --------------------------------------------------------------
def test_dim_order_doc_examples():
    assert tg.empty((2, 3, 5, 7)).dim_order() == (0, 1, 2, 3)
    assert tg.empty((2, 3, 5, 7)).transpose(1, 2).dim_order() == (0, 2, 1, 3)
    assert tg.empty((2, 3, 5, 7)).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).dim_order() == (0, 2, 3, 1)
    assert tg.empty((1, 2, 3, 4)).dim_order() == (0, 1, 2, 3)
    with pytest.raises(RuntimeError, match="unique dim order"):
        tg.empty((1, 2, 3, 4)).dim_order(ambiguity_check=True)
    with pytest.raises(TypeError, match="bool or a list"):
        tg.empty((1, 2, 3, 4)).dim_order(ambiguity_check="ILLEGAL")
    assert tg.empty(()).dim_order() == () and tg.empty(3).dim_order() == (0,)


def test_dim_order_matches_torch(torch):
    layouts = [((2, 3, 5, 7), lambda t: t.permute(3, 1, 0, 2)), ((3, 4), lambda t: t.expand(2, 3, 4)),
               ((3, 1), lambda t: t.expand(3, 4)), ((6, 4), lambda t: t[:, ::2]), ((4, 4), lambda t: t[::2, ::2].t()),
               ((2, 2, 2), lambda t: t.permute(2, 0, 1)), ((2, 1, 2), lambda t: t.permute(2, 0, 1)),
               ((1, 3), lambda t: t.t()), ((2, 0, 3), lambda t: t.transpose(0, 2)),
               ((2, 3, 4), lambda t: t.as_strided((2, 3, 4), (1, 2, 6))),
               ((2, 3, 4), lambda t: t.as_strided((2, 3, 4), (1, 1, 1))),
               ((2, 3, 4), lambda t: t.as_strided((2, 2, 2), (0, 0, 1))),
               ((2, 3, 5, 7, 2), lambda t: t.permute(0, 2, 3, 4, 1))]
    for shape, make in layouts:
        for check in (False, True):
            outcome = []
            for module in (tg, torch):
                try:
                    outcome.append(make(module.zeros(shape)).dim_order(ambiguity_check=check))
                except RuntimeError:
                    outcome.append("RuntimeError")
            assert outcome[0] == outcome[1], (shape, check, outcome)


def test_is_storage_and_set_flush_denormal():
    t = tg.tensor([1, 2, 3])
    assert tg.is_storage(t.untyped_storage()) is True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert tg.is_storage(t.storage()) is True
    assert tg.is_storage(t) is False and tg.is_storage([1, 2, 3]) is False
    # numpy cannot flush denormals: False (what PyTorch answers where it cannot), and nothing changes
    assert tg.set_flush_denormal(True) is False and tg.set_flush_denormal(False) is False
    assert tg.tensor([1e-323]).item() != 0.0
    with pytest.raises(RuntimeError, match="expects a bool"):
        tg.set_flush_denormal(1)
    with pytest.raises(TypeError):
        tg.set_flush_denormal(mode=True)


# ---- angle ------------------------------------------------------------------------------------------------
def test_angle_of_real_numbers():
    x = tg.tensor([-1.0, 0.0, 2.0, math.nan, -0.0, -math.inf, math.inf], requires_grad=True)
    a = tg.angle(x)
    assert a[[0, 5]].tolist() == [math.pi, math.pi] and math.isnan(a[3].item())
    assert a[[1, 2, 4, 6]].tolist() == [0.0] * 4 and not np.signbit(a.numpy()[[1, 2, 4, 6]]).any()  # +0, not -0
    a.sum().backward()
    assert x.grad.tolist() == [0.0] * 7                      # PyTorch's gradient for real inputs, also at nan
    assert tg.angle(tg.tensor([-1, 0, 2])).dtype == tg.get_default_dtype()
    assert tg.angle(tg.tensor([True, False])).tolist() == [0.0, 0.0]
    assert tg.angle(tg.tensor([-1.0], dtype=tg.float32)).dtype == tg.float32
    assert tg.tensor([-3.0, 3.0]).angle().tolist() == [math.pi, 0.0]
    with pytest.raises(RuntimeError, match="can't be cast"):
        tg.angle(tg.tensor([-1.0, 2.0]), out=tg.zeros(2, dtype=tg.int64))


def test_angle_matches_torch(torch):
    x = np.array([-1.5, 0.0, 2.0, np.nan, -0.0, -np.inf, np.inf])
    for dtype in (np.float32, np.float64):
        _same(tg.angle(tg.tensor(x.astype(dtype))), torch.angle(torch.tensor(x.astype(dtype))))
    _same(tg.angle(tg.tensor([-2, 0, 3])).to(tg.float32), torch.angle(torch.tensor([-2, 0, 3])))
