"""PyTorch's elementwise math names (tensor_pointwise.py, functions_pointwise.py, ops/trig.py,
ops/special.py): values, result dtypes, gradients and second derivatives against PyTorch when it
is installed, and against numpy / the math module / hand computations otherwise. Their gradients
are also in the gradcheck registry (tests/registry/pointwise.py)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(7)
NORMAL = RNG.standard_normal((3, 4))
UNIT = RNG.uniform(-0.95, 0.95, (3, 4))
ABOVE_ONE = 1 + RNG.uniform(0.05, 3.0, (3, 4))

# name: input values in the domain
UNARY = {
    "tan": UNIT, "asin": UNIT, "acos": UNIT, "atan": NORMAL * 3, "sinh": NORMAL * 3, "cosh": NORMAL * 3,
    "asinh": NORMAL * 3, "acosh": ABOVE_ONE, "atanh": UNIT, "erf": NORMAL * 2, "erfc": NORMAL * 3,
    "erfinv": UNIT, "deg2rad": NORMAL * 100, "rad2deg": NORMAL, "sinc": NORMAL * 2,
    "arcsin": UNIT, "arccos": UNIT, "arctan": NORMAL, "arcsinh": NORMAL, "arccosh": ABOVE_ONE, "arctanh": UNIT,
}
NEW_OPS = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erfc", "erfinv"]


def _torch_grads(torch, fn, *arrays):
    """fn's value and the gradients of its sum, from PyTorch, in float64."""
    xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = fn(*xs)
    grads = torch.autograd.grad(out.sum(), xs, allow_unused=True)
    return out.detach().numpy(), [None if g is None else g.numpy() for g in grads]


def _our_grads(fn, *arrays):
    xs = [tg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]
    out = fn(*xs)
    grads = tg.grad(out.sum(), xs, allow_unused=True)
    return out.numpy(), [None if g is None else g.numpy() for g in grads]


def _same(ours, theirs, rtol=1e-12, atol=1e-300):
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


def _agree(torch, our_fn, torch_fn, *arrays, rtol=1e-12):
    """Values and gradients of the sum agree with PyTorch's."""
    value, grads = _our_grads(our_fn, *arrays)
    torch_value, torch_grads = _torch_grads(torch, torch_fn, *arrays)
    _same(value, torch_value, rtol)
    for ours, theirs in zip(grads, torch_grads):
        if theirs is None:
            assert ours is None or not np.any(ours)
        else:
            _same(ours, theirs, rtol)


# ---- one input ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_gradients_match_torch(torch, name):
    x = UNARY[name]
    _agree(torch, lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), x, rtol=1e-11)
    _agree(torch, lambda t: getattr(tg, name)(t), lambda t: getattr(torch, name)(t), x[0, 0], rtol=1e-11)  # 0-d


@pytest.mark.parametrize("name", NEW_OPS)
def test_second_derivative_of_new_ops_matches_torch(torch, name):
    x = UNARY[name]
    ours = tg.tensor(x, requires_grad=True)
    first, = tg.grad(getattr(ours, name)().sum(), ours, create_graph=True)
    second, = tg.grad(first.sum(), ours)
    theirs = torch.tensor(x, requires_grad=True)
    torch_first, = torch.autograd.grad(getattr(theirs, name)().sum(), theirs, create_graph=True)
    torch_second, = torch.autograd.grad(torch_first.sum(), theirs)
    _same(first.detach().numpy(), torch_first.detach().numpy(), 1e-10)
    _same(second.numpy(), torch_second.numpy(), 1e-9)


@pytest.mark.parametrize("name", ["tan", "asin", "atan", "sinh", "acosh", "erf", "erfc", "erfinv", "sinc", "deg2rad"])
def test_unary_dtypes_as_torch(torch, name):
    # integers and bools compute in the default float dtype; float32 stays float32
    assert tg.tensor([1, 2]).__getattribute__(name)().dtype == tg.get_default_dtype()
    assert getattr(tg, name)(tg.tensor([True, False])).dtype == tg.get_default_dtype()
    assert torch.tensor([1, 2]).__getattribute__(name)().dtype == torch.get_default_dtype()
    x32 = tg.tensor(UNIT.astype(np.float32))
    out = getattr(x32, name)()
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.numpy(), getattr(torch.tensor(x32.numpy()), name)().numpy(), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", UNARY)
def test_unary_on_empty_and_0d(name):
    empty = getattr(tg.zeros(0, 3), name)()
    assert empty.shape == (0, 3) and empty.dtype == tg.float64
    assert getattr(tg.tensor(0.5), name)().shape == ()


