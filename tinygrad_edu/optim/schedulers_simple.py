"""Warm-ups and decays that change the learning rate by a factor each epoch: ConstantLR,
LinearLR, MultiplicativeLR, PolynomialLR (PyTorch's `torch.optim.lr_scheduler` names).

Like PyTorch's, each `get_lr` works "chainably": it multiplies the groups' current lr, so the
changes of other schedulers (ChainedScheduler) are kept; `_get_closed_form_lr` is the formula of
the epoch, used by `step(epoch)`.
"""
from __future__ import annotations

from typing import Callable

from .lr_scheduler import LambdaLR, LRScheduler, _lambdas_per_group, per_group_pairs
from .optimizer import Optimizer


class ConstantLR(LRScheduler):
    """lr = initial_lr · factor for the first `total_iters` epochs, then initial_lr (a warm-up):

        scheduler = ConstantLR(optimizer, factor=0.5, total_iters=4)   # 0.025 ×4, then 0.05
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError(f"ConstantLR: Constant multiplicative factor expected to be between 0 and 1, "
                             f"got factor={factor}")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.factor for group in groups]
        if self.last_epoch != self.total_iters:
            return [group["lr"] for group in groups]
        return [group["lr"] * (1.0 / self.factor) for group in groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """The factor goes linearly from `start_factor` to `end_factor` over `total_iters` epochs,
    then stays: lr = initial_lr · (start + (end - start) · min(epoch, total_iters) / total_iters).

        scheduler = LinearLR(optimizer, start_factor=0.1, total_iters=10)   # a linear warm-up
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(f"LinearLR: Starting multiplicative factor expected to be greater than 0 and less or "
                             f"equal to 1, got start_factor={start_factor}")
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(f"LinearLR: Ending multiplicative factor expected to be between 0 and 1, got "
                             f"end_factor={end_factor}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return [group["lr"] for group in groups]
        # factor(t) / factor(t - 1), with factor(t) = start + (end - start) · t / total_iters
        change = self.end_factor - self.start_factor
        ratio = 1.0 + change / (self.total_iters * self.start_factor + (self.last_epoch - 1) * change)
        return [group["lr"] * ratio for group in groups]

    def _get_closed_form_lr(self) -> list[float]:
        fraction = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor) * fraction)
                for base_lr in self.base_lrs]


class MultiplicativeLR(LRScheduler):
    """Multiply each group's lr by `lr_lambda(epoch)` every epoch (from epoch 1 on); one function
    or one per parameter group:

        scheduler = MultiplicativeLR(optimizer, lr_lambda=lambda epoch: 0.95)
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        self.optimizer = optimizer
        self.lr_lambdas = _lambdas_per_group(optimizer, lr_lambda,
                                             "MultiplicativeLR: lr_lambda should be a function, but got")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        return [group["lr"] * fn(self.last_epoch)
                for fn, group in per_group_pairs("MultiplicativeLR", self.lr_lambdas, self.optimizer, "lr_lambdas")]

    # functions are not saved, the attributes of callable objects are (as LambdaLR, as PyTorch)
    state_dict = LambdaLR.state_dict
    load_state_dict = LambdaLR.load_state_dict


class PolynomialLR(LRScheduler):
    """Decay to 0 over `total_iters` epochs along a polynomial, then stay there:
    lr = initial_lr · (1 - min(epoch, total_iters) / total_iters) ** power.

        scheduler = PolynomialLR(optimizer, total_iters=4, power=1.0)   # linear decay to 0
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups = self.optimizer.param_groups
        if self._is_initial or self.last_epoch > self.total_iters:
            return [group["lr"] for group in groups]
        decay = ((1.0 - self.last_epoch / self.total_iters)
                 / (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return [group["lr"] * decay for group in groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base_lr * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
                for base_lr in self.base_lrs]
