"""ConstantLR, LinearLR, MultiplicativeLR, PolynomialLR, OneCycleLR, CyclicLR,
CosineAnnealingWarmRestarts, ReduceLROnPlateau, SequentialLR and ChainedScheduler: the learning
rates (and momentums) over many steps equal PyTorch's, state dicts resume exactly, errors."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim
from tinygrad_edu.optim import lr_scheduler

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def make_optimizer(o, kind: str = "sgd"):
    """An optimizer of library `o` (ours or torch.optim) with two parameter groups."""
    lib = tg if o is optim else torch
    a, b = lib.ones(2, requires_grad=True), lib.ones(3, requires_grad=True)
    if kind == "adam":
        return o.Adam([{"params": [a]}, {"params": [b], "lr": 0.02}], lr=0.1)
    return o.SGD([{"params": [a]}, {"params": [b], "lr": 0.02}], lr=0.1, momentum=0.9)


def scale(e):
    return 0.9 ** e


SCHEDULES = {
    "constant": ("sgd", lambda s, opt: s.ConstantLR(opt, factor=0.25, total_iters=4)),
    "linear": ("sgd", lambda s, opt: s.LinearLR(opt, start_factor=0.1, end_factor=0.8, total_iters=7)),
    "linear-defaults": ("sgd", lambda s, opt: s.LinearLR(opt)),
    "multiplicative": ("sgd", lambda s, opt: s.MultiplicativeLR(opt, lambda e: 0.95 if e % 2 else 1.01)),
    "multiplicative-per-group": ("sgd", lambda s, opt: s.MultiplicativeLR(opt, [lambda e: 0.9, scale])),
    "polynomial": ("sgd", lambda s, opt: s.PolynomialLR(opt, total_iters=12, power=2.0)),
    "one-cycle-cos": ("sgd", lambda s, opt: s.OneCycleLR(opt, max_lr=[1.0, 0.5], total_steps=40)),
    "one-cycle-linear-adam": ("adam", lambda s, opt: s.OneCycleLR(
        opt, max_lr=0.3, epochs=4, steps_per_epoch=10, pct_start=0.25, anneal_strategy="linear",
        div_factor=10.0, final_div_factor=100.0)),
    "one-cycle-three-phase": ("adam", lambda s, opt: s.OneCycleLR(
        opt, max_lr=0.3, total_steps=40, three_phase=True, base_momentum=0.7, max_momentum=[0.9, 0.99])),
    "one-cycle-no-momentum": ("sgd", lambda s, opt: s.OneCycleLR(opt, max_lr=0.3, total_steps=40,
                                                                 cycle_momentum=False)),
    "cyclic-triangular": ("sgd", lambda s, opt: s.CyclicLR(opt, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=4)),
    "cyclic-triangular2": ("sgd", lambda s, opt: s.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                             step_size_down=5, mode="triangular2")),
    "cyclic-exp-range-adam": ("adam", lambda s, opt: s.CyclicLR(opt, base_lr=[0.01, 0.02], max_lr=0.1,
                                                                 step_size_up=5, mode="exp_range", gamma=0.97,
                                                                 base_momentum=0.8, max_momentum=0.95)),
    "cyclic-scale-fn": ("sgd", lambda s, opt: s.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4,
                                                          scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations",
                                                          cycle_momentum=False)),
    "warm-restarts": ("sgd", lambda s, opt: s.CosineAnnealingWarmRestarts(opt, T_0=5, eta_min=0.001)),
    "warm-restarts-mult": ("sgd", lambda s, opt: s.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)),
    "sequential": ("sgd", lambda s, opt: s.SequentialLR(opt, [s.LinearLR(opt, start_factor=0.1, total_iters=5),
                                                               s.CosineAnnealingLR(opt, T_max=20),
                                                               s.ExponentialLR(opt, gamma=0.9)],
                                                         milestones=[5, 25])),
    "sequential-constant-step": ("sgd", lambda s, opt: s.SequentialLR(
        opt, [s.ConstantLR(opt, factor=0.5, total_iters=3), s.StepLR(opt, step_size=4, gamma=0.5)], milestones=[6])),
    "chained": ("sgd", lambda s, opt: s.ChainedScheduler([s.ConstantLR(opt, factor=0.1, total_iters=3),
                                                           s.ExponentialLR(opt, gamma=0.9)])),
    "chained-with-optimizer": ("adam", lambda s, opt: s.ChainedScheduler(
        [s.LinearLR(opt, start_factor=0.5, total_iters=6), s.MultiStepLR(opt, milestones=[4, 9], gamma=0.3)],
        optimizer=opt)),
}


def run(o, name, steps=40):
    kind, make = SCHEDULES[name]
    opt = make_optimizer(o, kind)
    sched = make(o.lr_scheduler, opt)
    lrs, momenta = [sched.get_last_lr()], []
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(list(sched.get_last_lr()))
        momenta.append([g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups])
    return np.array(lrs, dtype=float), np.array(momenta, dtype=float), sched, opt


@needs_torch
@pytest.mark.parametrize("name", SCHEDULES)
def test_learning_rates_and_momentums_match_torch(name):
    lrs, momenta, sched, opt = run(optim, name)
    lrs_t, momenta_t, sched_t, opt_t = run(torch.optim, name)
    np.testing.assert_allclose(lrs, lrs_t, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(momenta, momenta_t, rtol=1e-13)
    assert getattr(sched, "last_epoch", None) == getattr(sched_t, "last_epoch", None)  # (ChainedScheduler: none)
    assert len(set(map(tuple, lrs))) > 1  # the schedule does change the lr
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([g["lr"] for g in opt_t.param_groups], rel=1e-13)
    assert set(sched.state_dict()) <= set(sched_t.state_dict()) | {"_is_initial"}


@pytest.mark.parametrize("name", SCHEDULES)
def test_state_dict_round_trip_resumes_the_schedule(name):
    kind, make = SCHEDULES[name]
    opt_a = make_optimizer(optim, kind)
    sched_a = make(lr_scheduler, opt_a)
    for _ in range(13):
        opt_a.step()
        sched_a.step()
    opt_sd, sched_sd = opt_a.state_dict(), sched_a.state_dict()
    opt_b = make_optimizer(optim, kind)
    sched_b = make(lr_scheduler, opt_b)
    opt_b.load_state_dict(opt_sd)
    sched_b.load_state_dict(sched_sd)
    assert sched_b.get_last_lr() == sched_a.get_last_lr()
    for _ in range(20):
        for opt, sched in ((opt_a, sched_a), (opt_b, sched_b)):
            opt.step()
            sched.step()
        assert sched_b.get_last_lr() == sched_a.get_last_lr()
        assert [g["lr"] for g in opt_b.param_groups] == [g["lr"] for g in opt_a.param_groups]


# ---- values by hand (no torch needed) -----------------------------------------------------------
def lrs_of(make, steps, lr=1.0, opt_class=optim.SGD, **options):
    opt = opt_class([nn.Parameter(tg.ones(1))], lr=lr, **options)
    sched = make(opt)
    out = [sched.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_linear_and_constant_warmups_by_hand():
    got = lrs_of(lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=3), 5)
    np.testing.assert_allclose(got, [0.25, 0.5, 0.75, 1.0, 1.0, 1.0], rtol=1e-14)
    got = lrs_of(lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=2), 4)
    np.testing.assert_allclose(got, [0.5, 0.5, 1.0, 1.0, 1.0])


def test_polynomial_and_multiplicative_by_hand():
    got = lrs_of(lambda o: lr_scheduler.PolynomialLR(o, total_iters=4, power=2.0), 6)
    np.testing.assert_allclose(got, [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0, 0.0], atol=1e-15)
    got = lrs_of(lambda o: lr_scheduler.MultiplicativeLR(o, lambda e: 0.5), 3)
    np.testing.assert_allclose(got, [1.0, 0.5, 0.25, 0.125])


def test_one_cycle_rises_to_max_lr_then_falls_to_its_minimum():
    got = lrs_of(lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="linear"), 9,
                 momentum=0.9)
    assert got[0] == pytest.approx(1.0 / 25)
    assert max(got) == pytest.approx(1.0) and int(np.argmax(got)) == 2  # end of phase 1: 0.3 · 10 - 1
    assert got[-1] == pytest.approx(1.0 / 25 / 1e4)
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):  # (its creation counted as step 0)
        opt.step()
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
        sched.step()


def test_cyclic_lr_triangle_by_hand():
    got = lrs_of(lambda o: lr_scheduler.CyclicLR(o, base_lr=0.0, max_lr=1.0, step_size_up=2,
                                                 cycle_momentum=False), 8)
    np.testing.assert_allclose(got, [0.0, 0.5, 1.0, 0.5, 0.0, 0.5, 1.0, 0.5, 0.0], atol=1e-15)


def test_warm_restarts_with_fractional_epochs():
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.0)
    expected = {0.5: (1 + math.cos(math.pi * 0.25)) / 2,   # first period: 2 epochs
                2.0: 1.0,                                   # a restart
                3.0: (1 + math.cos(math.pi * 0.25)) / 2,    # second period: 4 epochs
                6.5: (1 + math.cos(math.pi * 0.5 / 8)) / 2}  # third: 8 epochs, from epoch 6
    for epoch, lr in expected.items():
        sched.step(epoch)
        assert sched.get_last_lr()[0] == pytest.approx(lr, rel=1e-12), epoch
    assert sched.last_epoch == 6
    with pytest.raises(ValueError, match="Expected non-negative epoch"):
        sched.step(-1)


@needs_torch
def test_warm_restarts_fractional_epochs_match_torch():
    epochs = [i / 4 for i in range(60)] + [17.3, 3.0, 40.25]
    results = []
    for o in (optim, torch.optim):
        opt = make_optimizer(o)
        sched = o.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.01)
        seen = []
        for epoch in epochs:
            opt.step()
            sched.step(epoch)
            seen.append(sched.get_last_lr() + [sched.T_cur, sched.T_i, sched.last_epoch])
        results.append(np.array(seen, dtype=float))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-13)


METRICS = [5.0, 4.0, 4.0, 3.9999, 4.1, 4.0, 3.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 1.0,
           1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]


@needs_torch
@pytest.mark.parametrize("options", [
    dict(),
    dict(patience=1, factor=0.5),
    dict(mode="max", patience=2, factor=0.3, cooldown=2),
    dict(patience=0, threshold=0.1, threshold_mode="abs", min_lr=[0.05, 0.01]),
    dict(patience=1, factor=0.5, threshold=0.05, cooldown=1, min_lr=0.004, eps=1e-3),
])
def test_reduce_lr_on_plateau_matches_torch(options):
    results = []
    for lib, o in ((tg, optim), (torch, torch.optim)):
        opt = make_optimizer(o)
        sched = o.lr_scheduler.ReduceLROnPlateau(opt, **options)
        seen = []
        for metric in METRICS:
            opt.step()
            sched.step(lib.tensor(metric))  # a 0-d tensor is accepted
            seen.append(sched.get_last_lr() + [sched.num_bad_epochs, sched.cooldown_counter, sched.best])
        results.append(np.array(seen, dtype=float))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-14)
    assert len(set(results[0][:, 0])) > 1 or options.get("mode") == "max"


def test_reduce_lr_on_plateau_by_hand_and_state_dict():
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5)
    lrs = []
    for metric in [1.0, 1.0, 1.0, 1.0, 0.5, 0.6]:
        sched.step(metric)
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]  # the third epoch without improvement reduces
    other = lr_scheduler.ReduceLROnPlateau(optim.SGD([nn.Parameter(tg.ones(1))], lr=0.5), mode="max")
    other.load_state_dict(sched.state_dict())
    assert other.mode == "min" and other.best == 0.5 and other.num_bad_epochs == 1


def test_errors_as_torch():
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        lr_scheduler.ConstantLR(opt, factor=2.0)
    with pytest.raises(ValueError, match="greater than 0"):
        lr_scheduler.LinearLR(opt, start_factor=0.0)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode 'best' is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="best")
    with pytest.raises(ValueError, match="either total_steps OR"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="anneal_strategy"):
        lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=5, anneal_strategy="cosine")
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([nn.Parameter(tg.ones(1))]), max_lr=1.0, total_steps=5)
    with pytest.raises(ValueError, match="mode 'sawtooth' is invalid"):
        lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=1.0, mode="sawtooth")
    with pytest.raises(ValueError, match="max_lr must have the same length"):
        lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=[1.0, 2.0])
    with pytest.raises(ValueError, match="positive integer T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = lr_scheduler.ConstantLR(opt)
        with pytest.raises(ValueError, match="number of schedulers 1 and the number of milestones to be equal to 1"):
            lr_scheduler.SequentialLR(opt, [first], milestones=[3])
        with pytest.raises(ValueError, match="same optimizer"):
            lr_scheduler.ChainedScheduler([first, lr_scheduler.ExponentialLR(
                optim.SGD([nn.Parameter(tg.ones(1))], lr=1.0), gamma=0.5)])
        with pytest.raises(ValueError, match="ReduceLROnPlateau"):
            lr_scheduler.SequentialLR(opt, [first, lr_scheduler.ReduceLROnPlateau(opt)], milestones=[3])