def test_domain_edges_as_torch(torch):
    values = [-2.0, -1.0, -0.0, 0.0, 1.0, 2.0, math.inf, -math.inf, math.nan]
    for name in ("asin", "acos", "acosh", "atanh", "erfinv", "tan", "sinh", "cosh", "erfc", "sinc"):
        ours = getattr(tg.tensor(values), name)().numpy()
        theirs = getattr(torch.tensor(values, dtype=torch.float64), name)().numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-300, equal_nan=True, err_msg=name)
    # gradients at the edges: ±inf, as PyTorch
    _agree(torch, lambda t: t.asin(), lambda t: t.asin(), np.array([1.0, -1.0, 0.5]))
    _agree(torch, lambda t: t.atanh(), lambda t: t.atanh(), np.array([1.0, 0.5]))
    _agree(torch, lambda t: t.erfinv(), lambda t: t.erfinv(), np.array([1.0, 0.0, -0.999999, 1e-12]))


def test_erfc_keeps_its_digits_where_one_minus_erf_cannot(torch):
    x = np.array([5.0, 10.0, 26.0, -3.0])
    ours = tg.erfc(tg.tensor(x)).numpy()
    assert ours[1] > 0 and ours[2] > 0  # 1 - erf(x) is exactly 0 there
    np.testing.assert_allclose(ours, [math.erfc(v) for v in x], rtol=1e-15)
    np.testing.assert_allclose(ours, torch.erfc(torch.tensor(x)).numpy(), rtol=1e-14)


def test_erfinv_inverts_erf_without_torch():
    y = np.array([-0.999999999, -0.5, -1e-12, 0.0, 1e-300, 0.3, 0.9999])
    x = tg.erfinv(tg.tensor(y)).numpy()
    np.testing.assert_allclose([math.erf(v) for v in x], y, rtol=1e-15, atol=0)
    assert tg.erfinv(tg.tensor([1.0, -1.0, 1.5])).tolist()[:2] == [math.inf, -math.inf]
    assert math.isnan(tg.erfinv(tg.tensor(1.5)).item())


def test_trig_against_numpy_and_hand_values():
    x = tg.tensor(UNIT)
    np.testing.assert_allclose(x.tan().numpy(), np.tan(UNIT), rtol=1e-15)
    np.testing.assert_allclose(tg.arcsin(x).numpy(), np.arcsin(UNIT), rtol=1e-15)
    assert tg.atan2(tg.tensor([1.0, -1.0]), tg.tensor([1.0, -1.0])).tolist() == [math.pi / 4, -3 * math.pi / 4]
    assert tg.deg2rad(tg.tensor([180])).item() == math.pi
    assert tg.sinc(tg.tensor([0.0, 0.5])).tolist() == [1.0, 2 / math.pi]
    assert tg.hypot(tg.tensor([3.0]), tg.tensor([4.0])).item() == 5.0
    assert tg.erf(tg.tensor(0.5)).item() == math.erf(0.5)
    # the derivatives: sinh' = cosh, tan' = 1 + tan², erfinv'(0) = √π/2
    x = tg.tensor(0.7, requires_grad=True)
    assert tg.grad(x.sinh(), x)[0].item() == pytest.approx(math.cosh(0.7), rel=1e-15)
    assert tg.grad(x.tan(), x)[0].item() == pytest.approx(1 + math.tan(0.7) ** 2, rel=1e-15)
    y = tg.tensor(0.0, requires_grad=True)
    assert tg.grad(y.erfinv(), y)[0].item() == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-15)


def test_new_ops_pass_gradcheck_without_torch():
    x = tg.tensor(UNIT, requires_grad=True)
    for name in NEW_OPS:
        assert tg.gradcheck(lambda t, n=name: getattr(t * 0.9 + (2.0 if n == "acosh" else 0.0), n)(), (x,))
        assert tg.gradgradcheck(lambda t, n=name: getattr(t * 0.9 + (2.0 if n == "acosh" else 0.0), n)(), (x,))
    y = tg.tensor(NORMAL[:, :2], requires_grad=True)
    assert tg.gradgradcheck(tg.atan2, (tg.tensor(UNIT[:, :2].copy(), requires_grad=True), y))


