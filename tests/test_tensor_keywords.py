"""Keyword arguments of Tensor methods that PyTorch code passes: x.div(y, rounding_mode=...),
x.sum(dtype=...), x.mean(dtype=...), x.numpy(force=True), x.float(memory_format=...)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg


def test_div_with_a_rounding_mode():
    x, y = tg.tensor([7.0, -7.0, 7.5]), tg.tensor([2.0, 2.0, -2.0])
    np.testing.assert_array_equal(x.div(y, rounding_mode="floor").numpy(), [3.0, -4.0, -4.0])
    np.testing.assert_array_equal(x.div(y, rounding_mode="trunc").numpy(), [3.0, -3.0, -3.0])
    np.testing.assert_array_equal(x.div(y).numpy(), [3.5, -3.5, -3.75])
    z = x.clone()
    assert z.div_(y, rounding_mode="floor") is z
    np.testing.assert_array_equal(z.numpy(), [3.0, -4.0, -4.0])
    with pytest.raises(RuntimeError, match="rounding_mode"):
        x.div(y, rounding_mode="round")


def test_sum_and_mean_in_a_dtype():
    ints = tg.tensor([[1, 2], [3, 4]])
    s = ints.sum(dtype=tg.float32)
    assert s.dtype == tg.float32 and s.item() == 10.0
    m = ints.mean(1, dtype=tg.float64)
    assert m.dtype == tg.float64
    np.testing.assert_array_equal(m.numpy(), [1.5, 3.5])
    with pytest.raises(ValueError, match="floating point"):
        ints.mean(dtype=tg.int64)
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    x.sum(dtype=tg.float32).backward()  # (the conversion is differentiable)
    assert x.grad.dtype == tg.float64 and x.grad.tolist() == [1.0, 1.0]


def test_numpy_force_and_casts_with_a_memory_format():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert x.numpy(force=True) is x.data
    images = tg.ones(1, 2, 3, 4, dtype=tg.float64)
    f = images.float(memory_format=tg.channels_last)
    assert f.dtype == tg.float32 and f.is_contiguous(memory_format=tg.channels_last)
    assert images.long(memory_format=tg.preserve_format).dtype == tg.int64


def test_same_as_torch():
    torch = pytest.importorskip("torch")
    a = np.array([[7.0, -7.5], [0.5, -3.0]])
    b = np.array([2.0, -2.0])
    for mode in ("floor", "trunc", None):
        ours = tg.tensor(a).div(tg.tensor(b), rounding_mode=mode).numpy()
        theirs = torch.tensor(a).div(torch.tensor(b), rounding_mode=mode).numpy()
        np.testing.assert_array_equal(ours, theirs)
    ints = np.array([[1, 2, 3], [4, 5, 7]])
    for dim in (None, 0, 1):
        np.testing.assert_allclose(tg.tensor(ints).mean(dim, dtype=tg.float32).numpy(),
                                   torch.tensor(ints).mean(dim, dtype=torch.float32).numpy())
        np.testing.assert_array_equal(tg.tensor(ints).sum(dim, dtype=tg.float64).numpy(),
                                      torch.tensor(ints).sum(dim, dtype=torch.float64).numpy())


def test_random_like_functions_take_a_generator():
    x = tg.ones(2, 3)
    for fn, extra in ((tg.rand_like, ()), (tg.randn_like, ()), (tg.randint_like, (7,))):
        a = fn(x, *extra, generator=tg.Generator().manual_seed(5))
        b = fn(x, *extra, generator=tg.Generator().manual_seed(5))
        c = fn(x, *extra, generator=tg.Generator().manual_seed(6))
        assert a.shape == (2, 3) and a.dtype == x.dtype
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert not np.array_equal(a.numpy(), c.numpy())
