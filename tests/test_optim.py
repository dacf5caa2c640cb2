"""optim.SGD and optim.Adam: PyTorch's update equations checked against hand-computed steps
(and against PyTorch when installed), parameter groups, state dicts, errors."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

GRADS = [np.array([1.0, 2.0]), np.array([-1.0, 0.5]), np.array([0.5, 0.5])]


def run(opt_factory, grads=GRADS, start=(1.0, -2.0)):
    """Apply the given gradients one step at a time; return the parameter after each step."""
    p = nn.Parameter(tg.tensor(list(start)))
    opt = opt_factory([p])
    history = []
    for g in grads:
        p.grad = tg.tensor(g)
        opt.step()
        history.append(p.data.copy())
    return history


# ---- SGD -----------------------------------------------------------------------------------
def test_sgd_plain_step():
    # p ← p - lr·g
    steps = run(lambda ps: optim.SGD(ps, lr=0.1))
    np.testing.assert_allclose(steps[0], [0.9, -2.2], rtol=1e-15)
    np.testing.assert_allclose(steps[2], [0.9 + 0.1 - 0.05, -2.2 - 0.05 - 0.05], rtol=1e-15)


def test_sgd_momentum_by_hand():
    # b1 = g1 = (1, 2)                          p1 = (1, -2) - 0.1·(1, 2)     = (0.9, -2.2)
    # b2 = 0.9·b1 + g2 = (-0.1, 2.3)            p2 = p1 - 0.1·b2              = (0.91, -2.43)
    # b3 = 0.9·b2 + g3 = (0.41, 2.57)           p3 = p2 - 0.1·b3              = (0.869, -2.687)
    steps = run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9))
    np.testing.assert_allclose(steps, [[0.9, -2.2], [0.91, -2.43], [0.869, -2.687]], rtol=1e-14)


def test_sgd_momentum_with_dampening_and_weight_decay_by_hand():
    # weight_decay 0.5: g1' = (1, 2) + 0.5·(1, -2) = (1.5, 1);  b1 = g1' (no dampening on step 1)
    # p1 = (1, -2) - 0.1·(1.5, 1) = (0.85, -2.1)
    # g2' = (-1, 0.5) + 0.5·(0.85, -2.1) = (-0.575, -0.55);  b2 = 0.9·b1 + (1 - 0.5)·g2' = (1.0625, 0.625)
    # p2 = p1 - 0.1·b2 = (0.74375, -2.1625)
    steps = run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.5), GRADS[:2])
    np.testing.assert_allclose(steps, [[0.85, -2.1], [0.74375, -2.1625]], rtol=1e-14)


def test_sgd_nesterov_by_hand():
    # b1 = g1 = (1, 2); step direction g1 + 0.9·b1 = (1.9, 3.8);      p1 = (0.81, -2.38)
    # b2 = 0.9·b1 + g2 = (-0.1, 2.3); direction g2 + 0.9·b2 = (-1.09, 2.57);  p2 = (0.919, -2.637)
    steps = run(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True), GRADS[:2])
    np.testing.assert_allclose(steps, [[0.81, -2.38], [0.919, -2.637]], rtol=1e-14)


def test_sgd_trains_a_model_and_skips_parameters_without_grad():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    frozen = nn.Parameter(tg.ones(3))
    opt = optim.SGD(list(model.parameters()) + [frozen], lr=0.2, momentum=0.9)
    x = tg.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = tg.tensor([[0.0], [1.0], [1.0], [0.0]])
    losses = []
    for _ in range(300):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.01 < losses[0]
    assert frozen.tolist() == [1.0, 1.0, 1.0] and frozen not in opt.state


# ---- Adam ----------------------------------------------------------------------------------
def adam_reference(grads, p0, lr, betas, eps, weight_decay=0.0):
    """The textbook Adam, step by step (m̂ and v̂ explicitly)."""
    p, m, v = np.array(p0, dtype=float), 0.0, 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * p
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(p.copy())
    return out


def test_adam_first_step_moves_each_coordinate_by_lr():
    # step 1: m̂ = g and v̂ = g², so the update is lr · g / (|g| + eps) ≈ lr · sign(g)
    steps = run(lambda ps: optim.Adam(ps, lr=0.1), GRADS[:1])
    np.testing.assert_allclose(steps[0], [1.0 - 0.1 / (1 + 1e-8), -2.0 - 0.1 * 2 / (2 + 1e-8)], rtol=1e-15)


def test_adam_with_a_constant_gradient_moves_lr_per_step():
    grads = [np.array([0.5, -4.0])] * 4  # m̂ = g and v̂ = g² at every step
    steps = run(lambda ps: optim.Adam(ps, lr=0.01, eps=0.0), grads)
    for t, p in enumerate(steps, start=1):
        np.testing.assert_allclose(p, [1.0 - 0.01 * t, -2.0 + 0.01 * t], rtol=1e-14)


@pytest.mark.parametrize("weight_decay", [0.0, 0.3])
def test_adam_matches_the_textbook_equations(weight_decay, rng):
    grads = [rng.standard_normal(2) for _ in range(6)]
    steps = run(lambda ps: optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=weight_decay), grads)
    expected = adam_reference(grads, [1.0, -2.0], 0.05, (0.8, 0.99), 1e-6, weight_decay)
    np.testing.assert_allclose(steps, expected, rtol=1e-13)


def test_adam_amsgrad_uses_the_largest_second_moment():
    # g1 = 1, g2 = 0.01: v2 < v1, so amsgrad divides by √v̂ computed from v1 = 0.001 (max), not v2
    steps = run(lambda ps: optim.Adam(ps, lr=0.1, betas=(0.0, 0.999), eps=0.0, amsgrad=True),
                [np.array([1.0]), np.array([0.01])], start=(0.0,))
    v1 = 0.001
    bias2 = 1 - 0.999 ** 2
    np.testing.assert_allclose(steps[1][0], -0.1 - 0.1 * 0.01 / math.sqrt(v1 / bias2), rtol=1e-13)


# ---- API: groups, zero_grad, errors, state dicts ---------------------------------------------
def test_param_groups_have_their_own_options():
    a, b = nn.Parameter(tg.ones(1)), nn.Parameter(tg.ones(1))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = tg.ones(1), tg.ones(1)
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]


def test_a_generator_of_parameters_is_accepted():
    model = nn.Linear(2, 2)
    opt = optim.Adam(model.parameters())
    assert len(opt.param_groups[0]["params"]) == 2


def test_zero_grad_sets_grads_to_none():
    p = nn.Parameter(tg.ones(2))
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.zero_grad()
    assert p.grad is None


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD(p, lr=-0.1), "invalid learning rate -0.1"),
    (lambda p: optim.Adam(p, lr=-1), "invalid learning rate -1"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), "invalid momentum"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), "invalid weight_decay"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "nesterov momentum needs momentum > 0"),
    (lambda p: optim.Adam(p, betas=(0.9, 1.0)), "invalid betas"),
    (lambda p: optim.Adam(p, eps=-1e-8), "invalid eps"),
    (lambda p: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda p: optim.SGD(p + p, lr=0.1), "appears more than once"),
    (lambda p: optim.SGD([p[0] * 2], lr=0.1), "not a leaf tensor"),
    (lambda p: optim.SGD([{"params": p, "momentum_typo": 1}], lr=0.1), "unknown option"),
])
def test_bad_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter(tg.ones(2))])


def test_a_single_tensor_instead_of_a_list_is_a_type_error():
    with pytest.raises(TypeError, match="got a single Tensor; wrap it in a list"):
        optim.SGD(nn.Parameter(tg.ones(2)), lr=0.1)


def test_step_changes_parameters_in_place_and_bumps_their_version():
    p = nn.Parameter(tg.ones(2))
    array = p.data
    out = (p * p).sum()
    out.backward(retain_graph=True)
    optim.SGD([p], lr=0.1).step()
    assert p.data is array and array.tolist() == [0.8, 0.8]
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.backward()


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: optim.Adam([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.01}], lr=0.05, amsgrad=True),
])
def test_state_dict_round_trips_through_save_and_load(make, tmp_path, rng):
    start = [rng.standard_normal((3, 2)), rng.standard_normal(3)]
    grads = [[rng.standard_normal(a.shape) for a in start] for _ in range(6)]
    params_a = [nn.Parameter(tg.tensor(a.copy())) for a in start]
    opt_a = make(params_a)

    def step(opt, params, gs):
        for p, g in zip(params, gs):
            p.grad = tg.tensor(g)
        opt.step()

    for gs in grads[:3]:
        step(opt_a, params_a, gs)
    sd = opt_a.state_dict()
    assert sorted(sd) == ["param_groups", "state"] and sorted(sd["state"]) == [0, 1]
    assert [g["params"] for g in sd["param_groups"]] in ([[0, 1]], [[0], [1]])
    tg.save(sd, tmp_path / "opt.npz")
    params_b = [nn.Parameter(tg.tensor(p.data.copy())) for p in params_a]
    opt_b = make(params_b)
    opt_b.load_state_dict(tg.load(tmp_path / "opt.npz"))
    for gs in grads[3:]:
        step(opt_a, params_a, gs)
        step(opt_b, params_b, gs)
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a.data, b.data)


def test_state_dict_is_a_snapshot_and_load_checks_shapes():
    p = nn.Parameter(tg.ones(2))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = tg.ones(2)
    opt.step()
    sd = opt.state_dict()
    opt.step()
    assert sd["state"][0]["momentum_buffer"].tolist() == [1.0, 1.0]
    sd["state"][0]["momentum_buffer"] = np.ones(3)
    with pytest.raises(ValueError, match=r"'momentum_buffer' of parameter 0 has shape \(3,\)"):
        opt.load_state_dict(sd)
    with pytest.raises(ValueError, match="has 2 parameter groups, this optimizer has 1"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]})


def test_load_state_dict_restores_the_options():
    p = nn.Parameter(tg.ones(1))
    opt = optim.Adam([p], lr=0.5, betas=(0.5, 0.6))
    other = optim.Adam([nn.Parameter(tg.ones(1))])
    other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] == 0.5 and other.param_groups[0]["betas"] == (0.5, 0.6)


# ---- against PyTorch -----------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("ours, theirs", [
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
     lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01)),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=0.8, dampening=0.3),
     lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.8, dampening=0.3)),
    (lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
     lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True)),
    (lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.1),
     lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1)),
    (lambda ps: optim.Adam(ps, lr=0.02, betas=(0.8, 0.9), eps=1e-6, amsgrad=True),
     lambda ps: torch.optim.Adam(ps, lr=0.02, betas=(0.8, 0.9), eps=1e-6, amsgrad=True)),
])
def test_training_trajectory_matches_torch(ours, theirs, rng):
    tg.manual_seed(3)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4))
    reference = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 4)).double()
    reference.load_state_dict({k: torch.from_numpy(np.asarray(v).copy()) for k, v in model.state_dict().items()})
    opt, opt_t = ours(list(model.parameters())), theirs(reference.parameters())
    x, t = rng.standard_normal((8, 3)), rng.integers(0, 4, 8)
    for _ in range(8):
        opt.zero_grad()
        F.cross_entropy(model(tg.tensor(x)), t).backward()
        opt.step()
        opt_t.zero_grad()
        torch.nn.functional.cross_entropy(reference(torch.from_numpy(x)), torch.from_numpy(t)).backward()
        opt_t.step()
    for (name, p), (name_t, p_t) in zip(model.named_parameters(), reference.named_parameters()):
        assert name == name_t
        np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=1e-11, atol=1e-13)
