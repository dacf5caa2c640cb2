"""optim: every optimizer's update equations (by hand, and as 100-step trajectories against
torch.optim when PyTorch is installed), parameter groups, closures, state dicts, learning-rate
schedulers, L-BFGS, and argument errors.

The trajectory tests compute the gradients of a fixed problem with numpy, the same arrays for
both libraries, so that they compare the optimizers alone (autograd has its own tests)."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.optim import lr_scheduler

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """PyTorch's thread pool only slows these tiny problems down (and more so on a busy machine)."""
    if torch is None:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

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


# ---- the fixed problem: a 2-layer tanh network with a squared error, float64 -----------------
_rng = np.random.default_rng(7)
X = _rng.standard_normal((8, 3))
Y = _rng.standard_normal((8, 2))
START = [_rng.standard_normal((4, 3)) * 0.8, _rng.standard_normal(4) * 0.1,
         _rng.standard_normal((2, 4)) * 0.8, _rng.standard_normal(2) * 0.1]


def loss_and_grads(w1, b1, w2, b2):
    """loss = ½ mean Σ (tanh(X W1ᵀ + b1) W2ᵀ + b2 - Y)² and its gradients, by hand."""
    h = np.tanh(X @ w1.T + b1)
    r = h @ w2.T + b2 - Y
    n = len(X)
    dout = r / n
    dh = (dout @ w2) * (1 - h * h)  # d tanh = 1 - tanh²
    return 0.5 * (r * r).sum() / n, [dh.T @ X, dh.sum(0), dout.T @ h, dout.sum(0)]


def trajectory(lib, make, steps=100, schedule=None, every_step=None, use_closure=False):
    """Train the problem with `lib` (our optim or torch.optim): `make(lib_optim, params)` builds
    the optimizer, `schedule(lib_optim, opt)` an optional scheduler stepped after each step,
    `every_step(opt, i)` may change options. Returns (parameters after each step, losses)."""
    if lib == "ours":
        params = [nn.Parameter(tg.tensor(a.copy())) for a in START]
        module, as_grad, as_array = optim, tg.tensor, lambda p: p.data
    else:
        params = [torch.tensor(a.copy(), requires_grad=True) for a in START]
        module, as_grad, as_array = torch.optim, torch.from_numpy, lambda p: p.detach().numpy()
    opt = make(module, params)
    scheduler = schedule(module, opt) if schedule else None
    history, losses = [], []

    def closure():
        loss, grads = loss_and_grads(*[as_array(p) for p in params])
        for p, g in zip(params, grads):
            p.grad = as_grad(g)
        return loss

    for i in range(steps):
        if every_step:
            every_step(opt, i)
        if use_closure:
            losses.append(float(opt.step(closure)))
        else:
            losses.append(closure())
            opt.step()
        if scheduler:
            scheduler.step()
        history.append(np.concatenate([as_array(p).ravel() for p in params]))
    return np.array(history), np.array(losses)


def assert_same_trajectory(ours, theirs):
    """Equal to 1e-10 of the parameters' scale (they are of order 1): PyTorch's kernels round
    differently in the last bit (fused multiply-adds), and 100 steps may grow that a little."""
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


def half_lr_at_step_50(opt, i):
    if i == 50:
        for group in opt.param_groups:
            group["lr"] = group["lr"] / 2


