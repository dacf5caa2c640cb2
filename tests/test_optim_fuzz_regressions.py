"""Regression tests for the differences the optimizer fuzz (tests/fuzz/optim_fuzz.py) found
between tinygrad_edu.optim and torch.optim; each states the expected numbers, so it runs without
PyTorch, and compares with PyTorch when it is installed."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.optim as optim
from tinygrad_edu.optim import lr_scheduler

OPTIMIZERS = {  # (class, extra options): every optimizer that takes the gradient in .grad
    "SGD": (optim.SGD, {"momentum": 0.9}), "Adam": (optim.Adam, {"amsgrad": True}), "AdamW": (optim.AdamW, {}),
    "Adagrad": (optim.Adagrad, {"lr_decay": 0.1}), "Adadelta": (optim.Adadelta, {}), "Adamax": (optim.Adamax, {}),
    "ASGD": (optim.ASGD, {"t0": 1.0}), "NAdam": (optim.NAdam, {}), "RAdam": (optim.RAdam, {}),
    "RMSprop": (optim.RMSprop, {"centered": True, "momentum": 0.5}), "Rprop": (optim.Rprop, {}),
    "Adafactor": (optim.Adafactor, {}), "Muon": (optim.Muon, {}), "SparseAdam": (optim.SparseAdam, {}),
}


def run_three_steps(name: str, lr) -> np.ndarray:
    cls, options = OPTIMIZERS[name]
    p = tg.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    opt = cls([p], lr=lr, **options)
    for g in ([[0.5, -1.0], [2.0, 0.0]], [[0.25, 1.0], [-1.0, 0.5]], [[1.0, 1.0], [0.0, -2.0]]):
        p.grad = tg.tensor(g)
        opt.step()
    return p.detach().numpy()


# ---- a learning rate given as a 0-d Tensor (PyTorch: `lr: float | Tensor`) ---------------------

@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_tensor_lr_gives_the_same_steps_as_the_number(name):
    # (before the fix: TypeError "lr must be a number, got Tensor")
    np.testing.assert_array_equal(run_three_steps(name, tg.tensor(0.01)), run_three_steps(name, 0.01))


def test_a_tensor_lr_by_hand_and_checked_as_pytorch():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=tg.tensor(0.1))
    p.grad = tg.tensor([0.5, -1.0])
    opt.step()
    assert p.tolist() == [1.0 - 0.1 * 0.5, 2.0 + 0.1]
    with pytest.raises(ValueError, match="1-element"):
        optim.SGD([p], lr=tg.tensor([0.1, 0.2]))
    with pytest.raises(ValueError, match="learning rate"):
        optim.Adam([p], lr=tg.tensor(-0.1))
    with pytest.raises(ValueError, match="foreach=True"):  # PyTorch's Adam/AdamW refuse this pair
        optim.AdamW([p], lr=tg.tensor(0.1), foreach=True)
    opt = optim.Adam([{"params": [p], "foreach": True}], lr=tg.tensor(0.1))
    with pytest.raises(RuntimeError, match="foreach=True"):  # a group's foreach: checked at the step
        opt.step()


def test_lbfgs_takes_a_tensor_lr():
    # one iteration on (p - 3)² from p = 0: g = -6, t = min(1, 1/|g|₁) · lr = 1/6, p ← p + t · 6 = 1
    p = tg.tensor([0.0], requires_grad=True)
    opt = optim.LBFGS([p], lr=tg.tensor(1.0), max_iter=1)

    def closure():
        opt.zero_grad()
        loss = ((p - 3.0) ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    assert p.tolist() == [1.0]


def test_a_scheduler_changes_a_tensor_lr_in_place():
    lr = tg.tensor(0.1)
    p = tg.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=lr)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    p.grad = tg.tensor([1.0])
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr and lr.item() == 0.05  # the same Tensor, changed
    last = sched.get_last_lr()[0]
    assert isinstance(last, tg.Tensor) and last is not lr and last.item() == 0.05  # a copy, as PyTorch's
    assert isinstance(opt.param_groups[0]["initial_lr"], tg.Tensor) and opt.param_groups[0]["initial_lr"].item() == 0.1


def test_a_shared_tensor_lr_stays_shared_through_a_state_dict():
    # the constructor's Tensor lr is every group's; PyTorch's state dict round trip keeps it one object
    a, b = tg.tensor([1.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b]}], lr=tg.tensor(0.1))
    restored = optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.5)
    restored.load_state_dict(opt.state_dict())
    lr0, lr1 = restored.param_groups[0]["lr"], restored.param_groups[1]["lr"]
    assert lr0 is lr1 and lr0.item() == 0.1
    assert lr0 is not opt.param_groups[0]["lr"]  # (a copy, not the saved optimizer's tensor)


def test_tensor_lr_schedules_match_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib, o in ((torch, torch.optim), (tg, optim)):
        p = lib.tensor([1.0, -1.0], dtype=lib.float64, requires_grad=True)
        opt = o.Adam([p], lr=lib.tensor(0.1, dtype=lib.float64))
        sched = o.lr_scheduler.SequentialLR(opt, [o.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2),
                                                  o.lr_scheduler.CosineAnnealingLR(opt, T_max=3)], milestones=[2])
        lrs = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(6):
                p.grad = lib.tensor([0.5, 2.0], dtype=lib.float64)
                opt.step()
                sched.step()
                lrs.append(float(opt.param_groups[0]["lr"]))
        results.append((lrs, p.detach().numpy().tolist()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-14)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-14)


# ---- schedulers after add_param_group ----------------------------------------------------------

SCHEDULERS_WITH_BASE_LRS = {
    "LambdaLR": lambda opt: lr_scheduler.LambdaLR(opt, lambda e: 0.5),
    "MultiplicativeLR": lambda opt: lr_scheduler.MultiplicativeLR(opt, lambda e: 0.5),
    "CosineAnnealingLR": lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=1),
    "CosineAnnealingWarmRestarts": lambda opt: lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2),
    "CyclicLR": lambda opt: lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2),
    "PolynomialLR-closed-form": lambda opt: lr_scheduler.PolynomialLR(opt, total_iters=3),
}


@pytest.mark.parametrize("name", sorted(SCHEDULERS_WITH_BASE_LRS))
def test_a_group_added_after_the_scheduler_is_refused_as_in_pytorch(name):
    # (before the fix: the new group was silently left out of the schedule)
    p, q = tg.tensor([1.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    sched = SCHEDULERS_WITH_BASE_LRS[name](opt)
    opt.add_param_group({"params": [q], "lr": 0.2})
    with warnings.catch_warnings(), pytest.raises(ValueError, match="parameter groups"):
        warnings.simplefilter("ignore")
        for _ in range(2):  # (CosineAnnealingLR uses its base lrs at the bottom of the cosine, epoch 2)
            sched.step(1) if name.endswith("closed-form") else sched.step()


def test_a_chainable_scheduler_keeps_scheduling_an_added_group():
    # StepLR multiplies each group's current lr, so a group added later is scheduled too (as in PyTorch)
    p, q = tg.tensor([1.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    opt.add_param_group({"params": [q], "lr": 0.2})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched.step()
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.1]


def test_added_group_errors_match_torch():
    torch = pytest.importorskip("torch")
    for name in ("LambdaLR", "CosineAnnealingWarmRestarts", "CyclicLR"):
        outcomes = []
        for lib, o in ((torch, torch.optim), (tg, optim)):
            p, q = lib.zeros(1, requires_grad=True), lib.zeros(1, requires_grad=True)
            opt = o.SGD([p], lr=0.1, momentum=0.9)
            make = {"LambdaLR": lambda: o.lr_scheduler.LambdaLR(opt, lambda e: 0.5),
                    "CosineAnnealingWarmRestarts": lambda: o.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2),
                    "CyclicLR": lambda: o.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1)}[name]
            sched = make()
            opt.add_param_group({"params": [q]})
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    sched.step()
                outcomes.append(None)
            except Exception as error:  # noqa: BLE001
                outcomes.append(type(error))
        assert outcomes[0] is outcomes[1] is ValueError, name


# ---- SparseAdam ----------------------------------------------------------------------------------

def test_sparse_adam_refuses_eps_zero_as_pytorch():
    # (PyTorch's SparseAdam checks 0 < eps, unlike Adam's 0 <= eps)
    p = tg.zeros(2, 1, requires_grad=True)
    with pytest.raises(ValueError, match="epsilon"):
        optim.SparseAdam([p], eps=0.0)


def test_sparse_adam_rounds_its_averages_as_pytorch():
    # β₂ = 0: v = v_old + (g² - v_old)·1, PyTorch's form; with v_old = 1 and g = 1e-3 that is
    # 1.0000000000287557e-06, not 1e-6 (the old form β₂·v_old + (1-β₂)·g² gave 1e-6 exactly)
    p = tg.tensor([[0.0], [0.0]], requires_grad=True)
    opt = optim.SparseAdam([p], lr=0.1, betas=(0.0, 0.0), eps=1e-8)
    p.grad = tg.tensor([[1.0], [0.0]])
    opt.step()
    p.grad = tg.tensor([[1e-3], [0.0]])
    opt.step()
    assert opt.state[p]["exp_avg_sq"].data[0, 0] == 1.0000000000287557e-06
    assert p.tolist() == [[-0.19999899900856227], [0.0]]  # (PyTorch 2.13's numbers)


# ---- load_state_dict -------------------------------------------------------------------------------

def test_a_loaded_group_is_the_saved_group():
    # PyTorch's load_state_dict replaces each group by the saved one: a key set since (here by a
    # scheduler made before loading) goes; before the fix it stayed
    p = tg.tensor([1.0], requires_grad=True)
    saved = optim.SGD([p], lr=0.1, momentum=0.9).state_dict()
    opt = optim.SGD([p], lr=0.5)
    lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    assert "max_lr" in opt.param_groups[0] and "initial_lr" in opt.param_groups[0]
    opt.load_state_dict(saved)
    group = opt.param_groups[0]
    assert "max_lr" not in group and "initial_lr" not in group and "max_momentum" not in group
    assert (group["lr"], group["momentum"]) == (0.1, 0.9)


def test_loaded_group_keys_match_torch():
    torch = pytest.importorskip("torch")
    keys = []
    for lib, o in ((torch, torch.optim), (tg, optim)):
        p = lib.zeros(1, requires_grad=True)
        saved = o.Adam([p], lr=0.1).state_dict()
        opt = o.Adam([p], lr=0.5)
        o.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
        opt.load_state_dict(saved)
        keys.append(sorted(opt.param_groups[0]))
    assert keys[0] == keys[1]
