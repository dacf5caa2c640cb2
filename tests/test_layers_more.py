"""3-D convolution and pooling, max pooling's indices and max_unpool, unfold/fold, lp_pool, bilinear,
embedding_bag, pdist, channel_shuffle, BatchNorm3d and their modules: values on hand-checked cases
(without torch), errors, and -- where PyTorch is installed -- values, every gradient, index tensors,
reprs and state_dicts against torch. Gradients are also in the gradcheck registry
(tests/registry/layers_more.py)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# ---- without torch ------------------------------------------------------------------------------

def test_conv3d_against_a_direct_sum():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 4, 5, 3)), rng.standard_normal((2, 3, 2, 3, 2))
    expected = np.zeros((2, 2, 3, 3, 2))
    for d in range(3):
        for h in range(3):
            for k in range(2):
                expected[:, :, d, h, k] = np.einsum("ncijl,ocijl->no", x[:, :, d:d + 2, h:h + 3, k:k + 2], w)
    np.testing.assert_allclose(F.conv3d(tg.tensor(x), tg.tensor(w)).numpy(), expected, atol=1e-12)
    assert F.conv3d(tg.tensor(x[0]), tg.tensor(w)).shape == (2, 3, 3, 2)  # unbatched


def test_max_pool_indices_point_at_the_maxima():
    x = tg.tensor(np.random.default_rng(1).standard_normal((2, 3, 5, 4, 6)))
    for dims in (1, 2, 3):
        inp = x.reshape(2, 3, -1)[..., :7] if dims == 1 else (x[..., 0] if dims == 2 else x)
        values, indices = getattr(F, f"max_pool{dims}d")(inp, 2, stride=1, padding=1, return_indices=True)
        assert indices.dtype == np.int64 and indices.shape == values.shape
        planes = inp.numpy().reshape(2, 3, -1)
        np.testing.assert_array_equal(np.take_along_axis(planes, indices.numpy().reshape(2, 3, -1), 2),
                                      values.numpy().reshape(2, 3, -1))
        assert getattr(F, f"max_pool{dims}d_with_indices")(inp, 2)[1].dtype == np.int64
    assert F.max_pool2d(tg.arange(16.0).reshape(1, 4, 4), 2, return_indices=True)[1].tolist() == [[[5, 7], [13, 15]]]


def test_max_unpool_puts_values_back_and_differentiates():
    x = tg.tensor([[[[1.0, 2.0, 0.0, 5.0], [4.0, 3.0, 6.0, 1.0]]]])
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    v = values.detach().requires_grad_()
    out = F.max_unpool2d(v, indices, 2)
    assert out.tolist() == [[[[0.0, 0.0, 0.0, 0.0], [4.0, 0.0, 6.0, 0.0]]]]
    (out * tg.arange(8.0).reshape(1, 1, 2, 4)).sum().backward()
    assert v.grad.tolist() == [[[[4.0, 6.0]]]]  # the gradient of each value is the one at its index
    assert F.max_unpool2d(values, indices, 2, output_size=(3, 5)).shape == (1, 1, 3, 5)
    unpool, pool = nn.MaxUnpool1d(2), nn.MaxPool1d(2, return_indices=True)
    assert unpool(*pool(tg.tensor([[3.0, 1.0, 2.0, 7.0]]))).tolist() == [[3.0, 0.0, 0.0, 7.0]]


def test_unfold_and_fold_by_hand_and_as_adjoints():
    x = tg.arange(12.0).reshape(1, 1, 3, 4)
    cols = F.unfold(x, 2)
    assert cols.shape == (1, 4, 6)
    assert cols[0, :, 0].tolist() == [0.0, 1.0, 4.0, 5.0] and cols[0, :, 5].tolist() == [6.0, 7.0, 10.0, 11.0]
    assert F.fold(tg.ones(1, 4, 6), (3, 4), 2).tolist() == [[[[1, 2, 2, 1], [2, 4, 4, 2], [1, 2, 2, 1]]]]
    rng = np.random.default_rng(2)
    for kw in (dict(kernel_size=2), dict(kernel_size=(3, 2), dilation=(1, 2), padding=1, stride=(2, 1))):
        a = tg.tensor(rng.standard_normal((2, 3, 6, 5)))
        cols = F.unfold(a, **kw)
        b = tg.tensor(rng.standard_normal(cols.shape))
        # ⟨unfold(a), b⟩ = ⟨a, fold(b)⟩
        np.testing.assert_allclose((cols * b).sum().item(), (a * F.fold(b, (6, 5), **kw)).sum().item(), rtol=1e-12)
    w = tg.tensor(rng.standard_normal((4, 3, 2, 2)))
    a = tg.tensor(rng.standard_normal((2, 3, 5, 5)))
    via_unfold = (w.reshape(4, -1) @ F.unfold(a, 2)).reshape(2, 4, 4, 4)
    np.testing.assert_allclose(via_unfold.numpy(), F.conv2d(a, w).numpy(), atol=1e-12)


def test_bilinear_embedding_bag_pdist_channel_shuffle_by_hand():
    x1, x2 = np.array([[1.0, 2.0]]), np.array([[3.0, -1.0, 0.5]])
    A, b = np.arange(12.0).reshape(2, 2, 3), np.array([0.5, -1.0])
    expected = np.einsum("ni,oij,nj->no", x1, A, x2) + b
    np.testing.assert_allclose(F.bilinear(tg.tensor(x1), tg.tensor(x2), tg.tensor(A), tg.tensor(b)).numpy(), expected)
    weight = tg.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 4.0]])
    idx, offsets = tg.tensor([0, 2, 2, 1]), tg.tensor([0, 3, 3])
    assert F.embedding_bag(idx, weight, offsets, mode="sum").tolist() == [[5.0, 8.0], [0.0, 0.0], [0.0, 1.0]]
    assert F.embedding_bag(idx, weight, offsets).tolist() == [[5 / 3, 8 / 3], [0.0, 0.0], [0.0, 1.0]]
    assert F.embedding_bag(idx, weight, offsets, mode="max").tolist() == [[2.0, 4.0], [0.0, 0.0], [0.0, 1.0]]
    assert F.embedding_bag(tg.tensor([[0, 2], [1, 2]]), weight, padding_idx=2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert F.pdist(tg.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])).tolist() == pytest.approx([5.0, 1.0, 18 ** 0.5])
    assert F.pdist(tg.ones(1, 3)).shape == (0,)
    shuffled = F.channel_shuffle(tg.arange(6.0).reshape(1, 6, 1), 3).flatten().tolist()
    assert shuffled == [0.0, 2.0, 4.0, 1.0, 3.0, 5.0]
    assert F.lp_pool1d(tg.tensor([[3.0, 4.0, 1.0, 0.0]]), 2, 2)[0].tolist() == pytest.approx([5.0, 1.0])


def test_modules_without_torch():
    assert nn.Conv3d(2, 4, 3, padding=1)(tg.ones(1, 2, 3, 4, 5)).shape == (1, 4, 3, 4, 5)
    assert nn.ConvTranspose3d(2, 4, 2, stride=2)(tg.ones(2, 1, 2, 3)).shape == (4, 2, 4, 6)
    assert nn.MaxPool3d(2)(tg.ones(1, 1, 4, 4, 4)).shape == (1, 1, 2, 2, 2)
    assert nn.AvgPool3d(2)(tg.ones(1, 4, 4, 4)).shape == (1, 2, 2, 2)
    assert nn.AdaptiveAvgPool3d(1)(tg.ones(1, 3, 2, 3, 4)).shape == (1, 3, 1, 1, 1)
    assert nn.AdaptiveMaxPool3d((1, 2, 2), return_indices=True)(tg.ones(3, 2, 3, 4))[1].dtype == np.int64
    bn = nn.BatchNorm3d(3)
    y = bn(tg.randn(4, 3, 2, 2, 2))
    np.testing.assert_allclose(y.numpy().mean((0, 2, 3, 4)), 0, atol=1e-12)
    with pytest.raises(ValueError, match="5D"):
        bn(tg.ones(4, 3, 2, 2))
    assert isinstance(nn.LSTMCell(2, 3), nn.RNNCellBase) and isinstance(nn.GRU(2, 3), nn.RNNBase)
    bag = nn.EmbeddingBag.from_pretrained(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), mode="sum")
    assert bag(tg.tensor([[0, 1, 1]])).tolist() == [[7.0, 10.0]] and not bag.weight.requires_grad
    layer = nn.Bilinear(3, 4, 2)
    assert layer(tg.ones(5, 3), tg.ones(5, 4)).shape == (5, 2) and abs(layer.weight.numpy()).max() <= 3 ** -0.5
    assert nn.Fold((3, 3), 2)(nn.Unfold(2)(tg.ones(1, 2, 3, 3))).shape == (1, 2, 3, 3)
    assert nn.LPPool2d(2, 2)(tg.ones(1, 1, 4, 4)).tolist() == [[[[2.0, 2.0], [2.0, 2.0]]]]
    assert nn.ChannelShuffle(2)(tg.ones(1, 4, 3)).shape == (1, 4, 3)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: F.conv3d(tg.ones(2, 3, 3), tg.ones(1, 2, 2, 2, 2)), RuntimeError, "4D"),
    (lambda: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 2, dtype=tg.int32), 2), RuntimeError, "int64"),
    (lambda: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.full((1, 1, 2, 2), 16), 2), RuntimeError, "invalid max index"),
    (lambda: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 1, dtype=tg.int64), 2), RuntimeError, "shape"),
    (lambda: F.max_unpool2d(tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 2, dtype=tg.int64), 2, output_size=(6, 6)),
     ValueError, "invalid output_size"),
    (lambda: F.max_unpool2d(tg.ones(2, 2), tg.zeros(2, 2, dtype=tg.int64), 2), RuntimeError, "3D"),
    (lambda: F.unfold(tg.ones(1, 1, 2, 2), 3), RuntimeError, "fit"),
    (lambda: F.unfold(tg.ones(2, 2), 1), RuntimeError, "4D"),
    (lambda: F.unfold(tg.ones(1, 1, 4, 4), (2, 2, 2)), RuntimeError, "kernel_size"),
    (lambda: F.unfold(tg.ones(1, 1, 4, 4), 2, stride=0), RuntimeError, "stride"),
    (lambda: F.fold(tg.ones(1, 7, 9), 4, 2), RuntimeError, "divisible"),
    (lambda: F.fold(tg.ones(1, 8, 8), 4, 2), RuntimeError, "sliding blocks"),
    (lambda: F.bilinear(tg.ones(2, 3), tg.ones(3, 4), tg.ones(5, 3, 4)), RuntimeError, "batch dims"),
    (lambda: F.bilinear(tg.ones(2, 3), tg.ones(2, 4), tg.ones(5, 3, 3)), RuntimeError, "input2"),
    (lambda: F.bilinear(tg.ones(2, 3), tg.ones(2, 4), tg.ones(5, 3, 4), tg.ones(4)), RuntimeError, "bias"),
    (lambda: F.embedding_bag(tg.tensor([1, 2]), tg.ones(5, 3)), ValueError, "offsets"),
    (lambda: F.embedding_bag(tg.tensor([[1, 2]]), tg.ones(5, 3), tg.tensor([0])), ValueError, "offsets"),
    (lambda: F.embedding_bag(tg.tensor([1, 2]), tg.ones(5, 3), tg.tensor([1])), RuntimeError, "offsets"),
    (lambda: F.embedding_bag(tg.tensor([1, 2]), tg.ones(5, 3), tg.tensor([0, 3])), RuntimeError, "offsets"),
    (lambda: F.embedding_bag(tg.tensor([1, 7]), tg.ones(5, 3), tg.tensor([0])), RuntimeError, "out of range"),
    (lambda: F.embedding_bag(tg.tensor([1.0]), tg.ones(5, 3), tg.tensor([0])), RuntimeError, "integer"),
    (lambda: F.embedding_bag(tg.tensor([1]), tg.ones(5, 3), tg.tensor([0]), mode="min"), ValueError, "mode"),
    (lambda: F.embedding_bag(tg.tensor([1]), tg.ones(5, 3), tg.tensor([0]), per_sample_weights=tg.ones(1)),
     NotImplementedError, "sum"),
    (lambda: F.embedding_bag(tg.tensor([1]), tg.ones(5, 3), tg.tensor([0]), mode="sum",
                             per_sample_weights=tg.ones(2)), ValueError, "same shape"),
    (lambda: F.embedding_bag(tg.tensor([1]), tg.ones(5, 3), tg.tensor([0]), padding_idx=9), RuntimeError,
     "padding_idx"),
    (lambda: F.pdist(tg.ones(2, 3, 4)), RuntimeError, "2D"),
    (lambda: F.pdist(tg.ones(3, 2), -1.0), RuntimeError, "non-negative"),
    (lambda: F.channel_shuffle(tg.ones(2, 6), 3), RuntimeError, "more than 2 dims"),
    (lambda: F.channel_shuffle(tg.ones(2, 5, 3), 3), RuntimeError, "divisible"),
    (lambda: F.channel_shuffle(tg.ones(2, 6, 3), 0), RuntimeError, "positive"),
    (lambda: nn.EmbeddingBag(4, 3, padding_idx=4), AssertionError, "padding_idx"),
])
def test_errors(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


# ---- against torch ------------------------------------------------------------------------------

def _compare(torch, ours, theirs, shapes, seed=0, int_inputs=()):
    """Values (and index tensors) and every gradient, in float64."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    a = [tg.tensor(x, requires_grad=True) for x in arrays]
    b = [torch.tensor(x, requires_grad=True) for x in arrays]
    ya, yb = ours(*a), theirs(*b)
    if isinstance(yb, tuple):
        assert ya[1].dtype == np.int64
        np.testing.assert_array_equal(ya[1].numpy(), yb[1].numpy())
        ya, yb = ya[0], yb[0]
    assert ya.shape == tuple(yb.shape) and ya.dtype == np.float64
    np.testing.assert_allclose(ya.numpy(), yb.detach().numpy(), atol=1e-12)
    g = rng.standard_normal(ya.shape)
    ya.backward(tg.tensor(g))
    yb.backward(torch.tensor(g))
    for x, y in zip(a, b):
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), atol=1e-12)