CONFIGS = {
    "sgd": lambda o, ps: o.SGD(ps, lr=0.1),
    "sgd-momentum-wd": lambda o, ps: o.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    "sgd-dampening": lambda o, ps: o.SGD(ps, lr=0.1, momentum=0.8, dampening=0.3),
    "sgd-nesterov": lambda o, ps: o.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "sgd-maximize": lambda o, ps: o.SGD(ps, lr=0.01, momentum=0.5, maximize=True),
    "adam": lambda o, ps: o.Adam(ps, lr=0.01),
    "adam-wd": lambda o, ps: o.Adam(ps, lr=0.01, weight_decay=0.1),
    "adam-amsgrad": lambda o, ps: o.Adam(ps, lr=0.02, betas=(0.8, 0.9), eps=1e-6, amsgrad=True),
    "adam-beta1-0": lambda o, ps: o.Adam(ps, lr=0.01, betas=(0.0, 0.99)),
    "adamw": lambda o, ps: o.AdamW(ps, lr=0.01),
    "adamw-amsgrad-wd": lambda o, ps: o.AdamW(ps, lr=0.02, weight_decay=0.1, amsgrad=True),
    "rmsprop": lambda o, ps: o.RMSprop(ps, lr=0.01),
    "rmsprop-centered": lambda o, ps: o.RMSprop(ps, lr=0.01, centered=True),
    "rmsprop-momentum": lambda o, ps: o.RMSprop(ps, lr=0.005, momentum=0.9, alpha=0.9),
    "rmsprop-all": lambda o, ps: o.RMSprop(ps, lr=0.005, alpha=0.95, eps=1e-6, weight_decay=0.1, momentum=0.5,
                                           centered=True),
    "adagrad": lambda o, ps: o.Adagrad(ps, lr=0.1),
    "adagrad-all": lambda o, ps: o.Adagrad(ps, lr=0.2, lr_decay=0.01, weight_decay=0.1,
                                           initial_accumulator_value=0.1, eps=1e-8),
    "sgd-groups": lambda o, ps: o.SGD([{"params": ps[:2]}, {"params": ps[2:], "lr": 1e-3}], lr=1e-2, momentum=0.9),
    "adam-groups": lambda o, ps: o.Adam([{"params": ps[:2], "betas": (0.5, 0.9), "weight_decay": 0.1},
                                         {"params": ps[2:], "lr": 0.03, "amsgrad": True}], lr=0.01),
    "rmsprop-groups": lambda o, ps: o.RMSprop([{"params": ps[:1], "centered": True}, {"params": ps[1:]}], lr=0.01),
}


@needs_torch
@pytest.mark.parametrize("name", CONFIGS)
def test_100_steps_match_torch(name):
    ours, losses = trajectory("ours", CONFIGS[name])
    theirs, _ = trajectory("torch", CONFIGS[name])
    assert np.abs(ours[-1] - ours[0]).max() > 1e-3  # the parameters did move
    assert_same_trajectory(ours, theirs)
    if "maximize" not in name:
        assert losses[-1] < losses[0]


SCHEDULED = {
    "step-lr": (lambda o, ps: o.SGD(ps, lr=0.1, momentum=0.9),
                lambda o, opt: o.lr_scheduler.StepLR(opt, step_size=30, gamma=0.5)),
    "exponential-lr": (lambda o, ps: o.Adam(ps, lr=0.02),
                       lambda o, opt: o.lr_scheduler.ExponentialLR(opt, gamma=0.97)),
    "multistep-lr": (lambda o, ps: o.Adagrad(ps, lr=0.1),
                     lambda o, opt: o.lr_scheduler.MultiStepLR(opt, milestones=[10, 40, 40, 70], gamma=0.5)),
    "cosine-annealing-lr": (lambda o, ps: o.AdamW(ps, lr=0.02),
                            lambda o, opt: o.lr_scheduler.CosineAnnealingLR(opt, T_max=30, eta_min=1e-3)),
    "lambda-lr-per-group": (
        lambda o, ps: o.RMSprop([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.02}], lr=0.01, momentum=0.5),
        lambda o, opt: o.lr_scheduler.LambdaLR(opt, [lambda e: 1 / (1 + e), lambda e: 0.99 ** e])),
}


@needs_torch
@pytest.mark.parametrize("name", SCHEDULED)
def test_schedulers_match_torch(name):
    make, schedule = SCHEDULED[name]
    ours, _ = trajectory("ours", make, schedule=schedule)
    theirs, _ = trajectory("torch", make, schedule=schedule)
    assert_same_trajectory(ours, theirs)


