"""Scatter, index_*, take, masked_*, put, the selection functions (nonzero, unique, bincount,
histc, searchsorted, ...), memory attributes and the in-place shape changes: compared with
PyTorch (values, dtypes, gradients, in-place semantics, exception types) when it is installed,
and checked against numpy or by hand otherwise."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _data(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _both(torch, fn, arrays, ints=()):
    """Run fn(module, *tensors) in both frameworks on float64 copies of `arrays` (which require
    grad) and int64 `ints`; compare the values, dtypes and the gradients of sum(out * weights)."""
    ours = [tg.tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    out = fn(tg, *ours, *[tg.tensor(np.asarray(i, dtype=np.int64)) for i in ints])
    ref = fn(torch, *theirs, *[torch.tensor(np.asarray(i, dtype=np.int64)) for i in ints])
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert out.dtype == np.dtype(str(ref.dtype).replace("torch.", ""))
    weights = np.random.default_rng(1).standard_normal(out.shape)
    (out * tg.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for a, b in zip(ours, theirs):
        expected = np.zeros(a.shape) if b.grad is None else b.grad.numpy()
        got = np.zeros(a.shape) if a.grad is None else a.grad.data
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


# ---- scatter family --------------------------------------------------------------------------
SCATTER = [
    (lambda m, x, s, i: x.scatter(0, i, s), (3, 4), (2, 4), [[2, 0, 1, 1], [0, 1, 2, 0]]),
    (lambda m, x, s, i: m.scatter(x, 1, i, s), (2, 4), (2, 2), [[3, 0], [1, 2]]),
    (lambda m, x, s, i: x.scatter(-1, i, value=2.5) * s.sum(), (2, 4), (1,), [[3], [0]]),
    (lambda m, x, s, i: x.scatter_add(0, i, s), (3, 4), (3, 4), [[2, 2, 1, 1], [2, 2, 2, 0], [0, 1, 0, 1]]),  # repeats
    (lambda m, x, s, i: m.scatter_add(x, 1, i, s), (2, 3), (2, 3), [[0, 0, 0], [1, 2, 1]]),
    (lambda m, x, s, i: x.scatter(0, i, s, reduce="add"), (3, 4), (2, 4), [[2, 2, 1, 1], [0, 1, 2, 0]]),
    (lambda m, x, s, i: x.scatter(0, i, s, reduce="add"), (3, 4), (2, 4), [[2, 2, 1, 1], [0, 1, 2, 0]]),
    (lambda m, x, s, i: x.scatter(0, i, s[:0, :0]), (3, 4), (2, 4), np.zeros((0, 0))),  # empty index
]


@pytest.mark.filterwarnings("ignore:The reduce argument")
@pytest.mark.parametrize("k", range(len(SCATTER)))
def test_scatter_matches_torch(torch, k):
    fn, self_shape, src_shape, index = SCATTER[k]
    if k in (5, 6):  # PyTorch has no gradient for reduce=...: compare the values only
        reduce = "add" if k == 5 else "multiply"
        fn = lambda m, x, s, i: x.detach().scatter(0, i, s.detach(), reduce=reduce)  # noqa: E731
        x, s = _data(3, 4), _data(2, 4, seed=1)
        ref = fn(torch, torch.tensor(x), torch.tensor(s), torch.tensor(index))
        np.testing.assert_allclose(fn(tg, tg.tensor(x), tg.tensor(s), tg.tensor(index)).data, ref.numpy())
        return
    _both(torch, fn, [_data(*self_shape), _data(*src_shape, seed=1)], [np.asarray(index, dtype=np.int64)])


def test_scatter_with_repeated_indices_gives_every_src_element_its_gradient(torch):
    """Which of two elements written to one place lands there is unspecified (in PyTorch too);
    the gradient of src is documented: grad.gather(dim, index), so both get one."""
    index = [[1, 1, 0]]
    x, s = tg.zeros(2, 3, requires_grad=True), tg.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    tx, ts = torch.zeros(2, 3, requires_grad=True), torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    g = _data(2, 3)
    (x.scatter(0, tg.tensor(index), s) * tg.tensor(g)).sum().backward()
    (tx.scatter(0, torch.tensor(index), ts) * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(s.grad.data, ts.grad.numpy())
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_matches_torch(torch, reduce, include_self):
    index = [[0, 0, 2, 2], [0, 1, 2, 0], [1, 1, 2, 0]]  # row 3 of self is never written
    x, s = _data(4, 4), _data(3, 4, seed=1)
    s[1, 1] = s[2, 1] = 5.0  # a tie (amax shares the gradient) ...
    s[0, 0] = 0.0            # ... and a zero (prod's gradient is the product of the others)
    _both(torch, lambda m, a, b, i: a.scatter_reduce(0, i, b, reduce, include_self=include_self), [x, s],
          [np.asarray(index)])


def test_scatter_reduce_on_integers_matches_torch(torch):
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        x, s, i = [1, 2, 3], [4, 5, -7], [0, 0, 2]
        ours = tg.tensor(x).scatter_reduce(0, tg.tensor(i), tg.tensor(s), reduce, include_self=False)
        ref = torch.tensor(x).scatter_reduce(0, torch.tensor(i), torch.tensor(s), reduce, include_self=False)
        assert ours.tolist() == ref.tolist() and ours.dtype == np.int64, reduce


def test_src_larger_than_index():
    """Only src's leading index.shape block is written; the rest gets gradient 0 (PyTorch 2.x
    raises in backward there: its ScatterBackward returns a gradient of index's shape)."""
    x = tg.zeros(2, 4, requires_grad=True)
    s = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    out = x.scatter_add(1, tg.tensor([[3, 3], [0, 1]]), s)
    assert out.tolist() == [[0.0, 0.0, 0.0, 3.0], [4.0, 5.0, 0.0, 0.0]]
    (out * tg.arange(8.0).reshape(2, 4)).sum().backward()
    assert s.grad.tolist() == [[3.0, 3.0, 0.0], [4.0, 5.0, 0.0]]
    assert x.grad.tolist() == np.arange(8.0).reshape(2, 4).tolist()


