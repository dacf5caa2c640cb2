"""tg.gradcheck, tg.gradgradcheck and tg.numerical_grad: they accept correct gradients, reject
wrong ones with a readable table, and warn about float32."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg


def leaf(array, dtype=np.float64) -> tg.Tensor:
    return tg.tensor(np.asarray(array, dtype=dtype), requires_grad=True)


class ScaledSin(tg.Function):
    """sin(x)·factor; backward multiplies by `wrong`·cos(x), so wrong=1 is correct."""

    wrong = 1.0

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x.data)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.cos() * ScaledSin.wrong


class BadSecondDerivative(tg.Function):
    """x³ whose first derivative 3x² is right, but written with a detached x, so that its own
    derivative (6x) is lost: gradcheck passes, gradgradcheck must fail."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data ** 3

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 3 * x.detach() ** 2


class SecondInputWrong(tg.Function):
    """a·b with ∂/∂b deliberately off by one on every element."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a.data * b.data

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b, grad * (a + 1)


@pytest.fixture
def x(rng):
    return leaf(rng.uniform(-2, 2, (2, 3)))


@pytest.mark.parametrize("fn", [
    lambda t: (t * t.sin()).sum(),
    lambda t: t.tanh() @ t.T,
    lambda t: t.exp().mean(1),
    lambda t: (t[:, ::2] * 3).amax(0),
    lambda t: tg.stack([t, t * 2]).logsumexp(0),
    lambda t: t.reshape(3, 2).permute(1, 0) / (t * t + 1),
    ScaledSin.apply,
])
def test_gradcheck_passes_correct_functions(fn, x):
    assert tg.gradcheck(fn, (x,)) is True
    assert tg.gradcheck(fn, x) is True  # a single Tensor is accepted too


def test_gradcheck_several_inputs_and_outputs(rng):
    a, b = leaf(rng.standard_normal((3, 1))), leaf(rng.standard_normal(4))
    assert tg.gradcheck(lambda p, q: (p * q, (p + q).exp()), (a, b))


def test_gradcheck_skips_inputs_that_do_not_require_grad(rng):
    a = leaf(rng.standard_normal(3))
    constant = tg.tensor(rng.standard_normal(3))
    assert tg.gradcheck(lambda p, c: p * c, (a, constant))
    assert tg.gradcheck(lambda p, k: p * k, (a, 2.5))  # a non-tensor argument


def test_gradcheck_fails_with_a_table_naming_the_mismatch(x, monkeypatch):
    monkeypatch.setattr(ScaledSin, "wrong", 1.5)
    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(ScaledSin.apply, (x,))
    message = str(info.value)
    assert "input 0" in message and "output 0" in message
    header = next(line for line in message.splitlines() if "abs err" in line)
    for column in ("input", "element", "analytical", "numerical", "abs err", "rel err"):
        assert column in header
    rows = [line for line in message.splitlines() if re.match(r"\s*0\s+0\s+\(\d+, \d+\)", line)]
    assert rows, message
    # the first bad entry: output element (0, 0) against input element (0, 0)
    first = rows[0].split()
    assert first[2:4] == ["(0,", "0)"]
    a, n = float(first[4]), float(first[5])
    x00 = x.numpy()[0, 0]
    assert a == pytest.approx(1.5 * np.cos(x00), rel=1e-5)
    assert n == pytest.approx(np.cos(x00), rel=1e-5)
    assert float(first[6]) == pytest.approx(abs(a - n), rel=1e-2)
    assert float(first[7]) == pytest.approx(abs(a - n) / abs(n), rel=1e-2)


def test_gradcheck_names_the_wrong_input(rng):
    a, b = leaf(rng.standard_normal(3)), leaf(rng.standard_normal(3))
    with pytest.raises(tg.GradcheckError, match="input 1") as info:
        tg.gradcheck(SecondInputWrong.apply, (a, b))
    assert "input 0" not in str(info.value).splitlines()[0]


def test_gradcheck_table_is_capped_for_big_inputs(monkeypatch, rng):
    monkeypatch.setattr(ScaledSin, "wrong", -1.0)
    big = leaf(rng.uniform(0.1, 1.0, 40))
    with pytest.raises(tg.GradcheckError, match="more mismatching entries") as info:
        tg.gradcheck(ScaledSin.apply, (big,))
    assert len(str(info.value).splitlines()) < 20


def test_gradcheck_raise_exception_false_returns_false(x, monkeypatch):
    monkeypatch.setattr(ScaledSin, "wrong", 0.5)
    assert tg.gradcheck(ScaledSin.apply, (x,), raise_exception=False) is False
    monkeypatch.setattr(ScaledSin, "wrong", 1.0)
    assert tg.gradcheck(ScaledSin.apply, (x,), raise_exception=False) is True


def test_gradcheck_tolerances(x, monkeypatch):
    monkeypatch.setattr(ScaledSin, "wrong", 1.0 + 1e-4)  # a 0.01 % error
    assert tg.gradcheck(ScaledSin.apply, (x,))           # within the default rtol of 1e-3
    assert not tg.gradcheck(ScaledSin.apply, (x,), atol=1e-9, rtol=1e-6, raise_exception=False)


def test_gradcheck_leaves_inputs_unchanged(x):
    before = x.numpy().copy()
    tg.gradcheck(lambda t: (t ** 3).sum(), (x,))
    np.testing.assert_array_equal(x.numpy(), before)
    assert x.grad is None


def test_gradcheck_float32_warns():
    x32 = leaf([0.5, 1.0], dtype=np.float32)
    with pytest.warns(UserWarning, match="float32"):
        tg.gradcheck(lambda t: t * 2, (x32,), atol=1e-2, rtol=1e-2, raise_exception=False)


def test_gradcheck_float64_does_not_warn(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.gradcheck(lambda t: t * 2, (x,))


def test_gradgradcheck_passes_correct_second_derivatives(x):
    assert tg.gradgradcheck(lambda t: (t.sin() * t).sum(), (x,))
    assert tg.gradgradcheck(lambda t: t.sigmoid() @ t.T, (x,))
    assert tg.gradgradcheck(ScaledSin.apply, (x,))


def test_gradgradcheck_catches_a_wrong_double_backward(x):
    assert tg.gradcheck(BadSecondDerivative.apply, (x,))  # first derivatives are right
    with pytest.raises(tg.GradcheckError, match="analytical"):
        tg.gradgradcheck(BadSecondDerivative.apply, (x,))
    assert tg.gradgradcheck(BadSecondDerivative.apply, (x,), raise_exception=False) is False


def test_numerical_grad_values():
    x, y = tg.tensor([1.0, 2.0]), tg.tensor(3.0)
    gx, gy = tg.numerical_grad(lambda a, b: (a * a * b).sum(), (x, y))
    np.testing.assert_allclose(gx, [6.0, 12.0], rtol=1e-8)   # 2ab
    np.testing.assert_allclose(gy, 5.0, rtol=1e-8)           # Σa²
    assert isinstance(gx, np.ndarray) and gx.shape == (2,) and gy.shape == ()
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])     # restored


def test_numerical_grad_matches_backward(rng):
    data = rng.standard_normal((3, 4))
    x = leaf(data)
    fn = lambda t: (t.tanh() * t.exp()).logsumexp(1).sum()  # noqa: E731
    fn(x).backward()
    numeric, = tg.numerical_grad(fn, tg.tensor(data))
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-7)


def test_numerical_grad_eps_and_non_tensor_args():
    x = tg.tensor([0.0])
    coarse, none = tg.numerical_grad(lambda t, k: (t * t * t).sum() * k, (x, 2.0), eps=0.1)
    np.testing.assert_allclose(coarse, [2 * 0.1 ** 2])  # ((ε)³ - (-ε)³)/2ε · 2 = 2ε²
    assert none is None


def test_numerical_grad_needs_a_scalar_function():
    with pytest.raises(ValueError, match="one number"):
        tg.numerical_grad(lambda t: t * 2, tg.tensor([1.0, 2.0]))


def test_empty_inputs_are_checked_like_any_other():
    """An empty input has no elements to perturb (its Jacobian columns are empty), as in
    PyTorch's gradcheck; a wrong gradient of the other input is still caught."""
    empty = tg.zeros(0, 3, dtype=tg.float64, requires_grad=True)
    y = tg.randn(3, dtype=tg.float64, requires_grad=True)
    assert tg.gradcheck(lambda a, b: (a * b).sum(0) + b * b, (empty, y))
    assert tg.gradgradcheck(lambda a, b: (a * b).sum(0) + b * b, (empty, y))

    class Wrong(tg.Function):
        @staticmethod
        def forward(ctx, a, b):
            return b * 2

        @staticmethod
        def backward(ctx, grad):
            return None, grad * 3

    with pytest.raises(tg.GradcheckError):
        tg.gradcheck(Wrong.apply, (empty, y))