@needs_torch
@pytest.mark.parametrize("name", ["sgd-groups", "adamw", "adagrad-all"])
def test_changing_lr_in_param_groups_takes_effect_and_matches_torch(name):
    ours, _ = trajectory("ours", CONFIGS[name], every_step=half_lr_at_step_50)
    theirs, _ = trajectory("torch", CONFIGS[name], every_step=half_lr_at_step_50)
    unchanged, _ = trajectory("ours", CONFIGS[name])
    assert_same_trajectory(ours, theirs)
    np.testing.assert_array_equal(ours[:50], unchanged[:50])
    assert not np.allclose(ours[50], unchanged[50], rtol=1e-6)


@needs_torch
@pytest.mark.parametrize("name", ["sgd-nesterov", "adam-amsgrad", "rmsprop-all", "adagrad-all"])
def test_step_with_a_closure_matches_torch(name):
    ours, losses = trajectory("ours", CONFIGS[name], steps=30, use_closure=True)
    theirs, losses_t = trajectory("torch", CONFIGS[name], steps=30, use_closure=True)
    assert_same_trajectory(ours, theirs)
    np.testing.assert_allclose(losses, losses_t, rtol=1e-10)


@needs_torch
@pytest.mark.parametrize("name", ["sgd-momentum-wd", "adam-groups", "adamw-amsgrad-wd", "rmsprop-all", "adagrad-all"])
def test_state_dict_layout_is_torchs_and_a_torch_state_dict_loads(name):
    make = CONFIGS[name]
    params = [nn.Parameter(tg.tensor(a.copy())) for a in START]
    params_t = [torch.tensor(a.copy(), requires_grad=True) for a in START]
    opt, opt_t = make(optim, params), make(torch.optim, params_t)
    for _ in range(5):  # torch trains alone for 5 steps
        for p, g in zip(params_t, loss_and_grads(*[p.detach().numpy() for p in params_t])[1]):
            p.grad = torch.from_numpy(g)
        opt_t.step()
    sd_t = opt_t.state_dict()
    with torch.no_grad():
        for p, p_t in zip(params, params_t):
            p.data[...] = p_t.numpy()
    opt.load_state_dict(sd_t)  # torch tensors in "state" are taken as arrays
    sd = opt.state_dict()
    assert sorted(sd["state"]) == sorted(sd_t["state"])
    for i in sd["state"]:
        assert sorted(sd["state"][i]) == sorted(sd_t["state"][i])
        for key, value in sd["state"][i].items():
            np.testing.assert_allclose(value, np.asarray(sd_t["state"][i][key]), rtol=1e-15)
    for group, group_t in zip(sd["param_groups"], sd_t["param_groups"]):
        assert group["params"] == group_t["params"]
        assert set(group) <= set(group_t)
        assert all(group[k] == group_t[k] for k in group if k != "params")
    for _ in range(20):  # then both continue from the same state
        for ps, as_array, as_grad, o in ((params, lambda p: p.data, tg.tensor, opt),
                                         (params_t, lambda p: p.detach().numpy(), torch.from_numpy, opt_t)):
            for p, g in zip(ps, loss_and_grads(*[as_array(p) for p in ps])[1]):
                p.grad = as_grad(g)
            o.step()
    for p, p_t in zip(params, params_t):
        np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=1e-10, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("name", SCHEDULED)
def test_scheduler_state_matches_torch(name):
    make, schedule = SCHEDULED[name]
    params = [nn.Parameter(tg.tensor(a.copy())) for a in START]
    params_t = [torch.tensor(a.copy(), requires_grad=True) for a in START]
    opt, opt_t = make(optim, params), make(torch.optim, params_t)
    sched, sched_t = schedule(optim, opt), schedule(torch.optim, opt_t)
    lrs, lrs_t = [], []
    for _ in range(65):
        opt.step()
        opt_t.step()
        sched.step()
        sched_t.step()
        lrs.append(sched.get_last_lr())
        lrs_t.append(sched_t.get_last_lr())
    np.testing.assert_allclose(lrs, lrs_t, rtol=1e-15)
    assert sched.last_epoch == sched_t.last_epoch == 65
    sd, sd_t = sched.state_dict(), sched_t.state_dict()
    assert set(sd) <= set(sd_t)
    assert sd["base_lrs"] == sd_t["base_lrs"] and sd["last_epoch"] == sd_t["last_epoch"]
    assert [g["initial_lr"] for g in opt.param_groups] == [g["initial_lr"] for g in opt_t.param_groups]