def test_scatter_without_torch():
    out = tg.zeros(2, 3).scatter(0, tg.tensor([[1, 0, 1]]), tg.tensor([[1.0, 2.0, 3.0]]))
    assert out.tolist() == [[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]]
    added = tg.ones(3).scatter_add(0, tg.tensor([2, 2, 0]), tg.tensor([1.0, 2.0, 3.0]))
    assert added.tolist() == [4.0, 1.0, 4.0]
    assert tg.tensor(1.0).scatter(0, tg.tensor(0), tg.tensor(5.0)).item() == 5.0


@pytest.mark.parametrize("call,exc,words", [
    (lambda m, x: x.scatter(0, m.tensor([1, 0]), x), RuntimeError, "as many dimensions"),
    (lambda m, x: x.scatter(0, m.tensor([[2, 0, 0]]), x), RuntimeError, "out of bounds"),
    (lambda m, x: x.scatter(0, m.tensor([[-1, 0, 0]]), x), RuntimeError, "out of bounds"),
    (lambda m, x: x.scatter(0, m.tensor([[0, 0, 0, 0]]), x), RuntimeError, "larger"),
    (lambda m, x: x.scatter(0, m.tensor([[0.0, 0, 0]]), x), RuntimeError, "int64"),
    (lambda m, x: x.scatter(0, m.tensor([[0, 0, 0]]), x.float()), RuntimeError, "dtype"),
    (lambda m, x: x.scatter(2, m.tensor([[0, 0, 0]]), x), IndexError, "dim 2"),
    (lambda m, x: x.scatter_reduce(0, m.tensor([[0, 0, 0]]), x, "average"), RuntimeError, "amax"),
    (lambda m, x: x.index_add(0, m.tensor([0]), x), RuntimeError, "shape"),
    (lambda m, x: x.index_add(0, m.tensor([[0]]), x[:1]), IndexError, "vector"),
    (lambda m, x: x.index_add(0, m.tensor([2]), x[:1]), RuntimeError, "out of bounds"),
    (lambda m, x: x.index_add(0, m.tensor([1]), x[:1].float()), RuntimeError, "dtype"),
    (lambda m, x: x.index_copy(0, m.tensor([-1]), x[:1]), IndexError, "out of bounds"),
    (lambda m, x: x.index_fill(0, m.tensor([2]), 1.0), IndexError, "out of bounds"),
    (lambda m, x: x.index_fill(0, m.tensor([0]), m.tensor([1.0])), RuntimeError, "0-d"),
    (lambda m, x: x.index_put((m.tensor([5]),), m.tensor(1.0, dtype=m.float64)), IndexError, "shape"),
    (lambda m, x: x.index_put((m.tensor([1]),), m.tensor(1.0, dtype=m.float32)), RuntimeError, "dtype"),
    (lambda m, x: x.index_put((m.tensor([1]),), m.tensor([1.0, 2.0], dtype=m.float64)), RuntimeError,
     "broadcast"),
    (lambda m, x: x.masked_scatter(m.tensor([True, True, True]), x[0, :1]), RuntimeError, "only 1"),
    (lambda m, x: x.masked_scatter(m.tensor([1, 0, 1]), x), RuntimeError, "bool"),
    (lambda m, x: x.masked_scatter(m.tensor([True, False, True]), x.float()), RuntimeError, "dtype"),
    (lambda m, x: x.masked_select(m.tensor([1, 0, 1])), RuntimeError, "bool"),
    (lambda m, x: x.masked_select(m.tensor([True, False])), RuntimeError, "broadcast"),
    (lambda m, x: x.take(m.tensor([6])), IndexError, "6 elements"),
    (lambda m, x: x.take(m.tensor([1.0])), RuntimeError, "int64"),
    (lambda m, x: x.put(m.tensor([1, 2]), x[0, :1]), IndexError, "same number"),
    (lambda m, x: x.take_along_dim(m.tensor([[[0]]]), 1), RuntimeError, "same number of dimensions"),
])
def test_bad_arguments_raise_what_torch_raises(torch, call, exc, words):
    with pytest.raises(exc, match=words):
        call(tg, tg.arange(6.0).reshape(2, 3))
    with pytest.raises(exc):
        call(torch, torch.arange(6.0, dtype=torch.float64).reshape(2, 3))