# ---- two or more inputs ---------------------------------------------------------------------

A, B = RNG.standard_normal((3, 4)), RNG.standard_normal(4)


@pytest.mark.parametrize("name", ["atan2", "arctan2", "hypot", "logaddexp", "logaddexp2"])
def test_binary_values_and_gradients_match_torch_with_broadcasting(torch, name):
    _agree(torch, lambda a, b: getattr(tg, name)(a, b), lambda a, b: getattr(torch, name)(a, b), A, B)
    _agree(torch, lambda a, b: getattr(a, name)(b), lambda a, b: getattr(a, name)(b), A[0, 0], B)  # 0-d with 1-D
    assert getattr(tg, name)(tg.zeros(0, 4), tg.zeros(4)).shape == (0, 4)


def test_binary_special_values_as_torch(torch):
    inf = math.inf
    a = np.array([0.0, 1.0, -1.0, 1e200, 1e-200, inf, -inf, inf, 0.0, -40.0])
    b = np.array([0.0, 0.0, -2.0, 1e200, 1e-200, 2.0, -inf, inf, -0.0, 0.0])
    for name in ("atan2", "hypot", "logaddexp", "logaddexp2"):
        ours = getattr(tg, name)(tg.tensor(a), tg.tensor(b)).numpy()
        theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(b)).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-300, equal_nan=True, err_msg=name)
    _agree(torch, tg.atan2, torch.atan2, np.array([0.0, 1.0]), np.array([0.0, 0.0]))  # 0 at the origin
    _agree(torch, tg.logaddexp, torch.logaddexp, np.array([1.0, 2.0, 0.0]), np.array([1.0, -3.0, -40.0]))


def test_binary_dtypes_as_torch(torch):
    i, f32 = tg.tensor([1, 2]), tg.tensor([1.0, 2.0], dtype=tg.float32)
    assert tg.atan2(i, i).dtype == tg.get_default_dtype()
    assert tg.atan2(f32, tg.tensor(2.0)).dtype == tg.float32  # a 0-d tensor does not promote
    assert tg.hypot(f32, f32.double()).dtype == tg.float64
    assert tg.xlogy(i, i).dtype == tg.get_default_dtype() and tg.xlogy(f32, 2).dtype == tg.float32
    assert tg.fmod(i, 2).dtype == tg.int64 and tg.fmod(i, 2.5).dtype == tg.get_default_dtype()
    assert tg.floor_divide(i, 2).dtype == tg.int64 and tg.true_divide(i, 2).dtype == tg.get_default_dtype()
    assert tg.addcmul(i, i, i, value=2).dtype == tg.int64
    assert tg.clamp_min(i, 2).dtype == tg.int64
    assert torch.atan2(torch.tensor([1, 2]), torch.tensor([1, 2])).dtype == torch.get_default_dtype()
    assert torch.fmod(torch.tensor([1, 2]), 2).dtype == torch.int64


def test_xlogy_as_torch(torch):
    x = np.array([0.0, 0.0, 2.0, 0.0, 0.0, 1.5, 0.0])
    y = np.array([0.0, 3.0, 3.0, -1.0, math.inf, 0.5, math.nan])
    assert tg.xlogy(tg.tensor(x), tg.tensor(y)).numpy()[[0, 3, 4]].tolist() == [0.0, 0.0, 0.0]
    # the gradient for x at x = 0 is log y, as PyTorch (not 0); at x = y = 0 PyTorch's gradient for y is
    # 0/0 = nan, ours 0 (left out here)
    _agree(torch, tg.xlogy, torch.xlogy, x[1:4], y[1:4])
    ours = tg.xlogy(tg.tensor(x), tg.tensor(y)).numpy()
    np.testing.assert_allclose(ours, torch.xlogy(torch.tensor(x), torch.tensor(y)).numpy(), equal_nan=True)
    _agree(torch, lambda b: tg.xlogy(2, b), lambda b: torch.xlogy(2, b), np.array([0.5, 3.0]))
    _agree(torch, lambda a: tg.xlogy(a, 2.5), lambda a: torch.xlogy(a, 2.5), A)
    _agree(torch, tg.xlogy, torch.xlogy, A, np.abs(B) + 0.1)