# ---- L-BFGS ---------------------------------------------------------------------------------
def rosenbrock(x):
    """Σ 100 (x[i+1] - x[i]²)² + (1 - x[i])², minimum 0 at (1, ..., 1), and its gradient."""
    a, b = x[:-1], x[1:]
    f = (100 * (b - a * a) ** 2 + (1 - a) ** 2).sum()
    g = np.zeros_like(x)
    g[:-1] = -400 * a * (b - a * a) - 2 * (1 - a)
    g[1:] += 200 * (b - a * a)
    return f, g


def lbfgs_run(lib, steps, start, **options):
    """Minimise the Rosenbrock function with L-BFGS; the closure returns the loss as a tensor."""
    if lib == "ours":
        x = nn.Parameter(tg.tensor(np.array(start)))
        opt, as_array, wrap = optim.LBFGS([x], **options), lambda: x.data, tg.tensor
    else:
        x = torch.tensor(np.array(start), requires_grad=True)
        opt, as_array, wrap = torch.optim.LBFGS([x], **options), lambda: x.detach().numpy(), torch.tensor
    calls = []

    def closure():
        f, g = rosenbrock(as_array())
        x.grad = wrap(g)
        calls.append(f)
        return wrap(f)

    history, returned = [], []
    for _ in range(steps):
        returned.append(float(opt.step(closure)))
        history.append(as_array().copy())
    state = opt.state[x]
    return np.array(history), returned, calls, state["n_iter"], state["func_evals"]


LBFGS_CASES = {
    "fixed-step": dict(lr=0.05, max_iter=10, history_size=5),
    "fixed-step-defaults": dict(lr=0.1),
    "strong-wolfe": dict(line_search_fn="strong_wolfe"),
    "strong-wolfe-short-history": dict(lr=0.8, max_iter=7, history_size=3, line_search_fn="strong_wolfe"),
}


@needs_torch
@pytest.mark.parametrize("case", LBFGS_CASES)
def test_lbfgs_matches_torch(case):
    start = [-1.2, 1.0, -0.5, 0.8]
    ours = lbfgs_run("ours", 6, start, **LBFGS_CASES[case])
    theirs = lbfgs_run("torch", 6, start, **LBFGS_CASES[case])
    # the same branches: as many iterations and closure calls
    assert len(ours[2]) == len(theirs[2]) and ours[3:] == theirs[3:]  # calls, n_iter, func_evals
    # a line search on the Rosenbrock valley amplifies last-bit differences of dot products
    # (numpy and PyTorch sum in different orders) to about 1e-9 after a few steps
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-8, atol=1e-10)  # returned losses


def test_lbfgs_with_strong_wolfe_finds_the_rosenbrock_minimum():
    history, returned, calls, n_iter, func_evals = lbfgs_run("ours", 3, [-1.2, 1.0], line_search_fn="strong_wolfe",
                                                             tolerance_change=1e-14)
    np.testing.assert_allclose(history[-1], [1.0, 1.0], atol=1e-7)
    assert returned[0] == pytest.approx(24.2) and func_evals == len(calls) and n_iter <= 60


def test_lbfgs_with_autograd_in_the_closure():
    x = nn.Parameter(tg.tensor([-1.2, 1.0]))
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe", max_iter=100, tolerance_change=1e-14)

    def closure():
        opt.zero_grad()
        loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        loss.backward()
        return loss

    first = opt.step(closure)
    assert isinstance(first, tg.Tensor) and first.item() == pytest.approx(24.2)
    np.testing.assert_allclose(x.data, [1.0, 1.0], atol=1e-7)


