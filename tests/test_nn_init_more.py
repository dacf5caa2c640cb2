"""nn.init.trunc_normal_, orthogonal_, eye_, dirac_, sparse_: the properties of what they draw
(PyTorch's generator differs, so not its numbers), determinism under tg.manual_seed, shapes,
dtypes and errors (the same exception types as PyTorch)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

init = nn.init

try:
    import torch
except ImportError:
    torch = None


def draw(fn, shape, seed=0, dtype=np.float64, **options):
    tg.manual_seed(seed)
    t = tg.tensor(np.zeros(shape, dtype=dtype))
    assert fn(t, **options) is t  # fills in place and returns the tensor
    return t.data.copy()


@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, -2.0, 2.0), (1.0, 0.5, 0.0, 1.2), (0.0, 1.0, 1.5, 3.0),
                                             (0.0, 0.02, -0.04, 0.04)])
def test_trunc_normal_stays_in_bounds_with_the_truncated_moments(mean, std, a, b):
    values = draw(init.trunc_normal_, (40000,), mean=mean, std=std, a=a, b=b)
    assert values.min() >= a and values.max() <= b
    # the truncated normal's mean and variance (Johnson, Kotz & Balakrishnan, 1994)
    from math import erf, exp, pi, sqrt
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda x: exp(-x * x / 2) / sqrt(2 * pi)  # noqa: E731
    mass = (erf(beta / sqrt(2)) - erf(alpha / sqrt(2))) / 2
    expected_mean = mean + std * (pdf(alpha) - pdf(beta)) / mass
    expected_var = std ** 2 * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / mass
                               - ((pdf(alpha) - pdf(beta)) / mass) ** 2)
    assert values.mean() == pytest.approx(expected_mean, abs=4 * sqrt(expected_var / values.size))
    assert values.var() == pytest.approx(expected_var, rel=0.05)


def test_trunc_normal_far_from_the_mean_warns_as_torch_and_is_still_in_bounds():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        values = draw(init.trunc_normal_, (1000,), a=3.0, b=3.5)
    assert values.min() >= 3.0 and values.max() <= 3.5
    assert values.mean() < 3.25  # the density falls across [3, 3.5]: more mass near 3


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (7, 3), (4, 2, 3, 3), (6, 2, 2)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape):
    q = draw(init.orthogonal_, shape, gain=2.0).reshape(shape[0], -1) / 2.0
    rows, cols = q.shape
    gram = q @ q.T if rows <= cols else q.T @ q
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-12)


def test_orthogonal_in_float32_keeps_the_dtype():
    q = draw(init.orthogonal_, (4, 4), dtype=np.float32)
    assert q.dtype == np.float32
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)


def test_eye_and_dirac_make_identity_layers():
    np.testing.assert_array_equal(draw(init.eye_, (2, 3)), np.eye(2, 3))
    w = tg.zeros(4, 4, 3, 3)
    init.dirac_(w)
    x = tg.randn(2, 4, 5, 5)
    np.testing.assert_allclose(F.conv2d(x, w, padding=1).data, x.data, atol=1e-14)
    w = draw(init.dirac_, (6, 2, 3), groups=2)  # 3 output channels per group, 2 inputs
    expected = np.zeros((6, 2, 3))
    for out, inp in [(0, 0), (1, 1), (3, 0), (4, 1)]:
        expected[out, inp, 1] = 1
    np.testing.assert_array_equal(w, expected)
    w = draw(init.dirac_, (2, 3, 2, 2, 4))
    assert w.sum() == 2 and w[0, 0, 1, 1, 2] == 1 and w[1, 1, 1, 1, 2] == 1


def test_sparse_zeros_that_many_elements_in_every_column():
    values = draw(init.sparse_, (10, 30), sparsity=0.25, std=0.5)
    assert ((values == 0).sum(axis=0) == 3).all()  # ⌈0.25 · 10⌉
    nonzero = values[values != 0]
    assert nonzero.std() == pytest.approx(0.5, rel=0.15)


@pytest.mark.parametrize("fn, options", [
    (init.trunc_normal_, {}), (init.orthogonal_, {}), (init.sparse_, {"sparsity": 0.5}),
    (init.uniform_, {}), (init.kaiming_normal_, {}),
])
def test_the_same_seed_gives_the_same_values_and_a_generator_is_accepted(fn, options):
    first, again, other = (draw(fn, (6, 4), seed=s, **options) for s in (1, 1, 2))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    g = tg.Generator().manual_seed(5)
    a = fn(tg.zeros(6, 4), generator=g, **options).data.copy()
    g.manual_seed(5)
    np.testing.assert_array_equal(a, fn(tg.zeros(6, 4), generator=g, **options).data)


def test_empty_tensors():
    assert init.orthogonal_(tg.zeros(0, 3)).shape == (0, 3)
    assert init.trunc_normal_(tg.zeros(0)).shape == (0,)


@pytest.mark.parametrize("call, error", [
    (lambda lib: lib.nn.init.orthogonal_(lib.zeros(3)), ValueError),
    (lambda lib: lib.nn.init.eye_(lib.zeros(2, 2, 2)), ValueError),
    (lambda lib: lib.nn.init.dirac_(lib.zeros(3, 3)), ValueError),
    (lambda lib: lib.nn.init.dirac_(lib.zeros(3, 3, 3), groups=2), ValueError),
    (lambda lib: lib.nn.init.sparse_(lib.zeros(3, 3, 3), sparsity=0.1), ValueError),
])
def test_errors_as_torch(call, error):
    with pytest.raises(error, match="supported|divisible"):
        call(tg)
    if torch is not None:
        with warnings.catch_warnings(), pytest.raises(error):
            warnings.simplefilter("ignore")
            call(torch)