# ---- index_* ---------------------------------------------------------------------------------
INDEX = [
    (lambda m, x, s, i: x.index_add(0, i, s), (3, 4), (4, 4), [2, 0, 2, 2]),  # repeats add up
    (lambda m, x, s, i: m.index_add(x, 1, i, s, alpha=-2.0), (2, 3), (2, 2), [1, 1]),
    (lambda m, x, s, i: x.index_copy(1, i, s), (2, 4), (2, 2), [3, 0]),
    (lambda m, x, s, i: m.index_copy(x, 0, i, s), (3, 2), (0, 2), np.zeros(0)),
    (lambda m, x, s, i: x.index_fill(1, i, s.sum()), (2, 4), (3,), [3, 0, 3]),  # value gets Σ once per place
    (lambda m, x, s, i: m.index_fill(x, -1, i, -1.5) * s.sum(), (2, 4), (1,), [-1]),
    (lambda m, x, s, i: x.index_put((i, i), s, accumulate=True), (3, 3), (3,), [2, 0, 2]),
    (lambda m, x, s, i: m.index_put(x, (i,), s), (3, 2), (2,), [2, 0]),
    (lambda m, x, s, i: x.index_put((i > 0,), s), (3, 2), (1,), [1, 0, 1]),
    (lambda m, x, s, i: x.index_add(0, i, s), (), (), 0),
    (lambda m, x, s, i: x.index_copy(0, i, s), (), (), 0),
]


@pytest.mark.parametrize("k", range(len(INDEX)))
def test_index_ops_match_torch(torch, k):
    fn, self_shape, src_shape, index = INDEX[k]
    _both(torch, fn, [_data(*self_shape), _data(*src_shape, seed=1)], [np.asarray(index, dtype=np.int64)])


