"""A user's Tensor subclass: ops record it like any tensor (its gradient is not dropped), and
Tensor.as_subclass makes one that stays on the graph, as in PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F


class Tagged(tg.Tensor):
    """A subclass with a method of its own, as users write them."""

    def doubled(self):
        return self * 2


def test_a_subclass_leaf_gets_its_gradient():
    x = Tagged([1.0, 2.0], requires_grad=True)
    loss = (x.doubled() * x).sum()
    assert loss.grad_fn is not None
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])
    w = Tagged(np.ones((3, 2)), requires_grad=True)
    F.linear(tg.ones(1, 2, dtype=tg.float64), w, Tagged(np.zeros(3), requires_grad=True)).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.ones((3, 2)))


def test_as_subclass_is_an_alias_on_the_graph():
    x = tg.ones(2, requires_grad=True)
    t = x.as_subclass(Tagged)
    assert type(t) is Tagged and t.requires_grad and not t.is_leaf and t.grad_fn.name() == "AliasBackward0"
    (t.doubled() * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [6.0, 6.0])
    t.data[0] = 7.0  # (the same memory)
    assert x.tolist() == [7.0, 1.0]
    plain = tg.tensor([1.0]).as_subclass(Tagged)
    assert type(plain) is Tagged and plain.grad_fn is None and not plain.requires_grad
    assert type(t + 1) is tg.Tensor  # (ops give plain Tensors: no __torch_function__ here)


def test_as_subclass_refuses_a_class_that_is_not_a_tensor():
    with pytest.raises(TypeError, match="does not inherit from Tensor"):
        tg.ones(2).as_subclass(int)


def test_under_autobatch_a_subclass_runs_eagerly_and_gets_its_gradient():
    xs = [Tagged([float(i), 1.0], requires_grad=True) for i in range(3)]
    with tg.autobatch():
        loss = tg.stack([(x * x).sum() for x in xs]).sum()
    loss.backward()
    for i, x in enumerate(xs):
        np.testing.assert_array_equal(x.grad.numpy(), [2.0 * i, 2.0])


def test_same_as_torch():
    torch = pytest.importorskip("torch")

    class TorchTagged(torch.Tensor):
        pass

    for lib, cls in ((tg, Tagged), (torch, TorchTagged)):
        x = lib.tensor([1.0, -2.0], requires_grad=True, dtype=lib.float64)
        t = (x * 2).as_subclass(cls)
        (t * t).sum().backward()
        if lib is tg:
            ours = x.grad.numpy()
        else:
            np.testing.assert_array_equal(ours, x.grad.numpy())