CONV = [
    ("conv3d", lambda f, x, w, b: f.conv3d(x, w, b, stride=(1, 2, 1), padding=1, dilation=(2, 1, 1), groups=2),
     [(2, 4, 5, 6, 5), (6, 2, 2, 3, 2), (6,)]),
    ("conv3d same", lambda f, x, w: f.conv3d(x, w, padding="same"), [(4, 5, 6, 5), (3, 4, 3, 1, 3)]),
    ("conv_transpose3d", lambda f, x, w, b: f.conv_transpose3d(x, w, b, stride=(2, 1, 2), padding=1,
                                                               output_padding=(1, 0, 0), groups=2),
     [(2, 4, 3, 2, 3), (4, 1, 3, 2, 2), (2,)]),
    ("avg_pool3d", lambda f, x: f.avg_pool3d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), [(2, 3, 6, 5, 7)]),
    ("avg_pool3d divisor", lambda f, x: f.avg_pool3d(x, 2, divisor_override=3), [(2, 3, 4, 5, 3)]),
    ("adaptive_avg_pool3d", lambda f, x: f.adaptive_avg_pool3d(x, (2, None, 3)), [(2, 3, 6, 5, 7)]),
    ("adaptive_max_pool3d", lambda f, x: f.adaptive_max_pool3d(x, (2, 3, 3), True), [(3, 5, 4, 7)]),
    ("lp_pool1d", lambda f, x: f.lp_pool1d(x, 2, 3, 2), [(2, 3, 8)]),
    ("lp_pool2d", lambda f, x: f.lp_pool2d(x.abs() + 0.1, 2.5, 2, ceil_mode=True), [(2, 3, 5, 4)]),
    ("lp_pool3d", lambda f, x: f.lp_pool3d(x, 2, (2, 1, 2)), [(1, 2, 4, 3, 4)]),
    ("unfold", lambda f, x: f.unfold(x, (2, 3), dilation=(1, 2), padding=(1, 2), stride=(2, 1)), [(2, 3, 6, 7)]),
    ("unfold unbatched", lambda f, x: f.unfold(x, 3, padding=1, stride=2), [(3, 6, 7)]),
    ("fold", lambda f, x: f.fold(x, (6, 7), (2, 3), dilation=(1, 2), padding=(1, 2), stride=(2, 1)),
     [(2, 18, 28)]),
    ("fold unbatched", lambda f, x: f.fold(x, (5, 4), 2), [(8, 12)]),
    ("bilinear", lambda f, a, b, w, c: f.bilinear(a, b, w, c), [(2, 3), (2, 4), (5, 3, 4), (5,)]),
    ("bilinear 3-D", lambda f, a, b, w: f.bilinear(a, b, w), [(6, 2, 3), (6, 2, 4), (5, 3, 4)]),
    ("bilinear 1-D", lambda f, a, b, w: f.bilinear(a, b, w), [(3,), (4,), (5, 3, 4)]),
    ("pdist", lambda f, x: f.pdist(x), [(5, 3)]),
    ("pdist p=1.5", lambda f, x: f.pdist(x, 1.5), [(5, 3)]),
    ("pdist p=inf", lambda f, x: f.pdist(x, float("inf")), [(4, 3)]),
    ("channel_shuffle", lambda f, x: f.channel_shuffle(x, 3), [(2, 6, 2, 3)]),
]