def test_lbfgs_state_dict_resumes_exactly():
    def make():
        x = nn.Parameter(tg.tensor([-1.2, 1.0, -0.5]))
        return x, optim.LBFGS([x], max_iter=5, history_size=3, line_search_fn="strong_wolfe")

    def closure_for(x):
        def closure():
            f, g = rosenbrock(x.data)
            x.grad = tg.tensor(g)
            return f
        return closure

    x, opt = make()
    for _ in range(2):
        opt.step(closure_for(x))
    sd = opt.state_dict()
    assert sorted(sd["state"]) == [0] and {"d", "old_dirs", "H_diag", "n_iter"} <= set(sd["state"][0])
    y, resumed = make()
    y.data[...] = x.data
    resumed.load_state_dict(sd)
    for _ in range(2):
        opt.step(closure_for(x))
        resumed.step(closure_for(y))
    np.testing.assert_array_equal(x.data, y.data)


def test_lbfgs_errors():
    x = nn.Parameter(tg.ones(2))
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [x]}, {"params": [nn.Parameter(tg.ones(1))]}])
    with pytest.raises(ValueError, match="line_search_fn must be None or 'strong_wolfe'"):
        optim.LBFGS([x], line_search_fn="backtracking")
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.LBFGS([x], lr=-1)
    with pytest.raises(TypeError, match="LBFGS.step needs a closure"):
        optim.LBFGS([x]).step()


# ---- SGD by hand ------------------------------------------------------------------------------
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


def test_sgd_maximize_climbs():
    steps = run(lambda ps: optim.SGD(ps, lr=0.1, maximize=True), GRADS[:1])
    np.testing.assert_allclose(steps[0], [1.1, -1.8], rtol=1e-15)


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


# ---- Adam, AdamW, RMSprop, Adagrad by hand ------------------------------------------------------
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


def test_adamw_decays_the_weights_not_the_gradient():
    # with a zero gradient the moments stay 0: only p ← p·(1 - lr·weight_decay) acts
    steps = run(lambda ps: optim.AdamW(ps, lr=0.1, weight_decay=0.5), [np.zeros(2)] * 2)
    np.testing.assert_allclose(steps, [[0.95, -1.9], [0.9025, -1.805]], rtol=1e-15)
    # Adam's weight decay goes through the moments instead: its first step is lr·sign(p)
    steps = run(lambda ps: optim.Adam(ps, lr=0.1, weight_decay=0.5), [np.zeros(2)])
    np.testing.assert_allclose(steps[0], [0.9, -1.9], rtol=1e-7)
    assert optim.AdamW([nn.Parameter(tg.ones(1))]).defaults["weight_decay"] == 1e-2


def test_rmsprop_first_steps_by_hand():
    # v1 = (1-α)·g² = 0.01·(1, 4);  p1 = p0 - lr·g/(√v1 + eps) = p0 - 0.01·g/(0.1·|g|) = p0 - 0.1·sign(g)
    steps = run(lambda ps: optim.RMSprop(ps, lr=0.01, eps=0.0), GRADS[:2])
    np.testing.assert_allclose(steps[0], [0.9, -2.1], rtol=1e-14)
    v2 = 0.99 * 0.01 * GRADS[0] ** 2 + 0.01 * GRADS[1] ** 2
    np.testing.assert_allclose(steps[1], steps[0] - 0.01 * GRADS[1] / np.sqrt(v2), rtol=1e-14)


def test_rmsprop_centered_divides_by_the_running_standard_deviation():
    # one step: v = 0.5·g², ḡ = 0.5·g, so v - ḡ² = 0.25·g² and the step is lr·g/(0.5·|g|) = 2·lr·sign(g)
    steps = run(lambda ps: optim.RMSprop(ps, lr=0.01, alpha=0.5, eps=0.0, centered=True), GRADS[:1])
    np.testing.assert_allclose(steps[0], [0.98, -2.02], rtol=1e-14)


def test_adagrad_by_hand():
    # s1 = 0.1 + g1²; lr_1 = lr;  s2 = s1 + g2²; lr_2 = lr / (1 + lr_decay)
    steps = run(lambda ps: optim.Adagrad(ps, lr=0.5, lr_decay=0.1, initial_accumulator_value=0.1, eps=0.0),
                GRADS[:2])
    s1 = 0.1 + GRADS[0] ** 2
    p1 = np.array([1.0, -2.0]) - 0.5 * GRADS[0] / np.sqrt(s1)
    s2 = s1 + GRADS[1] ** 2
    np.testing.assert_allclose(steps, [p1, p1 - 0.5 / 1.1 * GRADS[1] / np.sqrt(s2)], rtol=1e-14)


