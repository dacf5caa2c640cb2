"""Adadelta, Adamax, NAdam, RAdam, Rprop and ASGD: the same parameters as PyTorch after 20
steps (float64, 1e-10), state dicts (ours and PyTorch's), parameter groups, first steps by hand
and the errors for bad options."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


@pytest.fixture(autouse=True, scope="module")
def torch_in_float64_on_one_thread():
    """PyTorch keeps scalar state (step, mu_product, eta) in its default dtype: float64 here."""
    if torch is None:
        yield
        return
    threads, dtype = torch.get_num_threads(), torch.get_default_dtype()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_num_threads(threads)
    torch.set_default_dtype(dtype)


# ---- a small problem: f(W, b) = ½ Σ (tanh(X W) + b - Y)² + Σ sin(W), gradients by hand --------
_rng = np.random.default_rng(3)
X = _rng.standard_normal((6, 3))
Y = _rng.standard_normal((6, 2))
START = [_rng.standard_normal((3, 2)), _rng.standard_normal(2) * 0.1]


def gradients(w: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    h = np.tanh(X @ w)
    r = h + b - Y
    return [X.T @ (r * (1 - h * h)) + np.cos(w), r.sum(axis=0)]


def set_grads(params, to_array, to_grad) -> None:
    for p, g in zip(params, gradients(*[to_array(p) for p in params])):
        p.grad = to_grad(g)


def ours_and_torch(make):
    params = [nn.Parameter(tg.tensor(a.copy())) for a in START]
    params_t = [torch.tensor(a.copy(), requires_grad=True) for a in START]
    return params, make(optim, params), params_t, make(torch.optim, params_t)


def step_ours(params, opt) -> None:
    set_grads(params, lambda p: p.data, tg.tensor)
    opt.step()


def step_torch(params_t, opt_t) -> None:
    set_grads(params_t, lambda p: p.detach().numpy(), torch.from_numpy)
    opt_t.step()


CONFIGS = {
    "adadelta": lambda o, ps: o.Adadelta(ps),
    "adadelta-all": lambda o, ps: o.Adadelta(ps, lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True),
    "adamax": lambda o, ps: o.Adamax(ps),
    "adamax-all": lambda o, ps: o.Adamax(ps, lr=0.05, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.2),
    "nadam": lambda o, ps: o.NAdam(ps, lr=0.01),
    "nadam-wd": lambda o, ps: o.NAdam(ps, lr=0.02, betas=(0.8, 0.95), weight_decay=0.1, momentum_decay=0.01),
    "nadam-decoupled": lambda o, ps: o.NAdam(ps, lr=0.02, weight_decay=0.1, decoupled_weight_decay=True),
    "radam": lambda o, ps: o.RAdam(ps, lr=0.01),
    "radam-short-memory": lambda o, ps: o.RAdam(ps, lr=0.02, betas=(0.8, 0.7), weight_decay=0.1),
    "radam-decoupled": lambda o, ps: o.RAdam(ps, lr=0.02, betas=(0.9, 0.8), weight_decay=0.1,
                                             decoupled_weight_decay=True, maximize=True),
    "rprop": lambda o, ps: o.Rprop(ps),
    "rprop-all": lambda o, ps: o.Rprop(ps, lr=0.1, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2)),
    "asgd": lambda o, ps: o.ASGD(ps, lr=0.05),
    "asgd-averaging": lambda o, ps: o.ASGD(ps, lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1),
    "groups": lambda o, ps: o.NAdam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05, "betas": (0.5, 0.6)}],
                                    lr=0.01),
    "rprop-groups": lambda o, ps: o.Rprop([{"params": ps[:1], "lr": 0.3}, {"params": ps[1:]}], etas=(0.4, 1.1)),
}


@needs_torch
@pytest.mark.parametrize("name", CONFIGS)
def test_20_steps_match_torch(name):
    params, opt, params_t, opt_t = ours_and_torch(CONFIGS[name])
    for _ in range(20):
        step_ours(params, opt)
        step_torch(params_t, opt_t)
    for p, p_t in zip(params, params_t):
        assert not np.allclose(p.data, START[0] if p.ndim == 2 else START[1])  # it moved
        np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    if name == "asgd-averaging":  # the running average too
        for p, p_t in zip(params, params_t):
            np.testing.assert_allclose(opt.state[p]["ax"], opt_t.state[p_t]["ax"].numpy(), rtol=1e-10)


@needs_torch
@pytest.mark.parametrize("name", ["adadelta-all", "adamax-all", "nadam-wd", "radam", "rprop-all",
                                  "asgd-averaging", "groups"])
def test_state_dict_has_torchs_layout_and_a_torch_state_dict_loads(name):
    params, opt, params_t, opt_t = ours_and_torch(CONFIGS[name])
    for _ in range(7):  # torch trains alone
        step_torch(params_t, opt_t)
    sd_t = opt_t.state_dict()
    for p, p_t in zip(params, params_t):
        p.data[...] = p_t.detach().numpy()
    opt.load_state_dict(sd_t)
    sd = opt.state_dict()
    assert sorted(sd["state"]) == sorted(sd_t["state"])
    for i in sd["state"]:
        assert sorted(sd["state"][i]) == sorted(sd_t["state"][i])
        for key, value in sd["state"][i].items():
            np.testing.assert_allclose(value, np.asarray(sd_t["state"][i][key]), rtol=1e-15)
    for group, group_t in zip(sd["param_groups"], sd_t["param_groups"]):
        assert set(group) == set(group_t)
        assert all(group[k] == group_t[k] for k in group)
    for _ in range(13):
        step_ours(params, opt)
        step_torch(params_t, opt_t)
    for p, p_t in zip(params, params_t):
        np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", CONFIGS)
def test_state_dict_round_trip_resumes_exactly(name, tmp_path):
    params_a = [nn.Parameter(tg.tensor(a.copy())) for a in START]
    opt_a = CONFIGS[name](optim, params_a)
    for _ in range(4):
        step_ours(params_a, opt_a)
    tg.save(opt_a.state_dict(), tmp_path / "opt.npz")
    params_b = [nn.Parameter(tg.tensor(p.data.copy())) for p in params_a]
    opt_b = CONFIGS[name](optim, params_b)
    opt_b.load_state_dict(tg.load(tmp_path / "opt.npz"))
    for _ in range(5):
        step_ours(params_a, opt_a)
        step_ours(params_b, opt_b)
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a.data, b.data)


# ---- first steps by hand (no torch needed) ----------------------------------------------------
def one_parameter(opt_class, grads, start=(1.0, -2.0), **options):
    p = nn.Parameter(tg.tensor(list(start)))
    opt = opt_class([p], **options)
    history = []
    for g in grads:
        p.grad = tg.tensor(g)
        opt.step()
        history.append(p.data.copy())
    return history


def test_adadelta_first_step_by_hand():
    g = np.array([2.0, -0.5])
    (p1,) = one_parameter(optim.Adadelta, [g], lr=0.5, rho=0.9, eps=1e-6)
    v = 0.1 * g * g
    delta = np.sqrt(1e-6) / np.sqrt(v + 1e-6) * g
    np.testing.assert_allclose(p1, np.array([1.0, -2.0]) - 0.5 * delta, rtol=1e-14)


def test_adamax_first_step_is_lr_times_the_sign():
    (p1,) = one_parameter(optim.Adamax, [np.array([3.0, -0.25])], lr=0.1, eps=0.0)
    np.testing.assert_allclose(p1, [0.9, -1.9], rtol=1e-14)


def test_nadam_first_step_by_hand():
    g, lr, b1, b2, psi = np.array([1.0, -3.0]), 0.1, 0.9, 0.999, 4e-3
    (p1,) = one_parameter(optim.NAdam, [g], lr=lr)
    mu1, mu2 = b1 * (1 - 0.5 * 0.96 ** psi), b1 * (1 - 0.5 * 0.96 ** (2 * psi))
    m, d = (1 - b1) * g, np.sqrt((1 - b2) * g * g / (1 - b2)) + 1e-8
    expected = np.array([1.0, -2.0]) - lr * (1 - mu1) / (1 - mu1) * g / d - lr * mu2 / (1 - mu1 * mu2) * m / d
    np.testing.assert_allclose(p1, expected, rtol=1e-14)


def test_radam_is_sgd_with_momentum_until_the_variance_is_trusted():
    grads = [np.array([1.0, 2.0])] * 7
    history = one_parameter(optim.RAdam, grads, lr=0.1)
    # with β₂ = 0.999, ρₜ ≤ 5 for the first 5 steps: p ← p - lr · m̂, and m̂ = g for a constant g
    for t in range(5):
        np.testing.assert_allclose(history[t], np.array([1.0, -2.0]) - 0.1 * (t + 1) * grads[0], rtol=1e-13)
    # step 6 is rectified: it moves by lr · r · m̂ / (√v̂ + ...) ≈ lr · r, with 0 < r < 1
    moved = np.abs(history[6] - history[5])
    assert np.all(moved < 0.1) and np.all(moved > 0)


def test_rprop_speeds_up_slows_down_and_skips_after_a_sign_change():
    grads = [np.array([1.0, 1.0]), np.array([1.0, -1.0]), np.array([1.0, -1.0])]
    h = one_parameter(optim.Rprop, grads, lr=0.1, etas=(0.5, 1.2))
    np.testing.assert_allclose(h[0], [0.9, -2.1])
    np.testing.assert_allclose(h[1], [0.9 - 0.12, -2.1])        # same sign: 1.2 · 0.1; changed: no step
    np.testing.assert_allclose(h[2], [0.9 - 0.12 - 0.144, -2.1 + 0.05])  # then 0.5 · 0.1, no slow down


def test_asgd_average_follows_the_parameter_until_t0_then_averages():
    p = nn.Parameter(tg.tensor([1.0, -2.0]))
    opt = optim.ASGD([p], lr=0.1, lambd=0.0, t0=2)
    seen = []
    for g in ([1.0, 1.0], [2.0, 0.0], [0.0, 4.0], [1.0, 1.0], [3.0, 1.0]):
        p.grad = tg.tensor(g)
        opt.step()
        seen.append(p.data.copy())
        if len(seen) <= 4:
            np.testing.assert_array_equal(opt.state[p]["ax"], seen[-1])
    # λ = 0: η stays lr; step t uses μ = 1 / max(1, t - 1 - t0) (set after the step before): ½ at t = 5
    np.testing.assert_allclose(seen[1], [1.0 - 0.3, -2.1])
    np.testing.assert_allclose(opt.state[p]["ax"], (seen[3] + seen[4]) / 2)


def test_maximize_climbs_and_weight_decay_pulls_toward_zero():
    up = one_parameter(optim.Adamax, [np.array([1.0, 1.0])], lr=0.1, maximize=True)[0]
    assert np.all(up > [1.0, -2.0])
    p = nn.Parameter(tg.tensor([5.0]))
    opt = optim.NAdam([p], lr=0.1, weight_decay=1.0, decoupled_weight_decay=True)
    p.grad = tg.zeros(1)
    opt.step()
    np.testing.assert_allclose(p.data, [5.0 * (1 - 0.1)])  # a zero gradient: only the decay moves it


def test_param_groups_keep_their_own_options_and_state():
    a, b = nn.Parameter(tg.ones(2)), nn.Parameter(tg.ones(2))
    opt = optim.Rprop([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = tg.ones(2), tg.ones(2)
    opt.step()
    np.testing.assert_allclose(a.data, [0.9, 0.9])
    np.testing.assert_allclose(b.data, [0.5, 0.5])
    assert opt.param_groups[1]["etas"] == (0.5, 1.2) and sorted(opt.state[b]) == ["prev", "step", "step_size"]


def test_a_float32_parameter_stays_float32():
    for opt_class in (optim.Adadelta, optim.Adamax, optim.NAdam, optim.RAdam, optim.Rprop, optim.ASGD):
        p = nn.Parameter(tg.tensor(np.ones(3, dtype=np.float32)))
        opt = opt_class([p])
        for _ in range(3):
            p.grad = tg.tensor(np.array([1.0, -1.0, 0.0], dtype=np.float32))
            opt.step()
        assert p.dtype == np.float32, opt_class.__name__


@pytest.mark.parametrize("make, words", [
    (lambda o, ps: o.Adadelta(ps, rho=1.5), "Invalid rho value: 1.5"),
    (lambda o, ps: o.Adadelta(ps, lr=-1.0), "Invalid learning rate: -1.0"),
    (lambda o, ps: o.Adamax(ps, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
    (lambda o, ps: o.NAdam(ps, momentum_decay=-1), "Invalid momentum_decay value: -1"),
    (lambda o, ps: o.RAdam(ps, eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda o, ps: o.RAdam(ps, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda o, ps: o.Rprop(ps, etas=(1.2, 0.5)), "Invalid eta values: 1.2, 0.5"),
    (lambda o, ps: o.ASGD(ps, weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
])
def test_bad_options_raise_value_error_as_torch(make, words):
    with pytest.raises(ValueError, match=words):
        make(optim, [nn.Parameter(tg.ones(1))])
    if torch is not None:
        with pytest.raises(ValueError, match=words):
            make(torch.optim, [torch.ones(1, requires_grad=True)])


def test_differentiable_true_is_refused():
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        optim.NAdam([nn.Parameter(tg.ones(1))], differentiable=True)
