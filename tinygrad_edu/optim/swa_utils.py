"""Stochastic Weight Averaging and exponential moving averages of a model's weights, as
`torch.optim.swa_utils`: `AveragedModel` keeps a running average of another model's parameters,
`SWALR` anneals the learning rate to a constant for the averaging phase, and `update_bn`
recomputes BatchNorm statistics for the averaged weights.

SWA is from Izmailov et al., "Averaging Weights Leads to Wider Optima and Better
Generalization", 2018; averaging iterates goes back to Polyak & Juditsky, "Acceleration of
Stochastic Approximation by Averaging", 1992.

    swa_model = AveragedModel(model)
    swa_scheduler = SWALR(optimizer, swa_lr=0.05)
    for epoch in range(epochs):
        train_one_epoch(model, optimizer)
        if epoch >= swa_start:
            swa_model.update_parameters(model)   # average in the weights of this epoch
            swa_scheduler.step()
    update_bn(loader, swa_model)                  # BatchNorm statistics for the averaged weights
"""
from __future__ import annotations

import copy
import itertools
import math
from typing import Any, Callable, Iterable, Literal, Sequence

import numpy as np

from ..autograd.grad_mode import no_grad
from ..nn.group_normalization import _InstanceNorm
from ..nn.module import Module
from ..nn.normalization import _BatchNorm
from ..tensor import Tensor
from .adam import lerp_
from .lr_scheduler import LRScheduler
from .optimizer import Optimizer
from .schedulers_cyclic import _per_group

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_avg_fn", "get_swa_avg_fn"]

def _check_decay(decay: float) -> None:
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def _store(target: Tensor, value) -> None:
    """target ← value in place (cast to target's dtype, truncating for integer buffers, as
    PyTorch's `copy_`); a change of the tensor, so its version goes up."""
    target.data[...] = value.data if isinstance(value, Tensor) else value
    target._version += 1


