"""optim.Adafactor and optim.Muon, the rest of nn.utils (fusion, get_total_norm /
clip_grads_with_norm_, weight memory formats, stateless), tg.autograd.profiler, tg.cpu and
tg.compiler -- against PyTorch 2.13 where it is installed, and against values computed by hand or
with numpy everywhere."""
from __future__ import annotations

import doctest
import importlib
import inspect
import json
import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim
from tinygrad_edu.optim.muon import zeropower_via_newtonschulz


@pytest.fixture
def torch():
    """PyTorch in float64 on one thread; its default dtype is restored after the test."""
    torch = pytest.importorskip("torch")
    dtype, threads = torch.get_default_dtype(), torch.get_num_threads()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    yield torch
    torch.set_default_dtype(dtype)
    torch.set_num_threads(threads)


def signature_of(fn) -> list:
    """(name, kind, default) of each parameter: the signature without its annotations."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


# ---- optimizers: running ours and PyTorch's side by side ---------------------------------------
def train(library, name: str, inits: list, grads: list, groups=None, scheduler=None, **options):
    """Parameters after one step per entry of `grads` (a list of lists of arrays), and the optimizer."""
    params = [(nn.Parameter(tg.tensor(a.copy())) if library is tg else library.tensor(a, requires_grad=True))
              for a in inits]
    opt = getattr(library.optim, name)(params if groups is None else groups(params), **options)
    sched = scheduler(library, opt) if scheduler else None
    steps(library, opt, params, grads, sched)
    return [p.detach().numpy().copy() for p in params], opt


def steps(library, opt, params: list, grads: list, sched=None) -> None:
    """One optimizer step per entry of `grads`, each parameter given its gradient first."""
    for step in grads:
        for p, g in zip(params, step):
            p.grad = library.tensor(g.copy())
        opt.step()
        if sched:
            sched.step()


def random_problem(rng, shapes, steps=8):
    inits = [rng.standard_normal(s) for s in shapes]
    return inits, [[rng.standard_normal(s) for s in shapes] for _ in range(steps)]


ADAFACTOR_SHAPES = [(3,), (4, 5), (2, 3, 4), (), (1, 1), (5, 1), (1, 6)]
ADAFACTOR_OPTIONS = [
    {},
    {"lr": 0.3, "weight_decay": 0.05},
    {"maximize": True, "d": 1.5},
    {"eps": (1e-3, 1e-2), "beta2_decay": -0.5},
    {"eps": (None, 0.5), "lr": 2.0},  # large eps2: α from eps2; lr above 1/√t: ρ = 1/√t
    {"foreach": True, "weight_decay": 0.2, "lr": 0.05},
]


@pytest.mark.parametrize("options", ADAFACTOR_OPTIONS, ids=str)
def test_adafactor_matches_torch_in_float64(torch, options):
    inits, grads = random_problem(np.random.default_rng(0), ADAFACTOR_SHAPES)
    ours, _ = train(tg, "Adafactor", inits, grads, **options)
    theirs, _ = train(torch, "Adafactor", inits, grads, **options)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_adafactor_float32_parameters_match_torch(torch):
    """eps1=None is the machine epsilon of the parameters' dtype (1.19e-7 for float32)."""
    rng = np.random.default_rng(1)
    inits = [rng.standard_normal(s).astype(np.float32) * 1e-3 for s in [(3,), (4, 5)]]
    grads = [[rng.standard_normal(s).astype(np.float32) * 1e-5 for s in [(3,), (4, 5)]] for _ in range(5)]
    ours, opt = train(tg, "Adafactor", inits, grads)
    theirs, topt = train(torch, "Adafactor", inits, grads)
    for a, b in zip(ours, theirs):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-9)
    p = opt.param_groups[0]["params"][1]
    q = topt.param_groups[0]["params"][1]
    assert opt.state[p]["row_var"].dtype == np.float32 and opt.state[p]["step"].dtype == np.float64
    assert str(topt.state[q]["step"].dtype) == "torch.float64"


def test_adafactor_with_param_groups_and_lr_schedulers_matches_torch(torch):
    inits, grads = random_problem(np.random.default_rng(2), [(4, 3), (3,), (2, 2)], steps=10)

    def groups(params):
        return [{"params": params[:2]}, {"params": params[2:], "lr": 0.5, "weight_decay": 0.1}]

    for scheduler in (lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
                      lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6)):
        ours, _ = train(tg, "Adafactor", inits, grads, groups=groups, scheduler=scheduler, lr=0.2)
        theirs, _ = train(torch, "Adafactor", inits, grads, groups=groups, scheduler=scheduler, lr=0.2)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_adafactor_first_step_by_hand():
    """Step 1: β̂₂ = 1 - 1^-0.8 = 0, so V̂ = G² exactly and U = G / |G| = sign(G) (for a matrix
    G = a bᵀ the factored R C / mean(R) is exact too: G² has rank 1); RMS(U) = 1, so no
    clipping; ρ = min(lr, 1) = lr and α = max(eps2, RMS(p)) · ρ."""
    v = nn.Parameter(tg.tensor([3.0, 4.0]))
    a, b = np.array([1.0, -2.0, 0.5]), np.array([-1.0, 3.0])
    w0 = np.arange(6.0).reshape(3, 2) - 2.5
    w = nn.Parameter(tg.tensor(w0.copy()))
    opt = optim.Adafactor([v, w], lr=0.01)
    v.grad, w.grad = tg.tensor([1.0, -2.0]), tg.tensor(np.outer(a, b))
    opt.step()
    alpha_v = math.sqrt((9 + 16) / 2) * 0.01
    np.testing.assert_allclose(v.data, [3.0 - alpha_v, 4.0 + alpha_v], rtol=1e-14)
    alpha_w = math.sqrt(np.mean(w0 ** 2)) * 0.01
    np.testing.assert_allclose(w.data, w0 - alpha_w * np.sign(np.outer(a, b)), rtol=1e-14)
    state = opt.state[w]
    assert list(state) == ["step", "row_var", "col_var"] and list(opt.state[v]) == ["step", "variance"]
    np.testing.assert_allclose(state["row_var"].data, (a ** 2 * np.mean(b ** 2))[:, None])
    np.testing.assert_allclose(state["col_var"].data, (b ** 2 * np.mean(a ** 2))[None, :])
    assert state["step"].item() == 1.0