def test_adagrad_state_exists_before_the_first_step():
    opt = optim.Adagrad([nn.Parameter(tg.ones(2))], initial_accumulator_value=0.3)
    sd = opt.state_dict()
    assert sd["state"][0]["step"] == 0 and sd["state"][0]["sum"].tolist() == [0.3, 0.3]


# ---- API: groups, closures, zero_grad, state dicts ----------------------------------------------
def test_param_groups_have_their_own_options():
    a, b = nn.Parameter(tg.ones(1)), nn.Parameter(tg.ones(1))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = tg.ones(1), tg.ones(1)
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]


def test_setting_lr_in_a_group_takes_effect_at_the_next_step():
    p = nn.Parameter(tg.ones(1))
    opt = optim.SGD([p], lr=0.1)
    p.grad = tg.ones(1)
    opt.step()
    opt.param_groups[0]["lr"] = 0.01
    opt.step()
    assert p.item() == pytest.approx(1 - 0.1 - 0.01, rel=1e-15)


def test_add_param_group_uses_the_defaults_and_keeps_extra_keys():
    a, b = nn.Parameter(tg.ones(1)), nn.Parameter(tg.ones(2))
    opt = optim.Adam([a], lr=0.1, betas=(0.5, 0.6))
    group = {"params": b, "lr": 0.2, "name": "head"}
    opt.add_param_group(group)
    assert opt.param_groups[1] is group  # the dict itself becomes the group, as in PyTorch
    assert group["params"] == [b] and group["betas"] == (0.5, 0.6) and group["name"] == "head"
    b.grad = tg.ones(2)
    opt.step()
    assert b.data.tolist() == pytest.approx([0.8, 0.8]) and a.item() == 1.0
    with pytest.raises(ValueError, match="appears more than once"):
        opt.add_param_group({"params": [a]})


def test_named_parameters_are_accepted_and_their_names_kept():
    model = nn.Linear(2, 3)
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def test_a_likely_typo_in_a_group_warns():
    with pytest.warns(UserWarning, match="did you mean 'momentum'"):
        optim.SGD([{"params": [nn.Parameter(tg.ones(1))], "momentun": 0.9}], lr=0.1)


def test_a_user_optimizer_subclass_works_as_in_pytorch():
    class SignSGD(optim.Optimizer):
        """p ← p - step_size · sign(g), written the PyTorch way: step() loops over the groups."""

        def __init__(self, params, step_size=0.1):
            super().__init__(params, dict(step_size=step_size))

        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.data -= group["step_size"] * np.sign(p.grad.data)
                        self.state[p]["count"] = self.state[p].get("count", 0) + 1

    p = nn.Parameter(tg.tensor([1.0, -1.0]))
    opt = SignSGD([p])
    p.grad = tg.tensor([3.0, -0.5])
    opt.step()
    assert p.data.tolist() == [0.9, -0.9]
    assert opt.state_dict()["state"] == {0: {"count": 1}}


def test_a_generator_of_parameters_is_accepted():
    model = nn.Linear(2, 2)
    opt = optim.Adam(model.parameters())
    assert len(opt.param_groups[0]["params"]) == 2


def test_zero_grad_sets_grads_to_none_or_zeros():
    p = nn.Parameter(tg.ones(2))
    opt = optim.SGD([p], lr=0.1)
    p.grad = tg.tensor([1.0, 2.0])
    opt.zero_grad(set_to_none=False)
    assert p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1), lambda ps: optim.RMSprop(ps),
                                  lambda ps: optim.Adagrad(ps), lambda ps: optim.AdamW(ps)])