# ---- averaging functions --------------------------------------------------------------------------
def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable[..., None]:
    """A function that updates averaged parameters in place with an exponential moving average,

        W_ema ← decay · W_ema + (1 - decay) · W_model

    for all of a model's parameters at once; pass it to `AveragedModel(model, multi_avg_fn=...)`.
    (The first `update_parameters` copies the weights: W_ema starts at W_model.)

    >>> from tinygrad_edu.optim.swa_utils import get_ema_multi_avg_fn
    >>> import tinygrad_edu as tg
    >>> ema, w = [tg.tensor([1.0, 1.0])], [tg.tensor([3.0, 5.0])]
    >>> get_ema_multi_avg_fn(0.75)(ema, w, 1)
    >>> ema[0]
    tensor([1.5000, 2.0000])
    """
    _check_decay(decay)

    def ema_update(ema_param_list: Sequence[Tensor], current_param_list: Sequence[Tensor], _num_averaged) -> None:
        floating = ema_param_list[0].dtype.kind in "fc"
        for p_ema, p_model in zip(ema_param_list, current_param_list):
            if floating:  # a lerp with weight 1 - decay, rounded as PyTorch's lerp_
                lerp_(p_ema.data, p_model.data, 1 - decay)
                p_ema._version += 1
            else:  # integer buffers (a BatchNorm's num_batches_tracked): truncated back to integers
                _store(p_ema, p_ema.data * decay + p_model.data * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> Callable[..., None]:
    """A function that updates averaged parameters in place with the equally weighted running
    mean (SWA): after n models, W_swa ← W_swa + (W_model - W_swa) / (n + 1), for all of a
    model's parameters at once."""

    def swa_update(averaged_param_list: Sequence[Tensor], current_param_list: Sequence[Tensor],
                   num_averaged: Tensor | int) -> None:
        if averaged_param_list[0].dtype.kind not in "fc":
            # PyTorch's in-place integer division refuses these too (with use_buffers=True, a
            # BatchNorm's num_batches_tracked); its default average, get_swa_avg_fn, takes them
            raise RuntimeError(f"swa_update: cannot average integer tensors (dtype "
                               f"{averaged_param_list[0].dtype}) in place; use the default average "
                               f"(no multi_avg_fn) or avg_fn=get_swa_avg_fn()")
        # 1 / (n + 1): from the n_averaged buffer, a tensor of the default float dtype, as PyTorch's
        weight = 1 / (num_averaged + 1)
        weight = weight.item() if isinstance(weight, Tensor) else weight
        for p_avg, p_model in zip(averaged_param_list, current_param_list):
            lerp_(p_avg.data, p_model.data, weight)  # rounded as PyTorch's lerp_
            p_avg._version += 1

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable[[Tensor, Tensor, Any], Tensor]:
    """A function of one parameter that returns its exponential moving average,
    decay · W_ema + (1 - decay) · W_model; pass it to `AveragedModel(model, avg_fn=...)`."""
    _check_decay(decay)

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged) -> Tensor:
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> Callable[[Tensor, Tensor, Any], Tensor]:
    """A function of one parameter that returns its running mean after one more model,
    W_swa + (W_model - W_swa) / (n + 1) -- what `AveragedModel` uses by default."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged: Tensor | int) -> Tensor:
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


# ---- the averaged model -------------------------------------------------------------------------
class AveragedModel(Module):
    """A copy of `model` whose parameters are a running average of `model`'s, for Stochastic
    Weight Averaging (the default: the equally weighted mean of every model passed to
    `update_parameters`) or an exponential moving average (`multi_avg_fn=get_ema_multi_avg_fn(d)`
    or `avg_fn=get_ema_avg_fn(d)`).

    - `update_parameters(model)` averages `model`'s current parameters in; the first call copies
      them. `n_averaged` (an int64 buffer, saved in the state_dict) counts the calls.
    - `use_buffers=True` averages the buffers too (BatchNorm's running statistics); otherwise
      they are copied from `model` at each update (then call `update_bn` at the end).
    - Calling it runs the copy: `swa_model(x)` is `swa_model.module(x)`.

    `avg_fn(averaged, current, n_averaged) -> Tensor` works on one parameter at a time;
    `multi_avg_fn(averaged_list, current_list, n_averaged)` updates lists of them in place
    (one call per dtype). Neither is saved in the state_dict.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> model = nn.Linear(1, 1, bias=False)
    >>> swa = AveragedModel(model)
    >>> for w in (1.0, 2.0, 6.0):
    ...     model.weight.data[...] = w
    ...     swa.update_parameters(model)
    >>> swa.module.weight.item(), swa.n_averaged.item()
    (3.0, 3)
    """

    n_averaged: Tensor

    def __init__(self, model: Module, device=None, avg_fn: Callable[[Tensor, Tensor, Any], Tensor] | None = None,
                 multi_avg_fn: Callable[..., None] | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", Tensor(0, dtype=np.int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        """Run the averaged copy of the model."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Average `model`'s current parameters (and buffers, with `use_buffers`) into this
        model's: copy them at the first call, then apply the averaging function."""
        with no_grad():
            if self.use_buffers:
                mine = list(itertools.chain(self.module.parameters(), self.module.buffers()))
                theirs = list(itertools.chain(model.parameters(), model.buffers()))
            else:
                mine, theirs = list(self.parameters()), list(model.parameters())
            pairs = [(p_avg.detach(), p_model.detach()) for p_avg, p_model in zip(mine, theirs)]
            if self.n_averaged.item() == 0:
                for p_avg, p_model in pairs:
                    _store(p_avg, p_model)
            else:
                self._average(pairs)
            if not self.use_buffers:  # the buffers follow the model (update_bn recomputes them)
                for b_swa, b_model in _zip_same_length(self.module.buffers(), model.buffers()):
                    _store(b_swa, b_model)
            self.n_averaged.add_(1)

    def _average(self, pairs: list[tuple[Tensor, Tensor]]) -> None:
        if self.avg_fn is not None:  # one parameter at a time
            for p_avg, p_model in pairs:
                _store(p_avg, self.avg_fn(p_avg, p_model, self.n_averaged))
            return
        if self.multi_avg_fn is not None:  # lists of parameters, one call per dtype (as PyTorch groups them)
            by_dtype: dict[np.dtype, tuple[list[Tensor], list[Tensor]]] = {}
            for p_avg, p_model in pairs:
                averaged, current = by_dtype.setdefault(p_avg.dtype, ([], []))
                averaged.append(p_avg)
                current.append(p_model)
            for averaged, current in by_dtype.values():
                self.multi_avg_fn(averaged, current, self.n_averaged)
            return
        swa = get_swa_avg_fn()  # the equally weighted mean, as PyTorch computes it on the CPU
        for p_avg, p_model in pairs:
            _store(p_avg, swa(p_avg, p_model, self.n_averaged))


def _zip_same_length(a: Iterable, b: Iterable):
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise ValueError(f"AveragedModel.update_parameters: the averaged model has {len(a)} buffers, the model "
                         f"has {len(b)}: pass a model of the same architecture")
    return zip(a, b)


# ---- BatchNorm statistics -------------------------------------------------------------------------
def update_bn(loader: Iterable[Any], model: Module, device=None) -> None:
    """Recompute the running mean and variance of every BatchNorm layer of `model` with one
    pass over `loader` (the averaged weights need their own statistics): the statistics are
    reset, then averaged over all batches with equal weights (momentum=None), in training mode
    and without gradients; the model's mode and the layers' momentum are restored afterwards.
    Each batch is a Tensor, or a list/tuple whose first item is the input.

        update_bn(train_loader, swa_model)
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm) and not isinstance(module, _InstanceNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None  # a cumulative average over the batches
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


# ---- the learning-rate schedule ---------------------------------------------------------------------
class SWALR(LRScheduler):
    """Anneal each group's learning rate to `swa_lr` (a number, or one per group) over
    `anneal_epochs` steps, then keep it there -- the schedule of the averaging phase of SWA.
    With α going from 0 to 1 ("cos": α = (1 - cos(π t)) / 2, "linear": α = t, t = step /
    anneal_epochs), each step sets

        lr ← α · swa_lr + (1 - α) · lr₀

    where lr₀ is the learning rate the annealing started from (recovered from the current one,
    so changes made by other schedulers are kept, as in PyTorch).

        swa_scheduler = SWALR(optimizer, swa_lr=0.05, anneal_epochs=5, anneal_strategy="linear")
    """

    def __init__(self, optimizer: Optimizer, swa_lr: float | list[float], anneal_epochs: int = 10,
                 anneal_strategy: Literal["cos", "linear"] = "cos", last_epoch: int = -1) -> None:
        for lr, group in zip(_per_group("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        """lr₀ from lr = α · swa_lr + (1 - α) · lr₀ (swa_lr itself once α = 1)."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def _set_anneal_func(self, anneal_strategy: str) -> None:
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def get_lr(self) -> list[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        groups = self.optimizer.param_groups
        # undo the previous step's mix to find lr₀, then mix again with this step's α
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        start_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha) for group in groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha + lr * (1 - alpha) for group, lr in zip(groups, start_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """As the base class, without the annealing function (its name, `_anneal_strategy`, is
        kept), so that the result can be saved."""
        return {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