def test_fmod_remainder_and_divisions_as_torch(torch):
    a = np.array([5.5, -5.5, 3.0, -4.0, 0.5, 7.25])
    b = np.array([2.0, 2.0, -2.0, 2.0, 0.1, -1.5])
    _agree(torch, tg.fmod, torch.fmod, a, b)  # the gradient for the divisor is -trunc(a/b), as PyTorch
    _agree(torch, tg.remainder, torch.remainder, a, b)
    _agree(torch, tg.true_divide, torch.true_divide, a, b)
    _agree(torch, lambda x: tg.fmod(x, 1.25), lambda x: torch.fmod(x, 1.25), A)
    # the values are the exact fmod (0.5 = 4·0.1 + 0.0999..., as C's fmod, not 0)
    assert tg.fmod(tg.tensor(0.5), 0.1).item() == math.fmod(0.5, 0.1)
    ints = tg.tensor([-7, 7, -8])
    assert tg.fmod(ints, 3).tolist() == torch.fmod(torch.tensor([-7, 7, -8]), 3).tolist() == [-1, 1, -2]
    assert tg.floor_divide(ints, 3).tolist() == torch.floor_divide(torch.tensor([-7, 7, -8]), 3).tolist()
    assert ints.floor_divide(tg.tensor(2)).tolist() == [-4, 3, -4]
    assert tg.floor_divide(tg.tensor([-7.5]), 2).tolist() == [-4.0]
    x = tg.tensor([3.0], requires_grad=True)
    assert not tg.floor_divide(x, 2).requires_grad  # no gradient, as PyTorch defines none


def test_lerp_as_torch(torch):
    w = RNG.uniform(-0.5, 1.5, (3, 1))
    _agree(torch, tg.lerp, torch.lerp, A, B, w)
    for weight in (0.25, 0.75, 1.0, -2.0):
        _agree(torch, lambda a, b: a.lerp(b, weight), lambda a, b: a.lerp(b, weight), A, B)
    # weight 1 gives `end` exactly (PyTorch computes from the nearer end)
    start, end = tg.tensor([0.1, 1e10]), tg.tensor([0.7, -3.3])
    assert start.lerp(end, 1.0).tolist() == [0.7, -3.3]
    assert start.lerp(end, tg.tensor(1.0)).tolist() == [0.7, -3.3]


def test_addcmul_addcdiv_as_torch(torch):
    c = RNG.uniform(0.5, 2.0, (3, 1))
    _agree(torch, lambda a, b, c: tg.addcmul(a, b, c, value=-0.5), lambda a, b, c: torch.addcmul(a, b, c, value=-0.5),
           A, B, c)
    _agree(torch, lambda a, b, c: a.addcdiv(b, c, value=2), lambda a, b, c: a.addcdiv(b, c, value=2), A, B, c)
    _agree(torch, tg.addcmul, torch.addcmul, A[0, 0], B, c)
    ints = tg.tensor([1, 2, 3])
    t_ints = torch.tensor([1, 2, 3])
    assert tg.addcmul(ints, ints, ints, value=2).tolist() == torch.addcmul(t_ints, t_ints, t_ints, value=2).tolist()
    assert tg.addcmul(ints, ints, ints, value=0.5).tolist() == torch.addcmul(t_ints, t_ints, t_ints, value=0.5).tolist()


def test_clamp_min_max_as_torch(torch):
    a = np.array([1.0, 2.0, 3.0, math.nan, 0.5])
    m = np.array([2.0, 2.0, 0.0, 1.0, math.nan])
    for name in ("clamp_min", "clamp_max"):
        # a tie sends the gradient to the input, as PyTorch; nan spreads from either side
        _agree(torch, getattr(tg, name), getattr(torch, name), a[:3], m[:3])
        ours = getattr(tg, name)(tg.tensor(a), tg.tensor(m)).numpy()
        np.testing.assert_array_equal(ours, getattr(torch, name)(torch.tensor(a), torch.tensor(m)).numpy())
        _agree(torch, lambda x, n=name: getattr(x, n)(0.3), lambda x, n=name: getattr(x, n)(0.3), A)
        _agree(torch, getattr(tg, name), getattr(torch, name), A, B)
    ints = tg.tensor([1, 5])
    assert tg.clamp_max(ints, tg.tensor([2.0, 3.0])).tolist() == [1.0, 3.0]
    assert tg.clamp_min(ints, 2.5).dtype.kind == "f"


