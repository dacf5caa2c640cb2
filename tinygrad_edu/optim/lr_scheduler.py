"""Learning-rate schedulers, as `torch.optim.lr_scheduler`: the base class and the schedules
given by a formula of the epoch (LambdaLR, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR)
are here; warm-ups and polynomial decay are in `schedulers_simple`, cycles in `schedulers_cyclic`,
ReduceLROnPlateau in `plateau`, SequentialLR and ChainedScheduler in `schedulers_combined`, all
importable from here. Each changes the "lr" of the optimizer's parameter groups when its `step()`
is called, usually once per epoch, after `optimizer.step()`.

    scheduler = lr_scheduler.StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, optimizer)
        scheduler.step()
"""
from __future__ import annotations

import math
import types
import warnings
from bisect import bisect_right
from collections import Counter
from typing import Any, Callable, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, number

__all__ = ["LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
           "ConstantLR", "LinearLR", "MultiplicativeLR", "PolynomialLR", "OneCycleLR", "CyclicLR",
           "CosineAnnealingWarmRestarts", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler"]


def set_group_value(group: dict[str, Any], key: str, value) -> None:
    """Set a group's option as PyTorch's schedulers do: a Tensor (a Tensor lr) is changed in
    place, so whoever holds it sees the new value; a number is replaced."""
    if isinstance(group[key], Tensor):
        group[key].fill_(number(value))
    else:
        group[key] = value


def group_values(optimizer: Optimizer, key: str = "lr") -> list:
    """Every group's `key`, Tensors copied (as PyTorch's `get_last_lr()`: never the live lr)."""
    return [group[key].clone() if isinstance(group[key], Tensor) else group[key] for group in optimizer.param_groups]


def per_group_pairs(owner: str, values: list, optimizer: Optimizer, what: str = "learning rates"):
    """zip(values, param_groups), refusing lists of different lengths as PyTorch does (a group
    added with add_param_group after the scheduler was made has no base lr here)."""
    groups = optimizer.param_groups
    if len(values) != len(groups):
        raise ValueError(f"{owner}: {len(values)} {what} for an optimizer with {len(groups)} parameter groups "
                         f"(a group added with add_param_group after the scheduler was made is not scheduled; "
                         f"make the scheduler after adding groups)")
    return zip(values, groups)


class LRScheduler:
    """Base class. `last_epoch` counts the scheduler's steps (-1 before the first);
    `base_lrs` are the groups' initial learning rates (kept as "initial_lr" in each group);
    `get_last_lr()` is the list of learning rates the last step set. Creating a scheduler
    takes its first step (last_epoch becomes 0), as in PyTorch. A subclass defines `get_lr()`,
    the groups' learning rates at `last_epoch`."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: {type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                initial_lr = group["lr"]
                group.setdefault("initial_lr", initial_lr.clone() if isinstance(initial_lr, Tensor) else initial_lr)
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] when resuming a "
                                   f"scheduler with last_epoch={last_epoch}: load the optimizer's state_dict "
                                   f"(saved while a scheduler was attached) first, or use last_epoch=-1")
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """The step a scheduler takes when it is created (also used by SequentialLR)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for the current `last_epoch` (called by `step`)."""
        raise NotImplementedError(f"{type(self).__name__} does not define get_lr")

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last `step()`, one per parameter group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and set each group's "lr". (`epoch`, deprecated in PyTorch, jumps
        to that epoch using the schedule's closed form.)"""
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", False):
            warnings.warn("Detected call of `lr_scheduler.step()` before `optimizer.step()`: call them in the "
                          "order optimizer.step(), then lr_scheduler.step(), or the first value of the "
                          "learning-rate schedule is skipped", UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn("The epoch parameter in `scheduler.step()` is deprecated (as in PyTorch); call "
                          "`scheduler.step()` without it", UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        """Set the groups' learning rates for the next epoch, or for `epoch` (the closed form)."""
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._get_closed_form_lr() if hasattr(self, "_get_closed_form_lr") else self.get_lr()
        for lr, group in per_group_pairs(type(self).__name__, values, self.optimizer):
            set_group_value(group, "lr", lr)
        self._last_lr = group_values(self.optimizer)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (which has its own state_dict)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict()` returned."""
        self.__dict__.update(state_dict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={getattr(self, '_last_lr', None)})"


_LRScheduler = LRScheduler  # the base class's older name, still used by subclasses in the wild


def _lambdas_per_group(optimizer: Optimizer, lr_lambda, not_a_function: str) -> list:
    """One function per parameter group, from one function (used for every group) or a list of
    them; a ValueError for a list of the wrong length, a TypeError (`not_a_function` and the
    type's name) for anything that is not callable. (LambdaLR and MultiplicativeLR.)"""
    if isinstance(lr_lambda, (list, tuple)):
        if len(lr_lambda) != len(optimizer.param_groups):
            raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)} "
                             f"(one function per parameter group)")
        lr_lambdas = list(lr_lambda)
    else:
        lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
    for fn in lr_lambdas:
        if not callable(fn):
            raise TypeError(f"{not_a_function} {type(fn).__name__}")
    return lr_lambdas


class LambdaLR(LRScheduler):
    """lr = initial_lr · lr_lambda(epoch); `lr_lambda` is one function or a list with one per
    parameter group.

        scheduler = LambdaLR(optimizer, lr_lambda=lambda epoch: 0.95 ** epoch)
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.optimizer = optimizer
        self.lr_lambdas = _lambdas_per_group(optimizer, lr_lambda,
                                             "LambdaLR: lr_lambda must be a function of the epoch, got")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """As the base class, but functions (lambdas) are not saved (None in their place);
        the attributes of callable objects are, as in PyTorch."""
        state = {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
                               for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", [])
        self.__dict__.update(state)
        for fn, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                fn.__dict__.update(attributes)


class StepLR(LRScheduler):
    """Multiply the learning rate by `gamma` every `step_size` epochs:
    lr = initial_lr · gamma ** (epoch // step_size).

        scheduler = StepLR(optimizer, step_size=30, gamma=0.1)   # 0.05, then 0.005 at epoch 30, ...
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        # (a number such as 1.0 is fine, as in PyTorch: the torchtext tutorials write StepLR(opt, 1.0))
        if isinstance(step_size, bool) or not isinstance(step_size, (int, float)) or not step_size > 0:
            raise ValueError(f"StepLR: step_size must be a positive number of epochs, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        # "chainable" form, as PyTorch: change the current lr, so other changes to it are kept
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by `gamma` every epoch: lr = initial_lr · gamma ** epoch.

        scheduler = ExponentialLR(optimizer, gamma=0.95)
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by `gamma` at each epoch listed in `milestones`:
    lr = initial_lr · gamma ** (number of milestones <= epoch).

        scheduler = MultiStepLR(optimizer, milestones=[30, 80], gamma=0.1)
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.milestones = Counter(milestones)  # a milestone listed twice decays twice, as in PyTorch
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return [group["lr"] for group in self.optimizer.param_groups]
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect_right(milestones, self.last_epoch) for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing (Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
    Restarts", 2017, without the restarts): over `T_max` epochs the learning rate falls from
    initial_lr to `eta_min` along half a cosine,

        lr = eta_min + (initial_lr - eta_min) · (1 + cos(π · epoch / T_max)) / 2

    (computed step by step from the current lr, as PyTorch does, so that changes made to the
    lr from outside are carried along; after T_max it rises again).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups, epoch, T_max, eta_min = self.optimizer.param_groups, self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return [group["lr"] for group in groups]
        if self._step_count == 1 and epoch > 0:  # resumed at a later epoch: the closed form
            return self._get_closed_form_lr()
        if (epoch - 1 - T_max) % (2 * T_max) == 0:  # the bottom of the cosine: the ratio below is 0/0
            return [group["lr"] + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
                    for base_lr, group in per_group_pairs("CosineAnnealingLR", self.base_lrs, self.optimizer)]
        # lr_t - eta_min = (lr_{t-1} - eta_min) · (1 + cos(π t / T)) / (1 + cos(π (t - 1) / T))
        return [(1 + math.cos(math.pi * epoch / T_max)) / (1 + math.cos(math.pi * (epoch - 1) / T_max))
                * (group["lr"] - eta_min) + eta_min for group in groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


# the other schedulers live in their own files (which import LRScheduler from here)
from .plateau import ReduceLROnPlateau  # noqa: E402
from .schedulers_combined import ChainedScheduler, SequentialLR  # noqa: E402
from .schedulers_cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR  # noqa: E402
from .schedulers_simple import ConstantLR, LinearLR, MultiplicativeLR, PolynomialLR  # noqa: E402