def test_adafactor_second_step_by_hand():
    """Step 2 of a vector: 1 - β̂₂ = 2^-0.8, V̂ ← V̂ + 2^-0.8 (G² - V̂); ρ = min(lr, 1/√2)."""
    p = nn.Parameter(tg.tensor([1.0, -1.0, 2.0]))
    opt = optim.Adafactor([p], lr=1.0, eps=(1e-30, 1e-3))
    g1, g2 = np.array([0.5, 1.0, -1.0]), np.array([1.0, 0.25, 2.0])
    p.grad = tg.tensor(g1)
    opt.step()
    x = p.data.copy()
    p.grad = tg.tensor(g2)
    opt.step()
    w = 2 ** -0.8
    variance = g1 ** 2 + w * (g2 ** 2 - g1 ** 2)
    update = g2 / np.sqrt(variance)
    clip = max(1.0, math.sqrt(np.mean(update ** 2)))
    alpha = max(1e-3, math.sqrt(np.mean(x ** 2))) / math.sqrt(2)
    np.testing.assert_allclose(p.data, x - alpha * update / clip, rtol=1e-13)


def test_adafactor_updates_the_parameter_arrays_in_place():
    w = nn.Parameter(tg.randn(3, 4))
    b = nn.Parameter(tg.randn(4))
    arrays = (w.data, b.data)
    view = w.data[0]
    version = w._version
    opt = optim.Adafactor([w, b], weight_decay=0.1)
    for _ in range(3):
        w.grad, b.grad = tg.randn(3, 4), tg.randn(4)
        opt.step()
    assert w.data is arrays[0] and b.data is arrays[1] and np.shares_memory(view, w.data)
    assert w._version == version + 3


def test_adafactor_state_dict_layout_and_round_trip(torch):
    inits, grads = random_problem(np.random.default_rng(3), [(4, 5), (3,), (2, 3, 4)], steps=6)
    _, opt = train(tg, "Adafactor", inits, grads[:3])
    _, topt = train(torch, "Adafactor", inits, grads[:3])
    ours, theirs = opt.state_dict(), topt.state_dict()
    assert ours["param_groups"] == [{k: v for k, v in g.items()} for g in theirs["param_groups"]]
    for i, entries in theirs["state"].items():
        assert list(ours["state"][i]) == list(entries)
        for key, value in entries.items():
            assert ours["state"][i][key].shape == tuple(value.shape)
            np.testing.assert_allclose(ours["state"][i][key].data, value.numpy(), rtol=1e-12)
    # resuming from our state dict, and from PyTorch's, continues exactly as without the break
    expected, _ = train(tg, "Adafactor", inits, grads)
    for saved in (ours, theirs):
        params = [nn.Parameter(tg.tensor(p.detach().numpy().copy())) for p in topt.param_groups[0]["params"]]
        resumed = optim.Adafactor(params)
        resumed.load_state_dict(saved)
        steps(tg, resumed, params, grads[3:])
        for p, e in zip(params, expected):
            np.testing.assert_allclose(p.data, e, rtol=1e-12, atol=1e-12)


def test_adafactor_load_state_dict_checks_the_factor_shapes():
    w = nn.Parameter(tg.randn(3, 4))
    opt = optim.Adafactor([w])
    w.grad = tg.randn(3, 4)
    opt.step()
    saved = opt.state_dict()
    saved["state"][0]["row_var"] = tg.zeros(4, 1)
    with pytest.raises(ValueError, match=r"'row_var' of parameter 0 has shape \(4, 1\).*needs \(3, 1\)"):
        optim.Adafactor([nn.Parameter(tg.randn(3, 4))]).load_state_dict(saved)


@pytest.mark.parametrize("options, error, words", [
    ({"lr": -1.0}, ValueError, "learning rate: -1.0"),
    ({"beta2_decay": 0.1}, ValueError, "beta2_decay value: 0.1"),
    ({"eps": (-1.0, 1e-3)}, ValueError, "epsilon1 value: -1.0"),
    ({"eps": (None, -1.0)}, ValueError, "epsilon2 value: -1.0"),
    ({"d": 0.5}, ValueError, "clipping threshold d: 0.5"),
    ({"weight_decay": -1.0}, ValueError, "weight_decay value: -1.0"),
    ({"eps": 1e-3}, TypeError, "eps must be a pair"),
])
def test_adafactor_bad_options(options, error, words):
    with pytest.raises(error, match="Adafactor") as info:
        optim.Adafactor([nn.Parameter(tg.zeros(2))], **options)
    assert words in str(info.value)


@pytest.mark.parametrize("options", [{"lr": -1.0}, {"beta2_decay": 0.1}, {"eps": (-1.0, 1e-3)},
                                     {"eps": (None, -1.0)}, {"d": 0.5}, {"weight_decay": -1.0}, {"eps": 1e-3}])
def test_adafactor_bad_options_raise_torchs_exception_types(torch, options):
    with pytest.raises(Exception) as theirs:
        torch.optim.Adafactor([torch.zeros(2, requires_grad=True)], **options)
    with pytest.raises(Exception) as ours:
        optim.Adafactor([nn.Parameter(tg.zeros(2))], **options)
    assert type(ours.value) is type(theirs.value)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0, 3)])
def test_adafactor_empty_parameters_fail_as_in_torch(torch, shape):
    """PyTorch divides 0/0 for the RMS of an empty parameter: ZeroDivisionError, here with words."""
    t = torch.zeros(shape, requires_grad=True)
    t.grad = torch.zeros(shape)
    with pytest.raises(ZeroDivisionError):
        torch.optim.Adafactor([t]).step()
    p = nn.Parameter(tg.zeros(*shape))
    p.grad = tg.zeros(*shape)
    with pytest.raises(ZeroDivisionError, match=r"Adafactor: cannot update a parameter with no elements"):
        optim.Adafactor([p]).step()


def test_adafactor_machine_epsilon_comes_from_the_groups_first_parameter(torch):
    """PyTorch fills in eps1=None once per group and step, from the first parameter with a
    gradient; with a float32 parameter first, a float64 one uses float32's epsilon too."""
    inits = [np.array([1e-4, 2e-4], dtype=np.float32), np.array([1e-4, -3e-4])]
    grads = [[np.array([1e-6, -2e-6], dtype=np.float32), np.array([1e-9, 2e-9])] for _ in range(3)]
    ours, _ = train(tg, "Adafactor", inits, grads)
    theirs, _ = train(torch, "Adafactor", inits, grads)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    alone, _ = train(tg, "Adafactor", inits[1:], [g[1:] for g in grads])
    assert not np.allclose(alone[0], ours[1], rtol=1e-6)  # (float64's epsilon gives other numbers)


