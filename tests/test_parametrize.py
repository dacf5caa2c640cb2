"""nn.utils.parametrize, nn.utils.parametrizations (weight_norm, spectral_norm, orthogonal), the
older hook-based nn.utils.weight_norm / spectral_norm, and nn.utils.prune: values, gradients
with respect to the trained tensors, state_dict keys and reprs against PyTorch where installed,
and hand computations that need no PyTorch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.utils import parametrizations as PZ
from tinygrad_edu.nn.utils import parametrize as P
from tinygrad_edu.nn.utils import prune


@pytest.fixture
def torch():
    module = pytest.importorskip("torch")
    pytest.importorskip("torch.nn.utils.prune")  # (not imported by torch.nn.utils itself)
    return module


def _pair(torch, cls: str, *args):
    """The same layer in torch (float64) and here, with torch's initial values copied."""
    t = getattr(torch.nn, cls)(*args, dtype=torch.float64)
    m = getattr(nn, cls)(*args)
    for name, p in t.named_parameters():
        getattr(m, name).data[...] = p.detach().numpy()
    return t, m


def _grads_match(t, m, x) -> None:
    """Run both on x, backward from the sum of squares, compare outputs and every parameter's grad."""
    out_t = t(torch_tensor(x)).pow(2).sum()
    out_m = m(tg.tensor(x)).pow(2).sum()
    np.testing.assert_allclose(out_m.item(), out_t.item(), rtol=1e-10)
    out_t.backward()
    out_m.backward()
    names_t = [k for k, _ in t.named_parameters()]
    assert [k for k, _ in m.named_parameters()] == names_t
    for (k, pm), (_, pt) in zip(m.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(pm.grad.numpy(), pt.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=k)


def torch_tensor(x):
    import torch

    return torch.tensor(x)


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).T

    def right_inverse(self, A):
        return A.triu()


# ---- parametrize, without torch -----------------------------------------------------------
def test_register_and_remove_without_torch():
    m = nn.Linear(3, 3)
    w0 = m.weight.data.copy()
    weight_param = m.weight
    P.register_parametrization(m, "weight", Symmetric())
    assert type(m).__name__ == "ParametrizedLinear" and isinstance(m, nn.Linear)
    assert P.is_parametrized(m) and P.is_parametrized(m, "weight") and not P.is_parametrized(m, "bias")
    assert P.type_before_parametrizations(m) is nn.Linear
    np.testing.assert_allclose(m.weight.data, np.triu(w0) + np.triu(w0, 1).T)
    assert m.parametrizations.weight.original is weight_param  # the same object, still trained
    assert sorted(m.state_dict()) == ["bias", "parametrizations.weight.original"]
    # assigning goes through right_inverse
    A = np.arange(9.0).reshape(3, 3)
    A = A + A.T
    m.weight = tg.tensor(A)
    np.testing.assert_allclose(m.weight.data, A)
    np.testing.assert_allclose(m.parametrizations.weight.original.data, np.triu(A))
    # gradient reaches the original: d/dW sum(sym(W)) = 1 on and above the diagonal, 2 strictly above
    m.weight.sum().backward()
    np.testing.assert_allclose(weight_param.grad.data, np.triu(np.ones((3, 3))) + np.triu(np.ones((3, 3)), 1))
    P.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and not P.is_parametrized(m)
    assert m.weight is weight_param and isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(m.weight.data, A)
    assert sorted(m.state_dict()) == ["bias", "weight"]


def test_remove_leave_unparametrized_and_errors():
    m = nn.Linear(3, 3)
    P.register_parametrization(m, "weight", Symmetric())
    orig = m.parametrizations.weight.original.data.copy()
    P.remove_parametrizations(m, "weight", leave_parametrized=False)
    np.testing.assert_allclose(m.weight.data, orig)
    with pytest.raises(ValueError):
        P.remove_parametrizations(m, "weight")
    with pytest.raises(ValueError):
        P.register_parametrization(m, "nothing", Symmetric())

    class Double(nn.Module):
        def forward(self, X):
            return tg.cat([X, X])

    with pytest.raises(ValueError):  # changes the shape, without unsafe=True
        P.register_parametrization(nn.Linear(2, 2), "weight", Double())
    P.register_parametrization(nn.Linear(2, 2), "weight", Double(), unsafe=True)


