"""tg.nn.grad: a convolution's gradients with respect to its input and its weight, as functions."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

rng = np.random.default_rng(0)
CASES = [  # (dims, input shape, weight shape, keyword arguments)
    (1, (2, 4, 9), (6, 2, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    (2, (2, 3, 7, 6), (4, 3, 3, 2), dict(stride=(2, 1), padding=1)),
    (3, (1, 2, 5, 4, 4), (2, 1, 2, 2, 3), dict(padding=(1, 0, 1), groups=2)),
]


@pytest.mark.parametrize("dims, x_shape, w_shape, kwargs", CASES)
def test_they_are_the_gradients_backward_computes(dims, x_shape, w_shape, kwargs):
    conv = getattr(F, f"conv{dims}d")
    x = tg.tensor(rng.standard_normal(x_shape), requires_grad=True)
    w = tg.tensor(rng.standard_normal(w_shape), requires_grad=True)
    out = conv(x, w, None, **kwargs)
    g = tg.tensor(rng.standard_normal(out.shape))
    out.backward(g)
    by_input = getattr(tg.nn.grad, f"conv{dims}d_input")(x.shape, w.detach(), g, **kwargs)
    by_weight = getattr(tg.nn.grad, f"conv{dims}d_weight")(x.detach(), w.shape, g, **kwargs)
    np.testing.assert_allclose(by_input.numpy(), x.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(by_weight.numpy(), w.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert not by_input.requires_grad and not by_weight.requires_grad


def test_the_result_is_differentiable_when_its_arguments_require_grad():
    x_shape = (1, 2, 5, 5)
    w = tg.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    g = tg.tensor(rng.standard_normal((1, 3, 3, 3)), requires_grad=True)
    assert tg.autograd.gradcheck(lambda w, g: tg.nn.grad.conv2d_input(x_shape, w, g), (w, g))
    x = tg.tensor(rng.standard_normal(x_shape), requires_grad=True)
    assert tg.autograd.gradcheck(lambda x, g: tg.nn.grad.conv2d_weight(x, (3, 2, 3, 3), g), (x, g))


def test_a_grad_output_of_the_wrong_shape_is_named():
    with pytest.raises(RuntimeError, match="grad_output has shape"):
        tg.nn.grad.conv2d_input((1, 2, 5, 5), tg.ones(3, 2, 3, 3), tg.ones(1, 3, 4, 4))


def test_same_as_torch():
    torch = pytest.importorskip("torch")
    for dims, x_shape, w_shape, kwargs in CASES:
        x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
        out = getattr(torch.nn.functional, f"conv{dims}d")(torch.tensor(x), torch.tensor(w), **kwargs)
        g = rng.standard_normal(tuple(out.shape))
        for kind in ("input", "weight"):
            ours = getattr(tg.nn.grad, f"conv{dims}d_{kind}")
            theirs = getattr(torch.nn.grad, f"conv{dims}d_{kind}")
            if kind == "input":
                a, b = ours(x_shape, tg.tensor(w), tg.tensor(g), **kwargs), theirs(x_shape, torch.tensor(w),
                                                                                 torch.tensor(g), **kwargs)
            else:
                a, b = ours(tg.tensor(x), w_shape, tg.tensor(g), **kwargs), theirs(torch.tensor(x), w_shape,
                                                                                  torch.tensor(g), **kwargs)
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)