# ---- reading: take, take_along_dim, masked_select; masked_scatter, put -------------------------
READ = [
    (lambda m, x, s, i: x.take(i), (3, 4), [[5, 0], [-1, 5]]),
    (lambda m, x, s, i: m.take(x, i), (), 0),
    (lambda m, x, s, i: x.take_along_dim(i, 1), (3, 4), [[0, 3], [1, 1], [2, 0]]),
    (lambda m, x, s, i: m.take_along_dim(x, i, dim=0), (3, 4), [[0], [2]]),  # broadcasts
    (lambda m, x, s, i: x.take_along_dim(i), (3, 4), [11, 0, 0]),
    (lambda m, x, s, i: x.masked_select(i > 0), (2, 3), [1, 0, 1]),  # the mask broadcasts
    (lambda m, x, s, i: m.masked_select(x, i > 0), (), [1, 0]),
    (lambda m, x, s, i: x.masked_scatter(i > 0, s), (2, 3), [1, 0, 1]),
    (lambda m, x, s, i: m.masked_scatter(x, i > 0, s), (3,), [[1], [0]]),  # self broadcasts too
    (lambda m, x, s, i: x.put(i, s[: i.numel()]), (2, 3), [4, 0, -1]),
    (lambda m, x, s, i: x.put(i, s[: i.numel()], accumulate=True), (2, 3), [4, 4, -2]),
]


@pytest.mark.parametrize("k", range(len(READ)))
def test_reading_and_masked_ops_match_torch(torch, k):
    fn, shape, index = READ[k]
    _both(torch, fn, [_data(*shape), _data(8, seed=1)], [np.asarray(index, dtype=np.int64)])


def test_reading_without_torch():
    x = tg.arange(6.0).reshape(2, 3)
    assert x.take(tg.tensor([[5, 0]])).tolist() == [[5.0, 0.0]]
    assert x.masked_select(tg.tensor([True, False, True])).tolist() == [0.0, 2.0, 3.0, 5.0]
    assert x.take_along_dim(tg.tensor([[2], [0]]), 1).tolist() == [[2.0], [3.0]]
    mask = tg.tensor([[True, False, True], [False, False, True]])
    assert x.masked_scatter(mask, tg.tensor([9.0, 8.0, 7.0])).tolist() == [[9.0, 1.0, 8.0], [3.0, 4.0, 7.0]]


# ---- in place --------------------------------------------------------------------------------
IN_PLACE = [
    lambda t, i, s: t.scatter_(0, i, s),
    lambda t, i, s: t.scatter_(0, i, value=2.0),
    lambda t, i, s: t.scatter_add_(0, i, s),
    lambda t, i, s: t.scatter_reduce_(0, i, s, "amax"),
    lambda t, i, s: t.index_add_(0, i[0][:1], s, alpha=2.0),
    lambda t, i, s: t.index_fill_(0, i[0][:1], -1.0),
    lambda t, i, s: t.index_copy_(0, i[0][:1], s[:1]),
    lambda t, i, s: t.index_put_((i[0][:1],), s[0], accumulate=True),
    lambda t, i, s: t.masked_scatter_(i == 1, s),
    lambda t, i, s: t.put_(i[0], s[0], accumulate=True),
]


@pytest.mark.parametrize("k", range(len(IN_PLACE)))
def test_in_place_forms_match_torch(torch, k):
    op = IN_PLACE[k]
    index = np.array([[2, 0, 1]])
    results = []
    for m in (tg, torch):
        x = m.tensor(_data(3, 3), requires_grad=True)
        s = m.tensor(_data(1, 3, seed=1), requires_grad=True)
        t = x * 1
        out = op(t, m.tensor(index), s)
        assert out is t and not t.is_leaf
        (t * m.tensor(_data(3, 3, seed=2))).sum().backward()
        results.append((t.detach().numpy().copy(), x.grad.numpy().copy(),
                        None if s.grad is None else s.grad.numpy().copy()))
    (a, ga, sa), (b, gb, sb) = results
    np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(ga, gb)
    np.testing.assert_allclose(np.zeros((1, 3)) if sa is None else sa, np.zeros((1, 3)) if sb is None else sb)


def test_in_place_scatter_on_a_leaf_that_requires_grad_is_refused(torch):
    x = tg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        x.scatter_(0, tg.tensor([0]), 1.0)
    with pytest.raises(RuntimeError):
        torch.zeros(3, requires_grad=True).scatter_(0, torch.tensor([0]), 1.0)
    with tg.no_grad():
        x.index_fill_(0, tg.tensor([1]), 2.0)
    assert x.tolist() == [0.0, 2.0, 0.0] and x._version == 1


def test_changing_a_saved_tensor_in_place_makes_backward_raise(torch):
    for m in (tg, torch):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        z = y * y  # saves y
        y.index_add_(0, m.tensor([0]), m.tensor([1.0]))
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            z.sum().backward()


