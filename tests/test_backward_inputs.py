"""Tensor.backward(inputs=...) (PyTorch's argument: only those tensors' .grad changes), and the
device/layout flags PyTorch code reads (`p.grad.is_sparse`)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


def test_only_the_inputs_get_a_grad():
    a, b = tg.tensor(2.0, requires_grad=True), tg.tensor(3.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 3.0 and b.grad is None
    (a * b).backward(inputs=b)  # (one tensor is fine too)
    assert a.grad.item() == 3.0 and b.grad.item() == 2.0


def test_an_intermediate_input_gets_its_grad_and_the_leaf_does_not():
    x = tg.ones(2, requires_grad=True)
    y = x * 2
    (y * y).sum().backward(inputs=[y])
    np.testing.assert_array_equal(y.grad.numpy(), [4.0, 4.0])
    assert x.grad is None


def test_gradient_retain_graph_and_accumulation_with_inputs():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    y.backward(tg.tensor([1.0, 10.0]), retain_graph=True, inputs=[w])
    y.backward(tg.tensor([1.0, 10.0]), inputs=[w])
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 40.0])
    assert x.grad is None


def test_empty_inputs_and_a_non_scalar_without_gradient_are_errors():
    x = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="empty"):
        (x * 3).sum().backward(inputs=[])
    with pytest.raises(RuntimeError):
        (x * 3).backward(inputs=[x])


def test_a_weight_used_at_many_steps_with_inputs():
    """(The pieces of a weight's gradient, autograd/deferred.py, reach inputs= as numbers.)"""
    emb = nn.Embedding(5, 3, dtype=np.float64)
    W = tg.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    loss = sum((emb(tg.tensor([i])) @ W).sum() for i in [1, 2, 1])
    loss.backward(inputs=[W, emb.weight])
    rows = emb.weight.data[[1, 2, 1]]
    np.testing.assert_allclose(W.grad.numpy(), np.repeat(rows.sum(0)[:, None], 2, axis=1), rtol=1e-13)
    expected = np.zeros((5, 3))
    expected[1], expected[2] = 2 * W.data.sum(1), W.data.sum(1)
    np.testing.assert_allclose(emb.weight.grad.numpy(), expected, rtol=1e-13)


def test_same_as_torch():
    torch = pytest.importorskip("torch")
    for lib in (tg, torch):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True, dtype=lib.float64)
        w = lib.tensor([0.5, 0.25, 2.0], requires_grad=True, dtype=lib.float64)
        h = (x * w).tanh()
        (h * h).sum().backward(inputs=[h, w])
        if lib is tg:
            ours = (h.grad.numpy(), w.grad.numpy(), x.grad)
        else:
            np.testing.assert_allclose(ours[0], h.grad.numpy(), rtol=1e-13)
            np.testing.assert_allclose(ours[1], w.grad.numpy(), rtol=1e-10)
            assert ours[2] is None and x.grad is None


def test_device_and_layout_flags_are_those_of_a_dense_cpu_tensor():
    t = tg.ones(2)
    assert t.is_cpu and not t.is_cuda
    for flag in ("is_sparse", "is_sparse_csr", "is_quantized", "is_mkldnn", "is_nested", "is_xpu", "is_xla",
                 "is_ipu", "is_mtia", "is_maia", "is_vulkan", "is_mps", "is_meta"):
        assert getattr(t, flag) is False, flag