def test_step_calls_the_closure_with_grad_enabled_and_returns_its_loss(make):
    p = nn.Parameter(tg.tensor([3.0]))
    opt = make([p])
    seen = []

    def closure():
        seen.append(tg.is_grad_enabled())
        p.grad = tg.tensor([2.0])
        return 42.0

    with tg.no_grad():
        assert opt.step(closure) == 42.0
    assert seen == [True] and p.item() < 3.0
    assert opt.step() is None


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
    lambda ps: optim.RMSprop(ps, momentum=0.5, centered=True),
    lambda ps: optim.Adagrad(ps, lr_decay=0.1),
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


def test_plain_sgd_keeps_no_state():
    p = nn.Parameter(tg.ones(2))
    opt = optim.SGD([p], lr=0.1)
    p.grad = tg.ones(2)
    opt.step()
    assert opt.state_dict()["state"] == {}


def test_load_state_dict_restores_the_options():
    p = nn.Parameter(tg.ones(1))
    opt = optim.Adam([p], lr=0.5, betas=(0.5, 0.6))
    other = optim.Adam([nn.Parameter(tg.ones(1))])
    other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] == 0.5 and other.param_groups[0]["betas"] == (0.5, 0.6)


# ---- learning-rate schedulers ------------------------------------------------------------------
def scheduled_lrs(make_scheduler, epochs, lr=1.0):
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=lr)
    scheduler = make_scheduler(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(epochs):
        opt.step()
        scheduler.step()
        lrs.append(opt.param_groups[0]["lr"])
        assert scheduler.get_last_lr() == [lrs[-1]]
    return scheduler, lrs


def test_step_lr():
    scheduler, lrs = scheduled_lrs(lambda opt: lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 7)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert scheduler.last_epoch == 7 and scheduler.base_lrs == [1.0]


def test_exponential_lr():
    _, lrs = scheduled_lrs(lambda opt: optim.lr_scheduler.ExponentialLR(opt, gamma=0.5), 3, lr=0.8)
    assert lrs == [0.8, 0.4, 0.2, 0.1]


def test_multistep_lr():
    _, lrs = scheduled_lrs(lambda opt: lr_scheduler.MultiStepLR(opt, milestones=[2, 4, 4], gamma=0.5), 5)
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]


def test_cosine_annealing_lr_follows_the_closed_form():
    _, lrs = scheduled_lrs(lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.2), 8)
    expected = [0.2 + 0.8 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(9)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-14, atol=1e-15)  # down to 0.2 at 4, back up at 8


def test_lambda_lr_per_group_and_its_state_dict():
    a, b = nn.Parameter(tg.ones(1)), nn.Parameter(tg.ones(1))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.2}], lr=0.1)
    scheduler = lr_scheduler.LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 2.0 ** e])
    assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.1, 0.2]
    for _ in range(2):
        opt.step()
        scheduler.step()
    assert scheduler.get_last_lr() == pytest.approx([0.1 / 3, 0.8])
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.2]
    sd = scheduler.state_dict()
    assert sd["last_epoch"] == 2 and sd["lr_lambdas"] == [None, None] and "optimizer" not in sd
    fresh = lr_scheduler.LambdaLR(opt, lambda e: 1.0)
    fresh.load_state_dict(sd)
    assert fresh.last_epoch == 2 and fresh.base_lrs == [0.1, 0.2]


def test_scheduler_resumes_from_an_optimizer_state_dict():
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
    scheduler = lr_scheduler.StepLR(opt, step_size=2)
    for _ in range(3):
        opt.step()
        scheduler.step()
    resumed = optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(resumed, step_size=2, last_epoch=3)
    resumed.load_state_dict(opt.state_dict())
    again = lr_scheduler.StepLR(resumed, step_size=2, last_epoch=2)
    assert again.last_epoch == 3 and again.base_lrs == [1.0]


def test_a_user_scheduler_subclass_works_as_in_pytorch():
    class Warmup(lr_scheduler.LRScheduler):
        def __init__(self, optimizer, warmup_epochs):
            self.warmup_epochs = warmup_epochs
            super().__init__(optimizer)

        def get_lr(self):
            return [base_lr * min(1.0, (self.last_epoch + 1) / self.warmup_epochs) for base_lr in self.base_lrs]

    _, lrs = scheduled_lrs(lambda opt: Warmup(opt, 4), 5)
    assert lrs == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]