@pytest.mark.parametrize("name, fn, shapes", CONV, ids=[c[0] for c in CONV])
def test_functional_against_torch(torch, name, fn, shapes):
    import torch.nn.functional as TF

    _compare(torch, lambda *a: fn(F, *a), lambda *a: fn(TF, *a), shapes)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                dict(kernel_size=2, stride=1, dilation=2, padding=1)])
def test_max_pool_indices_against_torch(torch, dims, kw):
    import torch.nn.functional as TF

    shape = (2, 3) + (7, 6, 5)[:dims]
    for s in (shape, shape[1:]):
        _compare(torch, lambda x: getattr(F, f"max_pool{dims}d")(x, return_indices=True, **kw),
                 lambda x: getattr(TF, f"max_pool{dims}d")(x, return_indices=True, **kw), [s])
        _compare(torch, lambda x: getattr(F, f"max_pool{dims}d_with_indices")(x, **kw),
                 lambda x: getattr(TF, f"max_pool{dims}d_with_indices")(x, **kw), [s])


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("kw, sized", [(dict(kernel_size=2), True), (dict(kernel_size=3, stride=2, padding=1), True),
                                       (dict(kernel_size=2, stride=1), False)])
def test_max_unpool_against_torch(torch, dims, kw, sized):
    """Values and the gradient of the pooled values, also where windows overlap (stride 1): an index
    that comes twice gives both values its gradient, as torch does."""
    import torch.nn.functional as TF

    shape = (2, 3) + (6, 4, 5)[:dims]
    for s in (shape, shape[1:]):
        def run(f, x):
            values, indices = getattr(f, f"max_pool{dims}d")(x, return_indices=True, **kw)
            return getattr(f, f"max_unpool{dims}d")(values * 2, indices, output_size=s[-dims:] if sized else None,
                                                   **kw)
        _compare(torch, lambda x: run(F, x), lambda x: run(TF, x), [s])


