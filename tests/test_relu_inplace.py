"""F.relu(x, inplace=True) and nn.ReLU(inplace=True), PyTorch's option to overwrite the input."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F


def test_functional_relu_inplace_overwrites_and_differentiates():
    x = tg.tensor([-1.0, 2.0, -0.5, 3.0], requires_grad=True)
    h = x * 2
    y = F.relu(h, inplace=True)
    assert y is h
    np.testing.assert_array_equal(h.data, [0.0, 4.0, 0.0, 6.0])
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 16.0, 0.0, 24.0])  # d/dx (2x)² = 8x where 2x > 0
    z = tg.tensor([-1.0, 1.0])
    assert F.relu(z).data.tolist() == [0.0, 1.0] and z.data.tolist() == [-1.0, 1.0]  # default: a new tensor


def test_relu_inplace_refuses_a_leaf_that_requires_grad():
    with pytest.raises(RuntimeError, match="leaf"):
        F.relu(tg.tensor([1.0], requires_grad=True), inplace=True)


def test_relu_module_inplace_and_repr():
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(inplace=True), nn.Linear(3, 1))
    x = tg.tensor([[1.0, -2.0], [0.5, 0.3]])
    reference = nn.Sequential(model[0], nn.ReLU(), model[2])
    np.testing.assert_array_equal(model(x).data, reference(x).data)
    model(x).sum().backward()
    assert model[0].weight.grad is not None