def test_signatures_options_and_printing_are_torchs(torch):
    for name in ("Adafactor", "Muon"):
        assert signature_of(getattr(optim, name)) == signature_of(getattr(torch.optim, name))
        ours = getattr(optim, name)([nn.Parameter(tg.zeros(2, 3))])
        theirs = getattr(torch.optim, name)([torch.zeros(2, 3, requires_grad=True)])
        group = {k: v for k, v in ours.param_groups[0].items() if k != "params"}
        expected = {k: v for k, v in theirs.param_groups[0].items() if k != "params"}
        assert group == expected and list(group) == list(expected)
        assert [type(v) for v in group.values()] == [type(v) for v in expected.values()]
        assert repr(ours) == repr(theirs)


# ---- Muon ------------------------------------------------------------------------------------------
@pytest.fixture
def torch_muon_in_float64(torch, monkeypatch):
    """PyTorch's Muon with its Newton–Schulz iteration in float64 instead of bfloat16 (the same
    code without `.bfloat16()`): every other part of its step is left as it is."""
    from torch.optim import _muon

    def newton_schulz(grad, ns_coefficients, ns_steps, eps):
        a, b, c = ns_coefficients
        x = grad.T if grad.size(0) > grad.size(1) else grad
        x = x / x.norm().clamp(min=eps)
        for _ in range(ns_steps):
            gram = x @ x.T
            x = torch.addmm(x, torch.addmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
        return x.T if grad.size(0) > grad.size(1) else x

    monkeypatch.setattr(_muon, "_zeropower_via_newtonschulz", newton_schulz)
    return torch


MUON_OPTIONS = [
    {"lr": 0.02},
    {"lr": 0.05, "nesterov": False, "momentum": 0.5, "weight_decay": 0.3},
    {"adjust_lr_fn": "match_rms_adamw", "lr": 0.01},
    {"adjust_lr_fn": "original", "ns_steps": 3, "ns_coefficients": (2.0, -1.5, 0.5), "eps": 1e-3},
]


@pytest.mark.parametrize("options", MUON_OPTIONS, ids=str)
def test_muon_matches_torch_with_its_newton_schulz_in_float64(torch_muon_in_float64, options):
    torch = torch_muon_in_float64
    inits, grads = random_problem(np.random.default_rng(4), [(4, 5), (6, 3), (1, 1), (0, 3)])
    ours, _ = train(tg, "Muon", inits, grads, **options)
    theirs, _ = train(torch, "Muon", inits, grads, **options)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_muon_with_lr_scheduler_matches_torch(torch_muon_in_float64):
    torch = torch_muon_in_float64
    inits, grads = random_problem(np.random.default_rng(5), [(3, 4)], steps=10)

    def scheduler(lib, opt):
        return lib.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (1 + epoch))

    ours, _ = train(tg, "Muon", inits, grads, scheduler=scheduler, lr=0.1)
    theirs, _ = train(torch, "Muon", inits, grads, scheduler=scheduler, lr=0.1)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-12)


def test_muon_is_within_bfloat16_rounding_of_torchs_own(torch):
    """PyTorch runs the iteration in bfloat16 (8 significant bits); ours in float64. The
    orthogonalized updates differ by about 1% of their size, so after 5 steps of lr 0.02 the
    parameters differ by far less than one step."""
    inits, grads = random_problem(np.random.default_rng(6), [(8, 5)], steps=5)
    ours, _ = train(tg, "Muon", inits, grads, lr=0.02)
    theirs, _ = train(torch, "Muon", inits, grads, lr=0.02)
    step_size = np.abs(ours[0] - inits[0] * (1 - 0.02 * 0.1) ** 5).max()
    assert np.abs(ours[0] - theirs[0]).max() < 0.05 * step_size


def test_newton_schulz_is_the_polynomial_of_the_singular_values():
    """X ← aX + (bA + cA²)X with A = XXᵀ maps X = U S Vᵀ to U p(S) Vᵀ, p(σ) = aσ + bσ³ + cσ⁵:
    the result is that polynomial applied 5 times to σ / ‖M‖_F, with M's singular vectors."""
    rng = np.random.default_rng(7)
    for shape in [(4, 6), (6, 4), (3, 3)]:
        m = rng.standard_normal(shape)
        u, s, vt = np.linalg.svd(m, full_matrices=False)
        sigma = s / np.linalg.norm(m)
        for _ in range(5):
            sigma = 3.4445 * sigma - 4.7750 * sigma ** 3 + 2.0315 * sigma ** 5
        out = zeropower_via_newtonschulz(m, (3.4445, -4.7750, 2.0315), 5, 1e-7)
        np.testing.assert_allclose(out, u @ np.diag(sigma) @ vt, atol=1e-12)
    # a well-conditioned matrix comes out nearly orthogonal: singular values near 1
    q = np.linalg.qr(rng.standard_normal((5, 5)))[0] @ np.diag([1.0, 0.8, 0.6, 0.5, 0.4])
    s = np.linalg.svd(zeropower_via_newtonschulz(q, (3.4445, -4.7750, 2.0315), 5, 1e-7), compute_uv=False)
    assert 0.65 < s.min() and s.max() < 1.25


def test_muon_first_step_by_hand():
    """Step 1 with nesterov: B = (1 - μ) G, M = G + μ(B - G) = (1 - μ²) G; for an orthogonal
    G the iteration sees G/‖G‖_F; the update is p ← p(1 - lr·wd) - lr·√max(1, A/B)·O."""
    g = np.array([[0.0, 2.0], [2.0, 0.0], [0.0, 0.0]])  # (3, 2): a tall matrix, transposed inside
    p = nn.Parameter(tg.ones(3, 2))
    opt = optim.Muon([p], lr=0.1, weight_decay=0.5, momentum=0.9)
    p.grad = tg.tensor(g)
    opt.step()
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].data, 0.1 * g, rtol=1e-15)
    sigma = 1 / math.sqrt(2)  # both singular values of M / ‖M‖_F
    for _ in range(5):
        sigma = 3.4445 * sigma - 4.7750 * sigma ** 3 + 2.0315 * sigma ** 5
    expected = np.ones((3, 2)) * (1 - 0.1 * 0.5) - 0.1 * math.sqrt(3 / 2) * sigma * g / 2
    np.testing.assert_allclose(p.data, expected, rtol=1e-13)
    assert list(opt.state[p]) == ["momentum_buffer"]