def test_chained_and_cached():
    calls = []

    class Scale(nn.Module):
        def forward(self, X):
            calls.append(1)
            return X * 2

    m = nn.Linear(2, 2)
    w = m.weight.data.copy()
    P.register_parametrization(m, "weight", Scale())
    P.register_parametrization(m, "weight", Scale())
    assert len(m.parametrizations.weight) == 2
    np.testing.assert_allclose(m.weight.data, 4 * w)
    calls.clear()
    with P.cached():
        a, b = m.weight, m.weight
    assert a is b and len(calls) == 2  # computed once (two chained Scale calls)
    assert m.weight is not a  # the cache ends with the block


def test_deepcopy_and_pickle():
    import copy
    import pickle

    m = PZ.weight_norm(nn.Linear(3, 2))
    m2 = copy.deepcopy(m)
    assert type(m2).__name__ == "ParametrizedLinear" and list(m2.state_dict()) == list(m.state_dict())
    assert m2.parametrizations.weight.original1 is not m.parametrizations.weight.original1
    assert isinstance(m2.parametrizations.weight.original1, nn.Parameter)
    np.testing.assert_allclose(m2.weight.data, m.weight.data)
    with pytest.raises(RuntimeError):  # as PyTorch: save parametrized modules through state_dict()
        pickle.dumps(m)


def test_weight_norm_by_hand():
    m = nn.Linear(3, 2)
    w = m.weight.data.copy()
    PZ.weight_norm(m)
    g = m.parametrizations.weight.original0
    v = m.parametrizations.weight.original1
    np.testing.assert_allclose(g.data, np.linalg.norm(w, axis=1, keepdims=True))
    np.testing.assert_allclose(v.data, w)
    np.testing.assert_allclose(m.weight.data, w)
    with tg.no_grad():
        g.mul_(3.0)
    np.testing.assert_allclose(m.weight.data, 3 * w)  # g scales the weight
    m2 = nn.Linear(3, 2)
    PZ.weight_norm(m2, dim=None)
    assert m2.parametrizations.weight.original0.shape == ()


def test_spectral_norm_sigma_by_hand():
    tg.manual_seed(0)
    m = nn.Linear(6, 4)
    PZ.spectral_norm(m, n_power_iterations=30)
    sigma = np.linalg.svd(m.parametrizations.weight.original.data, compute_uv=False)[0]
    np.testing.assert_allclose(m.weight.data, m.parametrizations.weight.original.data / sigma, rtol=1e-6)
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original",
                                    "parametrizations.weight.0._u", "parametrizations.weight.0._v"]
    with pytest.raises(ValueError):
        PZ.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(IndexError):
        PZ.spectral_norm(nn.Linear(2, 2), dim=2)


@pytest.mark.parametrize("orthogonal_map,shape", [(None, (4, 4)), ("cayley", (4, 4)), ("matrix_exp", (3, 5)),
                                                   ("cayley", (5, 3)), (None, (5, 3)), ("householder", (3, 5))])
def test_orthogonal_by_hand(orthogonal_map, shape):
    m = nn.Linear(*shape)
    w = m.weight.data.copy()
    PZ.orthogonal(m, orthogonal_map=orthogonal_map)
    Q = m.weight.data
    small = min(Q.shape)
    gram = Q.T @ Q if Q.shape[0] >= Q.shape[1] else Q @ Q.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)
    if shape[0] == shape[1]:  # a square weight becomes the Q of its QR decomposition (sign-fixed)
        q, r = np.linalg.qr(w)
        np.testing.assert_allclose(Q, q * np.sign(np.diag(r)), atol=1e-12)
    # training moves the weight but keeps it orthogonal
    m.weight.sum().backward()
    with tg.no_grad():
        m.parametrizations.weight.original.sub_(0.1 * m.parametrizations.weight.original.grad)
    Q2 = m.weight.data
    gram = Q2.T @ Q2 if Q2.shape[0] >= Q2.shape[1] else Q2 @ Q2.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-10)


def test_orthogonal_errors():
    with pytest.raises(ValueError):
        PZ.orthogonal(nn.Linear(3, 3), orthogonal_map="qr")
    with pytest.raises(ValueError):
        PZ.orthogonal(nn.Linear(3, 3), name="bias")  # 1-d
    with pytest.raises(ValueError):
        PZ.orthogonal(nn.Linear(3, 3), name="missing")


# ---- against torch --------------------------------------------------------------------------
@pytest.mark.parametrize("dim", [0, 1, None, -2])
def test_weight_norm_matches_torch(torch, dim):
    t, m = _pair(torch, "Linear", 3, 4)
    torch.nn.utils.parametrizations.weight_norm(t, dim=dim)
    PZ.weight_norm(m, dim=dim)
    assert list(m.state_dict()) == list(t.state_dict())
    assert repr(m) == repr(t)
    np.testing.assert_allclose(m.weight.data, t.weight.detach().numpy(), rtol=1e-12)
    _grads_match(t, m, np.random.default_rng(0).normal(size=(5, 3)))