def test_nan_to_num_as_torch(torch):
    values = [math.nan, math.inf, -math.inf, 1.5]
    for dtype, torch_dtype in ((tg.float64, torch.float64), (tg.float32, torch.float32), (tg.float16, torch.float16)):
        ours = tg.nan_to_num(tg.tensor(values, dtype=dtype))
        theirs = torch.nan_to_num(torch.tensor(values, dtype=torch_dtype))
        assert ours.dtype == dtype
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ours = tg.tensor(values).nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0).tolist()
    assert ours == torch.tensor(values).nan_to_num(nan=1.0, posinf=2.0, neginf=-3.0).tolist() == [1.0, 2.0, -3.0, 1.5]
    _agree(torch, tg.nan_to_num, torch.nan_to_num, np.array(values))  # gradient 0 where replaced
    assert tg.nan_to_num(tg.tensor([1, 2])).tolist() == [1, 2]


def test_no_gradient_ops_as_torch(torch):
    a, b = np.array([[0.0, -1.0, 2.0, math.nan]]), np.array([[0.0], [3.0]])
    for name in ("logical_and", "logical_or", "logical_xor"):
        ours = getattr(tg, name)(tg.tensor(a), tg.tensor(b))
        theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(b))
        assert ours.dtype == tg.bool and ours.tolist() == theirs.tolist()
    assert tg.logical_not(tg.tensor(a)).tolist() == torch.logical_not(torch.tensor(a)).tolist()
    assert tg.bitwise_not(tg.tensor([1, -3])).tolist() == torch.bitwise_not(torch.tensor([1, -3])).tolist()
    assert tg.bitwise_not(tg.tensor([True, False])).tolist() == [False, True]
    values = tg.tensor([0.5])
    ours = tg.heaviside(tg.tensor([-1.0, 0.0, 2.0, math.nan]), values)
    theirs = torch.heaviside(torch.tensor([-1.0, 0.0, 2.0, math.nan], dtype=torch.float64),
                             torch.tensor([0.5], dtype=torch.float64))
    assert ours.dtype == tg.float64
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    x, y = tg.tensor([1.0, 2.0, 3.0]), tg.tensor([2, 2, 2])
    for name in ("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal", "not_equal"):
        ours = getattr(tg, name)(x, y)
        theirs = getattr(torch, name)(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2, 2, 2]))
        assert ours.dtype == tg.bool and ours.tolist() == theirs.tolist(), name
        assert getattr(x, name)(2).tolist() == theirs.tolist()
    assert tg.remainder(tg.tensor([5.0, -5.0]), 3).tolist() == [2.0, 1.0]
    assert tg.remainder(7, tg.tensor([2.0, -3.0])).tolist() == torch.remainder(7, torch.tensor([2.0, -3.0])).tolist()


# ---- matrix + product -----------------------------------------------------------------------

def test_matrix_forms_as_torch(torch):
    i, m1, m2 = RNG.standard_normal((2, 4)), RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    for kw in ({}, {"beta": 0.5, "alpha": -2}, {"beta": 0}):
        _agree(torch, lambda a, b, c: tg.addmm(a, b, c, **kw), lambda a, b, c: torch.addmm(a, b, c, **kw), i, m1, m2)
        _agree(torch, lambda a, b, c: a.addmm(b, c, **kw), lambda a, b, c: a.addmm(b, c, **kw), i[0], m1, m2)
    _agree(torch, lambda a, b, c: tg.addmv(a, b, c, alpha=3), lambda a, b, c: torch.addmv(a, b, c, alpha=3),
           i[:, 0], m1, m2[:, 0])
    b1, b2 = RNG.standard_normal((5, 2, 3)), RNG.standard_normal((5, 3, 4))
    _agree(torch, lambda a, b, c: tg.addbmm(a, b, c, beta=2), lambda a, b, c: torch.addbmm(a, b, c, beta=2), i, b1, b2)
    _agree(torch, lambda a, b, c: tg.baddbmm(a, b, c, alpha=0.5), lambda a, b, c: torch.baddbmm(a, b, c, alpha=0.5),
           i[0], b1, b2)
    # beta = 0 ignores the input's values: nan and inf in it do not spread (as documented by PyTorch)
    nan_input = tg.full((2, 4), math.nan)
    assert not np.isnan(tg.addmm(nan_input, tg.tensor(m1), tg.tensor(m2), beta=0).numpy()).any()
    # an empty batch sums to nothing
    assert tg.addbmm(tg.ones(2, 2), tg.zeros(0, 2, 3), tg.zeros(0, 3, 2), beta=2).tolist() == [[2.0, 2.0]] * 2
    ints = [[1, 2]], [[1], [2]], [[3, 4]]
    assert (tg.addmm(*map(tg.tensor, ints), beta=2, alpha=3).tolist()
            == torch.addmm(*map(torch.tensor, ints), beta=2, alpha=3).tolist())