def test_scheduler_step_before_optimizer_step_warns():
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
    scheduler = lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        scheduler.step()


def test_scheduler_errors():
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.ExponentialLR("sgd", gamma=0.5)
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0, lambda e: 1.0])
    with pytest.raises(ValueError, match="step_size must be a positive number"):
        lr_scheduler.StepLR(opt, step_size=0)


# ---- names and errors ---------------------------------------------------------------------------
def test_the_names_are_reachable_as_in_pytorch():
    assert tg.optim.SGD is optim.SGD and optim.lr_scheduler.StepLR is lr_scheduler.StepLR
    for name in ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS"]:
        assert getattr(tg.optim, name).__doc__
    assert issubclass(optim.AdamW, optim.Optimizer) and issubclass(optim.LBFGS, optim.Optimizer)


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD(p, lr=-0.1), "Invalid learning rate: -0.1"),
    (lambda p: optim.Adam(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: optim.AdamW(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: optim.RMSprop(p, lr=-1e-3), "Invalid learning rate: -0.001"),
    (lambda p: optim.Adagrad(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: optim.SGD([{"params": p, "lr": -1}], lr=0.1), "Invalid learning rate: -1"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "zero dampening"),
    (lambda p: optim.Adam(p, betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (lambda p: optim.Adam(p, betas=(-0.1, 0.9)), "Invalid beta parameter at index 0: -0.1"),
    (lambda p: optim.Adam(p, eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda p: optim.AdamW(p, weight_decay=-0.1), "Invalid weight_decay value"),
    (lambda p: optim.RMSprop(p, alpha=-0.5), "Invalid alpha value: -0.5"),
    (lambda p: optim.RMSprop(p, momentum=-1), "Invalid momentum value"),
    (lambda p: optim.RMSprop(p, eps=-1), "Invalid epsilon value"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "Invalid initial_accumulator_value value"),
    (lambda p: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda p: optim.SGD(p + p, lr=0.1), "appears more than once"),
    (lambda p: optim.SGD([p[0] * 2], lr=0.1), "can't optimize a non-leaf Tensor"),
])
def test_bad_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter(tg.ones(2))])


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD(p[0], lr=0.1), "got a single Tensor; wrap it in a list"),
    (lambda p: optim.SGD(set(p), lr=0.1), "not a set"),
    (lambda p: optim.SGD([p[0].data], lr=0.1), "parameter 0 is a ndarray, not a Tensor"),
    (lambda p: optim.SGD(p, lr="0.1"), "lr must be a number"),
    (lambda p: optim.SGD([{"lr": 0.1}]), "must have a 'params' entry"),
])
def test_bad_argument_types_raise_type_error(make, message):
    with pytest.raises(TypeError, match=message):
        make([nn.Parameter(tg.ones(2))])


@needs_torch
@pytest.mark.parametrize("name", ["sgd-nesterov", "adamw-amsgrad-wd", "rmsprop-all"])
def test_a_model_trained_with_autograd_follows_torch(name, rng):
    tg.manual_seed(3)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4))
    reference = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 4)).double()
    reference.load_state_dict({k: torch.from_numpy(np.asarray(v).copy()) for k, v in model.state_dict().items()})
    opt, opt_t = CONFIGS[name](optim, list(model.parameters())), CONFIGS[name](torch.optim, reference.parameters())
    x, t = rng.standard_normal((8, 3)), rng.integers(0, 4, 8)
    for _ in range(20):
        opt.zero_grad()
        F.cross_entropy(model(tg.tensor(x)), t).backward()
        opt.step()
        opt_t.zero_grad()
        torch.nn.functional.cross_entropy(reference(torch.from_numpy(x)), torch.from_numpy(t)).backward()
        opt_t.step()
    for (name, p), (name_t, p_t) in zip(model.named_parameters(), reference.named_parameters()):
        assert name == name_t
        np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=1e-10, atol=1e-12)