def test_weight_norm_conv_and_old_state_dict(torch):
    t, m = _pair(torch, "Conv2d", 2, 3, 3)
    torch.nn.utils.parametrizations.weight_norm(t)
    PZ.weight_norm(m)
    _grads_match(t, m, np.random.default_rng(1).normal(size=(1, 2, 5, 5)))
    # an old-style state dict (weight_g, weight_v) loads into the new form
    old = nn.Linear(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nn.utils.weight_norm(old)
    new = PZ.weight_norm(nn.Linear(3, 2))
    new.load_state_dict(old.state_dict())
    np.testing.assert_allclose(new.weight.data, old.weight.data)


def test_spectral_norm_matches_torch(torch):
    t, m = _pair(torch, "Linear", 5, 3)
    torch.nn.utils.parametrizations.spectral_norm(t)
    PZ.spectral_norm(m)
    assert list(m.state_dict()) == list(t.state_dict())
    assert repr(m) == repr(t)
    pt, pm = t.parametrizations.weight[0], m.parametrizations.weight[0]
    pm._u.data[...] = pt._u.numpy()
    pm._v.data[...] = pt._v.numpy()
    _grads_match(t, m, np.random.default_rng(2).normal(size=(2, 5)))  # train mode: one power step each
    np.testing.assert_allclose(pm._u.data, pt._u.numpy(), rtol=1e-10)
    np.testing.assert_allclose(pm._v.data, pt._v.numpy(), rtol=1e-10)
    t.eval()
    m.eval()
    np.testing.assert_allclose(m.weight.data, t.weight.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(pm._u.data, pt._u.numpy(), rtol=1e-10)  # eval: no power step


def test_spectral_norm_conv_transpose_dim(torch):
    t, m = _pair(torch, "ConvTranspose2d", 2, 3, 3)
    torch.nn.utils.parametrizations.spectral_norm(t)
    PZ.spectral_norm(m)
    pt, pm = t.parametrizations.weight[0], m.parametrizations.weight[0]
    assert pm.dim == pt.dim == 1 and pm._u.shape == tuple(pt._u.shape)
    pm._u.data[...] = pt._u.numpy()
    pm._v.data[...] = pt._v.numpy()
    _grads_match(t, m, np.random.default_rng(3).normal(size=(1, 2, 4, 4)))


@pytest.mark.parametrize("orthogonal_map,shape,trivial", [(None, (4, 4), True), ("cayley", (4, 4), True),
                                                          ("matrix_exp", (3, 5), True), ("cayley", (5, 3), True),
                                                          ("householder", (3, 5), False),
                                                          ("householder", (4, 4), False)])
def test_orthogonal_matches_torch(torch, orthogonal_map, shape, trivial):
    t, m = _pair(torch, "Linear", *shape)
    torch.nn.utils.parametrizations.orthogonal(t, orthogonal_map=orthogonal_map, use_trivialization=trivial)
    PZ.orthogonal(m, orthogonal_map=orthogonal_map, use_trivialization=trivial)
    assert list(m.state_dict()) == list(t.state_dict())
    po, mo = t.parametrizations.weight, m.parametrizations.weight
    np.testing.assert_allclose(mo.original.data, po.original.detach().numpy(), atol=1e-12)
    if shape[0] == shape[1] or not trivial:  # (a non-square base is completed at random)
        np.testing.assert_allclose(m.weight.data, t.weight.detach().numpy(), atol=1e-12)
    r = np.random.default_rng(4).normal(size=t.weight.shape) * 0.3
    with torch.no_grad():
        po.original.copy_(torch.tensor(r))
    mo.original.data[...] = r
    if trivial:
        mo[0].base.data[...] = po[0].base.numpy()
    _grads_match(t, m, np.random.default_rng(5).normal(size=(2, shape[0])))


def test_old_weight_norm_matches_torch(torch):
    t, m = _pair(torch, "Linear", 3, 4)
    with pytest.warns(FutureWarning):
        torch.nn.utils.weight_norm(t)
    with pytest.warns(FutureWarning):
        nn.utils.weight_norm(m)
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight_g", "weight_v"]
    assert repr(m) == repr(t)
    _grads_match(t, m, np.random.default_rng(6).normal(size=(5, 3)))
    with pytest.raises(RuntimeError), warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        nn.utils.weight_norm(m)
    nn.utils.remove_weight_norm(m)
    torch.nn.utils.remove_weight_norm(t)
    assert list(m.state_dict()) == list(t.state_dict())
    assert isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(m.weight.data, t.weight.detach().numpy(), rtol=1e-12)
    with pytest.raises(ValueError):
        nn.utils.remove_weight_norm(m)


def test_old_spectral_norm_matches_torch(torch):
    t, m = _pair(torch, "Linear", 5, 3)
    torch.nn.utils.spectral_norm(t)
    nn.utils.spectral_norm(m)
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    assert repr(m) == repr(t)
    m.weight_u.data[...] = t.weight_u.numpy()
    m.weight_v.data[...] = t.weight_v.numpy()
    _grads_match(t, m, np.random.default_rng(7).normal(size=(2, 5)))
    np.testing.assert_allclose(m.weight.data, t.weight.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(m.weight_u.data, t.weight_u.numpy(), rtol=1e-10)
    nn.utils.remove_spectral_norm(m)
    torch.nn.utils.remove_spectral_norm(t)
    assert list(m.state_dict()) == list(t.state_dict())
    np.testing.assert_allclose(m.weight.data, t.weight.detach().numpy(), rtol=1e-10)
    with pytest.raises(ValueError):
        nn.utils.remove_spectral_norm(m)


# ---- prune ---------------------------------------------------------------------------------
def test_l1_unstructured_matches_torch(torch):
    t, m = _pair(torch, "Linear", 4, 3)
    torch.nn.utils.prune.l1_unstructured(t, "weight", amount=0.3)
    prune.l1_unstructured(m, "weight", amount=0.3)
    assert list(m.state_dict()) == list(t.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    np.testing.assert_array_equal(m.weight_mask.data, t.weight_mask.numpy())
    torch.nn.utils.prune.l1_unstructured(t, "weight", amount=2)  # again: among the entries still kept
    prune.l1_unstructured(m, "weight", amount=2)
    np.testing.assert_array_equal(m.weight_mask.data, t.weight_mask.numpy())
    assert prune.is_pruned(m) and torch.nn.utils.prune.is_pruned(t)
    _grads_match(t, m, np.random.default_rng(8).normal(size=(2, 4)))
    prune.remove(m, "weight")
    torch.nn.utils.prune.remove(t, "weight")
    assert list(m.state_dict()) == list(t.state_dict()) and not prune.is_pruned(m)
    np.testing.assert_allclose(m.weight.data, t.weight.detach().numpy())


def test_prune_without_torch():
    m = nn.Linear(5, 2)
    w = m.weight.data.copy()
    weight_param = m.weight
    prune.l1_unstructured(m, "weight", amount=4)
    assert m.weight_orig is weight_param
    smallest = np.argsort(np.abs(w).ravel())[:4]
    expected = np.ones(10)
    expected[smallest] = 0
    np.testing.assert_array_equal(m.weight_mask.data.ravel(), expected)
    m(tg.ones(1, 5)).sum().backward()
    np.testing.assert_array_equal(weight_param.grad.data.ravel() == 0, expected == 0)  # pruned: no gradient
    tg.manual_seed(0)
    prune.random_unstructured(m, "bias", amount=0.5)
    assert m.bias_mask.data.sum() == 1
    with pytest.raises(ValueError):
        prune.l1_unstructured(nn.Linear(2, 2), "weight", amount=1.5)
    with pytest.raises(ValueError):
        prune.l1_unstructured(nn.Linear(2, 2), "weight", amount=5)
    with pytest.raises(TypeError):
        prune.l1_unstructured(nn.Linear(2, 2), "weight", amount="half")
    with pytest.raises(ValueError):
        prune.remove(nn.Linear(2, 2), "weight")


def test_register_parametrization_matches_torch(torch):
    class TSym(torch.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).T

        def right_inverse(self, A):
            return A.triu()

    t, m = _pair(torch, "Linear", 3, 3)
    torch.nn.utils.parametrize.register_parametrization(t, "weight", TSym())
    P.register_parametrization(m, "weight", Symmetric())
    assert list(m.state_dict()) == list(t.state_dict())
    assert repr(m).replace("Symmetric", "TSym") == repr(t)
    np.testing.assert_allclose(m.parametrizations.weight.original.data,
                               t.parametrizations.weight.original.detach().numpy())
    _grads_match(t, m, np.random.default_rng(9).normal(size=(2, 3)))
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    P.remove_parametrizations(m, "weight")
    assert list(m.state_dict()) == list(t.state_dict())
