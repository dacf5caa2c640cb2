"""Random configurations for the optimizer fuzz (`optim_fuzz.py`): an optimizer with its options
and parameter groups, the gradients of every step, what happens between steps (zero_grad,
add_param_group, a state-dict round trip) and a learning-rate scheduler.

A configuration is plain data (dicts, lists, numpy arrays), drawn from a numpy Generator, so the
same seed gives the same configuration and both libraries run exactly the same numbers.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

Rng = np.random.Generator

# ---- option values ---------------------------------------------------------------------------


def _lr(rng: Rng) -> float:
    return float(rng.choice([1e-3, 1e-2, 0.05, 0.1, 0.5]) * rng.uniform(0.5, 1.5))


def _beta(rng: Rng, high: bool = False) -> float:
    choices = [0.9, 0.99, 0.999, 0.5, 0.0] if high else [0.9, 0.8, 0.5, 0.0, 0.95]
    return float(rng.choice(choices)) if rng.random() < 0.7 else float(rng.uniform(0, 0.999))


def _betas(rng: Rng) -> tuple[float, float]:
    return (_beta(rng), _beta(rng, high=True))


def _eps(rng: Rng, default: float) -> float:
    return float(rng.choice([default, default, 1e-3, 0.0, 1e-12]))


def _wd(rng: Rng) -> float:
    return float(rng.choice([0.0, 0.0, 1e-2, 0.1])) if rng.random() < 0.8 else float(rng.uniform(0, 0.5))


def _flag(rng: Rng, p: float = 0.5) -> bool:
    return bool(rng.random() < p)


def _foreach(rng: Rng) -> bool | None:
    return [None, False, True][int(rng.integers(3))]


def _some(rng: Rng, options: dict[str, Callable[[], Any]], p: float = 0.6) -> dict[str, Any]:
    """Each option with probability p (else left to the default)."""
    return {key: draw() for key, draw in options.items() if rng.random() < p}


def _sgd(rng: Rng) -> dict:
    opts = _some(rng, {"momentum": lambda: float(rng.choice([0.0, 0.9, 0.5, rng.uniform(0, 1)])),
                       "dampening": lambda: float(rng.choice([0.0, 0.0, 0.1, 0.5])),
                       "weight_decay": lambda: _wd(rng), "maximize": lambda: _flag(rng),
                       "foreach": lambda: _foreach(rng), "differentiable": lambda: False})
    if rng.random() < 0.3 and opts.get("momentum", 0) > 0 and opts.get("dampening", 0) == 0:
        opts["nesterov"] = True
    if rng.random() < 0.1:
        opts["fused"] = True
        opts.pop("foreach", None)
    return opts


def _adam(decoupled: bool) -> Callable[[Rng], dict]:
    def draw(rng: Rng) -> dict:
        table = {"betas": lambda: _betas(rng), "eps": lambda: _eps(rng, 1e-8), "weight_decay": lambda: _wd(rng),
                 "amsgrad": lambda: _flag(rng), "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng),
                 "capturable": lambda: False, "differentiable": lambda: False}
        if decoupled:
            table["decoupled_weight_decay"] = lambda: _flag(rng)
        opts = _some(rng, table)
        if rng.random() < 0.1:
            opts["fused"] = True
            opts.pop("foreach", None)
        return opts
    return draw


OPTION_DRAWS: dict[str, Callable[[Rng], dict]] = {
    "SGD": _sgd,
    "Adam": _adam(True),
    "AdamW": _adam(False),
    "Adagrad": lambda rng: _some(rng, {
        "lr_decay": lambda: float(rng.choice([0.0, 0.1, 0.5])), "weight_decay": lambda: _wd(rng),
        "initial_accumulator_value": lambda: float(rng.choice([0.0, 0.1, 1.0])), "eps": lambda: _eps(rng, 1e-10),
        "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng), "differentiable": lambda: False}),
    "Adadelta": lambda rng: _some(rng, {
        "rho": lambda: float(rng.choice([0.9, 0.5, 0.0, 1.0, rng.uniform(0, 1)])), "eps": lambda: _eps(rng, 1e-6),
        "weight_decay": lambda: _wd(rng), "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng),
        "capturable": lambda: False, "differentiable": lambda: False}),
    "Adamax": lambda rng: _some(rng, {
        "betas": lambda: _betas(rng), "eps": lambda: _eps(rng, 1e-8), "weight_decay": lambda: _wd(rng),
        "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng), "differentiable": lambda: False,
        "capturable": lambda: False}),
    "ASGD": lambda rng: _some(rng, {
        "lambd": lambda: float(rng.choice([1e-4, 0.1, 0.0])), "alpha": lambda: float(rng.choice([0.75, 0.5, 1.0])),
        "t0": lambda: float(rng.choice([1e6, 0.0, 1.0, 2.0, 3.5])), "weight_decay": lambda: _wd(rng),
        "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng), "differentiable": lambda: False,
        "capturable": lambda: False}),
    "NAdam": lambda rng: _some(rng, {
        "betas": lambda: _betas(rng), "eps": lambda: _eps(rng, 1e-8), "weight_decay": lambda: _wd(rng),
        "momentum_decay": lambda: float(rng.choice([4e-3, 0.0, 0.1, 1.0])),
        "decoupled_weight_decay": lambda: _flag(rng), "maximize": lambda: _flag(rng),
        "foreach": lambda: _foreach(rng), "capturable": lambda: False, "differentiable": lambda: False}),
    "RAdam": lambda rng: _some(rng, {
        "betas": lambda: (_beta(rng), float(rng.choice([0.999, 0.9, 0.5, 0.99]))), "eps": lambda: _eps(rng, 1e-8),
        "weight_decay": lambda: _wd(rng), "decoupled_weight_decay": lambda: _flag(rng),
        "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng), "capturable": lambda: False,
        "differentiable": lambda: False}),
    "RMSprop": lambda rng: _some(rng, {
        "alpha": lambda: float(rng.choice([0.99, 0.9, 0.5, 0.0])), "eps": lambda: _eps(rng, 1e-8),
        "weight_decay": lambda: _wd(rng), "momentum": lambda: float(rng.choice([0.0, 0.9, 0.5])),
        "centered": lambda: _flag(rng), "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng),
        "capturable": lambda: False, "differentiable": lambda: False}),
    "Rprop": lambda rng: _some(rng, {
        "etas": lambda: (float(rng.choice([0.5, 0.3, rng.uniform(0.01, 0.99)])),
                         float(rng.choice([1.2, 2.0, rng.uniform(1.01, 3)]))),
        "step_sizes": lambda: (float(rng.choice([1e-6, 1e-3, 0.0])), float(rng.choice([50.0, 0.1, 1.0]))),
        "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng), "capturable": lambda: False,
        "differentiable": lambda: False}),
    "SparseAdam": lambda rng: _some(rng, {
        "betas": lambda: _betas(rng), "eps": lambda: _eps(rng, 1e-8), "maximize": lambda: _flag(rng)}),
    "Adafactor": lambda rng: _some(rng, {
        "beta2_decay": lambda: float(rng.choice([-0.8, -0.5, -1.0, 0.0, rng.uniform(-1, 0)])),
        "eps": lambda: (None if rng.random() < 0.6 else float(rng.choice([1e-30, 1e-3])),
                        float(rng.choice([1e-3, 1e-2, 0.0]))),
        "d": lambda: float(rng.choice([1.0, 2.0, 0.5 + rng.uniform(0.5, 3)])), "weight_decay": lambda: _wd(rng),
        "maximize": lambda: _flag(rng), "foreach": lambda: _foreach(rng)}),
    "Muon": lambda rng: _some(rng, {
        "weight_decay": lambda: _wd(rng), "momentum": lambda: float(rng.choice([0.95, 0.9, 0.0, 0.5])),
        "nesterov": lambda: _flag(rng), "eps": lambda: float(rng.choice([1e-7, 1e-3])),
        "ns_steps": lambda: int(rng.integers(0, 7)),
        "ns_coefficients": lambda: ((3.4445, -4.7750, 2.0315) if rng.random() < 0.7 else (2.0, -1.5, 0.5)),
        "adjust_lr_fn": lambda: [None, "original", "match_rms_adamw"][int(rng.integers(3))]}),
    "LBFGS": lambda rng: _some(rng, {
        "max_iter": lambda: int(rng.integers(1, 12)), "max_eval": lambda: [None, int(rng.integers(1, 20))][
            int(rng.integers(2))], "tolerance_grad": lambda: float(rng.choice([1e-7, 1e-3, 1e-12])),
        "tolerance_change": lambda: float(rng.choice([1e-9, 1e-4, 1e-15])),
        "history_size": lambda: int(rng.integers(1, 8)),
        "line_search_fn": lambda: [None, "strong_wolfe"][int(rng.integers(2))]}),
}

# Invalid constructor options: (optimizer names, option, value); PyTorch raises for each.
INVALID: list[tuple[tuple[str, ...], str, Any]] = [
    (("*",), "lr", -0.1),
    (("Adam", "AdamW", "Adamax", "NAdam", "RAdam", "SparseAdam"), "betas", (1.0, 0.999)),
    (("Adam", "AdamW", "Adamax", "NAdam", "RAdam", "SparseAdam"), "betas", (0.9, 1.0)),
    (("Adam", "AdamW", "Adamax", "NAdam", "RAdam", "SparseAdam"), "betas", (-0.1, 0.999)),
    (("Adam", "AdamW", "Adamax", "NAdam", "RAdam", "SparseAdam", "Adagrad", "Adadelta", "RMSprop"), "eps", -1e-8),
    (("SGD", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "ASGD", "NAdam", "RAdam", "RMSprop",
      "Adafactor"), "weight_decay", -0.1),
    (("SGD", "RMSprop", "Muon"), "momentum", -0.5),
    (("SGD",), "nesterov", True),             # with momentum 0
    (("SGD",), "dampening", -0.5),
    (("Adadelta",), "rho", 1.5),
    (("Adadelta",), "rho", -0.1),
    (("RMSprop",), "alpha", -0.1),
    (("Adagrad",), "lr_decay", -1.0),
    (("Adagrad",), "initial_accumulator_value", -1.0),
    (("Rprop",), "etas", (1.5, 1.2)),
    (("Rprop",), "etas", (0.5, 0.9)),
    (("NAdam",), "momentum_decay", -1.0),
    (("Muon",), "ns_steps", 100),
    (("Muon",), "adjust_lr_fn", "bad"),
    (("Muon",), "ns_coefficients", (1.0, 2.0)),
    (("Adafactor",), "beta2_decay", 0.5),
    (("Adafactor",), "d", 0.5),
    (("Adafactor",), "eps", (-1.0, 1e-3)),
    (("Adafactor",), "eps", (None, -1e-3)),
    (("SGD", "Adam", "AdamW", "Adagrad"), "differentiable_fused", True),  # fused with differentiable
    (("SGD", "Adam", "AdamW", "Adagrad"), "fused_foreach", True),         # fused with foreach
]

# ---- schedulers -------------------------------------------------------------------------------

# lr_lambda functions, by name, so that a configuration stays plain data
LAMBDAS: dict[str, Callable[[int], float]] = {
    "pow": lambda e: 0.9 ** e,
    "inv": lambda e: 1.0 / (1.0 + e),
    "const": lambda e: 0.95,
    "wave": lambda e: 1.1 if e % 2 else 0.85,
}

SIMPLE = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR", "MultiplicativeLR",
          "LinearLR", "ConstantLR", "PolynomialLR"]
ALL_SCHEDULERS = SIMPLE + ["CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "SequentialLR",
                           "ChainedScheduler", "ReduceLROnPlateau", "SWALR"]


def _scheduler_kwargs(rng: Rng, name: str, n_groups: int, n_steps: int, has_momentum: bool) -> dict:
    def per_group(draw: Callable[[], float]):
        return [draw() for _ in range(n_groups)] if rng.random() < 0.3 else draw()

    if name == "StepLR":
        return {"step_size": int(rng.integers(1, 5)), "gamma": float(rng.choice([0.1, 0.5, 0.9]))}
    if name == "MultiStepLR":
        return {"milestones": sorted(int(m) for m in rng.integers(0, n_steps + 2, size=int(rng.integers(1, 4)))),
                "gamma": float(rng.choice([0.1, 0.5, 2.0]))}
    if name == "ExponentialLR":
        return {"gamma": float(rng.choice([0.9, 0.5, 1.0, rng.uniform(0.5, 1)]))}
    if name == "CosineAnnealingLR":
        return {"T_max": int(rng.integers(1, 7)), "eta_min": float(rng.choice([0.0, 1e-4, 1e-3]))}
    if name in ("LambdaLR", "MultiplicativeLR"):
        names = list(LAMBDAS)
        if rng.random() < 0.3:
            return {"lr_lambda": [names[int(rng.integers(len(names)))] for _ in range(n_groups)]}
        return {"lr_lambda": names[int(rng.integers(len(names)))]}
    if name == "LinearLR":
        return _some(rng, {"start_factor": lambda: float(rng.choice([1 / 3, 0.1, 1.0, rng.uniform(0.01, 1)])),
                           "end_factor": lambda: float(rng.choice([1.0, 0.5, 0.0, rng.uniform(0, 1)])),
                           "total_iters": lambda: int(rng.integers(1, 8))})
    if name == "ConstantLR":
        return _some(rng, {"factor": lambda: float(rng.choice([1 / 3, 0.5, 1.0, 0.0, rng.uniform(0, 1)])),
                           "total_iters": lambda: int(rng.integers(0, 8))})
    if name == "PolynomialLR":
        return _some(rng, {"total_iters": lambda: int(rng.integers(1, 8)),
                           "power": lambda: float(rng.choice([1.0, 2.0, 0.5]))})
    if name == "CosineAnnealingWarmRestarts":
        return {"T_0": int(rng.integers(1, 5)), **_some(rng, {"T_mult": lambda: int(rng.integers(1, 4)),
                                                               "eta_min": lambda: float(rng.choice([0.0, 1e-3]))})}
    if name == "CyclicLR":
        base = float(rng.choice([1e-3, 1e-2]))
        kwargs = {"base_lr": per_group(lambda: base), "max_lr": per_group(lambda: float(rng.choice([0.1, 0.05]))),
                  **_some(rng, {"step_size_up": lambda: int(rng.integers(1, 5)),
                                "step_size_down": lambda: int(rng.integers(1, 5)),
                                "mode": lambda: ["triangular", "triangular2", "exp_range"][int(rng.integers(3))],
                                "gamma": lambda: float(rng.choice([0.9, 0.99]))})}
        kwargs["cycle_momentum"] = bool(has_momentum and rng.random() < 0.5)
        if kwargs["cycle_momentum"]:
            kwargs.update(_some(rng, {"base_momentum": lambda: per_group(lambda: float(rng.choice([0.8, 0.7]))),
                                      "max_momentum": lambda: per_group(lambda: float(rng.choice([0.9, 0.95])))}))
        return kwargs
    if name == "OneCycleLR":
        kwargs = {"max_lr": per_group(lambda: float(rng.choice([0.1, 1.0, 0.5])))}
        total = n_steps + int(rng.integers(1, 5)) if rng.random() < 0.9 else max(1, n_steps - 1)
        if rng.random() < 0.7:
            kwargs["total_steps"] = total
        else:
            kwargs["epochs"], kwargs["steps_per_epoch"] = total, 1
        kwargs.update(_some(rng, {"pct_start": lambda: float(rng.choice([0.3, 0.25, 0.5, 0.1])),
                                  "anneal_strategy": lambda: ["cos", "linear"][int(rng.integers(2))],
                                  "div_factor": lambda: float(rng.choice([25.0, 10.0])),
                                  "final_div_factor": lambda: float(rng.choice([1e4, 100.0])),
                                  "three_phase": lambda: _flag(rng)}))
        kwargs["cycle_momentum"] = bool(has_momentum and rng.random() < 0.5)
        if kwargs["cycle_momentum"]:
            kwargs.update(_some(rng, {"base_momentum": lambda: per_group(lambda: float(rng.choice([0.85, 0.7]))),
                                      "max_momentum": lambda: per_group(lambda: float(rng.choice([0.95, 0.9])))}))
        return kwargs
    if name == "SWALR":  # (optim.swa_utils)
        return {"swa_lr": per_group(lambda: float(rng.choice([0.05, 0.01, 0.5]))),
                **_some(rng, {"anneal_epochs": lambda: int(rng.integers(0, 5)),
                              "anneal_strategy": lambda: ["cos", "linear"][int(rng.integers(2))]})}
    if name == "ReduceLROnPlateau":
        kwargs = _some(rng, {"mode": lambda: ["min", "max"][int(rng.integers(2))],
                             "factor": lambda: float(rng.choice([0.1, 0.5])),
                             "patience": lambda: int(rng.integers(0, 3)),
                             "threshold": lambda: float(rng.choice([1e-4, 0.1, 0.0])),
                             "threshold_mode": lambda: ["rel", "abs"][int(rng.integers(2))],
                             "cooldown": lambda: int(rng.integers(0, 3)),
                             "min_lr": lambda: per_group(lambda: float(rng.choice([0.0, 1e-3]))),
                             "eps": lambda: float(rng.choice([1e-8, 1e-2]))})
        return kwargs
    raise ValueError(name)


def draw_scheduler(rng: Rng, n_groups: int, n_steps: int, has_momentum: bool, depth: int = 0) -> dict:
    """{"name", "kwargs", "children"} for one scheduler (SequentialLR/ChainedScheduler nest others)."""
    names = SIMPLE if depth else ALL_SCHEDULERS
    name = names[int(rng.integers(len(names)))]
    if name in ("SequentialLR", "ChainedScheduler"):
        children = [draw_scheduler(rng, n_groups, n_steps, has_momentum, depth + 1)
                    for _ in range(int(rng.integers(1, 4)))]
        kwargs: dict[str, Any] = {}
        if name == "SequentialLR":
            kwargs["milestones"] = sorted(int(m) for m in rng.integers(1, n_steps + 2, size=len(children) - 1))
        else:
            kwargs["pass_optimizer"] = _flag(rng)
        return {"name": name, "kwargs": kwargs, "children": children}
    return {"name": name, "kwargs": _scheduler_kwargs(rng, name, n_groups, n_steps, has_momentum), "children": []}


# ---- parameters, groups and steps -------------------------------------------------------------

SHAPES = [(), (3,), (2, 3), (4, 1, 2), (1,), (5, 2), (3, 3)]


def _shape(rng: Rng, optimizer: str) -> tuple[int, ...]:
    if optimizer == "Muon":
        return [(2, 3), (5, 2), (3, 3), (4, 4), (1, 3)][int(rng.integers(5))]
    if optimizer == "SparseAdam":
        return [(3,), (2, 3), (5, 2), (4, 1, 2)][int(rng.integers(4))]
    return SHAPES[int(rng.integers(len(SHAPES)))]


def _grad(rng: Rng, shape: tuple[int, ...], optimizer: str) -> np.ndarray:
    grad = rng.normal(size=shape) * float(rng.choice([1.0, 1.0, 1e-3, 10.0]))
    if rng.random() < 0.2:  # some exact zeros
        grad = np.where(rng.random(size=shape) < 0.3, 0.0, grad)
    if optimizer == "SparseAdam" and grad.ndim:
        # rows that were not looked up are zero (a sparse gradient lists only the others)
        rows = rng.random(size=shape[0]) < 0.4
        grad[rows] = 0.0
    return np.asarray(grad, dtype=np.float64)


def _group_options(rng: Rng, optimizer: str, defaults: dict) -> dict:
    """Options of one parameter group that differ from the constructor's: a random part of a
    fresh valid draw (all of it for SGD's coupled nesterov/momentum/dampening)."""
    fresh = OPTION_DRAWS[optimizer](rng)
    if rng.random() < 0.6:
        fresh["lr"] = _lr(rng)
    fresh.pop("fused", None)
    if optimizer == "SGD":
        merged = {"momentum": 0.0, "dampening": 0.0, **defaults}
        part = {k: v for k, v in fresh.items() if rng.random() < 0.5}
        merged.update(part)
        if merged.get("nesterov") and not (merged["momentum"] > 0 and merged["dampening"] == 0):
            part.pop("nesterov", None)
            part["momentum"], part["dampening"], part["nesterov"] = 0.9, 0.0, False
        return part
    return {k: v for k, v in fresh.items() if rng.random() < 0.5}


def draw_config(rng: Rng, optimizer: str | None = None) -> dict:
    """A whole configuration (see the module docstring)."""
    names = list(OPTION_DRAWS)
    name = optimizer or names[int(rng.integers(len(names)))]
    defaults = OPTION_DRAWS[name](rng)
    if rng.random() < 0.8:
        defaults["lr"] = _lr(rng)
    lr_tensor = bool("lr" in defaults and rng.random() < 0.15)
    if lr_tensor:
        defaults.pop("fused", None)
    invalid = None
    if rng.random() < 0.12:
        choices = [(opt, key, value) for names_, key, value in INVALID for opt in [name]
                   if "*" in names_ or name in names_]
        if choices:
            _, key, value = choices[int(rng.integers(len(choices)))]
            invalid = key
            if key == "nesterov":
                defaults.update(nesterov=True, momentum=0.0)
            elif key == "differentiable_fused":
                defaults.update(differentiable=True, fused=True)
                defaults.pop("foreach", None)
            elif key == "fused_foreach":
                defaults.update(fused=True, foreach=True)
            else:
                defaults[key] = value
            lr_tensor = False
    lbfgs = name == "LBFGS"
    n_params = int(rng.integers(1, 5))
    shapes = [_shape(rng, name) for _ in range(n_params)]
    n_groups = 1 if lbfgs and rng.random() < 0.9 else int(rng.integers(1, min(3, n_params) + 1))
    order = rng.permutation(n_params)
    cuts = sorted(rng.choice(np.arange(1, n_params), size=n_groups - 1, replace=False)) if n_groups > 1 else []
    groups = [{"params": [int(i) for i in part], "options": _group_options(rng, name, defaults) if g else {}}
              for g, part in enumerate(np.split(order, cuts))]
    n_steps = int(rng.integers(1, 13))
    add_at = None
    if not lbfgs and rng.random() < 0.25:
        add_at = int(rng.integers(0, n_steps))
        shapes.append(_shape(rng, name))
        groups_added = {"params": [len(shapes) - 1], "options": _group_options(rng, name, defaults)}
    else:
        groups_added = None
    initial = [rng.normal(size=s) for s in shapes]
    steps = []
    for _ in range(n_steps):
        zero = None if rng.random() < 0.5 else bool(rng.random() < 0.5)
        grads = [(_grad(rng, s, name) if rng.random() < 0.8 else None) for s in shapes]
        steps.append({"zero_grad": zero, "grads": grads,
                      "metric": float(rng.choice([1.0, 0.9, 0.95, 1.1, 0.5])) * float(rng.choice([1, 1, -1])),
                      "epoch": None})
    roundtrip_at = int(rng.integers(0, n_steps)) if rng.random() < 0.3 else None
    roundtrip_kind = ["ours", "torch"][int(rng.integers(2))]
    has_momentum = name in ("SGD", "RMSprop", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "SparseAdam", "Muon")
    scheduler = None
    if rng.random() < 0.6 and name not in ("LBFGS",) or rng.random() < 0.1:
        scheduler = draw_scheduler(rng, n_groups, n_steps, has_momentum)
        if scheduler["name"] == "CosineAnnealingWarmRestarts" and rng.random() < 0.3:
            for i, step in enumerate(steps):  # fractional epochs
                step["epoch"] = i + float(rng.choice([0.0, 0.25, 0.5]))
    last_epoch = -1
    if scheduler is not None and scheduler["name"] not in ("ReduceLROnPlateau", "ChainedScheduler", "SequentialLR") \
            and rng.random() < 0.15:
        last_epoch = int(rng.integers(0, 4))
    return {"optimizer": name, "defaults": defaults, "lr_tensor": lr_tensor, "invalid": invalid,
            "shapes": shapes, "initial": initial, "groups": groups, "steps": steps,
            "add_at": add_at, "added_group": groups_added, "roundtrip_at": roundtrip_at,
            "roundtrip_kind": roundtrip_kind, "scheduler": scheduler, "last_epoch": last_epoch,
            "initial_lr_in_groups": bool(last_epoch >= 0 and rng.random() < 0.8),
            "lbfgs_weights": [rng.uniform(0.5, 2.0, size=s) for s in shapes]}
