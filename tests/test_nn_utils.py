"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters --
known values, and PyTorch's numbers when it is installed."""
import doctest
import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _grads(lib, arrays):
    params = [lib.tensor(a, requires_grad=True) for a in arrays]
    for p in params:
        (p ** 3).sum().backward()  # grad = 3 p²
    return params


def test_clip_grad_norm_known_values():
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    (w * w / 2).sum().backward()
    total = nn.utils.clip_grad_norm_([w], max_norm=1.0)
    assert total.dtype == np.float64 and total.shape == () and total.item() == 5.0
    np.testing.assert_allclose(w.grad.data, [3 / (5 + 1e-6), 4 / (5 + 1e-6)], rtol=1e-15)
    # below the bound: unchanged (scale 1)
    w.grad = None
    (w * w / 2).sum().backward()
    assert nn.utils.clip_grad_norm_(w, max_norm=10.0).item() == 5.0  # a single tensor is accepted
    np.testing.assert_array_equal(w.grad.data, [3.0, 4.0])


def test_clip_grad_norm_inf_norm_skips_missing_grads_and_empty():
    a, b = tg.tensor([1.0, -6.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    (a * a).sum().backward()  # grad [2, -12]; b has no grad
    assert nn.utils.clip_grad_norm_([a, b], 3.0, norm_type="inf").item() == 12.0
    np.testing.assert_allclose(a.grad.data, np.array([2.0, -12.0]) * 3 / (12 + 1e-6))
    assert b.grad is None
    assert nn.utils.clip_grad_norm_([b], 1.0).item() == 0.0


def test_clip_grad_norm_nonfinite():
    w = tg.tensor([1.0, math.inf], requires_grad=True)
    w.grad = tg.tensor([1.0, math.inf])
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        nn.utils.clip_grad_norm_([w], 1.0, error_if_nonfinite=True)
    assert math.isinf(nn.utils.clip_grad_norm_([w], 1.0).item())


@needs_torch
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((3, 4)), rng.standard_normal(5), rng.standard_normal(())]
    ours, theirs = _grads(tg, arrays), _grads(torch, arrays)
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert total.dtype == np.float64 and total.shape == tuple(expected.shape)
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-13)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-13, atol=0)


@needs_torch
def test_clip_grad_value_matches_torch():
    arrays = [np.linspace(-2, 2, 12).reshape(3, 4), np.array([0.1, -0.9])]
    ours, theirs = _grads(tg, arrays), _grads(torch, arrays)
    assert nn.utils.clip_grad_value_(ours, 1.5) is None
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.data, q.grad.numpy())


def test_clip_grad_value_known_values():
    w = tg.tensor([2.0, -3.0, 0.5], requires_grad=True)
    (w * w).sum().backward()  # grad [4, -6, 1]
    nn.utils.clip_grad_value_(w, 2)
    np.testing.assert_array_equal(w.grad.data, [2.0, -2.0, 1.0])


def test_parameters_to_vector_and_back():
    model = nn.Linear(3, 2)
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (8,) and vec.requires_grad  # differentiable, as in PyTorch
    np.testing.assert_array_equal(vec.data, np.concatenate([model.weight.data.ravel(), model.bias.data]))
    vec.sum().backward()
    np.testing.assert_array_equal(model.weight.grad.data, np.ones((2, 3)))
    nn.utils.vector_to_parameters(tg.arange(8.0), model.parameters())
    np.testing.assert_array_equal(model.weight.data, np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(model.bias.data, [6.0, 7.0])
    with pytest.raises(TypeError, match="expected a Tensor"):
        nn.utils.vector_to_parameters(np.zeros(8), model.parameters())
    with pytest.raises(RuntimeError, match="7 elements"):
        nn.utils.vector_to_parameters(tg.zeros(7), model.parameters())


def test_docstring_examples_run():
    result = doctest.testmod(nn.utils, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