def test_addmm_by_hand_without_torch():
    i, m1, m2 = tg.tensor([[1.0, 2.0]]), tg.tensor([[1.0], [2.0]]), tg.tensor([[3.0, 4.0]])
    assert tg.addmm(i, m1, m2, beta=2, alpha=3).tolist() == [[11.0, 16.0], [20.0, 28.0]]
    b1 = tg.tensor(RNG.standard_normal((3, 2, 2)))
    np.testing.assert_allclose(tg.addbmm(tg.zeros(2, 2), b1, b1).numpy(), sum(x @ x for x in b1.numpy()))


# ---- in place -------------------------------------------------------------------------------

def test_in_place_forms_as_torch(torch):
    calls = [("lerp_", (B, 0.75), {}), ("addcmul_", (B, A), {"value": 2}), ("addcdiv_", (B, np.abs(A) + 1), {}),
             ("clamp_min_", (0.2,), {}), ("clamp_max_", (B,), {}), ("atan2_", (B,), {}), ("hypot_", (B,), {}),
             ("fmod_", (0.3,), {}), ("true_divide_", (B,), {}), ("tan_", (), {}), ("sinh_", (), {}),
             ("erf_", (), {}), ("arctan_", (), {}), ("sinc_", (), {}), ("deg2rad_", (), {})]
    for name, args, kwargs in calls:
        ours, theirs = tg.tensor(A.copy()), torch.tensor(A.copy())
        version = ours._version
        result = getattr(ours, name)(*[tg.tensor(a) if isinstance(a, np.ndarray) else a for a in args], **kwargs)
        getattr(theirs, name)(*[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args], **kwargs)
        assert result is ours and ours._version == version + 1, name
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-13, err_msg=name)
    ours = tg.tensor([math.nan, math.inf])
    ours.nan_to_num_(posinf=9.0)
    assert ours.tolist() == [0.0, 9.0]
    mat = tg.ones(2, 2)
    mat.addmm_(tg.ones(2, 3), tg.ones(3, 2), beta=0.5)
    assert mat.tolist() == torch.ones(2, 2).addmm_(torch.ones(2, 3), torch.ones(3, 2), beta=0.5).tolist()


def test_in_place_gradients_as_torch(torch):
    def ours(a, b):
        return (a * 2).lerp_(b, 0.3).addcmul_(b, b, value=0.5).clamp_min_(0.1).atan2_(b) * a

    def theirs(a, b):
        return (a * 2).lerp_(b, 0.3).addcmul_(b, b, value=0.5).clamp_min_(0.1).atan2_(b) * a

    _agree(torch, ours, theirs, A, B + np.zeros((3, 4)))


