"""Regressions for differences from PyTorch 2.13 that earlier fuzz runs left over (the op fuzz,
tests/fuzz/run.py, and the function-transform fuzz, tests/fuzz/func_fuzz.py). Each test checks the
property without PyTorch (exact numbers or a gradcheck); a torch comparison follows where useful."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu import func


# ---- movedim of a 0-d tensor -------------------------------------------------------------------
@pytest.mark.parametrize("source, destination", [(0, 0), (-1, 0), (0, -1), ((0,), (-1,)), ([], [])])
def test_movedim_of_0d_tensor_is_the_tensor(source, destination):
    x = tg.tensor(2.5, requires_grad=True)
    for y in (x.movedim(source, destination), tg.movedim(x, source, destination), x.moveaxis(source, destination)):
        assert y.shape == () and y.item() == 2.5
    (3.0 * x.movedim(source, destination)).backward()
    assert x.grad.item() == 3.0


def test_movedim_of_0d_tensor_still_checks_the_dims():
    with pytest.raises(IndexError, match="out of range"):
        tg.tensor(1.0).movedim(1, 0)
    with pytest.raises(IndexError, match="out of range"):
        tg.tensor(1.0).movedim(0, -2)


# ---- mT, mH, H, adjoint of 0-d and 1-D tensors ---------------------------------------------------
TRANSPOSES = {"mT": lambda t: t.mT, "mH": lambda t: t.mH, "H": lambda t: t.H,
              "adjoint": lambda t: t.adjoint(), "tg.adjoint": lambda t: tg.adjoint(t)}


@pytest.mark.parametrize("name", sorted(TRANSPOSES))
def test_matrix_transposes_of_0d_tensor_return_it_with_a_warning(name):
    x = tg.tensor(1.5, requires_grad=True)
    with pytest.warns(UserWarning, match="0-d tensor"):
        y = TRANSPOSES[name](x)
    assert y is x  # PyTorch: the identity (deprecated there)


@pytest.mark.parametrize("name", sorted(TRANSPOSES))
def test_matrix_transposes_of_1d_tensor_raise(name):
    with pytest.raises(RuntimeError, match="1-D tensor"):
        TRANSPOSES[name](tg.ones(3))


def test_matrix_transposes_of_0d_and_1d_match_torch():
    torch = pytest.importorskip("torch")
    torch_ops = {"mT": lambda t: t.mT, "mH": lambda t: t.mH, "H": lambda t: t.H,
                 "adjoint": lambda t: t.adjoint(), "tg.adjoint": lambda t: torch.adjoint(t)}
    for name, op in TRANSPOSES.items():
        with warnings.catch_warnings(record=True) as ours:
            warnings.simplefilter("always")
            value = op(tg.tensor(1.5))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (PyTorch's deprecation warning, given once per process)
            expected = torch_ops[name](torch.tensor(1.5))
        assert value.item() == expected.item()
        assert [w.category for w in ours] == [UserWarning]
        with pytest.raises(RuntimeError):
            torch_ops[name](torch.ones(3))


# ---- F.linear: 1-D weight, broadcasting bias -----------------------------------------------------
X = np.arange(6.0).reshape(2, 3) / 7
W1 = np.array([1.0, 1.2, 1.4])


def test_linear_with_1d_weight_is_a_vector_product():
    x, w = tg.tensor(X, requires_grad=True), tg.tensor(W1, requires_grad=True)
    y = F.linear(x, w)
    assert y.shape == (2,)
    np.testing.assert_allclose(y.data, X @ W1, rtol=1e-15)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.tile(W1, (2, 1)), rtol=1e-15)
    np.testing.assert_allclose(w.grad.data, X.sum(0), rtol=1e-15)
    assert F.linear(tg.tensor(X[0]), w).shape == ()  # (in,) @ (in,): a 0-d result


def test_linear_with_1d_weight_and_0d_bias():
    x, w, b = (tg.tensor(v, requires_grad=True) for v in (X, W1, 0.5))
    y = F.linear(x, w, b)
    np.testing.assert_allclose(y.data, X @ W1 + 0.5, rtol=1e-15)
    y.sum().backward()
    assert b.grad.item() == 2.0
    assert tg.gradcheck(lambda x, w, b: F.linear(x, w, b) ** 2, (x, w, b))
    assert tg.gradgradcheck(lambda x, w, b: F.linear(x, w, b) ** 2, (x, w, b))
    with pytest.raises(RuntimeError, match="bias must be 0-d"):
        F.linear(x, w, tg.ones(1))


@pytest.mark.parametrize("bias_shape", [(1,), (), (2, 1), (2, 4)])
def test_linear_bias_broadcasts_to_the_output(bias_shape):
    w0 = np.arange(12.0).reshape(4, 3) / 5 + 1
    b0 = np.arange(float(np.prod(bias_shape))).reshape(bias_shape) + 0.5
    x, w, b = tg.tensor(X, requires_grad=True), tg.tensor(w0, requires_grad=True), tg.tensor(b0, requires_grad=True)
    y = F.linear(x, w, b)
    np.testing.assert_allclose(y.data, X @ w0.T + b0, rtol=1e-15)
    y.sum().backward()
    assert b.grad.shape == bias_shape
    np.testing.assert_allclose(b.grad.data, np.ones((2, 4)).sum(axis=tuple(range(2 - len(bias_shape))))
                               .sum(axis=tuple(a for a, n in enumerate(bias_shape) if n == 1), keepdims=True)
                               .reshape(bias_shape))
    assert tg.gradcheck(lambda x, w, b: F.linear(x, w, b) ** 2, (x, w, b))


def test_linear_bias_that_would_enlarge_the_output_is_refused():
    with pytest.raises(RuntimeError, match=r"does not broadcast to the output's shape \(4,\)"):
        F.linear(tg.ones(3), tg.ones(4, 3), tg.ones(2, 4))
    with pytest.raises(RuntimeError, match=r"does not broadcast"):
        F.linear(tg.ones(2, 3), tg.ones(4, 3), tg.ones(3))


@pytest.mark.parametrize("shapes", [((2, 3), (3,), None), ((3,), (3,), ()), ((2, 5, 3), (3,), ()),
                                    ((2, 3), (4, 3), (1,)), ((3,), (4, 3), (1,)), ((2, 5, 3), (4, 3), (5, 4)),
                                    ((2, 3), (4, 3), (2, 1)), ((0, 3), (4, 3), (1,))])
def test_linear_shapes_match_torch(shapes):
    torch = pytest.importorskip("torch")
    results = []
    for lib in (tg, torch):
        x, w, b = (None if s is None else lib.tensor(np.arange(float(np.prod(s))).reshape(s) / 7 + 1,
                                                     dtype=lib.float64, requires_grad=True) for s in shapes)
        y = lib.nn.functional.linear(x, w, b)
        (y * y).sum().backward()
        results.append([y.detach().numpy()] + [t.grad.numpy() for t in (x, w, b) if t is not None])
    for ours, theirs in zip(*results):
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


# ---- layer_norm of a 0-d tensor ------------------------------------------------------------------
@pytest.mark.parametrize("normalized_shape", [(), []])
def test_layer_norm_with_no_dims_to_normalize_raises_runtime_error(normalized_shape):
    with pytest.raises(RuntimeError, match="at least one dim"):
        F.layer_norm(tg.tensor(1.5), normalized_shape)
    with pytest.raises(RuntimeError, match="at least one dim"):
        F.rms_norm(tg.tensor(1.5), normalized_shape)


# ---- einsum with a size-1 dim that broadcasts ----------------------------------------------------
def test_einsum_gradient_of_a_broadcast_size_1_dim():
    a0, b0 = np.array([[1.0], [2.0]]), np.arange(12.0).reshape(3, 4) + 2
    a, b = tg.tensor(a0, requires_grad=True), tg.tensor(b0, requires_grad=True)
    y = tg.einsum("ij,jk->ik", a, b)  # a's j (1) broadcasts against b's j (3)
    np.testing.assert_allclose(y.data, a0 * b0.sum(0), rtol=1e-15)
    y.sum().backward()
    assert a.grad.shape == (2, 1) and b.grad.shape == (3, 4)
    np.testing.assert_allclose(a.grad.data, np.full((2, 1), b0.sum()), rtol=1e-15)
    np.testing.assert_allclose(b.grad.data, np.full((3, 4), a0.sum()), rtol=1e-15)


@pytest.mark.parametrize("equation, sa, sb", [("ij,jk->ik", (2, 1), (3, 4)), ("ij,jk->ik", (2, 3), (1, 4)),
                                              ("ij,j->i", (2, 1), (3,)), ("ij,ij->i", (2, 1), (2, 3)),
                                              ("ij,jk->ik", (1, 1), (3, 4))])
def test_einsum_size_1_broadcast_gradchecks(equation, sa, sb):
    rng = np.random.default_rng(5)
    a = tg.tensor(rng.standard_normal(sa), requires_grad=True)
    b = tg.tensor(rng.standard_normal(sb), requires_grad=True)
    assert tg.gradcheck(lambda a, b: tg.einsum(equation, a, b) ** 2, (a, b))
    assert tg.gradgradcheck(lambda a, b: tg.einsum(equation, a, b) ** 2, (a, b))


# ---- the second derivative of a norm over one element (pairwise_distance at x1 = x2) -------------
def test_pairwise_distance_second_derivative_at_equal_points_is_exactly_zero():
    x2, x3 = tg.tensor([3.7], requires_grad=True), tg.tensor([3.7], requires_grad=True)
    g2, g3 = tg.grad(0.25 * F.pairwise_distance(x2, x3).sum(), [x2, x3], create_graph=True)
    assert g2.item() == 0.25 and g3.item() == -0.25  # ‖d + 1e-6‖ = |d + 1e-6|: the slope is ±1
    assert g2.requires_grad
    h2, h3 = tg.grad((2.25 * g2 - 2.5 * g3).sum(), [x2, x3])
    assert h2.item() == 0.0 and h3.item() == 0.0  # |x|'' = 0 away from 0 (was 2.3e-10: rounding / 1e-6)


@pytest.mark.parametrize("p", [2, 3, 1.5])
def test_norm_over_one_element_differentiates_exactly(p):
    x = tg.tensor([[1e-6], [-2.0], [0.0]], requires_grad=True)
    (g,) = tg.grad(x.norm(p, dim=1).sum(), x, create_graph=True)
    assert g.data.ravel().tolist() == [1.0, -1.0, 0.0]
    (h,) = tg.grad((g * tg.tensor([[2.0], [3.0], [4.0]])).sum(), x)
    assert h.data.ravel().tolist() == [0.0, 0.0, 0.0]
    y = tg.tensor([[0.3], [-2.0]], requires_grad=True)
    assert tg.gradgradcheck(lambda y: y.norm(p, dim=1) * 1.5, (y,))


# ---- has_aux: an enclosing transform (or the user) sees through aux ------------------------------
def test_grad_aux_that_the_output_does_not_use_stays_differentiable():
    # f's output does not depend on u, its aux does: jacrev of grad_and_value must see d aux / du
    def f(u):
        return (tg.tensor(2.0) * 3.0, u * u)

    u = tg.tensor([0.5, -1.0])
    jac = func.jacrev(func.grad_and_value(f, has_aux=True))(u)
    (gradient_jac, (value_jac, aux_jac)) = jac
    np.testing.assert_array_equal(aux_jac.data, np.diag([1.0, -2.0]))  # d(u²)/du = 2u
    np.testing.assert_array_equal(gradient_jac.data, np.zeros((2, 2)))


def test_jacrev_aux_reaches_an_outer_grad():
    def f(a, b):
        return (tg.relu(a), b)

    def total(a, b):
        jac, aux = func.jacrev(f, argnums=1, has_aux=True)(a, b)
        return jac.sum() + (aux * tg.tensor([1.0, 2.0])).sum()

    gradient, value = func.grad_and_value(total, argnums=1)(tg.tensor([1.0, -1.0]), tg.tensor([0.5, 0.25]))
    np.testing.assert_array_equal(gradient.data, [1.0, 2.0])  # jac (zeros) does not depend on b; aux is b
    assert value.item() == 1.0


@pytest.mark.parametrize("transform", ["grad_and_value", "jacfwd", "vjp", "jvp"])
def test_aux_that_is_a_leaf_requiring_grad_keeps_requires_grad(transform):
    c = tg.tensor([1.0, 2.0], requires_grad=True)

    def f(x):
        return (x * 2.0).sum(), c * 3.0

    x = tg.tensor([0.5, 0.5])
    if transform == "grad_and_value":
        aux = func.grad_and_value(f, has_aux=True)(x)[1][1]
    elif transform == "jacfwd":
        aux = func.jacfwd(f, has_aux=True)(x)[1]
    elif transform == "vjp":
        aux = func.vjp(f, x, has_aux=True)[2]
    else:
        aux = func.jvp(f, (x,), (tg.ones(2),), has_aux=True)[2]
    assert aux.requires_grad
    aux.sum().backward()
    np.testing.assert_array_equal(c.grad.data, [3.0, 3.0])


# ---- xlogy's gradient by x where the incoming gradient is 0 (found by the distributions fuzz) ---


def test_xlogy_gradient_of_a_masked_out_term_is_zero_not_nan():
    # x·log y at y = 0 is -inf; a `where` that drops it sends back a gradient of 0, and PyTorch's
    # formula xlogy(grad, y) makes that 0 (0·log 0 would be nan and spoil every sum it joins)
    x = tg.tensor([1.0, 2.0, 0.0], requires_grad=True)
    y = tg.tensor([0.0, 0.5, 0.0], requires_grad=True)
    out = x.xlogy(y)
    assert out.tolist()[0] == -np.inf and out.tolist()[2] == 0.0
    tg.where(tg.tensor([False, True, True]), out, tg.zeros(3)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, np.log(0.5), 0.0])
    np.testing.assert_array_equal(y.grad.numpy()[1:], [4.0, 0.0])  # x/y; 0 at x = y = 0
    # the case that found it: a Beta log-density at the edge of its support, masked out
    a = tg.tensor(2.0, requires_grad=True)
    lp = tg.distributions.Beta(a, tg.tensor(3.0), validate_args=False).log_prob(tg.tensor([0.0, 0.5]))
    tg.where(tg.tensor([False, True]), lp, tg.zeros(2)).sum().backward()
    assert np.isfinite(a.grad.item())
    torch = pytest.importorskip("torch")
    if torch is not None:
        ta = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
        tlp = torch.distributions.Beta(ta, torch.tensor(3.0, dtype=torch.float64),
                                       validate_args=False).log_prob(torch.tensor([0.0, 0.5], dtype=torch.float64))
        torch.where(torch.tensor([False, True]), tlp, torch.zeros(2, dtype=torch.float64)).sum().backward()
        assert np.isclose(a.grad.item(), ta.grad.item(), rtol=1e-12)
