"""`nn.utils.prune`: zero out some entries of a parameter through a mask, as `torch.nn.utils.prune`
(the unstructured methods).

Pruning `weight` moves the trained Parameter to `weight_orig`, adds the buffer `weight_mask`
(1 = kept, 0 = pruned) and sets `module.weight = weight_orig * weight_mask`, recomputed before
every forward; so pruned entries get zero gradient. Pruning again prunes among the entries still
kept. `remove` makes it permanent (`weight` a plain Parameter with the zeros in it).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> from tinygrad_edu.nn.utils import prune
    >>> m = nn.Linear(4, 2)
    >>> _ = prune.l1_unstructured(m, "weight", amount=0.5)     # the 4 smallest |w| of 8 become 0
    >>> int((m.weight == 0).sum()), sorted(k for k in m.state_dict())
    (4, ['bias', 'weight_mask', 'weight_orig'])
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..module import Module

__all__ = ["BasePruningMethod", "Identity", "RandomUnstructured", "L1Unstructured", "CustomFromMask", "identity",
           "random_unstructured", "l1_unstructured", "custom_from_mask", "remove", "is_pruned"]


def _validate_pruning_amount_init(amount: Any) -> None:
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral) and (float(amount) > 1.0 or float(amount) < 0.0)):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")


def _compute_nparams_toprune(amount: int | float, tensor_size: int) -> int:
    """How many entries to prune: `amount` itself if an int, else round(amount · size)."""
    if isinstance(amount, numbers.Integral):
        if amount > tensor_size:
            raise ValueError(f"amount={amount} should be smaller than the number of parameters to "
                             f"prune={tensor_size}")
        return int(amount)
    return round(amount * tensor_size)


class BasePruningMethod:
    """A pruning method, also the forward pre-hook that recomputes `module.<name>` =
    `<name>_orig * <name>_mask`. Subclasses define `_mask(scores, n)`: the 0/1 mask (flat numpy)
    pruning `n` of the given entries."""

    PRUNING_TYPE = "unstructured"
    _tensor_name: str

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self._tensor_name, self.apply_mask(module))

    def apply_mask(self, module: Module) -> Tensor:
        """orig * mask, differentiable with respect to orig."""
        orig = getattr(module, self._tensor_name + "_orig")
        mask = getattr(module, self._tensor_name + "_mask")
        return orig * mask.to(dtype=orig.dtype)

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The new mask: `default_mask` with some more of its 1-entries set to 0 (the amount is
        counted among those still kept, chosen by the scores `t`)."""
        mask = np.array(default_mask.data, copy=True)
        kept = mask == 1
        scores = np.asarray(t.data)[kept]
        partial = np.ones(scores.size, dtype=mask.dtype)
        n = _compute_nparams_toprune(self.amount, scores.size) if hasattr(self, "amount") else 0
        if n:
            partial[self._prune_indices(scores, n)] = 0
        mask[kept] = partial
        return Tensor(mask)

    def _prune_indices(self, scores: np.ndarray, n: int) -> np.ndarray:
        raise NotImplementedError

    @classmethod
    def apply(cls, module: Module, name: str, *args, importance_scores: Tensor | None = None,
              **kwargs) -> "BasePruningMethod":
        """Prune `module.<name>` with this method (a second pruning of the same tensor prunes
        among the entries still kept)."""
        method = cls(*args, **kwargs)
        method._tensor_name = name
        hooks = module.__dict__.get("_forward_pre_hooks", {})
        old = [(k, h) for k, h in hooks.items() if isinstance(h, BasePruningMethod) and h._tensor_name == name]
        orig = getattr(module, name + "_orig") if old else getattr(module, name)
        if importance_scores is not None and tuple(importance_scores.shape) != tuple(orig.shape):
            raise ValueError(f"importance_scores should have the same shape as parameter {name} of {module}")
        scores = orig if importance_scores is None else importance_scores
        if not old:
            default_mask = Tensor(np.ones(orig.shape, dtype=orig.dtype))
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
            for k, _ in old:
                del hooks[k]
        with no_grad():
            mask = method.compute_mask(scores.detach(), default_mask=default_mask)
        module.register_buffer(name + "_mask", mask)
        setattr(module, name, method.apply_mask(module))
        module.register_forward_pre_hook(method)
        return method

    def remove(self, module: Module) -> None:
        """Make the pruning permanent: `module.<name>` becomes the Parameter `<name>_orig`,
        holding orig * mask; `<name>_orig` and `<name>_mask` are removed."""
        weight = self.apply_mask(module)
        name = self._tensor_name
        delattr(module, name)
        orig = module._parameters[name + "_orig"]
        orig.data = weight.data.copy()
        delattr(module, name + "_orig")
        delattr(module, name + "_mask")
        module.register_parameter(name, orig)


class Identity(BasePruningMethod):
    """Prune nothing (a mask of ones)."""

    def _prune_indices(self, scores: np.ndarray, n: int) -> np.ndarray:
        return np.zeros(0, dtype=np.int64)


class RandomUnstructured(BasePruningMethod):
    """Prune `amount` entries chosen at random (an int: that many; a float: that fraction)."""

    def __init__(self, amount: int | float) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def _prune_indices(self, scores: np.ndarray, n: int) -> np.ndarray:
        from ...random import generator

        return np.argsort(-generator().random(scores.size), kind="stable")[:n]


class L1Unstructured(BasePruningMethod):
    """Prune the `amount` entries of smallest absolute value (of the importance scores)."""

    def __init__(self, amount: int | float) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def _prune_indices(self, scores: np.ndarray, n: int) -> np.ndarray:
        return np.argsort(np.abs(scores), kind="stable")[:n]


class CustomFromMask(BasePruningMethod):
    """Prune with a given 0/1 mask (combined with any earlier mask)."""

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        mask = np.asarray(default_mask.data) * np.asarray(self.mask.data if isinstance(self.mask, Tensor)
                                                          else self.mask)
        return Tensor(mask.astype(default_mask.dtype))


def identity(module: Module, name: str) -> Module:
    """Add the pruning machinery (`name_orig`, `name_mask` of ones) without pruning anything."""
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount: int | float) -> Module:
    """Prune `amount` entries of `module.<name>` chosen at random (an int: how many; a float in
    [0, 1]: the fraction, rounded). Returns the module."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module: Module, name: str, amount: int | float, importance_scores: Tensor | None = None) -> Module:
    """Prune the `amount` entries of `module.<name>` with the smallest |value| (or smallest
    |importance_scores|, same shape). An int: how many; a float in [0, 1]: the fraction, rounded.
    Returns the module."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def custom_from_mask(module: Module, name: str, mask: Tensor) -> Module:
    """Prune the entries of `module.<name>` where `mask` is 0. Returns the module."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module: Module, name: str) -> Module:
    """Make the pruning of `module.<name>` permanent (see BasePruningMethod.remove). ValueError
    if it is not pruned."""
    hooks = module.__dict__.get("_forward_pre_hooks", {})
    for k, hook in list(hooks.items()):
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del hooks[k]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module: Module) -> bool:
    """True if the module or any of its sub-modules has a pruned tensor."""
    return any(isinstance(hook, BasePruningMethod)
               for m in module.modules() for hook in m.__dict__.get("_forward_pre_hooks", {}).values())