BAGS = [([1, 2, 3, 3, 0], [0, 2, 2], False, None), ([1, 2, 3, 3, 0], [0, 2, 2, 5], True, None),
        ([1, 2, 3, 3, 0], [0, 1, 3], False, 3), ([[1, 2], [3, 3], [0, 4]], None, False, 2),
        ([], [0, 0], False, None), ([1, 2, 4], [0], False, -1)]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("bag", BAGS, ids=[str(i) for i in range(len(BAGS))])
def test_embedding_bag_against_torch(torch, mode, bag):
    import torch.nn.functional as TF

    idx, offsets, last, padding_idx = bag

    def run(f, lib, w):
        return f.embedding_bag(lib.tensor(idx, dtype=lib.int64), w, None if offsets is None else lib.tensor(offsets),
                               mode=mode, include_last_offset=last, padding_idx=padding_idx)
    _compare(torch, lambda w: run(F, tg, w), lambda w: run(TF, torch, w), [(5, 3)])


def test_embedding_bag_per_sample_weights_against_torch(torch):
    import torch.nn.functional as TF

    _compare(torch, lambda w, p: F.embedding_bag(tg.tensor([1, 2, 3, 3, 0]), w, tg.tensor([0, 2, 2]), mode="sum",
                                                 per_sample_weights=p),
             lambda w, p: TF.embedding_bag(torch.tensor([1, 2, 3, 3, 0]), w, torch.tensor([0, 2, 2]), mode="sum",
                                           per_sample_weights=p), [(5, 3), (5,)])
    _compare(torch, lambda w, p: F.embedding_bag(tg.tensor([[1, 2], [3, 3]]), w, mode="sum", per_sample_weights=p,
                                                 padding_idx=2),
             lambda w, p: TF.embedding_bag(torch.tensor([[1, 2], [3, 3]]), w, mode="sum", per_sample_weights=p,
                                           padding_idx=2), [(5, 3), (2, 2)])


