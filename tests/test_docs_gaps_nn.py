"""nn gaps found by running PyTorch's docstring examples: fractional max pooling (F and nn),
F.native_channel_shuffle, tg.utils.data.get_worker_info, tg.func.linearize, and the convolution
ops (convolution_ops.py) that made Conv3d / ConvTranspose3d fast -- checked by hand and against
PyTorch where it is installed."""
import doctest
import importlib
import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.nn.functional import convolution_ops
from tinygrad_edu.nn.functional.convolution_ops import (
    Geometry,
    conv_and_weight_arrays,
    conv_array,
    conv_transpose_array,
    conv_weight_array,
)
from tinygrad_edu.nn.functional.fractional_pooling import window_starts
from tinygrad_edu.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info


@pytest.mark.parametrize("module", ["tinygrad_edu.nn.functional.fractional_pooling",
                                    "tinygrad_edu.nn.fractional_pooling", "tinygrad_edu.nn.functional.channel_shuffle",
                                    "tinygrad_edu.func.linearize", "tinygrad_edu.utils.data.worker"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ---- fractional max pooling: by hand --------------------------------------------------------------

def test_window_starts_follow_the_formula():
    # α = (5 - 2)/(3 - 1) = 1.5, u = 0.5: ⌊0.75⌋ - ⌊0.75⌋ = 0, ⌊2.25⌋ - 0 = 2, last n - k = 3
    assert window_starts(np.array(0.5), 5, 3, 2).tolist() == [0, 2, 3]
    # α = (10 - 3)/(4 - 1) = 7/3, u = 0.9: ⌊2.1⌋ - 2 = 0, ⌊4.43⌋ - 2 = 2, ⌊6.77⌋ - 2 = 4, then 7
    assert window_starts(np.array(0.9), 10, 4, 3).tolist() == [0, 2, 4, 7]
    assert window_starts(np.array(0.3), 6, 1, 2).tolist() == [4]  # one window: the last one
    assert window_starts(np.array(0.3), 6, 0, 2).shape == (0,)
    starts = window_starts(np.random.default_rng(0).random((2, 3)), 20, 7, 3)
    assert starts.shape == (2, 3, 7) and (np.diff(starts, axis=-1) >= 0).all() and (starts[..., -1] == 17).all()


def test_fractional_max_pool2d_known_values_and_indices():
    x = tg.arange(25.0).reshape(1, 1, 5, 5)
    values, indices = F.fractional_max_pool2d(x, 2, output_size=3, return_indices=True,
                                              _random_samples=tg.tensor([[[0.5, 0.5]]]))
    assert values[0, 0].tolist() == [[6.0, 8.0, 9.0], [16.0, 18.0, 19.0], [21.0, 23.0, 24.0]]
    assert indices.dtype == np.int64 and indices[0, 0].tolist() == [[6, 8, 9], [16, 18, 19], [21, 23, 24]]
    # sample [..., 0] places the columns, [..., 1] the rows (PyTorch's order): u = 0.9 for the columns
    # gives column windows starting at 0, 1, 3 (α = 1.5: ⌊1.35⌋ - ⌊1.35⌋ = 0, ⌊2.85⌋ - 1 = 1)
    cols = F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=tg.tensor([[[0.9, 0.5]]]))
    assert cols[0, 0, 0].tolist() == [6.0, 7.0, 9.0]


def test_fractional_max_pool3d_sample_order_is_time_height_width():
    x = tg.arange(125.0).reshape(1, 1, 5, 5, 5)
    u = tg.tensor([[[0.9, 0.5, 0.5]]])  # only the first dim (T) gets the 0.9 windows: starts 0, 1, 3
    _, indices = F.fractional_max_pool3d(x, (2, 1, 1), output_size=(3, 4, 4), return_indices=True,
                                         _random_samples=u)
    assert (indices[0, 0, :, 0, 0] // 25).tolist() == [1, 2, 4]


def test_fractional_values_are_the_window_maxima_and_gradient_goes_to_them():
    rng = np.random.default_rng(1)
    x = tg.tensor(rng.standard_normal((2, 3, 9, 8)), requires_grad=True)
    u = tg.tensor(rng.random((2, 3, 2)))
    values, indices = F.fractional_max_pool2d(x, (3, 2), output_size=(4, 5), return_indices=True, _random_samples=u)
    flat = x.data.reshape(2, 3, -1)
    assert np.array_equal(values.data, np.take_along_axis(flat, indices.data.reshape(2, 3, -1), 2).reshape(2, 3, 4, 5))
    for n, c in [(0, 0), (1, 2)]:  # each value is the max of its own window
        rows = window_starts(u.data[n, c, 1], 9, 4, 3)
        cols = window_starts(u.data[n, c, 0], 8, 5, 2)
        for i, r in enumerate(rows):
            for j, s in enumerate(cols):
                assert values.data[n, c, i, j] == x.data[n, c, r:r + 3, s:s + 2].max()
    values.sum().backward()
    counts = np.zeros(flat.shape)
    for n in range(2):
        for c in range(3):
            np.add.at(counts[n, c], indices.data[n, c].ravel(), 1.0)
    assert np.array_equal(x.grad.data.reshape(2, 3, -1), counts)  # overlapping windows add up


def test_fractional_unbatched_ties_nan_and_dtypes():
    u = tg.tensor([[[0.3, 0.7], [0.1, 0.2]]])
    x = tg.randn(2, 6, 7)
    batched = F.fractional_max_pool2d(x.unsqueeze(0), 2, output_size=(3, 4), return_indices=True, _random_samples=u)
    single = F.fractional_max_pool2d(x, 2, output_size=(3, 4), return_indices=True, _random_samples=u)
    assert single[0].shape == (2, 3, 4) and np.array_equal(single[1].data, batched[1].data[0])
    ones = F.fractional_max_pool2d(tg.ones(1, 1, 4, 4), 2, output_size=3, return_indices=True,
                                   _random_samples=tg.tensor([[[0.3, 0.7]]]))[1]
    assert ones[0, 0].tolist() == [[0, 1, 2], [4, 5, 6], [8, 9, 10]]  # ties: the first of each window
    nan = float("nan")
    x = tg.tensor([[[[1.0, nan, 3.0, nan], [5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0]]]])
    v, i = F.fractional_max_pool2d(x, 2, output_size=2, return_indices=True, _random_samples=tg.tensor([[[0.3, 0.7]]]))
    assert i[0, 0].tolist() == [[1, 3], [9, 11]] and np.isnan(v.data[0, 0, 0]).all()  # a NaN wins, the last one
    for dtype in (np.float16, np.float32):
        x = tg.randn(1, 3, 8, 8).to(dtype)
        assert F.fractional_max_pool2d(x, 2, output_ratio=0.5).dtype == dtype
        assert F.fractional_max_pool3d(x, 2, output_size=(1, 3, 3)).dtype == dtype  # (unbatched 3-D)
    assert F.fractional_max_pool2d(tg.randn(0, 2, 6, 6), 2, output_size=3).shape == (0, 2, 3, 3)
    assert F.fractional_max_pool2d(tg.randn(1, 2, 6, 6), 2, output_size=(0, 3)).shape == (1, 2, 0, 3)


def test_fractional_without_samples_draws_from_the_framework_generator():
    x = tg.randn(3, 2, 11, 10)
    tg.manual_seed(5)
    a = F.fractional_max_pool2d_with_indices(x, 3, output_ratio=(0.6, 0.5))
    tg.manual_seed(5)
    b = F.fractional_max_pool2d(x, 3, output_ratio=(0.6, 0.5), return_indices=True)
    assert a[0].shape == (3, 2, 6, 5) and np.array_equal(a[1].data, b[1].data)
    c = F.fractional_max_pool2d(x, 3, output_ratio=(0.6, 0.5), return_indices=True)
    assert not np.array_equal(a[1].data, c[1].data)  # new samples on the next call
    assert F.fractional_max_pool3d_with_indices(tg.randn(1, 2, 9, 8, 7), 2, output_size=4)[1].shape == (1, 2, 4, 4, 4)


def test_fractional_errors():
    x = tg.randn(1, 1, 10, 10)
    with pytest.raises(ValueError, match="either an output_size or an output_ratio"):
        F.fractional_max_pool2d(x, 3)
    with pytest.raises(RuntimeError, match="pool height 3 too large relative to input height 10"):
        F.fractional_max_pool2d(x, 3, output_size=(9, 8))
    assert F.fractional_max_pool2d(x, 3, output_size=8).shape == (1, 1, 8, 8)  # 8 + 3 - 1 = 10 fits in 2-D
    with pytest.raises(RuntimeError, match="pool time 2 too large"):  # 3-D asks for output + kernel - 1 < input
        F.fractional_max_pool3d(tg.randn(1, 1, 4, 4, 4), 2, output_size=3)
    with pytest.raises(RuntimeError, match="not be negative"):
        F.fractional_max_pool2d(x, 3, output_size=-1)
    with pytest.raises(RuntimeError, match="greater than 0"):
        F.fractional_max_pool2d(x, 0, output_size=2)
    with pytest.raises(RuntimeError, match="tuple of 2 ints"):
        F.fractional_max_pool2d(x, (3, 3, 3), output_size=2)
    with pytest.raises(TypeError, match="kernel_size"):
        F.fractional_max_pool2d(x, 3.0, output_size=2)
    with pytest.raises(ValueError, match="output_ratio"):
        F.fractional_max_pool2d(x, 3, output_ratio=(0.5, 0.5, 0.5))
    with pytest.raises(RuntimeError, match="same dtype"):
        F.fractional_max_pool2d(x, 3, output_size=4, _random_samples=tg.rand(1, 1, 2).float())
    with pytest.raises(RuntimeError, match=r"expected \(1 or more, 1, 2\)"):
        F.fractional_max_pool2d(x, 3, output_size=4, _random_samples=tg.rand(1, 1, 3))
    with pytest.raises(RuntimeError, match="3 dimensions"):
        F.fractional_max_pool2d(x, 3, output_size=4, _random_samples=tg.rand(1, 2))
    with pytest.raises(RuntimeError, match="3D .unbatched. or 4D"):
        F.fractional_max_pool2d(tg.randn(10, 10), 3, output_size=4)
    with pytest.raises(RuntimeError, match="non-zero size"):
        F.fractional_max_pool2d(tg.randn(2, 0, 10, 10), 3, output_size=4)
    with pytest.raises(NotImplementedError, match="integer"):
        F.fractional_max_pool2d(tg.tensor([[[1, 2], [3, 4]]]), 1, output_size=1)


def test_fractional_modules():
    m = nn.FractionalMaxPool2d(3, output_size=(13, 12))
    assert repr(m) == "FractionalMaxPool2d()" and m.kernel_size == (3, 3) and m.output_size == (13, 12)
    assert m.output_ratio is None and m._random_samples is None and list(m.state_dict()) == []
    assert m(tg.randn(2, 3, 50, 32)).shape == (2, 3, 13, 12)
    m = nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.5))
    assert m(tg.randn(2, 3, 50, 32)).shape == (2, 3, 25, 16)
    m = nn.FractionalMaxPool3d(3, output_ratio=0.5)
    assert repr(m) == "FractionalMaxPool3d()" and m.output_ratio == (0.5, 0.5, 0.5)
    assert m(tg.randn(1, 2, 10, 8, 6)).shape == (1, 2, 5, 4, 3)
    u = tg.tensor([[[0.5, 0.5]]])
    m = nn.FractionalMaxPool2d(2, output_size=3, return_indices=True, _random_samples=u)
    assert list(m.state_dict()) == ["_random_samples"]
    values, indices = m(tg.arange(25.0).reshape(1, 1, 5, 5))
    assert indices[0, 0, 2].tolist() == [21, 23, 24]
    with pytest.raises(ValueError, match="only one of output_size and output_ratio"):
        nn.FractionalMaxPool2d(3, output_size=4, output_ratio=0.5)
    with pytest.raises(ValueError, match="requires specifying either an output size, or a pooling ratio"):
        nn.FractionalMaxPool3d(3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.FractionalMaxPool2d(3, output_ratio=(0.5, 1.0))
    with pytest.raises(ValueError, match="kernel_size must be greater than 0"):
        nn.FractionalMaxPool3d((2, 0, 1), output_ratio=0.5)


# ---- native_channel_shuffle ------------------------------------------------------------------------

def test_native_channel_shuffle_is_channel_shuffle():
    x = tg.arange(24.0).reshape(2, 6, 2).requires_grad_(True)
    y = F.native_channel_shuffle(x, 3)
    assert y[0, :, 0].tolist() == [0.0, 4.0, 8.0, 2.0, 6.0, 10.0]
    assert np.array_equal(y.data, F.channel_shuffle(x, 3).data)
    (y * tg.arange(24.0).reshape(2, 6, 2)).sum().backward()
    assert np.array_equal(F.native_channel_shuffle(x.grad, 3).data, x.data)  # the gradient: the inverse permutation
    with pytest.raises(RuntimeError, match="divisible by groups"):
        F.native_channel_shuffle(x, 4)
    with pytest.raises(RuntimeError, match="positive"):
        F.native_channel_shuffle(x, 0)
    with pytest.raises(RuntimeError, match="more than 2 dims"):
        F.native_channel_shuffle(tg.ones(6, 2), 2)


# ---- get_worker_info -------------------------------------------------------------------------------

class _Sharded(IterableDataset):
    """PyTorch's documented pattern: each worker yields its own share of [start, end)."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        per_worker = math.ceil((self.end - self.start) / info.num_workers)
        first = self.start + info.id * per_worker
        return iter(range(first, min(first + per_worker, self.end)))


class _Ranged(IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))


class _Plain(IterableDataset):
    def __iter__(self):
        return iter(range(2))


class _Recording(Dataset):
    def __init__(self):
        self.seen = []

    def __len__(self):
        return 4

    def __getitem__(self, i):
        self.seen.append(get_worker_info())
        return float(i)


def test_get_worker_info():
    assert get_worker_info() is None
    for workers in (0, 2, 5):
        got = [b.item() for b in DataLoader(_Sharded(3, 8), num_workers=workers)]
        assert sorted(got) == [3, 4, 5, 6, 7]  # each example once, from whichever worker
    # the workers' batches are taken in turn (PyTorch's docstring example gives 3, 5, 4, 6)
    assert [b.item() for b in DataLoader(_Sharded(3, 7), num_workers=2)] == [3, 5, 4, 6]
    assert [b.item() for b in DataLoader(_Sharded(3, 8), num_workers=2)] == [3, 6, 4, 7, 5]
    unsplit = [b.item() for b in DataLoader(_Plain(), num_workers=2)]
    assert unsplit == [0, 0, 1, 1]  # a dataset that does not split itself: each worker yields all of it
    # PyTorch's second pattern: worker_init_fn narrows the worker's own copy of the dataset
    def narrow(worker_id):
        info = get_worker_info()
        copy, per_worker = info.dataset, math.ceil((8 - 3) / info.num_workers)
        copy.start = 3 + worker_id * per_worker
        copy.end = min(copy.start + per_worker, 8)

    whole = _Ranged(3, 8)
    assert [b.item() for b in DataLoader(whole, num_workers=2, worker_init_fn=narrow)] == [3, 6, 4, 7, 5]
    assert (whole.start, whole.end) == (3, 8)  # the main process's dataset is unchanged
    ds = _Recording()
    list(DataLoader(ds, batch_size=2))
    assert ds.seen == [None] * 4  # no workers: the main process
    ds.seen.clear()
    calls = []
    loader = DataLoader(ds, batch_size=2, num_workers=3, worker_init_fn=lambda i: calls.append(get_worker_info()))
    for _ in loader:
        assert get_worker_info() is None  # back in the main process between batches
    assert [(info.id, info.num_workers) for info in calls] == [(0, 3), (1, 3), (2, 3)]
    # each worker has its own (shallow) copy of the dataset, as a worker process has
    assert all(type(info.dataset) is _Recording and info.dataset is not ds for info in calls)
    assert [c.seed - calls[0].seed for c in calls] == [0, 1, 2]
    # batch n is loaded by worker n % 3: batch 0 (examples 0, 1) by worker 0, batch 1 by worker 1
    assert [seen.id for seen in ds.seen] == [0, 0, 1, 1]
    info = calls[0]
    with pytest.raises(AttributeError):
        info.id = 1  # read only, as PyTorch's
    # the worker's seed is read from a copy of the generator: shuffling does not depend on num_workers
    data = TensorDataset(tg.arange(10.0))
    orders = []
    for workers in (0, 3):
        tg.manual_seed(0)
        orders.append([b[0].tolist() for b in DataLoader(data, batch_size=3, shuffle=True, num_workers=workers)])
    assert orders[0] == orders[1]


# ---- linearize -------------------------------------------------------------------------------------

def test_linearize():
    from tinygrad_edu.func import jvp, linearize

    def f(x, y):
        return (x.sin() * y, (x * y).sum())

    x, y = tg.tensor([0.0, 1.0, 2.0]), tg.tensor([1.0, -2.0, 0.5])
    out, jvp_fn = linearize(f, x, y)
    assert np.allclose(out[0].data, np.sin(x.data) * y.data)
    for _ in range(2):  # the graph is kept: call it again with other tangents
        v, w = tg.randn(3), tg.randn(3)
        expected = jvp(f, (x, y), (v, w))[1]
        got = jvp_fn(v, w)
        assert all(np.allclose(a.data, b.data) for a, b in zip(got, expected))
    # d/dx sin(x)·y in direction e0 at x = 0: cos(0)·y0 = 1
    assert jvp_fn(tg.tensor([1.0, 0.0, 0.0]), tg.zeros(3))[0].tolist() == [1.0, 0.0, 0.0]
    t = tg.ones(3, requires_grad=True)
    _, square = linearize(lambda a: a ** 2, tg.tensor([1.0, 2.0, 3.0]))
    r = square(t)  # 2x·t, differentiable in t
    r.sum().backward()
    assert r.tolist() == [2.0, 4.0, 6.0] and t.grad.tolist() == [2.0, 4.0, 6.0]
    _, constant = linearize(lambda a: tg.ones(2), tg.ones(2))
    assert constant(tg.ones(2)).tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="same structure"):
        jvp_fn(tg.ones(3))
    with pytest.raises(RuntimeError, match="shape"):
        jvp_fn(tg.ones(4), tg.ones(3))
    with pytest.raises(RuntimeError, match="dtype"):
        jvp_fn(tg.ones(3).float(), tg.ones(3))


# ---- the convolution ops -----------------------------------------------------------------------------

def _naive_conv(x, w, stride, padding, dilation, groups):
    """conv(x, w)[n, o, i] = Σ_{c, j} x[n, c, i·s + j·d - p] · w[o, c, j], by loops (2-D)."""
    N, C, H, W = x.shape
    O, C_g, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    out_h = (H + 2 * padding[0] - dilation[0] * (KH - 1) - 1) // stride[0] + 1
    out_w = (W + 2 * padding[1] - dilation[1] * (KW - 1) - 1) // stride[1] + 1
    y = np.zeros((N, O, out_h, out_w))
    for o in range(O):
        g = o // (O // groups)
        for i in range(out_h):
            for j in range(out_w):
                for a in range(KH):
                    for b in range(KW):
                        rows, cols = i * stride[0] + a * dilation[0], j * stride[1] + b * dilation[1]
                        y[:, o, i, j] += xp[:, g * C_g:(g + 1) * C_g, rows, cols] @ w[o, :, a, b]
    return y


def test_conv_array_matches_loops_and_its_adjoints():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 7, 9))
    w = rng.standard_normal((6, 2, 3, 2))
    geometry = Geometry((2, 1), (1, 2), (1, 3), 2)
    y = conv_array(x, w, geometry, (4, 10))
    assert np.allclose(y, _naive_conv(x, w, (2, 1), (1, 2), (1, 3), 2))
    g, z, v = rng.standard_normal(y.shape), rng.standard_normal(x.shape), rng.standard_normal(w.shape)
    # ⟨T(g, w), z⟩ = ⟨g, conv(z, w)⟩ and ⟨W(z, g), v⟩ = ⟨g, conv(z, v)⟩: T and W are conv's gradients
    assert np.isclose((conv_transpose_array(g, w, geometry, (7, 9)) * z).sum(),
                      (g * conv_array(z, w, geometry, (4, 10))).sum())
    assert np.isclose((conv_weight_array(z, g, geometry, (3, 2)) * v).sum(),
                      (g * conv_array(z, v, geometry, (4, 10))).sum())
    both = conv_and_weight_arrays(z, w, g, geometry, (4, 10))
    assert np.allclose(both[0], conv_array(z, w, geometry, (4, 10)))
    assert np.allclose(both[1], conv_weight_array(z, g, geometry, (3, 2)))


def test_conv_results_do_not_depend_on_the_batch_chunks(monkeypatch):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 2, 6, 5, 4))
    w = rng.standard_normal((3, 2, 2, 3, 2))
    wt = rng.standard_normal((2, 3, 2, 2, 2))

    def results():
        xt, wt_, w_ = (tg.tensor(a, requires_grad=True) for a in (x, wt, w))
        y = F.conv3d(xt, w_, stride=(1, 2, 1), padding=1).sum() + F.conv_transpose3d(xt, wt_, stride=2).pow(2).sum()
        grads = tg.grad(y, (xt, w_, wt_), create_graph=True)
        second = tg.grad(sum(g.pow(2).sum() for g in grads), (xt, w_, wt_))
        return [y.data] + [g.data for g in grads + second]

    whole = results()
    monkeypatch.setattr(convolution_ops, "_CHUNK_ELEMENTS", 1)  # one sample at a time
    for a, b in zip(whole, results()):
        assert np.allclose(a, b)


def test_conv_node_and_errors():
    x, w = tg.randn(1, 2, 5, 5, requires_grad=True), tg.randn(3, 2, 3, 3)
    assert F.conv2d(x, w).grad_fn.name() == "ConvolutionBackward0"
    assert F.conv_transpose2d(x, w.transpose(0, 1)).grad_fn.name() == "ConvolutionBackward0"
    with pytest.raises(RuntimeError, match="stride and dilation must be positive"):
        F.conv2d(x, w, stride=0)
    with pytest.raises(RuntimeError, match="smaller than the kernel"):
        F.conv2d(x, w, dilation=3)


# ---- against PyTorch ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dims", [2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fractional_matches_torch(dims, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(dims)
    t_pool = torch.nn.functional.fractional_max_pool2d if dims == 2 else torch.nn.functional.fractional_max_pool3d
    our_pool = F.fractional_max_pool2d if dims == 2 else F.fractional_max_pool3d
    for trial in range(60):
        spatial = tuple(int(n) for n in rng.integers(3, 25 if dims == 2 else 10, dims))
        kernel = tuple(int(rng.integers(1, min(4, n - 2) + 1)) for n in spatial)
        out = tuple(int(rng.integers(1, n - k + 3 - dims)) for n, k in zip(spatial, kernel))  # (3-D: out + k < n + 1)
        x = rng.standard_normal((2, 3) + spatial).astype(dtype)
        if trial % 5 == 0:
            x = np.round(x)  # ties
        u = rng.random((2, 3, dims)).astype(dtype)
        t_values, t_indices = t_pool(torch.from_numpy(x), kernel, output_size=out, return_indices=True,
                                     _random_samples=torch.from_numpy(u))
        values, indices = our_pool(tg.tensor(x), kernel, output_size=out, return_indices=True,
                                   _random_samples=tg.tensor(u))
        assert np.array_equal(indices.data, t_indices.numpy()) and np.array_equal(values.data, t_values.numpy())
    x = rng.standard_normal((2, 3) + (8,) * dims)
    u, g = rng.random((2, 3, dims)), rng.standard_normal((2, 3) + (5,) * dims)
    tx = torch.tensor(x, requires_grad=True)
    t_pool(tx, 2, output_ratio=(0.7,) * dims, _random_samples=torch.tensor(u)).backward(torch.tensor(g))
    ox = tg.tensor(x, requires_grad=True)
    our_pool(ox, 2, output_ratio=(0.7,) * dims, _random_samples=tg.tensor(u)).backward(tg.tensor(g))
    assert np.allclose(ox.grad.data, tx.grad.numpy())


def test_fractional_modules_and_errors_match_torch():
    torch = pytest.importorskip("torch")
    u = np.random.default_rng(0).random((2, 4, 2))
    x = np.random.default_rng(1).standard_normal((2, 4, 9, 9))
    ours = nn.FractionalMaxPool2d((3, 2), output_size=(4, 5), return_indices=True, _random_samples=tg.tensor(u))
    theirs = torch.nn.FractionalMaxPool2d((3, 2), output_size=(4, 5), return_indices=True,
                                          _random_samples=torch.tensor(u))
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    for a, b in zip(ours(tg.tensor(x)), theirs(torch.tensor(x))):
        assert np.array_equal(a.data, b.numpy())
    t3 = torch.nn.FractionalMaxPool3d(2, output_ratio=(0.5, 0.6, 0.7))
    o3 = nn.FractionalMaxPool3d(2, output_ratio=(0.5, 0.6, 0.7))
    assert (o3.kernel_size, o3.output_size, o3.output_ratio) == (t3.kernel_size, t3.output_size, t3.output_ratio)
    assert o3(tg.randn(1, 2, 10, 10, 10)).shape == tuple(t3(torch.randn(1, 2, 10, 10, 10)).shape)
    cases = [
        lambda P, T: P.fractional_max_pool2d(T.randn(1, 1, 10, 10), 3),
        lambda P, T: P.fractional_max_pool2d(T.randn(1, 1, 10, 10), 3, output_size=9),
        lambda P, T: P.fractional_max_pool3d(T.randn(1, 1, 6, 6, 6), 2, output_size=(5, 2, 2)),
        lambda P, T: P.fractional_max_pool2d(T.randn(1, 2, 6, 6), 2, output_size=3, _random_samples=T.rand(1, 1, 2)),
        lambda P, T: P.fractional_max_pool2d(T.randn(2, 0, 6, 6), 2, output_size=3),
    ]
    for case in cases:
        with pytest.raises(Exception) as t_err:
            case(torch.nn.functional, torch)
        with pytest.raises(Exception) as o_err:
            case(F, tg)
        assert isinstance(o_err.value, t_err.type), (o_err.value, t_err.value)


def test_native_channel_shuffle_and_linearize_match_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 6, 3, 2))
    assert np.array_equal(F.native_channel_shuffle(tg.tensor(x), 3).data,
                          torch.nn.functional.native_channel_shuffle(torch.tensor(x), 3).numpy())
    a, b = np.random.default_rng(1).standard_normal((2, 3, 4))
    t_out, t_fn = torch.func.linearize(lambda p, q: (p.tanh() @ q.T).exp(), torch.tensor(a), torch.tensor(b))
    o_out, o_fn = tg.func.linearize(lambda p, q: (p.tanh() @ q.T).exp(), tg.tensor(a), tg.tensor(b))
    assert np.allclose(o_out.data, t_out.numpy())
    v, w = np.random.default_rng(2).standard_normal((2, 3, 4))
    assert np.allclose(o_fn(tg.tensor(v), tg.tensor(w)).data, t_fn(torch.tensor(v), torch.tensor(w)).numpy())


@pytest.mark.parametrize("transposed", [False, True])
def test_conv3d_docs_example_geometry_matches_torch(transposed):
    """PyTorch's docstring examples (Conv3d / ConvTranspose3d(16, 33, 3, stride=2)) on a smaller
    input: values, and first and second gradients in float64."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 16, 5, 6, 7))
    t_layer = (torch.nn.ConvTranspose3d if transposed else torch.nn.Conv3d)(16, 33, 3, stride=2).double()
    layer = (nn.ConvTranspose3d if transposed else nn.Conv3d)(16, 33, 3, stride=2)
    layer.load_state_dict({k: v.detach().numpy() for k, v in t_layer.state_dict().items()})
    tx, ox = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    ty, oy = t_layer(tx), layer(ox)
    assert oy.shape == tuple(ty.shape) and np.allclose(oy.data, ty.detach().numpy())
    g = rng.standard_normal(oy.shape)
    t_grads = torch.autograd.grad(ty, (tx, t_layer.weight, t_layer.bias), torch.tensor(g), create_graph=True)
    o_grads = tg.grad(oy, (ox, layer.weight, layer.bias), tg.tensor(g), create_graph=True)
    for a, b in zip(o_grads, t_grads):
        assert np.allclose(a.data, b.detach().numpy())
    t_second = torch.autograd.grad((t_grads[0] ** 2).sum() + (t_grads[1] ** 2).sum(), (tx, t_layer.weight))
    o_second = tg.grad((o_grads[0] ** 2).sum() + (o_grads[1] ** 2).sum(), (ox, layer.weight))
    for a, b in zip(o_second, t_second):
        assert np.allclose(a.data, b.numpy())