def test_in_place_misuse():
    leaf = tg.tensor([0.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="tan_.*leaf"):
        leaf.tan_()
    with pytest.raises(RuntimeError, match="lerp_"):
        leaf.lerp_(tg.tensor([1.0]), 0.5)
    with pytest.raises(RuntimeError, match="atan2_.*dtype"):
        tg.tensor([1, 2]).atan2_(tg.tensor([1.0, 1.0]))  # a float result cannot go into an int tensor
    with pytest.raises(RuntimeError, match="addmm_.*shape"):
        tg.ones(1, 2).addmm_(tg.ones(2, 3), tg.ones(3, 2))


# ---- errors: PyTorch's exception types, messages naming the op ------------------------------

def test_errors_as_torch(torch):
    f = tg.tensor([1.0, 2.0])
    cases = [
        (lambda lib, t: lib.atan2(t, 2), TypeError),
        (lambda lib, t: lib.hypot(t, 2.0), TypeError),
        (lambda lib, t: lib.logaddexp(t, 1), TypeError),
        (lambda lib, t: lib.heaviside(t, 0.5), TypeError),
        (lambda lib, t: lib.logical_and(t, 1), TypeError),
        (lambda lib, t: lib.clamp_min(t, None), TypeError),
        (lambda lib, t: lib.atan2(t, lib.ones(3)), RuntimeError),
        (lambda lib, t: lib.lerp(t, lib.ones(3), 0.5), RuntimeError),
        (lambda lib, t: lib.addcmul(t, lib.ones(3), t), RuntimeError),
        (lambda lib, t: lib.xlogy(t, lib.ones(3)), RuntimeError),
        (lambda lib, t: lib.fmod(t, lib.ones(3)), RuntimeError),
        (lambda lib, t: lib.lerp(t, t.double(), 0.5), RuntimeError),
        (lambda lib, t: lib.lerp(t.long(), t.long(), 0.5), NotImplementedError),
        (lambda lib, t: lib.hypot(t.long(), t.long()), NotImplementedError),
        (lambda lib, t: lib.logaddexp(t.long(), t.long()), NotImplementedError),
        (lambda lib, t: lib.bitwise_not(t), NotImplementedError),
        (lambda lib, t: lib.addcdiv(t, t.long(), t.long()), RuntimeError),
        (lambda lib, t: lib.fmod(t.long(), 0), RuntimeError),
        (lambda lib, t: lib.floor_divide(t.long(), 0), RuntimeError),
        (lambda lib, t: lib.heaviside(t, lib.tensor(0.5, dtype=lib.float16)), RuntimeError),
        (lambda lib, t: lib.addmm(lib.ones(2, 2), lib.ones(2, 3), lib.ones(2, 3)), RuntimeError),
        (lambda lib, t: lib.addmm(lib.ones(2, 2), lib.ones(3), lib.ones(3, 2)), RuntimeError),
        (lambda lib, t: lib.addmm(lib.ones(3, 2), lib.ones(2, 3), lib.ones(3, 2)), RuntimeError),
        (lambda lib, t: lib.addmm(lib.ones(2, 2), lib.ones(2, 3), lib.ones(3, 2).to(lib.float16)), RuntimeError),
        (lambda lib, t: lib.addmv(lib.ones(2), lib.ones(2, 3), lib.ones(2)), RuntimeError),
        (lambda lib, t: lib.addbmm(lib.ones(2, 2), lib.ones(4, 2, 3), lib.ones(5, 3, 2)), RuntimeError),
        (lambda lib, t: lib.baddbmm(lib.ones(5, 2, 2), lib.ones(4, 2, 3), lib.ones(4, 3, 2)), RuntimeError),
    ]
    for k, (make, error) in enumerate(cases):
        with pytest.raises(error):
            make(torch, torch.tensor([1.0, 2.0]))
        with pytest.raises(error):
            make(tg, f.float() if k == 11 else f)  # (11: float32 against float64, as in PyTorch)


def test_error_messages_name_the_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"atan2: shapes \(2,\) and \(3,\) cannot be broadcast"):
        tg.atan2(tg.ones(2), tg.ones(3))
    with pytest.raises(TypeError, match="hypot.*'other' must be a Tensor"):
        tg.hypot(tg.ones(2), 2.0)
    with pytest.raises(RuntimeError, match=r"addmm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"):
        tg.addmm(tg.ones(2, 2), tg.ones(2, 3), tg.ones(2, 3))
    with pytest.raises(RuntimeError, match="addbmm: batch1 and batch2 must have the same number of batches, got 4"):
        tg.addbmm(tg.ones(2, 2), tg.ones(4, 2, 3), tg.ones(5, 3, 2))
    with pytest.raises(RuntimeError, match="lerp: expected dtype float32 for `end` but got dtype float64"):
        tg.lerp(tg.ones(2, dtype=tg.float32), tg.ones(2), 0.5)
    with pytest.raises(RuntimeError, match="fmod: integer division by zero"):
        tg.fmod(tg.tensor([1, 2]), tg.tensor([1, 0]))
    with pytest.raises(NotImplementedError, match="hypot: not implemented for dtype int64"):
        tg.hypot(tg.tensor([1]), tg.tensor([1]))