MODULES = [
    ("Conv3d(2, 3, 2)", (2, 2, 4, 3, 4)), ("Conv3d(2, 4, (1, 2, 3), stride=2, padding=1, groups=2, bias=False)",
                                         (1, 2, 4, 3, 5)),
    ("ConvTranspose3d(2, 3, 2, stride=2)", (2, 2, 2, 3, 2)), ("MaxPool3d(2)", (1, 2, 4, 4, 5)),
    ("MaxPool3d(3, 2, 1, return_indices=True)", (2, 3, 5, 4)), ("AvgPool3d(2, ceil_mode=True)", (1, 2, 3, 4, 5)),
    ("AdaptiveAvgPool3d(2)", (1, 2, 3, 4, 5)), ("AdaptiveMaxPool3d((1, 2, 3), return_indices=True)", (1, 2, 3, 4, 5)),
    ("BatchNorm3d(3)", (4, 3, 2, 2, 3)), ("LPPool1d(2, 3)", (2, 3, 7)), ("LPPool2d(4, 2)", (2, 3, 4, 4)),
    ("LPPool3d(2, 2, stride=1)", (1, 2, 3, 3, 3)), ("Unfold(2, padding=1)", (2, 3, 4, 4)),
    ("Fold((4, 5), 2)", (2, 8, 12)), ("ChannelShuffle(2)", (2, 4, 3)),
]


