"""The long tail of PyTorch's Tensor methods (tensor_more.py, tensor_more_layout.py,
ops/special_functions.py, ops/windows.py, tg.special): values, result dtypes, gradients and
errors against PyTorch when it is installed, and against the math module, numpy or a hand
computation otherwise. Their gradients are in the gradcheck registry (tests/registry/tensor_more.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(11)
POSITIVE = RNG.uniform(0.05, 6.0, (3, 4))
NORMAL = RNG.standard_normal((3, 4))
PROBABILITY = RNG.uniform(0.02, 0.98, (3, 4))


def _grads_match(torch, tg_fn, torch_fn, *arrays, rtol=1e-10, atol=1e-12):
    """Values and the gradients of the sum agree between tinygrad_edu and torch (float64)."""
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out, expected = tg_fn(*ours), torch_fn(*theirs)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=rtol, atol=atol)
    out.sum().backward()
    expected.sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)


# ---- special functions ---------------------------------------------------------------------------
def test_special_functions_without_torch():
    assert tg.tensor(1.0).digamma().item() == pytest.approx(-0.5772156649015329, rel=1e-15)
    assert tg.tensor(0.5).digamma().item() == pytest.approx(-0.5772156649015329 - 2 * math.log(2), rel=1e-15)
    assert tg.tensor(1.0).polygamma(1).item() == pytest.approx(math.pi ** 2 / 6, rel=1e-15)
    assert tg.tensor(-0.5).polygamma(1).item() == pytest.approx(math.pi ** 2 / 2 + 4, rel=1e-14)  # ψ'(½)=π²/2
    values = RNG.uniform(-5, 20, 50)
    np.testing.assert_allclose(tg.tensor(values).lgamma().numpy(), [math.lgamma(v) for v in values], rtol=1e-15)
    np.testing.assert_allclose(tg.tensor([0.0, 1.0, -3.0, 25.0]).i0().numpy(), np.i0([0.0, 1.0, -3.0, 25.0]),
                               rtol=1e-14)
    # lgamma' = digamma, by a central difference
    x = tg.tensor([0.7, 3.2], requires_grad=True)
    x.lgamma().sum().backward()
    h = 1e-6
    numeric = [(math.lgamma(v + h) - math.lgamma(v - h)) / (2 * h) for v in (0.7, 3.2)]
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-8)


def test_special_function_values_match_torch(torch):
    x = np.array([-3.7, -2.5, -1e-3, 1e-8, 0.3, 2.0, 7.5, 25.0, 1e3, -40.3])
    t = torch.tensor(x)
    np.testing.assert_allclose(tg.tensor(x).lgamma().numpy(), torch.lgamma(t).numpy(), rtol=1e-14)
    np.testing.assert_allclose(tg.tensor(x).digamma().numpy(), torch.digamma(t).numpy(), rtol=1e-13)
    for n in (1, 2, 3, 5):  # (torch's trigamma has only about 10 digits: compared more loosely)
        np.testing.assert_allclose(tg.polygamma(n, tg.tensor(x)).numpy(), torch.polygamma(n, t).numpy(),
                                   rtol=1e-9 if n == 1 else 1e-12)
    big = np.array([0.0, 1e-5, -3.0, 19.99, 20.01, 50.0, 300.0])
    np.testing.assert_allclose(tg.tensor(big).i0().numpy(), torch.i0(torch.tensor(big)).numpy(), rtol=1e-13)
    np.testing.assert_allclose(tg.special.i1(tg.tensor(big)).numpy(), torch.special.i1(torch.tensor(big)).numpy(),
                               rtol=1e-13)
    poles = torch.tensor([0.0, -0.0, -2.0])
    np.testing.assert_array_equal(tg.tensor([0.0, -0.0, -2.0]).lgamma().numpy(), torch.lgamma(poles).numpy())
    np.testing.assert_array_equal(tg.tensor([0.0, -0.0, -2.0]).digamma().numpy(), torch.digamma(poles).numpy())


@pytest.mark.parametrize("name", ["lgamma", "digamma", "i0"])
def test_special_function_gradients_match_torch(torch, name):
    # (torch's trigamma, the derivative of digamma, has about 10 digits; ours is exact to rounding)
    rtol = 1e-9 if name == "digamma" else 1e-10
    _grads_match(torch, lambda x: getattr(x, name)(), lambda x: getattr(torch, name)(x), POSITIVE, rtol=rtol)
    # second derivatives
    ours = tg.tensor(POSITIVE, requires_grad=True)
    theirs = torch.tensor(POSITIVE, requires_grad=True)
    g, = tg.grad(getattr(ours, name)().sum(), [ours], create_graph=True)
    h, = torch.autograd.grad(getattr(torch, name)(theirs).sum(), [theirs], create_graph=True)
    g.sum().backward()
    h.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-8)


def test_polygamma_mvlgamma_logit_match_torch(torch):
    _grads_match(torch, lambda x: x.polygamma(2), lambda x: x.polygamma(2), POSITIVE, rtol=1e-9)
    _grads_match(torch, lambda x: tg.mvlgamma(x + 2, 3), lambda x: torch.mvlgamma(x + 2, 3), POSITIVE)
    _grads_match(torch, lambda x: x.logit(), lambda x: x.logit(), PROBABILITY)
    _grads_match(torch, lambda x: x.logit(0.1), lambda x: x.logit(0.1), PROBABILITY)
    assert tg.tensor([1, 2]).lgamma().dtype == tg.get_default_dtype()
    np.testing.assert_allclose(tg.tensor([0.0, 1.0, 1.5]).logit().numpy(),
                               torch.tensor([0.0, 1.0, 1.5]).logit().numpy())


def test_special_function_errors(torch):
    with pytest.raises(RuntimeError, match="negative n"):
        tg.tensor([1.0]).polygamma(-1)
    with pytest.raises(RuntimeError, match="p has to be greater"):
        tg.mvlgamma(tg.tensor([2.5]), 0)
    with pytest.raises(RuntimeError):
        torch.polygamma(-1, torch.tensor([1.0]))


# ---- tg.special ----------------------------------------------------------------------------------
def test_special_module_matches_torch(torch):
    x = np.array([-40.0, -25.0, -5.0, -0.5, 0.0, 0.7, 5.0, 30.0])
    p = np.array([0.0, 1e-300, 1e-10, 0.3, 0.5, 0.999, 1.0])
    # (torch's ndtr is off in the 11th digit at -5 and underflows to 0 at -25: ours is the exact erfc)
    np.testing.assert_allclose(tg.special.ndtr(tg.tensor(x[2:])).numpy(),
                               torch.special.ndtr(torch.tensor(x[2:])).numpy(),
                               rtol=1e-9)
    for name, values in [("log_ndtr", x), ("ndtri", p), ("expit", x), ("entr", np.abs(x) - 1),
                         ("psi", POSITIVE), ("gammaln", POSITIVE), ("sinc", x), ("exp2", x[2:])]:
        np.testing.assert_allclose(getattr(tg.special, name)(tg.tensor(values)).numpy(),
                                   getattr(torch.special, name)(torch.tensor(values)).numpy(), rtol=1e-13,
                                   err_msg=name)
    nan = float("nan")
    np.testing.assert_allclose(tg.special.xlog1py(tg.tensor([0.0, 2.0, 0.0]), tg.tensor([-1.0, 1.0, nan])).numpy(),
                               torch.special.xlog1py(torch.tensor([0.0, 2.0, 0.0]),
                                                     torch.tensor([-1.0, 1.0, nan])).numpy())
    np.testing.assert_allclose(tg.special.multigammaln(tg.tensor(POSITIVE + 1), 2).numpy(),
                               torch.special.multigammaln(torch.tensor(POSITIVE + 1), 2).numpy(), rtol=1e-14)
    _grads_match(torch, tg.special.log_ndtr, torch.special.log_ndtr, x)
    _grads_match(torch, tg.special.ndtri, torch.special.ndtri, PROBABILITY, rtol=1e-9)
    _grads_match(torch, tg.special.entr, torch.special.entr, POSITIVE)
    _grads_match(torch, lambda a, b: tg.special.xlog1py(a, b), lambda a, b: torch.special.xlog1py(a, b),
                 NORMAL, POSITIVE)


def test_special_module_without_torch():
    assert tg.special.ndtri(tg.tensor(0.975)).item() == pytest.approx(1.959963984540054, rel=1e-14)
    assert tg.special.ndtr(tg.tensor(-10.0)).item() == pytest.approx(0.5 * math.erfc(10 / math.sqrt(2)), rel=1e-14)
    assert tg.special.log_ndtr(tg.tensor(-40.0)).item() == pytest.approx(-804.6084420137538, rel=1e-14)
    assert tg.special.entr(tg.tensor(0.0)).item() == 0.0
    assert tg.special.psi is tg.special.digamma


# ---- new elementwise math ------------------------------------------------------------------------
def test_elementwise_values_and_dtypes_match_torch(torch):
    a, b = NORMAL, RNG.standard_normal((4,))
    nan = float("nan")
    cases = [
        ("copysign", tg.tensor([1, 2]).copysign(-0.0), torch.tensor([1, 2]).copysign(-0.0)),
        ("copysign tensors", tg.tensor(a).copysign(tg.tensor(b)), torch.tensor(a).copysign(torch.tensor(b))),
        ("fmax", tg.tensor([1.0, nan, nan]).fmax(tg.tensor([nan, 2.0, nan])),
         torch.tensor([1.0, nan, nan]).fmax(torch.tensor([nan, 2.0, nan]))),
        ("fmin int", tg.fmin(tg.tensor([1, 5]), tg.tensor([3, 2])),
         torch.fmin(torch.tensor([1, 5]), torch.tensor([3, 2]))),
        ("float_power", tg.tensor([1, 2]).float_power(2), torch.tensor([1, 2]).float_power(2)),
        ("float_power number", tg.float_power(2, tg.tensor([1.0, 2.0], dtype=tg.float32)),
         torch.float_power(2, torch.tensor([1.0, 2.0]))),
        ("ldexp", tg.ldexp(tg.tensor([1, 2]), tg.tensor([3, 4])),
         torch.ldexp(torch.tensor([1, 2]), torch.tensor([3, 4]))),
        ("signbit", tg.tensor([1.0, -0.0, 0.0, -3.0]).signbit(), torch.tensor([1.0, -0.0, 0.0, -3.0]).signbit()),
        ("isneginf", tg.tensor([1.0, -np.inf, np.inf]).isneginf(), torch.tensor([1.0, -np.inf, np.inf]).isneginf()),
        ("isposinf", tg.isposinf(tg.tensor([1, 2])), torch.isposinf(torch.tensor([1, 2]))),
        ("isreal", tg.isreal(tg.tensor([1.0, nan])), torch.isreal(torch.tensor([1.0, nan]))),
        ("nextafter", tg.tensor([1.0, 2.0]).nextafter(tg.tensor([2.0, 1.0])),
         torch.tensor([1.0, 2.0], dtype=torch.float64).nextafter(torch.tensor([2.0, 1.0], dtype=torch.float64))),
        ("gcd", tg.gcd(tg.tensor([4, -6, 0]), tg.tensor([6, 4, 0])),
         torch.gcd(torch.tensor([4, -6, 0]), torch.tensor([6, 4, 0]))),
        ("lcm", tg.tensor([4, -6, 0]).lcm(tg.tensor([6, 4, 3])), torch.tensor([4, -6, 0]).lcm(torch.tensor([6, 4, 3]))),
        ("divide trunc", tg.tensor([-7, 7]).divide(2, rounding_mode="trunc"),
         torch.tensor([-7, 7]).divide(2, rounding_mode="trunc")),
        ("divide floor", tg.divide(tg.tensor([-7.5, 7.0]), 2, rounding_mode="floor"),
         torch.divide(torch.tensor([-7.5, 7.0], dtype=torch.float64), 2, rounding_mode="floor")),
        ("subtract", tg.subtract(tg.tensor([-7, 7]), 2, alpha=3), torch.subtract(torch.tensor([-7, 7]), 2, alpha=3)),
        ("sgn", tg.tensor([-3, 0, 2]).sgn(), torch.tensor([-3, 0, 2]).sgn()),
        ("fix", tg.fix(tg.tensor([-2.5, 2.5])), torch.fix(torch.tensor([-2.5, 2.5], dtype=torch.float64))),
        ("bitwise_and", tg.tensor([12, 10]).bitwise_and(6), torch.tensor([12, 10]).bitwise_and(6)),
        ("bitwise_or bool", tg.bitwise_or(tg.tensor([True, False]), tg.tensor([False, False])),
         torch.bitwise_or(torch.tensor([True, False]), torch.tensor([False, False]))),
        ("bitwise_xor number first", tg.bitwise_xor(6, tg.tensor([3])), torch.bitwise_xor(6, torch.tensor([3]))),
        ("left shift", tg.tensor([1, -8, 3]).bitwise_left_shift(tg.tensor([2, 64, -1])),
         torch.tensor([1, -8, 3]).bitwise_left_shift(torch.tensor([2, 64, -1]))),
        ("right shift", tg.tensor([1, -8, 8]) >> tg.tensor([1, 70, -1]),
         torch.tensor([1, -8, 8]) >> torch.tensor([1, 70, -1])),
        ("shift uint8", tg.tensor([200], dtype=tg.uint8) << 1, torch.tensor([200], dtype=torch.uint8) << 1),
    ]
    for label, ours, theirs in cases:
        expected = str(theirs.dtype).replace("torch.", "")
        if expected == "float32":  # torch's default float dtype; ours is float64
            expected = str(tg.get_default_dtype())
        assert str(ours.dtype) == expected, label
        np.testing.assert_allclose(ours.numpy().astype(float), theirs.numpy().astype(float), err_msg=label)
    mantissa, exponent = tg.frexp(tg.tensor([1.0, -6.0, 0.0, 0.3]))
    theirs = torch.frexp(torch.tensor([1.0, -6.0, 0.0, 0.3], dtype=torch.float64))
    np.testing.assert_array_equal(mantissa.numpy(), theirs.mantissa.numpy())
    np.testing.assert_array_equal(exponent.numpy(), theirs.exponent.numpy())
    assert exponent.dtype == tg.int32


def test_elementwise_gradients_match_torch(torch):
    b = RNG.standard_normal((4,))
    _grads_match(torch, lambda x, y: x.copysign(y), lambda x, y: x.copysign(y), NORMAL, b)
    _grads_match(torch, lambda x, y: x.fmax(y), lambda x, y: x.fmax(y), NORMAL, b)
    _grads_match(torch, lambda x, y: tg.fmin(x, y), lambda x, y: torch.fmin(x, y), NORMAL, b)
    _grads_match(torch, lambda x, y: x.float_power(y), lambda x, y: x.float_power(y), POSITIVE, b)
    _grads_match(torch, lambda x, y: x.ldexp(y), lambda x, y: x.ldexp(y), NORMAL, b)
    _grads_match(torch, lambda x: x.frexp().mantissa, lambda x: x.frexp().mantissa, NORMAL * 10)
    _grads_match(torch, lambda x: x.divide(1.5, rounding_mode="trunc") + x,
                 lambda x: x.divide(1.5, rounding_mode="trunc") + x, NORMAL)


def test_elementwise_errors_match_torch(torch):
    pairs = [
        (lambda m: m.fmax(m.tensor([1.0]), 2), TypeError),
        (lambda m: m.ldexp(m.tensor([1.0]), 3), TypeError),
        (lambda m: m.frexp(m.tensor([1, 2])), RuntimeError),
        (lambda m: m.gcd(m.tensor([4.0]), m.tensor([6.0])), NotImplementedError),
        (lambda m: m.nextafter(m.tensor([1, 2]), m.tensor([2, 1])), NotImplementedError),
        (lambda m: m.tensor([1.0]).bitwise_and(m.tensor([1.0])), NotImplementedError),
        (lambda m: m.tensor([1.0]).bitwise_left_shift(1), NotImplementedError),
        (lambda m: m.divide(m.tensor([1.0]), 2, rounding_mode="x"), RuntimeError),
        (lambda m: m.tensor([1.0, 2.0], dtype=m.float32).float_power_(2), RuntimeError),
        (lambda m: m.tensor([True]).positive(), RuntimeError),
        (lambda m: m.tensor([1.0, 2.0]).is_nonzero(), RuntimeError),
        (lambda m: m.tensor([]).is_nonzero(), RuntimeError),
    ]
    for fn, error in pairs:
        with pytest.raises(error):
            fn(torch)
        with pytest.raises(error):
            fn(tg)


def test_tests_of_the_tensor():
    assert tg.tensor([0.0]).is_nonzero() is False and tg.is_nonzero(tg.tensor([3]))
    assert tg.tensor([1], dtype=tg.uint8).is_signed() is False and tg.tensor([True]).is_signed() is False
    assert tg.tensor([1.0]).is_signed() and tg.is_signed(tg.tensor([-1]))
    assert not tg.tensor([1.0]).is_complex() and not tg.is_complex(tg.tensor(1.0))
    assert not tg.tensor([1.0]).is_inference()
    assert tg.is_same_size(tg.ones(2), tg.ones(2)) and not tg.ones(2).is_same_size(tg.ones(2, 1))
    assert tg.positive(tg.tensor([1.0])).tolist() == [1.0]
    assert tg.negative(tg.tensor([1.0])).tolist() == [-1.0] and tg.absolute(tg.tensor([-2])).tolist() == [2]
    assert tg.multiply(tg.tensor([2]), 3).tolist() == [6]


# ---- in-place forms ------------------------------------------------------------------------------
def test_in_place_forms_match_torch(torch):
    cases = [
        ("ceil_", (), [1.2, -1.5]), ("floor_", (), [1.2, -1.5]), ("trunc_", (), [1.7, -1.5]),
        ("frac_", (), [1.25, -1.5]), ("exp2_", (), [1.0, 3.0]), ("log2_", (), [1.0, 8.0]),
        ("log10_", (), [10.0, 1000.0]), ("rsqrt_", (), [4.0, 0.25]), ("round_", (), [1.26, 2.5]),
        ("fix_", (), [-1.5, 2.5]), ("sgn_", (), [-1.5, 0.0]), ("negative_", (), [1.0, -2.0]),
        ("absolute_", (), [-1.0, 2.0]), ("lgamma_", (), [0.5, 3.0]), ("digamma_", (), [0.5, 3.0]),
        ("i0_", (), [0.5, 3.0]), ("logit_", (), [0.2, 0.7]), ("polygamma_", (1,), [0.5, 3.0]),
        ("mvlgamma_", (2,), [1.5, 3.0]), ("remainder_", (3,), [-7.0, 7.0]),
        ("floor_divide_", (2,), [-7.0, 7.0]), ("copysign_", (-1.0,), [1.0, -2.0]),
        ("float_power_", (2,), [1.5, 3.0]), ("divide_", (2,), [3.0, -3.0]),
        ("subtract_", (2,), [3.0, -3.0]), ("multiply_", (2,), [3.0, -3.0]),
    ]
    for name, args, values in cases:
        ours = getattr(tg.tensor(values), name)(*args)
        theirs = getattr(torch.tensor(values, dtype=torch.float64), name)(*args)
        rtol = 1e-9 if name == "polygamma_" else 1e-13  # (torch's trigamma has about 10 digits)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, err_msg=name)
    m = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert m.tril_() is m and m.tolist() == [[1.0, 0.0], [3.0, 4.0]]
    assert tg.ones(2, 2).triu_(1).tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert tg.tensor([1, 2, 3]).cumsum_(0).tolist() == [1, 3, 6]
    assert tg.tensor([1.0, 2.0, 3.0]).cumprod_(0).tolist() == [1.0, 2.0, 6.0]
    assert tg.tensor([-1.0, 0.0, 2.0]).heaviside_(tg.tensor(0.5)).tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(RuntimeError, match="must match"):
        tg.tensor([1, 2]).cumsum_(0, dtype=tg.float64)
    np.testing.assert_allclose(tg.zeros(2).addmv_(tg.ones(2, 3), tg.ones(3), alpha=2).numpy(), [6.0, 6.0])
    np.testing.assert_allclose(tg.zeros(2, 2).addbmm_(tg.ones(3, 2, 1), tg.ones(3, 1, 2)).numpy(),
                               np.full((2, 2), 3.0))
    v = tg.tensor([12, 10])
    assert v.bitwise_and_(6) is v and v.tolist() == [4, 2]
    v <<= 1
    assert v.tolist() == [8, 4]


def test_in_place_comparisons_keep_the_dtype(torch):
    for name in ("eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "greater_equal_", "less_", "less_equal_",
                 "not_equal_", "logical_and_", "logical_or_", "logical_xor_"):
        for dtype in ("float64", "int64", "bool"):
            ours = getattr(tg.tensor([1, 2, 0]).to(dtype), name)(tg.tensor([1, 3, 0]).to(dtype))
            theirs = getattr(torch.tensor([1, 2, 0]).to(getattr(torch, dtype)), name)(
                torch.tensor([1, 3, 0]).to(getattr(torch, dtype)))
            assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=f"{name} {dtype}")
    assert tg.tensor([3, 0]).logical_not_().tolist() == [0, 1]
    with pytest.raises(RuntimeError):
        tg.tensor([1.0, 2.0]).eq_(tg.ones(2, 2))
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 1).lt_(1.5)
    y.sum().backward()  # recorded, with gradient 0 (as torch's LtBackward)
    assert y.tolist() == [1.0, 0.0] and x.grad.tolist() == [0.0, 0.0]


def test_in_place_comparisons_without_torch():
    t = tg.tensor([1.0, 5.0, 3.0])
    assert t.gt_(2) is t and t.tolist() == [0.0, 1.0, 1.0] and t.dtype == tg.float64


# ---- shapes, scatters, products ------------------------------------------------------------------
def test_shapes_match_torch(torch):
    x = np.arange(24.0).reshape(2, 3, 4)
    t = torch.tensor(x)
    g = tg.tensor(x)
    pairs = [
        (g.ravel(), t.ravel()), (tg.tile(g, (2,)), torch.tile(t, (2,))), (g.tile(2, 1, 1, 1), t.tile(2, 1, 1, 1)),
        (tg.msort(tg.tensor(NORMAL)), torch.msort(torch.tensor(NORMAL))), (g.mH, t.mH), (g[0].H, t[0].H),
        (g.adjoint(), t.adjoint()), (tg.diagflat(g[0], -1), torch.diagflat(t[0], -1)),
        (g.select(1, -1), t.select(1, -1)), (tg.select(g, 2, 0), torch.select(t, 2, 0)),
        (g.unfold(2, 2, 1), t.unfold(2, 2, 1)), (g.unfold(-1, 3, 2), t.unfold(-1, 3, 2)),
        (g.unfold(0, 0, 1), t.unfold(0, 0, 1)), (tg.tensor(5.0).unfold(0, 1, 1), torch.tensor(5.0).unfold(0, 1, 1)),
        (g.narrow_copy(2, 1, 2), t.narrow_copy(2, 1, 2)), (g.sum_to_size(3, 1), t.sum_to_size(3, 1)),
        (g.sum_to_size((2, 1, 4)), t.sum_to_size((2, 1, 4))),
        (g.select_scatter(tg.ones(2, 4), 1, 0), t.select_scatter(torch.ones(2, 4, dtype=torch.float64), 1, 0)),
        (tg.slice_scatter(g, tg.zeros(2, 3, 2), 2, 0, None, 2),
         torch.slice_scatter(t, torch.zeros(2, 3, 2, dtype=torch.float64), 2, 0, None, 2)),
        (tg.diagonal_scatter(g, tg.zeros(4, 2), 0, 0, 1),
         torch.diagonal_scatter(t, torch.zeros(4, 2, dtype=torch.float64), 0, 0, 1)),
        (g.diagonal_scatter(tg.zeros(2, 3), 1, 1, 2),
         t.diagonal_scatter(torch.zeros(2, 3, dtype=torch.float64), 1, 1, 2)),
        (tg.inner(g, tg.ones(5, 4)), torch.inner(t, torch.ones(5, 4, dtype=torch.float64))),
        (tg.inner(g, tg.tensor(2.0)), torch.inner(t, torch.tensor(2.0, dtype=torch.float64))),
        (tg.vdot(g[0, 0], g[1, 1]), torch.vdot(t[0, 0], t[1, 1])),
        (tg.ger(g[0, 0], g[0, 1]), torch.ger(t[0, 0], t[0, 1])),
        (tg.addr(g[0], g[0, :, 0], g[1, 0], beta=2, alpha=3), torch.addr(t[0], t[0, :, 0], t[1, 0], beta=2, alpha=3)),
        (tg.dist(g, g[0] * 1.5, 3), torch.dist(t, t[0] * 1.5, 3)),
        (g.dist(g * 0, float("inf")), t.dist(t * 0, float("inf"))),
        (g.dist(g.round(), 0), t.dist(t.round(), 0)), (tg.renorm(g, 2, 1, 20), torch.renorm(t, 2, 1, 20)),
    ]
    for i, (ours, theirs) in enumerate(pairs):
        assert ours.shape == tuple(theirs.shape), i
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-13, err_msg=str(i))
    pieces = g.split_with_sizes([1, 3], -1)
    assert [p.shape for p in pieces] == [(2, 3, 1), (2, 3, 3)]
    values, indices = tg.kthvalue(tg.tensor(NORMAL), 2, 0, True)
    theirs = torch.kthvalue(torch.tensor(NORMAL), 2, 0, True)
    np.testing.assert_array_equal(values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(indices.numpy(), theirs.indices.numpy())
    assert tg.tensor(3.0).kthvalue(1).indices.item() == 0


def test_views_share_memory():
    x = tg.arange(6.0)
    windows = x.unfold(0, 3, 1)
    x.add_(1)  # (in place: the view sees the change)
    assert windows[0].tolist() == [1.0, 2.0, 3.0]
    row = x.select(0, 2)
    x.mul_(2)
    assert row.item() == 6.0


def test_shape_gradients_match_torch(torch):
    x = np.arange(24.0).reshape(2, 3, 4) / 7
    _grads_match(torch, lambda a: a.unfold(2, 3, 1) ** 2, lambda a: a.unfold(2, 3, 1) ** 2, x)
    _grads_match(torch, lambda a: a.renorm(2, 1, 1.5) ** 2, lambda a: a.renorm(2, 1, 1.5) ** 2, x)
    _grads_match(torch, lambda a: a.renorm(1, 0, 3.0) * a, lambda a: a.renorm(1, 0, 3.0) * a, x)
    _grads_match(torch, lambda a, b: a.dist(b, 3), lambda a, b: a.dist(b, 3), NORMAL, NORMAL[0] + 0.1)
    _grads_match(torch, lambda a: a.kthvalue(2, 1).values ** 2, lambda a: a.kthvalue(2, 1).values ** 2, NORMAL)
    _grads_match(torch, lambda a, b: a.select_scatter(b, 0, 1) ** 2, lambda a, b: a.select_scatter(b, 0, 1) ** 2,
                 NORMAL, NORMAL[0])
    _grads_match(torch, lambda a, b: tg.diagonal_scatter(a, b, 1) ** 2,
                 lambda a, b: torch.diagonal_scatter(a, b, 1) ** 2, NORMAL, NORMAL[0, :3])
    _grads_match(torch, lambda a, b: tg.inner(a, b), lambda a, b: torch.inner(a, b), NORMAL, NORMAL[:2])
    _grads_match(torch, lambda a, b, c: a.addr(b, c, beta=0.5), lambda a, b, c: a.addr(b, c, beta=0.5),
                 NORMAL, NORMAL[:, 0], NORMAL[0])
    _grads_match(torch, lambda a: a.sum_to_size(1, 4) ** 2, lambda a: a.sum_to_size(1, 4) ** 2, NORMAL)


def test_shape_errors_match_torch(torch):
    pairs = [
        (lambda m: m.ones(2, 3).select(1, 3), IndexError),
        (lambda m: m.tensor(1.0).select(0, 0), IndexError),
        (lambda m: m.select_scatter(m.zeros(2, 3), m.ones(3), 1, 0), RuntimeError),
        (lambda m: m.slice_scatter(m.zeros(4, 3), m.ones(3, 3), 0, 0, None, 2), RuntimeError),
        (lambda m: m.diagonal_scatter(m.zeros(3, 3), m.ones(3), 1), RuntimeError),
        (lambda m: m.ones(2, 3).sum_to_size(2, 1, 3), RuntimeError),
        (lambda m: m.arange(7.0).unfold(0, 8, 2), RuntimeError),
        (lambda m: m.arange(7.0).unfold(0, 2, 0), RuntimeError),
        (lambda m: m.tensor([[3.0, 1.0, 2.0]]).kthvalue(4), RuntimeError),
        (lambda m: m.inner(m.ones(2, 3), m.ones(4, 2)), RuntimeError),
        (lambda m: m.vdot(m.ones(3), m.ones(2)), RuntimeError),
        (lambda m: m.vdot(m.ones(3, 1), m.ones(3, 1)), RuntimeError),
        (lambda m: m.addr(m.zeros(2, 3), m.ones(2, 1), m.ones(3)), RuntimeError),
        (lambda m: m.renorm(m.ones(2, 2), -1, 0, 1), RuntimeError),
        (lambda m: m.renorm(m.ones(2), 2, 0, 1), RuntimeError),
        (lambda m: m.dist(m.tensor([1, 2]), m.tensor([0, 2])), RuntimeError),
        (lambda m: m.arange(5).split_with_sizes([2, 2]), RuntimeError),
        (lambda m: m.ones(2, 3, 4).H, RuntimeError),
        (lambda m: m.ones(3).adjoint(), RuntimeError),
        (lambda m: m.zeros(2).fill_diagonal_(5), RuntimeError),
        (lambda m: m.zeros(2, 2, 3).fill_diagonal_(5), RuntimeError),
    ]
    for fn, error in pairs:
        with pytest.raises(error):
            fn(torch)
        with pytest.raises(error):
            fn(tg)


def test_shapes_without_torch():
    x = tg.arange(7.0)
    np.testing.assert_array_equal(x.unfold(0, 3, 2).numpy(), [[0, 1, 2], [2, 3, 4], [4, 5, 6]])
    assert tg.tensor([1, 2]).tile((2,)).tolist() == [1, 2, 1, 2]
    assert tg.ones(2, 3).sum_to_size(1, 3).tolist() == [[2.0, 2.0, 2.0]]
    assert tg.vdot(tg.tensor([1, 2]), tg.tensor([3, 4])).item() == 11


# ---- in-place fills, random fills, Python callables, resize --------------------------------------
def test_fill_diagonal_matches_torch(torch):
    for shape, wrap in [((7, 3), True), ((7, 3), False), ((3, 5), False), ((2, 2, 2), False)]:
        np.testing.assert_array_equal(tg.zeros(*shape).fill_diagonal_(5, wrap=wrap).numpy(),
                                      torch.zeros(*shape).fill_diagonal_(5, wrap=wrap).numpy())
    assert tg.zeros(2, 2, dtype=tg.int64).fill_diagonal_(2.7).tolist() == [[2, 0], [0, 2]]
    a = tg.tensor(NORMAL, requires_grad=True)
    b = a * 1
    b.fill_diagonal_(0.0)
    (b * b).sum().backward()
    expected = 2 * NORMAL
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(a.grad.numpy(), expected)


def test_random_fills():
    tg.manual_seed(0)
    draws = tg.zeros(2000).random_(3, 7)
    assert set(np.unique(draws.numpy())) == {3.0, 4.0, 5.0, 6.0}
    assert set(np.unique(tg.zeros(500, dtype=tg.int64).random_(4).numpy())) == {0, 1, 2, 3}
    assert tg.zeros(100, dtype=tg.int8).random_().numpy().min() >= 0
    assert tg.zeros(100, dtype=tg.bool).random_().dtype == tg.bool
    assert tg.zeros(10).random_(to=3).numpy().max() < 3
    e = tg.zeros(20000).exponential_(lambd=2.0)
    assert abs(e.mean().item() - 0.5) < 0.02 and e.numpy().min() >= 0
    geometric = tg.zeros(20000).geometric_(0.25)
    assert abs(geometric.mean().item() - 4) < 0.15 and geometric.numpy().min() == 1
    log_normal = tg.zeros(20000).log_normal_(mean=0.5, std=0.25)
    assert abs(np.log(log_normal.numpy()).mean() - 0.5) < 0.01
    cauchy = tg.zeros(20001).cauchy_(median=3.0, sigma=0.5)
    assert abs(np.median(cauchy.numpy()) - 3.0) < 0.05
    coin = tg.zeros(20000, dtype=tg.int64).bernoulli_(0.3)
    assert abs(coin.float().mean().item() - 0.3) < 0.02
    assert tg.zeros(3).bernoulli_(tg.tensor([0.0, 1.0, 0.0])).tolist() == [0.0, 1.0, 0.0]
    a = tg.zeros(5).uniform_(generator=tg.Generator().manual_seed(3))
    b = tg.zeros(5).uniform_(generator=tg.Generator().manual_seed(3))
    assert a.tolist() == b.tolist()
    c = tg.zeros(5).exponential_(generator=tg.Generator().manual_seed(3))
    d = tg.zeros(5).exponential_(generator=tg.Generator().manual_seed(3))
    assert c.tolist() == d.tolist()


def test_random_fill_errors_match_torch(torch):
    pairs = [
        (lambda m: m.zeros(5).random_(7, 3), RuntimeError),
        (lambda m: m.zeros(2).exponential_(-1), RuntimeError),
        (lambda m: m.zeros(2).geometric_(1.5), RuntimeError),
        (lambda m: m.zeros(2).log_normal_(1, -2), RuntimeError),
        (lambda m: m.zeros(2).bernoulli_(1.5), RuntimeError),
        (lambda m: m.zeros(2, dtype=m.int64).exponential_(), RuntimeError),
    ]
    for fn, error in pairs:
        with pytest.raises(error):
            fn(torch)
        with pytest.raises(error):
            fn(tg)


def test_python_callables_and_resize(torch):
    assert tg.ones(2).apply_(lambda v: v * 3).tolist() == [3.0, 3.0]
    assert tg.zeros(2, dtype=tg.int64).apply_(lambda v: v + 1.7).tolist() == [1, 1]
    assert tg.zeros(2, 2).map_(tg.tensor([1.0, 2.0]), lambda a, b: a + b).tolist() == [[1.0, 2.0], [1.0, 2.0]]
    assert tg.ones(2).map2_(tg.tensor([2.0, 3.0]), tg.tensor(1.0), lambda s, a, b: s * a + b).tolist() == [3.0, 4.0]
    r = tg.arange(6.0)
    assert r.resize_(2, 3) is r and r.shape == (2, 3) and r[1].tolist() == [3.0, 4.0, 5.0]
    assert tg.ones(2).resize_(3).tolist()[:2] == [1.0, 1.0]
    assert tg.ones(2, 3).resize_as_(tg.ones(6)).shape == (6,)
    assert tg.ones(2).new_empty_strided((2, 3), (3, 1)).shape == (2, 3)
    for fn in (lambda m: m.ones(2, requires_grad=True).apply_(lambda v: v),
               lambda m: m.ones(2, 3, requires_grad=True).resize_(2, 3),
               lambda m: (m.ones(2, requires_grad=True) * 1).resize_(2)):
        with pytest.raises(RuntimeError):
            fn(torch)
        with pytest.raises(RuntimeError):
            fn(tg)


# ---- autograd bookkeeping ------------------------------------------------------------------------
def test_post_accumulate_grad_hook():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []

    def hook(tensor):
        seen.append(tensor.grad.tolist())
        with tg.no_grad():  # an optimizer step inside backward, as in PyTorch's tutorial
            tensor.sub_(tensor.grad)
        tensor.grad = None

    handle = w.register_post_accumulate_grad_hook(hook)
    ((w * 3).sum() + (w * w).sum()).backward()
    assert seen == [[5.0, 7.0]] and w.tolist() == [-4.0, -5.0] and w.grad is None
    handle.remove()
    (w * 3).sum().backward()
    assert len(seen) == 1 and w.grad.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (w * 2).register_post_accumulate_grad_hook(hook)
    with pytest.raises(RuntimeError, match="doesn't require"):
        tg.ones(2).register_post_accumulate_grad_hook(hook)
    assert w.output_nr == 0
    assert tg.ones(3, 2, requires_grad=True).max(1).indices.output_nr == 0


def test_post_accumulate_grad_hook_matches_torch(torch):
    order = {"ours": [], "theirs": []}
    for key, lib in (("ours", tg), ("theirs", torch)):
        w = lib.tensor([1.0, 2.0], requires_grad=True, dtype=lib.float64)
        w.register_hook(lambda g, k=key: order[k].append("grad hook"))
        w.register_post_accumulate_grad_hook(lambda t, k=key: order[k].append(("post", t.grad.tolist())))
        (w * w).sum().backward()
    assert order["ours"] == order["theirs"]
