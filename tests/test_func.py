"""tg.func (torch.func: grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, vmap,
functional_call) and tg.utils.checkpoint, compared with PyTorch when it is installed (values,
gradients, structures, warnings, exception types) and with hand computations otherwise."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.func import functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp, vmap
from tinygrad_edu.utils.checkpoint import checkpoint, checkpoint_sequential


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(0)
A = RNG.standard_normal((3,))
B = RNG.standard_normal((2, 3))


def close(ours, theirs) -> None:
    """Same nested structure, same values (ours a tg.Tensor tree, theirs a torch tree)."""
    if isinstance(ours, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            close(a, b)
    elif isinstance(ours, dict):
        assert set(ours) == set(theirs)
        for k in ours:
            close(ours[k], theirs[k])
    else:
        assert isinstance(ours, tg.Tensor), type(ours)
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


def both(torch, array):
    return tg.tensor(array), torch.tensor(array)


def f_scalar(lib):
    return lambda x, y: (lib.sin(x) * y).sum() + (x ** 3).sum()


# ---- without torch --------------------------------------------------------------------------------
def test_grad_matches_hand_derivatives():
    x = tg.tensor(A)
    np.testing.assert_allclose(grad(lambda x: (x ** 3).sum())(x).numpy(), 3 * A ** 2)
    np.testing.assert_allclose(float(grad(grad(lambda x: x ** 3))(tg.tensor(2.0))), 12.0)
    np.testing.assert_allclose(hessian(lambda x: (x ** 3).sum())(x).numpy(), np.diag(6 * A))
    assert not grad(lambda x: (x ** 2).sum())(x).requires_grad  # a plain tensor, as PyTorch's
    np.testing.assert_allclose(vmap(lambda r: (r * r).sum())(tg.tensor(B)).numpy(), (B * B).sum(1))


def test_vmap_is_a_loop_with_in_dims_and_out_dims():
    b = tg.tensor(B)
    out = vmap(lambda r, s: (r * s, r.sum()), in_dims=(1, None), out_dims=(1, 0))(b, tg.tensor(2.0))
    np.testing.assert_allclose(out[0].numpy(), B * 2)
    np.testing.assert_allclose(out[1].numpy(), B.sum(0))


def test_functional_call_substitutes_and_restores():
    m = nn.Linear(3, 2)
    weight = m.weight
    zero = {"weight": tg.zeros(2, 3), "bias": tg.ones(2)}
    np.testing.assert_allclose(functional_call(m, zero, tg.tensor(A)).numpy(), np.ones(2))
    assert m.weight is weight and dict(m.named_parameters())["weight"] is weight
    np.testing.assert_allclose(m(tg.tensor(A)).numpy(), A @ weight.detach().numpy().T + m.bias.detach().numpy())


def test_checkpoint_runs_the_function_and_keeps_gradients():
    x = tg.tensor(A, requires_grad=True)
    y = checkpoint(lambda t: (t.sin() * 2).sum(), x, use_reentrant=False)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos(A))


# ---- grad and grad_and_value --------------------------------------------------------------------
@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1, 0), -1])
def test_grad_argnums_like_torch(torch, argnums):
    (x, tx), (y, ty) = both(torch, A), both(torch, A[::-1].copy())
    close(grad(f_scalar(tg), argnums)(x, y), torch.func.grad(f_scalar(torch), argnums)(tx, ty))
    close(grad_and_value(f_scalar(tg), argnums)(x, y), torch.func.grad_and_value(f_scalar(torch), argnums)(tx, ty))


def test_grad_of_dict_argument_and_aux_like_torch(torch):
    def f(lib):
        return lambda p, x: ((p["w"] * x).sum() ** 2, {"pred": p["w"] * x})
    (w, tw), (x, tx) = both(torch, A), both(torch, A + 1)
    ours = grad(f(tg), has_aux=True)({"w": w}, x)
    theirs = torch.func.grad(f(torch), has_aux=True)({"w": tw}, tx)
    close(ours, theirs)
    close(grad_and_value(f(tg), has_aux=True)({"w": w}, x),
          torch.func.grad_and_value(f(torch), has_aux=True)({"w": tw}, tx))


def test_grad_of_grad_and_hessian_like_torch(torch):
    (x, tx), (y, ty) = both(torch, A), both(torch, B[0])

    def g(lib):
        return lambda x, y: (lib.tanh(x * y) ** 2).sum()
    close(hessian(g(tg))(x, y), torch.func.hessian(g(torch))(tx, ty))
    close(hessian(g(tg), argnums=(0, 1))(x, y), torch.func.hessian(g(torch), argnums=(0, 1))(tx, ty))
    close(grad(lambda x: grad(g(tg))(x, y).sum())(x),
          torch.func.grad(lambda x: torch.func.grad(g(torch))(x, ty).sum())(tx))


def test_grad_connects_to_outer_tensors_like_torch(torch):
    (x, tx), (w, tw) = both(torch, A), both(torch, A * 2)
    w.requires_grad_(True)
    tw.requires_grad_(True)
    ours = grad(lambda x: (w * x).sum() ** 2)(x)
    theirs = torch.func.grad(lambda x: (tw * x).sum() ** 2)(tx)
    close(ours, theirs)
    assert ours.requires_grad == theirs.requires_grad
    (ours ** 2).sum().backward()
    (theirs ** 2).sum().backward()
    close(w.grad, tw.grad)
    # an input that requires grad: the gradient is differentiable with respect to it
    x.requires_grad_(True)
    tx.requires_grad_(True)
    grad(lambda x: (x ** 3).sum())(x).sum().backward()
    torch.func.grad(lambda x: (x ** 3).sum())(tx).sum().backward()
    close(x.grad, tx.grad)


def test_grad_of_unused_input_is_zeros_like_torch(torch):
    (x, tx) = both(torch, A)
    close(grad(lambda x: (x * 0).sum() + 1)(x), torch.func.grad(lambda x: (x * 0).sum() + 1)(tx))
    close(grad(lambda x, y: y.sum(), argnums=0)(x, x), torch.func.grad(lambda x, y: y.sum(), argnums=0)(tx, tx))


def test_grad_errors_like_torch(torch):
    (x, tx) = both(torch, A)
    cases = [
        (lambda lib, gr, v: gr(lambda x: x * 2)(v)),  # not a scalar
        (lambda lib, gr, v: gr(lambda x: (x.sum(), 1))(v)),  # a tuple without has_aux
        (lambda lib, gr, v: gr(lambda x: x.sum(), has_aux=True)(v)),  # has_aux but no tuple
        (lambda lib, gr, v: gr(lambda x: x.sum(), argnums=1)(v)),
        (lambda lib, gr, v: gr(lambda x: x.sum(), argnums=(0, 0))(v)),
        (lambda lib, gr, v: gr(lambda x: x.sum())(3.0)),
        (lambda lib, gr, v: gr(lambda x: x.sum())(lib.arange(3))),
    ]
    for case in cases:
        with pytest.raises(Exception) as theirs:
            case(torch, torch.func.grad, tx)
        with pytest.raises(theirs.type):
            case(tg, grad, x)


# ---- vjp, jvp, jacrev, jacfwd --------------------------------------------------------------------
def test_vjp_like_torch(torch):
    (x, tx), (y, ty) = both(torch, A), both(torch, B)

    def f(lib):
        return lambda x, y: (lib.sin(x) * y, (x ** 2).sum())
    out, fn = vjp(f(tg), x, y)
    tout, tfn = torch.func.vjp(f(torch), tx, ty)
    close(out, tout)
    (c, tc), (s, ts) = both(torch, B * 3), both(torch, np.array(2.0))
    close(fn((c, s)), tfn((tc, ts)))
    with pytest.raises(RuntimeError):
        tfn((tc[0], ts))
    with pytest.raises(RuntimeError):
        fn((c[0], s))
    out, fn, aux = vjp(lambda x: (x.exp(), x.sum()), x, has_aux=True)
    tout, tfn, taux = torch.func.vjp(lambda x: (x.exp(), x.sum()), tx, has_aux=True)
    close((out, aux, fn(c[0])), (tout, taux, tfn(tc[0])))


def test_jvp_like_torch(torch):
    (x, tx), (y, ty), (v, tv) = both(torch, A), both(torch, A + 2), both(torch, A * 5)

    def f(lib):
        return lambda x, y: (lib.sin(x) * y, (x ** 2 * y).sum())
    close(jvp(f(tg), (x, y), (v, v)), torch.func.jvp(f(torch), (tx, ty), (tv, tv)))
    close(jvp(lambda x: x * 0 + 1, (x,), (v,)), torch.func.jvp(lambda x: x * 0 + 1, (tx,), (tv,)))
    for bad in [lambda F, x, v: F.jvp(lambda x: x.sin(), x, (v,)),
                lambda F, x, v: F.jvp(lambda x: x.sin(), (x,), (v[:2],))]:
        with pytest.raises(RuntimeError):
            bad(torch.func, tx, tv)
        with pytest.raises(RuntimeError):
            bad(tg.func, x, v)


@pytest.mark.parametrize("argnums", [0, (0, 1)])
def test_jacrev_and_jacfwd_like_torch(torch, argnums):
    (x, tx), (y, ty) = both(torch, A), both(torch, B)

    def f(lib):
        return lambda x, y: {"a": lib.sin(x) * y, "b": (x * y).sum(1)}
    expected = torch.func.jacrev(f(torch), argnums)(tx, ty)
    close(jacrev(f(tg), argnums)(x, y), expected)
    close(jacfwd(f(tg), argnums)(x, y), torch.func.jacfwd(f(torch), argnums)(tx, ty))
    with pytest.raises(RuntimeError):
        torch.func.jacrev(f(torch), argnums=2)(tx, ty)
    with pytest.raises(RuntimeError):
        jacrev(f(tg), argnums=2)(x, y)


# ---- vmap -----------------------------------------------------------------------------------------
def test_vmap_values_like_torch(torch):
    (b, tb), (c, tc), (s, ts) = both(torch, B), both(torch, B.T.copy()), both(torch, A)
    close(vmap(tg.mul, in_dims=(0, 1))(b, c), torch.func.vmap(torch.mul, in_dims=(0, 1))(tb, tc))
    close(vmap(tg.dot, in_dims=(0, None))(b, s), torch.func.vmap(torch.dot, in_dims=(0, None))(tb, ts))
    close(vmap(lambda r: (r.sum(), r * 2), out_dims=(0, 1))(b),
          torch.func.vmap(lambda r: (r.sum(), r * 2), out_dims=(0, 1))(tb))
    close(vmap(lambda r: r, in_dims=-1, out_dims=-1)(b), torch.func.vmap(lambda r: r, in_dims=-1, out_dims=-1)(tb))
    # nested: an outer product
    close(vmap(vmap(tg.mul, in_dims=(None, 0)), in_dims=(0, None))(s, s),
          torch.func.vmap(torch.func.vmap(torch.mul, in_dims=(None, 0)), in_dims=(0, None))(ts, ts))
    # nested in_dims for a tuple argument, and an empty mapped dimension
    close(vmap(lambda p: p[0] + p[1], in_dims=((0, 1),))((b, c)),
          torch.func.vmap(lambda p: p[0] + p[1], in_dims=((0, 1),))((tb, tc)))
    close(vmap(tg.sin)(tg.zeros(0, 3)), torch.func.vmap(torch.sin)(torch.zeros(0, 3)))


def test_vmap_errors_like_torch(torch):
    cases = [
        lambda F, lib: F.vmap(lib.add)(lib.ones(2, 3), lib.ones(3, 3)),
        lambda F, lib: F.vmap(lib.sin, in_dims=None)(lib.ones(2, 3)),
        lambda F, lib: F.vmap(lib.sin, in_dims=(0, 0))(lib.ones(2, 3)),
        lambda F, lib: F.vmap(lib.sin, in_dims=2)(lib.ones(2, 3)),
        lambda F, lib: F.vmap(lambda x: 1.0)(lib.ones(2, 3)),
        lambda F, lib: F.vmap(lib.sin)(3.0),
        lambda F, lib: F.vmap(lib.sin, randomness="x")(lib.ones(2)),
        lambda F, lib: F.vmap(lambda x: x, out_dims=(0, 1))(lib.ones(2, 3)),
    ]
    for case in cases:
        with pytest.raises(Exception) as theirs:
            case(torch.func, torch)
        with pytest.raises(theirs.type):
            case(tg.func, tg)


def test_per_sample_gradients_like_torch(torch):
    """The torch.func tutorial: vmap(grad(loss)) over samples with functional_call."""
    tg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in ours.state_dict().items()})
    data, targets = RNG.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])

    def per_sample(lib, F, model):
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(params, sample, target):
            out = F.functional_call(model, params, (sample.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(out, target.unsqueeze(0))
        return F.vmap(F.grad(loss), in_dims=(None, 0, 0))(params, lib.tensor(data), lib.tensor(targets))
    close(per_sample(tg, tg.func, ours), per_sample(torch, torch.func, theirs))


def test_functional_call_like_torch(torch):
    m, tm = nn.Linear(3, 2), torch.nn.Linear(3, 2).double()
    (w, tw), (x, tx) = both(torch, B), both(torch, A)
    close(functional_call(m, {"weight": w, "bias": x[:2]}, x),
          torch.func.functional_call(tm, {"weight": tw, "bias": tx[:2]}, tx))
    close(functional_call(m, ({"weight": w}, {"bias": x[:2]}), (x,)),
          torch.func.functional_call(tm, ({"weight": tw}, {"bias": tx[:2]}), (tx,)))
    for lib_call, mod, wt in ((torch.func.functional_call, tm, tw), (functional_call, m, w)):
        with pytest.raises(RuntimeError):
            lib_call(mod, {"weight": wt}, (wt[0],), strict=True)
    with pytest.raises(ValueError):
        torch.func.functional_call(tm, ({"weight": tw}, {"weight": tw}), tx)
    with pytest.raises(ValueError):
        functional_call(m, ({"weight": w}, {"weight": w}), x)
    # gradients flow to the substituted tensors
    w.requires_grad_(True)
    tw.requires_grad_(True)
    functional_call(m, {"weight": w}, x).sum().backward()
    torch.func.functional_call(tm, {"weight": tw}, tx).sum().backward()
    close(w.grad, tw.grad)
    assert m.weight.grad is None


# ---- checkpoint -----------------------------------------------------------------------------------
def _warnings_of(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("use_reentrant", [None, True, False])
def test_checkpoint_like_torch(torch, use_reentrant):
    (x, tx), (w, tw) = both(torch, A), both(torch, A + 1)
    for t in (x, tx, w, tw):
        t.requires_grad_(True)
    ours, our_warnings = _warnings_of(lambda: checkpoint(lambda a, b: (a.sin() * b).sum(), x, w,
                                                         use_reentrant=use_reentrant))
    theirs, their_warnings = _warnings_of(lambda: torch.utils.checkpoint.checkpoint(
        lambda a, b: (a.sin() * b).sum(), tx, tw, use_reentrant=use_reentrant))
    assert [c for c, _ in our_warnings] == [c for c, _ in their_warnings]
    assert [m for _, m in our_warnings] == [m for _, m in their_warnings]
    ours.backward()
    theirs.backward()
    close((ours, x.grad, w.grad), (theirs, tx.grad, tw.grad))


def test_checkpoint_arguments_like_torch(torch):
    tm = torch.nn.Linear(3, 2).double()
    m = nn.Linear(3, 2)
    (x, tx) = both(torch, A)
    # reentrant with no input that requires grad: a warning, and nothing recorded
    ours, our_warnings = _warnings_of(lambda: checkpoint(m, x, use_reentrant=True))
    theirs, their_warnings = _warnings_of(lambda: torch.utils.checkpoint.checkpoint(tm, tx, use_reentrant=True))
    assert [m for _, m in our_warnings] == [m for _, m in their_warnings] and our_warnings
    assert ours.requires_grad == theirs.requires_grad
    assert checkpoint(m, x, use_reentrant=False).requires_grad == torch.utils.checkpoint.checkpoint(
        tm, tx, use_reentrant=False).requires_grad
    for call, arg in ((torch.utils.checkpoint.checkpoint, tx), (checkpoint, x)):
        with pytest.raises(ValueError):
            call(lambda a, foo: a, arg, foo=1, use_reentrant=True)
        assert call(lambda a, foo: a * foo, arg, foo=2, use_reentrant=False, preserve_rng_state=False) is not None


@pytest.mark.parametrize("segments", [1, 2, 3])
def test_checkpoint_sequential_like_torch(torch, segments):
    tg.manual_seed(1)
    ours = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 4), torch.nn.ReLU(),
                                 torch.nn.Linear(4, 1)).double()
    theirs.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in ours.state_dict().items()})
    (x, tx) = both(torch, B)
    x.requires_grad_(True)
    tx.requires_grad_(True)
    out, our_warnings = _warnings_of(lambda: checkpoint_sequential(ours, segments, x))
    tout, their_warnings = _warnings_of(lambda: torch.utils.checkpoint.checkpoint_sequential(theirs, segments, tx))
    assert [(c, m) for c, m in our_warnings] == [(c, m) for c, m in their_warnings]
    out.sum().backward()
    tout.sum().backward()
    close((out, x.grad, ours[0].weight.grad), (tout, tx.grad, theirs[0].weight.grad))
    assert checkpoint_sequential(list(ours), segments, x, use_reentrant=False) is not None


def test_reachable_as_torch_names():
    assert tg.func.vmap is vmap and tg.utils.checkpoint.checkpoint is checkpoint