@pytest.mark.parametrize("spec, shape", MODULES, ids=[m[0] for m in MODULES])
def test_modules_against_torch(torch, spec, shape):
    """Same repr, same state_dict keys and shapes; with torch's parameters loaded, the same output."""
    ours, theirs = eval(f"nn.{spec}"), eval(f"torch.nn.{spec}")
    assert repr(ours) == repr(theirs)
    state = {k: v.detach().double().numpy() for k, v in theirs.state_dict().items()}
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in state.items()}
    ours.load_state_dict({k: tg.tensor(v) for k, v in state.items()})
    theirs.double()
    _compare(torch, lambda x: ours(x), lambda x: theirs(x), [shape])


def test_parametrized_modules_against_torch(torch):
    for spec in ("Bilinear(2, 3, 4)", "Bilinear(2, 3, 4, bias=False)", "EmbeddingBag(4, 3)",
                 "EmbeddingBag(4, 3, mode='max', padding_idx=-1)", "MaxUnpool1d(2, 3, 1)", "MaxUnpool2d(2)",
                 "EmbeddingBag(4, 3, max_norm=1.0, norm_type=1, scale_grad_by_freq=True)"):
        ours, theirs = eval(f"nn.{spec}"), eval(f"torch.nn.{spec}")
        assert repr(ours) == repr(theirs)
        assert {k: v.shape for k, v in ours.state_dict().items()} == \
               {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    bilinear = torch.nn.Bilinear(2, 3, 4).double()
    ours = nn.Bilinear(2, 3, 4)
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in bilinear.state_dict().items()})
    _compare(torch, lambda a, b: ours(a, b), lambda a, b: bilinear(a, b), [(5, 2), (5, 3)])
    table = np.random.default_rng(3).standard_normal((6, 2))
    bag, their_bag = nn.EmbeddingBag.from_pretrained(tg.tensor(table), freeze=False, mode="max"), \
        torch.nn.EmbeddingBag.from_pretrained(torch.tensor(table), freeze=False, mode="max")
    out, their_out = bag(tg.tensor([0, 5, 2, 3]), tg.tensor([0, 1])), their_bag(torch.tensor([0, 5, 2, 3]),
                                                                              torch.tensor([0, 1]))
    np.testing.assert_allclose(out.numpy(), their_out.detach().numpy())
    out.sum().backward()
    their_out.sum().backward()
    np.testing.assert_allclose(bag.weight.grad.numpy(), their_bag.weight.grad.numpy())
    assert isinstance(torch.nn.LSTMCell(2, 3), torch.nn.RNNCellBase)  # the names we mirror exist there
    assert issubclass(torch.nn.GRU, torch.nn.RNNBase)


@pytest.mark.parametrize("module", ["convolution", "pooling", "folding", "bilinear", "embedding_bag", "pdist",
                                    "channel_shuffle", "transposed_convolution"])
def test_docstring_examples(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"tinygrad_edu.nn.functional.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_module_docstring_examples():
    import doctest

    import tinygrad_edu.nn.conv
    import tinygrad_edu.nn.more_layers

    for mod in (tinygrad_edu.nn.more_layers, tinygrad_edu.nn.conv):
        result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0
