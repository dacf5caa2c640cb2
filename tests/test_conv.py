"""Convolution and pooling (F.conv1d/conv2d, max/avg/adaptive pooling and their modules): shapes,
values on small hand-checked cases, errors, a training run, and -- where PyTorch is installed --
values, every gradient, reprs and state_dicts against torch. Gradients are also in the gradcheck
registry (tests/registry/convolution.py)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def test_conv2d_is_a_cross_correlation():
    x = tg.arange(16.0).reshape(1, 1, 4, 4)
    w = tg.tensor([[[[1.0, 0.0], [0.0, -1.0]]]])
    assert F.conv2d(x, w).tolist() == [[[[-5.0] * 3] * 3]]  # x[i, j] - x[i + 1, j + 1]
    assert F.conv2d(x, w, padding=1).shape == (1, 1, 5, 5)
    assert F.conv2d(x, w, stride=2).shape == (1, 1, 2, 2)
    assert F.conv2d(x[0], w).shape == (1, 3, 3)  # unbatched (C, H, W)


def test_pooling_values():
    x = tg.arange(16.0).reshape(1, 1, 4, 4)
    assert F.max_pool2d(x, 2).tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    assert F.avg_pool2d(x, 2).tolist() == [[[[2.5, 4.5], [10.5, 12.5]]]]
    assert F.adaptive_avg_pool2d(x, 1).item() == 7.5
    r = tg.zeros(1, 1, 2, 2, requires_grad=True)
    F.max_pool2d(r, 2).sum().backward()  # ties: the gradient goes to the first largest, as PyTorch
    assert r.grad.tolist() == [[[[1.0, 0.0], [0.0, 0.0]]]]


def test_errors():
    with pytest.raises(RuntimeError, match="does not fit weight"):
        F.conv2d(tg.ones(1, 3, 4, 4), tg.ones(2, 2, 3, 3))
    with pytest.raises(RuntimeError, match="smaller than the kernel"):
        F.conv2d(tg.ones(1, 1, 2, 2), tg.ones(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match="expected a 3D .* or 4D"):
        F.conv2d(tg.ones(4, 4), tg.ones(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match="at most half"):
        F.max_pool2d(tg.ones(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")


def test_a_small_cnn_learns():
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 1, 8, 8))
    y = (x[:, 0, :4].sum((1, 2)) > x[:, 0, 4:].sum((1, 2))).astype(np.int64)  # top half brighter?
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(4, 2))
    opt = tg.optim.Adam(model.parameters(), lr=0.03)
    losses = []
    for _ in range(30):
        loss = F.cross_entropy(model(tg.tensor(x)), tg.tensor(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.6 * losses[0]


FUNCTIONAL = [
    ("conv2d", "F.conv2d(x, w, b, stride=2, padding=1, dilation=(2, 1), groups=2)", (2, 4, 7, 6), (6, 2, 3, 2)),
    ("conv2d same", "F.conv2d(x, w, padding='same')", (2, 4, 7, 6), (5, 4, 3, 3)),
    ("conv2d same even", "F.conv2d(x, w, padding='same')", (2, 4, 7, 6), (5, 4, 2, 2)),
    ("conv1d", "F.conv1d(x, w, stride=2, padding=2)", (3, 4, 9), (2, 4, 3)),
    ("conv1d unbatched", "F.conv1d(x, w)", (4, 9), (2, 4, 3)),
    ("max_pool2d", "F.max_pool2d(x, 2)", (2, 4, 7, 6), None),
    ("max_pool2d ceil", "F.max_pool2d(x, 3, 2, 1, ceil_mode=True)", (2, 4, 7, 6), None),
    ("max_pool2d dilation", "F.max_pool2d(x, 2, 1, 0, dilation=2)", (2, 4, 7, 6), None),
    ("max_pool1d", "F.max_pool1d(x, 3, 2, 1)", (3, 4, 9), None),
    ("avg_pool2d", "F.avg_pool2d(x, 2)", (2, 4, 7, 6), None),
    ("avg_pool2d exclude pad", "F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)", (2, 4, 7, 6), None),
    ("avg_pool2d ceil", "F.avg_pool2d(x, 3, 2, 1, ceil_mode=True)", (2, 4, 7, 6), None),
    ("avg_pool2d divisor", "F.avg_pool2d(x, 2, divisor_override=3)", (2, 4, 7, 6), None),
    ("avg_pool1d", "F.avg_pool1d(x, 3, 2, 1)", (3, 4, 9), None),
    ("adaptive 1", "F.adaptive_avg_pool2d(x, 1)", (2, 4, 7, 6), None),
    ("adaptive (3, 4)", "F.adaptive_avg_pool2d(x, (3, 4))", (2, 4, 7, 6), None),
    ("adaptive (5, None)", "F.adaptive_avg_pool2d(x, (5, None))", (2, 4, 7, 6), None),
    ("adaptive1d", "F.adaptive_avg_pool1d(x, 4)", (3, 4, 9), None),
    ("max_pool2d ties after relu", "F.max_pool2d(x.relu(), 2)", (2, 3, 4, 4), None),
]


@pytest.mark.parametrize("expr,x_shape,w_shape", [c[1:] for c in FUNCTIONAL], ids=[c[0] for c in FUNCTIONAL])
def test_functional_matches_pytorch(torch, expr, x_shape, w_shape):
    rng = np.random.default_rng(sum(map(ord, expr)))
    arrays = [rng.standard_normal(x_shape)]
    if w_shape is not None:
        arrays += [rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    names = ["x", "w", "b"]
    ya = eval(expr, {"F": F, **dict(zip(names, ours))})
    yb = eval(expr, {"F": torch.nn.functional, **dict(zip(names, theirs))})
    assert ya.shape == tuple(yb.shape)
    np.testing.assert_allclose(ya.numpy(), yb.detach().numpy(), rtol=1e-10, atol=1e-12)
    (ya * ya.sin()).sum().backward()
    (yb * yb.sin()).sum().backward()
    for a, b in zip(ours, theirs):
        if b.grad is not None:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-11)


MODULES = ["Conv2d(1, 16, 3, stride=2, padding=1)", "Conv2d(2, 4, (3, 2), bias=False, dilation=2)", "Conv1d(4, 2, 3)",
           "Conv2d(4, 4, 3, padding='same', groups=2)", "MaxPool2d(2)", "MaxPool2d(3, 2, 1, ceil_mode=True)",
           "AvgPool2d(2)", "AvgPool2d(3, 2, 1, count_include_pad=False)", "AdaptiveAvgPool2d(1)",
           "AdaptiveAvgPool2d((3, None))", "MaxPool1d(2)", "AvgPool1d(2)"]


@pytest.mark.parametrize("expr", MODULES)
def test_modules_match_pytorch(torch, expr):
    ours, theirs = eval("nn." + expr), eval("torch.nn." + expr).double()
    assert repr(ours) == repr(theirs)
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v.data)) for k, v in state.items()})
    channels = getattr(ours, "in_channels", 4)
    x = np.random.default_rng(2).standard_normal((2, channels, 9) if "1d" in expr else (2, channels, 9, 8))
    np.testing.assert_allclose(ours(tg.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)


def test_conv_initialisation_bound():
    conv = nn.Conv2d(3, 8, 5)
    bound = 1 / np.sqrt(3 * 25)
    assert abs(conv.weight.numpy()).max() <= bound and abs(conv.bias.numpy()).max() <= bound
    assert conv.weight.numpy().std() > bound / 3  # uniform on [-bound, bound]: std bound/√3


@pytest.mark.parametrize("module", ["tinygrad_edu.nn.functional.convolution", "tinygrad_edu.nn.conv"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