def test_muon_updates_in_place_and_state_dict_round_trip(torch):
    rng = np.random.default_rng(8)
    inits, grads = random_problem(rng, [(4, 3), (2, 5)], steps=6)
    expected, _ = train(tg, "Muon", inits, grads, lr=0.05)
    params = [nn.Parameter(tg.tensor(a.copy())) for a in inits]
    arrays = [p.data for p in params]
    opt = optim.Muon(params, lr=0.05)
    steps(tg, opt, params, grads[:3])
    assert all(p.data is a for p, a in zip(params, arrays))
    saved = opt.state_dict()
    theirs = torch.optim.Muon([torch.zeros(4, 3, requires_grad=True), torch.zeros(2, 5, requires_grad=True)])
    for p in theirs.param_groups[0]["params"]:
        p.grad = torch.ones_like(p)
    theirs.step()
    assert list(saved["state"][0]) == list(theirs.state_dict()["state"][0]) == ["momentum_buffer"]
    resumed = optim.Muon(params, lr=0.05)
    resumed.load_state_dict(saved)
    steps(tg, resumed, params, grads[3:])
    for p, e in zip(params, expected):
        np.testing.assert_allclose(p.data, e, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("params, options, words", [
    ([(3,)], {}, r"Muon only supports 2D parameters, but parameter 0 has shape \(3,\)"),
    ([(2, 2, 2)], {}, r"parameter 0 has shape \(2, 2, 2\)"),
    ([(2, 3)], {"adjust_lr_fn": "x"}, "Adjust learning rate function 'x' is not supported"),
    ([(2, 3)], {"ns_steps": 100}, "ns_steps=100"),
    ([(2, 3)], {"ns_coefficients": (1.0, 2.0)}, "exactly 3 values"),
    ([(2, 3)], {"lr": -1.0}, "Invalid learning rate: -1.0"),
    ([(2, 3)], {"momentum": -1.0}, "Invalid momentum value: -1.0"),
    ([(2, 3)], {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
])
def test_muon_bad_arguments(params, options, words):
    with pytest.raises(ValueError, match=words):
        optim.Muon([nn.Parameter(tg.zeros(*s)) for s in params], **options)


def test_muon_errors_have_torchs_types(torch):
    """PyTorch raises ValueError for each (ns_steps and ns_coefficients at the first step; here
    at construction), ZeroDivisionError for a matrix without columns, TypeError for maximize."""
    for shape, options in [((3,), {}), ((2, 3), {"adjust_lr_fn": "x"}), ((2, 3), {"ns_steps": 100}),
                           ((2, 3), {"ns_coefficients": (1.0, 2.0)}), ((2, 3), {"lr": -1.0})]:
        with pytest.raises(ValueError):
            t = torch.zeros(shape, requires_grad=True)
            t.grad = torch.ones(shape)
            torch.optim.Muon([t], **options).step()
        with pytest.raises(ValueError):
            optim.Muon([nn.Parameter(tg.zeros(*shape))], **options)
    t, p = torch.zeros(3, 0, requires_grad=True), nn.Parameter(tg.zeros(3, 0))
    t.grad, p.grad = torch.zeros(3, 0), tg.zeros(3, 0)
    with pytest.raises(ZeroDivisionError):
        torch.optim.Muon([t]).step()
    with pytest.raises(ZeroDivisionError, match="no columns"):
        optim.Muon([p]).step()
    with pytest.raises(TypeError):
        torch.optim.Muon([t], maximize=True)
    with pytest.raises(TypeError):
        optim.Muon([p], maximize=True)


# ---- nn.utils.fusion ---------------------------------------------------------------------------------
def copy_state(source, target) -> None:
    """Our module's parameters and buffers set to a PyTorch module's values."""
    for (name, value), (other, ours) in zip(source.state_dict().items(), target.state_dict().items()):
        assert name == other
        ours.data[...] = value.detach().numpy()


def random_bn(lib, n, rng, affine=True, dims=1):
    bn = getattr(lib.nn, f"BatchNorm{dims}d")(n, affine=affine)
    values = {"running_mean": rng.standard_normal(n), "running_var": rng.uniform(0.5, 2.0, n),
              "weight": rng.standard_normal(n), "bias": rng.standard_normal(n)}
    with lib.no_grad():
        for name, value in values.items():
            if getattr(bn, name) is not None:
                getattr(bn, name).copy_(lib.tensor(value))
    return bn.eval()


CONVS = [("Conv1d", (2, 3, 7), False), ("Conv2d", (2, 3, 6, 5), False), ("Conv3d", (1, 3, 4, 4, 4), False),
         ("ConvTranspose2d", (2, 3, 4, 4), True), ("ConvTranspose1d", (2, 3, 5), True)]


@pytest.mark.parametrize("name, shape, transpose", CONVS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_fuse_conv_bn_eval_computes_conv_then_bn(rng, name, shape, transpose, bias, affine):
    conv = getattr(nn, name)(3, 4, 3, bias=bias).eval()
    bn = random_bn(tg, 4, rng, affine, dims=len(shape) - 2)
    fused = nn.utils.fuse_conv_bn_eval(conv, bn, transpose=transpose)
    x = tg.tensor(rng.standard_normal(shape))
    np.testing.assert_allclose(fused(x).data, bn(conv(x)).data, rtol=1e-12, atol=1e-12)
    assert type(fused) is type(conv) and fused is not conv and fused.weight is not conv.weight
    assert fused.bias is not None and fused.bias.requires_grad == bias  # (as PyTorch: a made-up bias needs no grad)


@pytest.mark.parametrize("name, shape, transpose", CONVS)
@pytest.mark.parametrize("bias", [True, False])
def test_fused_conv_weights_are_torchs(torch, rng, name, shape, transpose, bias):
    theirs = getattr(torch.nn, name)(3, 4, 3, bias=bias).eval()
    ours = getattr(nn, name)(3, 4, 3, bias=bias).eval()
    copy_state(theirs, ours)
    tbn = random_bn(torch, 4, rng)
    bn = nn.BatchNorm1d(4).eval()
    copy_state(tbn, bn)
    expected = torch.nn.utils.fuse_conv_bn_eval(theirs, tbn, transpose=transpose)
    fused = nn.utils.fuse_conv_bn_eval(ours, bn, transpose=transpose)
    np.testing.assert_allclose(fused.weight.data, expected.weight.detach().numpy(), rtol=1e-15, atol=0)
    np.testing.assert_allclose(fused.bias.data, expected.bias.detach().numpy(), rtol=1e-15, atol=0)
    assert fused.bias.requires_grad == expected.bias.requires_grad


def test_fuse_linear_bn_eval_matches_torch_and_the_unfused_layers(torch, rng):
    for features in (4, 1):
        tl, tbn = torch.nn.Linear(5, 4).eval(), random_bn(torch, features, rng)
        linear, bn = nn.Linear(5, 4).eval(), nn.BatchNorm1d(features).eval()
        copy_state(tl, linear)
        copy_state(tbn, bn)
        expected = torch.nn.utils.fuse_linear_bn_eval(tl, tbn)
        fused = nn.utils.fuse_linear_bn_eval(linear, bn)
        np.testing.assert_allclose(fused.weight.data, expected.weight.detach().numpy(), rtol=1e-15)
        np.testing.assert_allclose(fused.bias.data, expected.bias.detach().numpy(), rtol=1e-15)
        if features == 4:  # (a 1-feature BatchNorm cannot follow the 4 outputs, only be fused into them)
            x = tg.tensor(rng.standard_normal((3, 5)))
            np.testing.assert_allclose(fused(x).data, bn(linear(x)).data, rtol=1e-12, atol=1e-12)


def test_fuse_weight_functions_match_torch(torch, rng):
    w, b = rng.standard_normal((4, 3, 2, 2)), rng.standard_normal(4)
    rm, rv, bw, bb = rng.standard_normal(4), rng.uniform(0.5, 2, 4), rng.standard_normal(4), rng.standard_normal(4)
    T = torch.tensor
    for conv_b, bn_w, bn_b in [(b, bw, bb), (None, None, None)]:
        def arg(lib, a):
            return None if a is None else lib.tensor(a)
        theirs = torch.nn.utils.fuse_conv_bn_weights(T(w), arg(torch, conv_b), T(rm), T(rv), 1e-3, arg(torch, bn_w),
                                                     arg(torch, bn_b))
        ours = nn.utils.fuse_conv_bn_weights(tg.tensor(w), arg(tg, conv_b), tg.tensor(rm), tg.tensor(rv), 1e-3,
                                             arg(tg, bn_w), arg(tg, bn_b))
        for a, e in zip(ours, theirs):
            np.testing.assert_allclose(a.data, e.detach().numpy(), rtol=1e-15)
            assert a.is_leaf and a.requires_grad == e.requires_grad
    theirs = torch.nn.utils.fuse_linear_bn_weights(T(w[:, :, 0, 0]), T(b), T(rm), T(rv), 1e-5, T(bw), T(bb))
    ours = nn.utils.fuse_linear_bn_weights(tg.tensor(w[:, :, 0, 0]), tg.tensor(b), tg.tensor(rm), tg.tensor(rv),
                                           1e-5, tg.tensor(bw), tg.tensor(bb))
    for a, e in zip(ours, theirs):
        np.testing.assert_allclose(a.data, e.detach().numpy(), rtol=1e-15)


def test_fused_weights_by_hand():
    """W' = W γ/√(σ² + eps), b' = (b - μ) γ/√(σ² + eps) + β, one scale per output channel."""
    w, b = tg.tensor([[1.0, 2.0], [3.0, 4.0]]), tg.tensor([1.0, -1.0])
    mean, var, gamma, beta = tg.tensor([0.5, 1.0]), tg.tensor([3.0, 15.0]), tg.tensor([2.0, 1.0]), tg.tensor([0.0, 1.0])
    fused_w, fused_b = nn.utils.fuse_linear_bn_weights(w, b, mean, var, 1.0, gamma, beta)
    np.testing.assert_allclose(fused_w.data, [[1.0, 2.0], [0.75, 1.0]])  # scales 2/√4 = 1 and 1/√16
    np.testing.assert_allclose(fused_b.data, [0.5, 0.5])


def test_fusion_refuses_training_mode_and_mismatched_features(torch):
    conv, bn = nn.Conv2d(2, 3, 1), nn.BatchNorm2d(3)
    for module in (conv, bn):  # either module in training mode
        conv.eval(), bn.eval()
        module.train()
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            nn.utils.fuse_conv_bn_eval(conv, bn)
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        torch.nn.utils.fuse_conv_bn_eval(torch.nn.Conv2d(2, 3, 1), torch.nn.BatchNorm2d(3).eval())
    with pytest.raises(AssertionError, match=r"linear.out_features=3 and bn.num_features=4"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(2, 3).eval(), nn.BatchNorm1d(4).eval())
    with pytest.raises(AssertionError, match="running_mean and bn.running_var must not be None"):
        nn.utils.fuse_linear_bn_eval(nn.Linear(2, 3).eval(), nn.BatchNorm1d(3, track_running_stats=False).eval())


# ---- nn.utils: clipping -----------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf, "inf"])
def test_get_total_norm_matches_torch(torch, norm_type):
    rng = np.random.default_rng(9)
    arrays = [rng.standard_normal((3, 4)), rng.standard_normal(5), rng.standard_normal(())]
    ours = nn.utils.get_total_norm([tg.tensor(a) for a in arrays], norm_type)
    theirs = torch.nn.utils.get_total_norm([torch.tensor(a) for a in arrays], norm_type)
    assert ours.shape == () and ours.dtype == np.float64
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-13)
    assert nn.utils.get_total_norm(tg.tensor(arrays[0]), norm_type).item() == pytest.approx(
        torch.nn.utils.get_total_norm(torch.tensor(arrays[0]), norm_type).item(), rel=1e-13)


def test_get_total_norm_by_hand():
    assert nn.utils.get_total_norm([tg.tensor([3.0]), tg.tensor([[4.0]])]).item() == 5.0
    assert nn.utils.get_total_norm([tg.tensor([3.0, -7.0]), tg.tensor([4.0])], norm_type=math.inf).item() == 7.0
    assert nn.utils.get_total_norm([tg.tensor([1.0, -2.0]), tg.tensor([3.0])], norm_type=1).item() == 6.0
    assert nn.utils.get_total_norm([]).item() == 0.0
    assert nn.utils.get_total_norm([tg.tensor([3.0], dtype=tg.float32)]).dtype == np.float32
    with pytest.raises(RuntimeError, match=r"get_total_norm: the total norm of order 2.0.* is inf"):
        nn.utils.get_total_norm([tg.tensor([1.0, math.inf])], error_if_nonfinite=True)
    assert math.isnan(nn.utils.get_total_norm([tg.tensor([math.nan])]).item())


def test_clip_grads_with_norm_matches_torch(torch):
    rng = np.random.default_rng(10)
    arrays = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    for max_norm in (0.5, 100.0):
        ours = [tg.tensor(a, requires_grad=True) for a in arrays]
        theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
        for p, q, a in zip(ours, theirs, arrays):
            p.grad, q.grad = tg.tensor(a * 2), torch.tensor(a * 2)
        total = nn.utils.get_total_norm([p.grad for p in ours])
        assert nn.utils.clip_grads_with_norm_(ours, max_norm, total) is None
        torch.nn.utils.clip_grads_with_norm_(theirs, max_norm, torch.nn.utils.get_total_norm([q.grad for q in theirs]))
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-14)


def test_clip_grad_norm_is_total_norm_then_clip_and_the_old_name_warns(torch):
    """clip_grad_norm_ = get_total_norm of the grads + clip_grads_with_norm_, the same numbers;
    `clip_grad_norm` (no underscore) is the deprecated spelling: a FutureWarning, as PyTorch's."""
    rng = np.random.default_rng(11)
    arrays = [rng.standard_normal((2, 3)), rng.standard_normal(4)]

    def params():
        ps = [tg.tensor(a, requires_grad=True) for a in arrays]
        for p in ps:
            p.grad = tg.tensor(p.data * 3)
        return ps

    a, b, c = params(), params(), params()
    total = nn.utils.clip_grad_norm_(a, 1.0, norm_type=3.0)
    manual = nn.utils.get_total_norm([p.grad for p in b], 3.0)
    nn.utils.clip_grads_with_norm_(b, 1.0, manual)
    with pytest.warns(FutureWarning, match="clip_grad_norm_"):
        old = nn.utils.clip_grad_norm(c, 1.0, 3.0)
    assert total.item() == manual.item() == old.item()
    for p, q, r in zip(a, b, c):
        np.testing.assert_array_equal(p.grad.data, q.grad.data)
        np.testing.assert_array_equal(p.grad.data, r.grad.data)
    with pytest.warns(FutureWarning):
        torch.nn.utils.clip_grad_norm([torch.ones(2, requires_grad=True)], 1.0)
    with pytest.raises(RuntimeError, match="clip_grad_norm_: the total norm"):
        w = tg.tensor([1.0], requires_grad=True)
        w.grad = tg.tensor([math.inf])
        nn.utils.clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


def test_clip_grad_norm_warns_on_an_empty_generator_as_torch(torch):
    with pytest.warns(UserWarning, match="empty generator"):
        torch.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    with pytest.warns(UserWarning, match="`parameters` is an empty generator, no gradient clipping will occur"):
        assert nn.utils.clip_grad_norm_((p for p in []), 1.0).item() == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.utils.clip_grad_norm_([], 1.0)  # an empty list is not a used-up generator: no warning


def test_clipping_signatures_are_torchs(torch):
    for name in ("get_total_norm", "clip_grads_with_norm_", "clip_grad_norm_", "clip_grad_norm", "clip_grad_value_",
                 "fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights",
                 "convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"):
        assert signature_of(getattr(nn.utils, name)) == signature_of(getattr(torch.nn.utils, name)), name
    assert signature_of(nn.utils.stateless.functional_call) == signature_of(torch.nn.utils.stateless.functional_call)


# ---- nn.utils: memory formats and stateless -----------------------------------------------------
def test_convert_conv_weight_memory_format_matches_torch(torch):
    def model(lib):
        return lib.nn.Sequential(lib.nn.Conv2d(2, 3, 3), lib.nn.Sequential(lib.nn.ConvTranspose2d(3, 2, 2)),
                                 lib.nn.Conv3d(1, 2, 2), lib.nn.ConvTranspose3d(2, 1, 1), lib.nn.Linear(2, 2))
    ours, theirs = model(tg), model(torch)
    copy_state(theirs, ours)
    weights = [p for p in ours.parameters()]
    values = [p.data.copy() for p in weights]
    for convert, fmt in [("convert_conv2d_weight_memory_format", "channels_last"),
                         ("convert_conv3d_weight_memory_format", "channels_last_3d"),
                         ("convert_conv2d_weight_memory_format", "contiguous_format")]:
        assert getattr(nn.utils, convert)(ours, getattr(tg, fmt)) is ours
        getattr(torch.nn.utils, convert)(theirs, getattr(torch, fmt))
        assert [p.stride() for p in ours.parameters()] == [p.stride() for p in theirs.parameters()]
    assert all(p is q for p, q in zip(ours.parameters(), weights))
    for p, v in zip(ours.parameters(), values):
        np.testing.assert_array_equal(p.data, v)


def test_convert_conv_weight_memory_format_by_hand_and_errors():
    conv = nn.Conv2d(2, 4, 3)
    nn.utils.convert_conv2d_weight_memory_format(conv, tg.channels_last)
    assert conv.weight.stride() == (18, 1, 6, 2) and conv.weight.is_contiguous(memory_format=tg.channels_last)
    assert nn.utils.convert_conv3d_weight_memory_format(conv, tg.channels_last_3d) is conv  # (no Conv3d: nothing)
    with pytest.raises(RuntimeError, match="required rank 5 tensor to use channels_last_3d format"):
        nn.utils.convert_conv2d_weight_memory_format(conv, tg.channels_last_3d)
    with pytest.raises(RuntimeError, match="unsupported memory format Preserve"):
        nn.utils.convert_conv2d_weight_memory_format(conv, tg.preserve_format)
    with pytest.raises(TypeError, match="must be tinygrad_edu.memory_format"):
        nn.utils.convert_conv2d_weight_memory_format(conv, "channels_last")
    nn.utils.convert_conv2d_weight_memory_format(nn.Linear(2, 2), "anything")  # (checked only for a conv, as PyTorch)


def test_memory_format_errors_have_torchs_types(torch):
    for fmt in ("preserve_format", "channels_last_3d"):
        with pytest.raises(RuntimeError):
            torch.nn.utils.convert_conv2d_weight_memory_format(torch.nn.Conv2d(1, 1, 1), getattr(torch, fmt))
        with pytest.raises(RuntimeError):
            nn.utils.convert_conv2d_weight_memory_format(nn.Conv2d(1, 1, 1), getattr(tg, fmt))


def test_stateless_functional_call_warns_and_calls_func_functional_call(torch):
    model = nn.Linear(2, 1)
    values = {"weight": tg.tensor([[1.0, 2.0]]), "bias": tg.tensor([0.5])}
    with pytest.warns(FutureWarning, match="functional_call"):
        out = nn.utils.stateless.functional_call(model, values, (tg.tensor([[1.0, 1.0]]),))
    assert out.tolist() == [[3.5]] == tg.func.functional_call(model, values, tg.tensor([[1.0, 1.0]])).tolist()
    with pytest.warns(FutureWarning):
        torch.nn.utils.stateless.functional_call(torch.nn.Linear(2, 1), {}, (torch.ones(1, 2),))


def test_nn_utils_module_names():
    from tinygrad_edu.nn.utils import clip_grad, fusion, memory_format, stateless

    assert fusion.fuse_conv_bn_eval is nn.utils.fuse_conv_bn_eval
    assert clip_grad.clip_grad_norm_ is nn.utils.clip_grad_norm_
    assert memory_format.convert_conv2d_weight_memory_format is nn.utils.convert_conv2d_weight_memory_format
    assert stateless.functional_call is nn.utils.stateless.functional_call


# ---- tg.autograd.profiler ---------------------------------------------------------------------------
def test_legacy_profile_records_ops_and_blocks():
    profiler = tg.autograd.profiler
    x, w = tg.ones(2, 3), tg.ones(3, 4)
    prof = profiler.profile(record_shapes=True)
    with prof as entered:
        assert entered is prof
        with profiler.record_function("forward"):
            y = (x * 2) @ w
        assert len(prof.function_events) == 0  # (as in PyTorch: read once the block has ended)
    events = prof.function_events
    assert [(e.name, e.cpu_parent.name if e.cpu_parent else None) for e in events] == [
        ("forward", None), ("aten::mul", "forward"), ("aten::matmul", "forward")]
    assert events[2].input_shapes == [[2, 3], [3, 4]]
    assert y.tolist() == [[6.0] * 4] * 2
    assert prof.self_cpu_time_total == pytest.approx(sum(e.self_cpu_time_total for e in events))
    assert prof.self_cpu_time_total == pytest.approx(events[0].cpu_time_total)  # (the one top-level event)
    averages = prof.key_averages()
    assert [(a.key, a.count) for a in averages] == [("forward", 1), ("aten::mul", 1), ("aten::matmul", 1)]
    table = averages.table(sort_by="self_cpu_time_total")
    assert "aten::matmul" in table and "Self CPU time total" in table and str(averages) == averages.table()
    assert prof.total_average().count == 3 and str(prof) == prof.table()


def test_legacy_profile_exports_a_chrome_trace(tmp_path):
    with tg.autograd.profiler.profile() as prof:
        tg.ones(3) + 1
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    names = [e["name"] for e in json.loads(path.read_text())["traceEvents"] if e["ph"] == "X"]
    assert names == ["aten::add"]
    with pytest.raises(AssertionError, match="export_stacks\\(\\) requires with_stack=True"):
        prof.export_stacks(str(tmp_path / "stacks.txt"))


def test_legacy_profile_options():
    profiler = tg.autograd.profiler
    with profiler.profile(enabled=False) as prof:
        tg.ones(2) * 2
    assert prof is None
    prof = profiler.profile()
    assert repr(prof) == str(prof) == "<unfinished tinygrad_edu.autograd.profile>"
    assert len(prof.function_events) == 0 and prof.self_cpu_time_total == 0
    with prof:
        pass
    with pytest.raises(RuntimeError, match="not reentrant"):
        prof.__enter__()
    assert profiler.profile(with_flops=True).record_shapes
    with pytest.warns(FutureWarning, match="use_cuda"):
        with pytest.warns(UserWarning, match="CUDA is not available, disabling CUDA profiling"):
            assert profiler.profile(use_cuda=True).use_device is None
    with pytest.warns(UserWarning, match="The foo is not a valid device option."):
        profiler.profile(use_device="foo")
    with pytest.raises(AssertionError, match="use_kineto=True"):
        profiler.profile(use_cpu=False)
    with pytest.raises(ValueError, match="post_processing_timeout_s must be non-negative"):
        profiler.profile(post_processing_timeout_s=-1)
    assert profiler.record_function is tg.profiler.record_function
    with profiler.profile(with_flops=True) as prof:
        tg.ones(2, 3) @ tg.ones(3, 4)
    assert prof.function_events[0].flops == 2 * 2 * 3 * 4
    with profiler.profile() as prof:  # pausing the recording inside the block (PyTorch keeps add and sub too)
        tg.ones(2) + 1
        prof.toggle_collection_dynamic(False, [tg.profiler.ProfilerActivity.CPU])
        tg.ones(2) * 2
        prof.toggle_collection_dynamic(True, [tg.profiler.ProfilerActivity.CPU])
        tg.ones(2) - 1
    assert [e.name for e in prof.function_events] == ["aten::add", "aten::sub"]


def test_emit_itt_is_a_no_op_and_emit_nvtx_needs_cuda():
    profiler = tg.autograd.profiler
    itt = profiler.emit_itt()
    with itt as entered:
        assert entered is itt
        assert (tg.ones(2) + 1).tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="not reentrant"):
        itt.__enter__()
    with profiler.emit_itt(enabled=False) as entered:
        assert entered is None
    with pytest.raises(AssertionError, match="CUDA"):
        with profiler.emit_nvtx():
            pass
    with profiler.emit_nvtx(enabled=False) as entered:
        assert entered is None


def test_legacy_profiler_is_torchs(torch):
    from torch.autograd import profiler as theirs

    ours = tg.autograd.profiler
    for name in ("profile", "emit_itt", "emit_nvtx", "record_function"):
        assert signature_of(getattr(ours, name)) == signature_of(getattr(theirs, name)), name
    for method in ("table", "key_averages", "export_chrome_trace", "export_stacks", "total_average",
                   "toggle_collection_dynamic"):
        assert signature_of(getattr(ours.profile, method)) == signature_of(getattr(theirs.profile, method)), method
    with theirs.profile(enabled=False) as prof:
        pass
    assert prof is None
    with pytest.raises(AssertionError):
        theirs.emit_nvtx().__enter__()
    # the same program gives the same top-level ops (PyTorch also lists the kernels they call)
    x, w = torch.ones(2, 3), torch.ones(3, 4)
    with theirs.profile() as prof:
        with theirs.record_function("block"):
            (x * 2) @ w
    expected = [e.name for e in prof.function_events if e.cpu_parent is None or e.cpu_parent.name == "block"]
    with ours.profile() as prof:
        with ours.record_function("block"):
            (tg.ones(2, 3) * 2) @ tg.ones(3, 4)
    assert [e.name for e in prof.function_events] == expected


# ---- tg.cpu and tg.compiler -------------------------------------------------------------------------
def test_cpu_namespace():
    assert tg.cpu.is_available() and tg.cpu.is_initialized()
    assert tg.cpu.device_count() == 1 and tg.cpu.current_device() == "cpu"
    assert tg.cpu.synchronize() is None and tg.cpu.synchronize("cpu") is None and tg.cpu.set_device(0) is None
    default = tg.cpu.current_stream()
    s1, s2 = tg.cpu.Stream(), tg.cpu.Stream(priority=0)
    with tg.cpu.stream(s1):
        assert tg.cpu.current_stream() is s1
        with tg.cpu.StreamContext(s2):
            assert tg.cpu.current_stream() is s2
        with tg.cpu.stream(None):
            assert tg.cpu.current_stream() is s1
        assert tg.cpu.current_stream() is s1
    assert tg.cpu.current_stream() is default
    event = tg.cpu.Event()
    assert event.query() and event.record() is None and event.wait(s1) is None and s1.wait_event(event) is None
    caps = tg.cpu.get_capabilities()
    assert caps["architecture"] and caps["num_logical_cores"] >= 1
    with pytest.raises(TypeError):
        caps["avx2"] = True  # read-only, as PyTorch's


def test_cpu_namespace_is_torchs(torch):
    assert set(tg.cpu.__all__) == set(torch.cpu.__all__)
    for name in torch.cpu.__all__:
        assert signature_of(getattr(tg.cpu, name)) == signature_of(getattr(torch.cpu, name)), name
    ours, theirs = tg.cpu.get_capabilities(), torch.cpu.get_capabilities()
    assert ours["architecture"] == theirs["architecture"]
    common = [k for k in ours if k in theirs and isinstance(ours[k], bool)]
    assert len(common) > 5 and all(ours[k] == theirs[k] for k in common)


def test_compiler_decorators_return_the_function():
    def f(x):
        return x + 1

    compiler = tg.compiler
    assert compiler.disable(f) is f and compiler.disable(f, reason="logging") is f
    assert compiler.disable()(f) is f and compiler.disable(recursive=False)(f) is f
    assert compiler.allow_in_graph(f) is f and compiler.allow_in_graph([f]) == [f]
    assert compiler.assume_constant_result(f) is f
    assert compiler.nested_compile_region(f) is f and compiler.nested_compile_region()(f) is f
    assert compiler.substitute_in_graph(len)(f) is f
    model = nn.Linear(2, 2)
    assert compiler.disable(model) is model and compiler.compile(model) is model
    assert not (compiler.is_compiling() or compiler.is_dynamo_compiling() or compiler.is_exporting())
    assert compiler.reset() is None and compiler.cudagraph_mark_step_begin() is None
    assert compiler.save_cache_artifacts() is None
    for decorator in (compiler.disable, compiler.allow_in_graph, compiler.assume_constant_result):
        with pytest.raises(AssertionError, match="expects a callable"):
            decorator(3)
    out = compiler.wrap_numpy(lambda a, b: {"sum": a + b["x"], "n": 2})(tg.tensor([1.0]), {"x": tg.tensor([2.0])})
    assert isinstance(out["sum"], tg.Tensor) and out["sum"].tolist() == [3.0] and out["n"] == 2


def test_compiler_backends_and_stance():
    compiler = tg.compiler
    assert compiler.list_backends() == ["cudagraphs", "inductor", "openxla", "tvm"]
    assert "eager" in compiler.list_backends(exclude_tags=()) and "eager" in compiler.list_backends(None)
    assert "openxla_eval" not in compiler.list_backends(exclude_tags=("experimental",))
    assert compiler.get_default_backend() == "inductor"
    compiler.set_default_backend("eager")
    assert compiler.get_default_backend() == "eager"
    compiler.set_default_backend(None)
    assert compiler.get_default_backend() == "inductor"
    from tinygrad_edu import compiler as module

    compiler.set_stance("force_eager")
    assert module._stance == "force_eager"
    with compiler.set_stance("eager_on_recompile"):
        assert module._stance == "eager_on_recompile"
    assert module._stance == "force_eager"

    @compiler.set_stance("fail_on_recompile")
    def stance():
        return module._stance

    assert module._stance == "force_eager" and stance() == "fail_on_recompile" and module._stance == "force_eager"
    compiler.set_stance("default")
    with pytest.raises(RuntimeError, match="non-default stance cannot have force_backend set"):
        compiler.set_stance("force_eager", force_backend="eager")
    with pytest.raises(RuntimeError, match="unknown stance 'forced_eager'"):
        compiler.set_stance("forced_eager")
    assert module._stance == "default"


def test_compiler_is_torchs(torch):
    assert set(tg.compiler.__all__) <= set(torch.compiler.__all__)
    for name in tg.compiler.__all__:
        if name != "compile":  # (PyTorch's is a wrapper taking *args, **kwargs; ours is tg.compile's signature)
            assert signature_of(getattr(tg.compiler, name)) == signature_of(getattr(torch.compiler, name)), name
    for tags in [("debug", "experimental"), (), ("experimental",), ("debug",), None]:
        assert tg.compiler.list_backends(tags) == torch.compiler.list_backends(tags)
    with pytest.raises(AssertionError):
        torch.compiler.disable(3)
    with pytest.raises(RuntimeError):
        torch.compiler.set_stance("force_eager", force_backend="eager")
    assert torch.compiler.wrap_numpy(np.add)(torch.ones(1), torch.ones(1)).tolist() == \
        tg.compiler.wrap_numpy(np.add)(tg.ones(1), tg.ones(1)).tolist()


@pytest.mark.parametrize("module", ["tinygrad_edu.nn.utils.clip_grad", "tinygrad_edu.nn.utils.fusion",
                                    "tinygrad_edu.nn.utils.memory_format", "tinygrad_edu.autograd.profiler",
                                    "tinygrad_edu.cpu", "tinygrad_edu.compiler"])
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