def test_in_place_scatter_on_a_view_changes_the_base(torch):
    for m in (tg, torch):
        x = m.tensor(_data(2, 3), requires_grad=True)
        base = x * 1
        base[1].scatter_(0, m.tensor([2]), m.tensor([7.0], dtype=m.float64))
        base.sum().backward()
        assert base[1, 2].item() == 7.0
        assert x.grad.tolist() == [[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]]


# ---- selection -------------------------------------------------------------------------------
def _same(ours, ref):
    if isinstance(ref, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(ref)
        for a, b in zip(ours, ref):
            _same(a, b)
        return
    assert ours.shape == tuple(ref.shape)
    assert ours.dtype == np.dtype(str(ref.dtype).replace("torch.", ""))
    np.testing.assert_array_equal(ours.data, ref.numpy())


SELECT = [
    lambda m, x: x.nonzero(),
    lambda m, x: m.nonzero(x, as_tuple=True),
    lambda m, x: m.nonzero(x[0, 0]),
    lambda m, x: x[0, 1].nonzero(as_tuple=True),
    lambda m, x: m.argwhere(x),
    lambda m, x: m.count_nonzero(x),
    lambda m, x: x.count_nonzero(dim=-1),
    lambda m, x: m.count_nonzero(x, dim=(0, 1)),
    lambda m, x: m.unique(x),
    lambda m, x: x.unique(return_inverse=True, return_counts=True),
    lambda m, x: m.unique(x, sorted=False, return_counts=True),
    lambda m, x: m.unique(x, dim=0, return_inverse=True, return_counts=True),
    lambda m, x: x.unique(dim=1, return_inverse=True),
    lambda m, x: m.unique(x[0, 0], return_inverse=True, return_counts=True),
    lambda m, x: m.unique_consecutive(x.flatten(), return_inverse=True, return_counts=True),
    lambda m, x: x.unique_consecutive(dim=0, return_counts=True),
    lambda m, x: m.unique_consecutive(x, return_inverse=True),
    lambda m, x: m.bincount(x.flatten().long()),
    lambda m, x: x.flatten().long().bincount(minlength=7),
    lambda m, x: m.bincount(x.flatten().long(), weights=x.flatten() * 0.5),
    lambda m, x: m.bincount(x.flatten().long(), weights=x.flatten().float()),
    lambda m, x: m.bincount(x.flatten().long(), weights=x.flatten().long()),
    lambda m, x: m.bincount(x.flatten().long()[:0]),
    lambda m, x: m.histc(x, bins=4, min=0, max=3),
    lambda m, x: x.histc(bins=3),
    lambda m, x: m.histc(x.float(), bins=5, min=1, max=1),
    lambda m, x: m.histc(x[:0], bins=2),
    lambda m, x: m.bucketize(x, m.tensor([0.5, 1.0, 2.5])),
    lambda m, x: m.bucketize(x, m.tensor([0.5, 1.0, 2.5]), right=True, out_int32=True),
    lambda m, x: m.bucketize(1.0, m.tensor([0.5, 1.0, 2.5])),
    lambda m, x: m.searchsorted(m.tensor([0.5, 1.0, 2.5]), x),
    lambda m, x: m.searchsorted(m.tensor([0.5, 1.0, 2.5]), x, side="right"),
    lambda m, x: m.searchsorted(m.tensor([0.5, 1.0, 2.5]), x, right=True, side="right"),
    lambda m, x: m.searchsorted(m.tensor([[0.5, 1.0, 2.5], [1.0, 2.0, 3.0]]), x[:2]),
    lambda m, x: m.searchsorted(m.tensor([2.5, 0.5, 1.0]), x, sorter=m.tensor([1, 2, 0])),
    lambda m, x: m.searchsorted(m.tensor([0.5, 1.0, 2.5]), 1.0),
]


@pytest.mark.parametrize("k", range(len(SELECT)))
def test_selection_matches_torch(torch, k):
    x = np.array([[0.0, 1.0, 2.0, 2.0], [3.0, 0.0, 0.0, 1.0], [0.0, 1.0, 2.0, 2.0]])
    _same(SELECT[k](tg, tg.tensor(x)), SELECT[k](torch, torch.tensor(x)))


@pytest.mark.parametrize("args", [(3, 3), (4, 3, 1), (3, 4, -1), (0, 3), (3, 5, 10), (2, 2, -5)])
def test_triangle_indices_match_torch(torch, args):
    _same(tg.tril_indices(*args), torch.tril_indices(*args))
    _same(tg.triu_indices(*args), torch.triu_indices(*args))
    assert tg.tril_indices(3, 3, dtype=tg.int32).dtype == np.int32


@pytest.mark.parametrize("call,exc", [
    (lambda m: m.bincount(m.tensor([-1])), RuntimeError),
    (lambda m: m.bincount(m.tensor([[1]])), RuntimeError),
    (lambda m: m.bincount(m.tensor([1.0])), NotImplementedError),
    (lambda m: m.bincount(m.tensor([0, 1]), weights=m.tensor([1.0])), RuntimeError),
    (lambda m: m.histc(m.tensor([1, 2])), NotImplementedError),
    (lambda m: m.histc(m.tensor([1.0]), bins=0), RuntimeError),
    (lambda m: m.histc(m.tensor([1.0]), bins=2, min=3, max=1), RuntimeError),
    (lambda m: m.bucketize(m.tensor([1]), m.tensor([[1, 2]])), RuntimeError),
    (lambda m: m.searchsorted(m.tensor([1, 2]), m.tensor([1]), side="left", right=True), RuntimeError),
    (lambda m: m.searchsorted(m.tensor([[1, 3], [2, 4]]), m.tensor([[3]])), RuntimeError),
    (lambda m: m.tril_indices(-1, 3), RuntimeError),
    (lambda m: m.unique(m.tensor([[1, 2]]), dim=2), IndexError),
])
def test_selection_errors_match_torch(torch, call, exc):
    with pytest.raises(exc):
        call(tg)
    with pytest.raises(exc):
        call(torch)


def test_selection_without_torch():
    x = tg.tensor([[0.0, 1.0], [2.0, 0.0]])
    assert tg.nonzero(x).tolist() == np.argwhere(x.data).tolist() and tg.nonzero(x).dtype == np.int64
    values, inverse, counts = tg.unique(tg.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3] and inverse.tolist() == [2, 0, 2, 1] and counts.tolist() == [1, 1, 2]
    assert tg.unique_consecutive(tg.tensor([1, 1, 2, 2, 3, 1])).tolist() == [1, 2, 3, 1]
    assert tg.bincount(tg.tensor([0, 1, 1, 3])).tolist() == [1, 2, 0, 1]
    assert tg.histc(tg.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3).tolist() == [0.0, 2.0, 1.0, 0.0]
    assert tg.searchsorted(tg.tensor([1, 3, 5]), tg.tensor([3, 6])).tolist() == [1, 3]
    assert tg.tril_indices(2, 2).tolist() == [[0, 1, 1], [0, 0, 1]]
    assert tg.count_nonzero(x, axis=0).tolist() == [1, 1]  # numpy's name for dim


# ---- attributes and small methods --------------------------------------------------------------
def test_memory_attributes_match_torch(torch):
    f64 = np.float64
    for make in (lambda m: m.zeros(3, 4, dtype=m.float32), lambda m: m.zeros(3, 4, dtype=m.float64).t(),
                 lambda m: m.zeros(3, 4, dtype=m.float64)[1:, 2:], lambda m: m.zeros(1, 4, dtype=m.int64).expand(3, 4),
                 lambda m: m.zeros(2, 3, 4, dtype=m.float64).permute(2, 0, 1), lambda m: m.tensor(5, dtype=m.int32),
                 lambda m: m.tensor(np.arange(6, dtype=f64)).reshape(2, 3)[:, 1]):
        ours, ref = make(tg), make(torch)
        assert ours.stride() == ref.stride()
        assert ours.storage_offset() == ref.storage_offset()
        assert (ours.nbytes, ours.itemsize, ours.element_size(), ours.ndimension()) == \
            (ref.nbytes, ref.itemsize, ref.element_size(), ref.ndimension())
        for d in range(-ours.ndim, ours.ndim):
            assert ours.stride(d) == ref.stride(d)
    with pytest.raises(IndexError):
        tg.zeros(2, 3).stride(2)
    with pytest.raises(IndexError):
        torch.zeros(2, 3).stride(2)


def test_data_ptr_and_strides_without_torch():
    x = tg.zeros(3, 4)
    assert x.stride() == (4, 1) and x.t().stride() == (1, 4) and x.stride(-2) == 4
    assert x[1].data_ptr() == x.data_ptr() + 4 * x.element_size()
    assert x[1:].storage_offset() == 4 and x.nbytes == 96 and x.itemsize == 8


def test_retains_grad(torch):
    for m in (tg, torch):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        b = a * 2
        assert not a.retains_grad and not b.retains_grad
        b.retain_grad()
        assert b.retains_grad and not (b * 1).retains_grad
        b.sum().backward()
        assert b.grad.tolist() == [1.0, 1.0]
        assert not m.tensor([1.0]).retains_grad


def test_detach_in_place(torch):
    for m in (tg, torch):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        b = a * 2
        assert b.detach_() is b and b.is_leaf and not b.requires_grad
        c = m.zeros(3)
        with pytest.raises(RuntimeError, match="(?i)view"):
            c[1:].detach_()
        with pytest.raises(RuntimeError, match="(?i)view"):
            (a * 1).reshape(2, 1).detach_()
        assert c.detach().detach_() is not None  # detach() is not a view here, nor in PyTorch


SHAPE_IN_PLACE = [
    (lambda t: t.squeeze_(), (3, 1)),
    (lambda t: t.squeeze_(1), (3, 1)),
    (lambda t: t.squeeze_(0), (3, 1)),  # nothing to squeeze
    (lambda t: t.unsqueeze_(-1), (3, 2)),
    (lambda t: t.unsqueeze_(0), ()),
    (lambda t: t.transpose_(0, 1), (3, 2)),
    (lambda t: t.t_(), (2, 3)),
    (lambda t: t.t_(), (3,)),
]


@pytest.mark.parametrize("k", range(len(SHAPE_IN_PLACE)))
def test_shape_changes_in_place_match_torch(torch, k):
    op, shape = SHAPE_IN_PLACE[k]
    results = []
    for m in (tg, torch):
        x = m.tensor(_data(*shape), requires_grad=True)
        t = x * 2
        version = t._version
        assert op(t) is t
        assert not t.is_leaf
        weights = m.tensor(_data(*t.shape, seed=3))
        (t * weights).sum().backward()
        results.append((tuple(t.shape), t.stride(), t.detach().numpy().copy(), x.grad.numpy().copy(),
                        t._version > version))
        with m.no_grad():  # a leaf is fine outside grad mode
            y = m.tensor(_data(*shape), requires_grad=True)
            op(y)
            assert y.is_leaf and tuple(y.shape) == results[-1][0]
        with pytest.raises(RuntimeError, match="leaf"):
            op(m.tensor(_data(*shape), requires_grad=True))
    (s1, st1, v1, g1, bumped1), (s2, st2, v2, g2, _) = results
    assert s1 == s2 and st1 == st2 and bumped1
    np.testing.assert_allclose(v1, v2)
    np.testing.assert_allclose(g1, g2)


def test_shape_change_in_place_bumps_the_version_so_saved_tensors_are_protected(torch):
    for m in (tg, torch):
        x = m.tensor([[1.0], [2.0]], requires_grad=True)
        y = x * 2
        z = y * y
        y.squeeze_()
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            z.sum().backward()
    plain = tg.zeros(2, 1)
    plain.squeeze_()
    assert plain.shape == (2,) and plain.add_(1).tolist() == [1.0, 1.0]


def test_num_threads():
    before = tg.get_num_threads()
    assert isinstance(before, int) and before >= 1
    try:
        tg.set_num_threads(1)
        assert tg.get_num_threads() == 1
    finally:
        tg.set_num_threads(before)
    assert tg.get_num_threads() == before
    with pytest.raises(RuntimeError):
        tg.set_num_threads(0)


def test_num_threads_without_threadpoolctl_warns_once(monkeypatch):
    from tinygrad_edu import threads

    monkeypatch.setattr(threads, "_threadpoolctl", lambda: None)
    monkeypatch.setattr(threads, "_state", {"threads": None, "limiter": None, "warned": False})
    with pytest.warns(RuntimeWarning, match="threadpoolctl"):
        tg.set_num_threads(3)
    assert tg.get_num_threads() == 3
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.set_num_threads(2)  # warned once already
    assert tg.get_num_threads() == 2
