"""Regression tests for what tests/fuzz/func_fuzz.py found in tg.func and tg.autograd.functional,
and for the cases where PyTorch is wrong and ours is right (checked by hand or finite differences).
None of them needs PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.autograd.forward_ad as fwAD
from tinygrad_edu.autograd import functional as AF
from tinygrad_edu.func import grad, jacfwd, jacrev, jvp, linearize, vjp, vmap

X = np.array([0.3, -0.7, 1.1])


def _lin_sin(x):
    """J·1 of sin at x, through linearize: cos(x)."""
    return linearize(tg.sin, x)[1](tg.ones_like(x))


# ---- linearize inside other transforms (it detached its primals: d/dx of J·t was 0) ---------------
def test_linearize_composes_with_grad_vmap_vjp_and_outer_autograd():
    x = tg.tensor(X)
    np.testing.assert_allclose(grad(lambda x: _lin_sin(x).sum())(x).numpy(), -np.sin(X), rtol=1e-12)
    np.testing.assert_allclose(vmap(_lin_sin)(x).numpy(), np.cos(X), rtol=1e-12)
    np.testing.assert_allclose(vjp(_lin_sin, x)[1](tg.ones(3))[0].numpy(), -np.sin(X), rtol=1e-12)
    xr = tg.tensor(X, requires_grad=True)
    t = _lin_sin(xr)
    assert t.requires_grad
    np.testing.assert_allclose(tg.autograd.grad(t.sum(), xr)[0].numpy(), -np.sin(X), rtol=1e-12)


# ---- what f returns must be Tensors: RuntimeError, as PyTorch ----------------------------------
@pytest.mark.parametrize("call", [
    lambda x: grad(lambda t: (t.sum(), {"a": 1}), has_aux=True)(x),
    lambda x: jacrev(lambda t: (t * 2, [2.0]), has_aux=True)(x),
    lambda x: vjp(lambda t: (t * 2, 1), x, has_aux=True),
    lambda x: jvp(lambda t: (t * 2, "aux"), (x,), (x,), has_aux=True),
])
def test_aux_that_is_not_tensors_is_refused(call):
    with pytest.raises(RuntimeError, match="Expected tensors, got unsupported type"):
        call(tg.tensor(X))


@pytest.mark.parametrize("call", [
    lambda x: jacrev(lambda t: 2.0)(x),
    lambda x: jacfwd(lambda t: (t, 1.0))(x),
    lambda x: vjp(lambda t: (t, 1.0), x),
    lambda x: jvp(lambda t: (t * 2, 1.0), (x,), (x,)),
])
def test_outputs_that_are_not_tensors_are_a_runtime_error(call):
    with pytest.raises(RuntimeError, match="expected f\\(\\*primals\\) to return only tensors"):
        call(tg.tensor(X))


def test_integer_inputs():
    with pytest.raises(ValueError, match="Expected primal to be floating point"):
        jvp(lambda t: t * 2, (tg.tensor([1, 2]),), (tg.tensor([1, 2]),))
    for api in (lambda: AF.jacobian(lambda a: a * 2, tg.tensor([1, 2])),
                lambda: AF.vjp(lambda a: a * 2, tg.tensor([1, 2]), tg.tensor([1, 2]))):
        with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
            api()


def test_nested_dual_level_is_a_runtime_error():
    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match="Nested forward mode AD") as info:
            with fwAD.dual_level():
                pass
    assert type(info.value) is RuntimeError


# ---- autograd.functional: PyTorch's checks, in its order -------------------------------------------
def test_jacobian_forward_mode_checks():
    x = tg.tensor(X)
    with pytest.raises(RuntimeError, match="`strict=True` and `strategy=\"forward-mode\"`"):
        AF.jacobian(lambda a: a * 2, x, strict=True, strategy="forward-mode")
    with pytest.raises(NotImplementedError, match="`create_graph=True` and `strategy=\"forward-mode\"`"):
        AF.jacobian(lambda a: a * 2, x, create_graph=True, strategy="forward-mode")
    with pytest.raises(NotImplementedError, match="only implemented for `vectorize=True`"):
        AF.jacobian(lambda a: a * 2, x, strategy="forward-mode")
    with pytest.raises(RuntimeError, match="`strict=True` and `vectorized=True`"):
        AF.jacobian(lambda a: a * 2, x, strict=True, vectorize=True)


def test_strict_with_create_graph_refuses_a_derivative_independent_of_the_input():
    x = tg.tensor(X)
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function is independent of input 0.*"
                                           "create_graph=True"):
        AF.jacobian(lambda a: a[None], x, create_graph=True, strict=True)   # J = I, a constant
    with pytest.raises(RuntimeError, match="independent of input 0.*create_graph=True"):
        AF.vjp(lambda a: a * 2, x, tg.ones(3), create_graph=True, strict=True)   # vᵀJ = 2v
    with pytest.raises(RuntimeError, match="hessian of the user-provided function is independent of input 0"):
        AF.vhp(lambda a: (a * a).sum(), x, tg.ones(3), create_graph=True, strict=True)   # H = 2I
    # a derivative that does depend on the input passes
    jac = AF.jacobian(lambda a: a ** 3, x, create_graph=True, strict=True)
    np.testing.assert_allclose(jac.detach().numpy(), np.diag(3 * X ** 2), rtol=1e-12)


# ---- where PyTorch 2.13 is wrong (tests/fuzz/func_fuzz.py KNOWN, docs/from-pytorch.md) -------------
def test_jacfwd_and_hessian_with_a_negative_argnums():
    x = tg.tensor(X)
    np.testing.assert_allclose(jacfwd(lambda a: a ** 3, argnums=-1)(x).numpy(), np.diag(3 * X ** 2), rtol=1e-12)
    np.testing.assert_allclose(tg.func.hessian(lambda a, b: (a ** 3 * b).sum(), argnums=-1)(x, x).numpy(),
                               np.zeros((3, 3)))
    np.testing.assert_allclose(tg.func.hessian(lambda a, b: (a ** 3 * b).sum(), argnums=-2)(x, x).numpy(),
                               np.diag(6 * X * X), rtol=1e-12)


def test_vmap_out_dims_for_an_output_that_does_not_depend_on_the_mapped_input():
    c = tg.tensor([1.0, 2.0])
    out = vmap(lambda a: c * 1, out_dims=1)(tg.zeros(3))
    np.testing.assert_array_equal(out.numpy(), [[1, 1, 1], [2, 2, 2]])
    out = vmap(lambda a: c.sum(), out_dims=-1)(tg.zeros(3))
    np.testing.assert_array_equal(out.numpy(), [3, 3, 3])


def test_second_derivative_through_layer_norm_under_jacrev_matches_finite_differences():
    rng = np.random.default_rng(0)
    x0, w, b = rng.uniform(-1.5, 1.5, (2, 3)), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3)
    weights = np.cos(np.arange(18) * 1.7 + 0.3).reshape(2, 3, 3)
    m = tg.nn.LayerNorm(3)

    def total(x):   # Σ weights · ∂layer_norm(x)/∂weight
        jac = jacrev(lambda p, x: tg.func.functional_call(m, p, (x,)))({"weight": tg.tensor(w), "bias": tg.tensor(b)},
                                                                       x)["weight"]
        return (jac * tg.tensor(weights)).sum()

    x = tg.tensor(x0, requires_grad=True)
    analytic = tg.autograd.grad(total(x), x)[0].numpy()
    numeric = np.zeros_like(x0)
    for idx in np.ndindex(x0.shape):
        step = np.zeros_like(x0)
        step[idx] = 1e-6
        numeric[idx] = (float(total(tg.tensor(x0 + step))) - float(total(tg.tensor(x0 - step)))) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
