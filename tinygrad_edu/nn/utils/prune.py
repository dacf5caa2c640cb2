"""`nn.utils.prune`: zero out some entries of a parameter through a mask, as `torch.nn.utils.prune`.

Pruning `weight` moves the trained Parameter to `weight_orig`, adds the buffer `weight_mask`
(1 = kept, 0 = pruned) and sets `module.weight = weight_mask * weight_orig`, recomputed before
every forward by a forward pre-hook (the pruning method itself); so pruned entries get zero
gradient. `remove` makes it permanent (`weight` a plain Parameter with the zeros in it).

- unstructured methods prune single entries: `l1_unstructured` (smallest |value|),
  `random_unstructured`; `global_unstructured` ranks the entries of several tensors together;
- structured methods prune whole channels (slices along `dim`): `ln_structured` (smallest
  Ln-norm), `random_structured`;
- `custom_from_mask` prunes where a given mask is 0; `identity` adds the machinery, pruning nothing.

Pruning the same tensor again prunes among what is still kept (for a structured method: among
the channels not yet entirely zero), and the hook becomes a `PruningContainer` holding the
methods in order. Masks are PyTorch's for the same values, ties included (see _torch_topk.py);
the random methods draw from tinygrad_edu's generator, so they choose other entries (the same
number of them).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> from tinygrad_edu.nn.utils import prune
    >>> m = nn.Linear(4, 2)
    >>> _ = prune.l1_unstructured(m, "weight", amount=0.5)     # the 4 smallest |w| of 8 become 0
    >>> int((m.weight == 0).sum()), list(m.state_dict())
    (4, ['bias', 'weight_orig', 'weight_mask'])
    >>> _ = prune.ln_structured(m, "weight", amount=1, n=2, dim=0)   # then a whole row of 2
    >>> hook = next(iter(m._forward_pre_hooks.values()))            # the weight's only hook
    >>> type(hook).__name__, [type(method).__name__ for method in hook]
    ('PruningContainer', ['L1Unstructured', 'LnStructured'])
"""
from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

import numpy as np

from ...tensor import Tensor
from ..module import Module
from ._torch_topk import topk_indices

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured", "L1Unstructured",
           "RandomStructured", "LnStructured", "CustomFromMask", "identity", "random_unstructured",
           "l1_unstructured", "random_structured", "ln_structured", "global_unstructured", "custom_from_mask",
           "remove", "is_pruned"]


def _values(t) -> np.ndarray:
    """The numbers of a Tensor (or of an array-like)."""
    return t.data if isinstance(t, Tensor) else np.asarray(t)


def _pre_hooks(module: Module) -> dict:
    """The module's forward pre-hooks (made at the first registration: absent means none)."""
    return module.__dict__.get("_forward_pre_hooks", {})


class BasePruningMethod(ABC):
    """A pruning method, which is also the forward pre-hook that recomputes `module.<name>` =
    `<name>_mask * <name>_orig` before each forward.

    A new method subclasses it, sets `PRUNING_TYPE` ("unstructured", "structured" with a `dim`
    attribute, or "global") and defines `compute_mask(t, default_mask)`: the new mask (a Tensor
    shaped like `t`) that respects `default_mask` (the mask of earlier prunings). `apply` (a
    classmethod) prunes a module's tensor with it.
    """

    PRUNING_TYPE = "unstructured"
    _tensor_name: str | None = None

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The mask to apply to `t` (the importance scores), starting from `default_mask`."""

    def apply_mask(self, module: Module) -> Tensor:
        """mask * orig, differentiable with respect to orig."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module: Module, name: str, *args, importance_scores: Tensor | None = None,
              **kwargs) -> "BasePruningMethod":
        """Prune `module.<name>` with `cls(*args, **kwargs)`; returns the hook (the method, or a
        PruningContainer when the tensor was pruned before). If computing the mask fails, the
        module is left as it was (PyTorch then drops an earlier pruning's hook; here it stays)."""
        method, old_keys, undo = _composite_method(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)  # pruned before: the current (already masked) tensor
        if importance_scores is not None:
            if tuple(importance_scores.shape) != tuple(orig.shape):
                raise AssertionError(f"importance_scores should have the same shape as parameter {name} of "
                                     f"{module}, got {tuple(importance_scores.shape)} vs {tuple(orig.shape)}")
        else:
            importance_scores = orig
        first_time = not isinstance(method, PruningContainer)
        if first_time:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = Tensor(np.ones(orig.shape, dtype=orig.dtype))
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
        except Exception:
            if first_time:  # put the parameter back
                orig = getattr(module, name + "_orig")
                delattr(module, name + "_orig")
                module.register_parameter(name, orig)
            undo()
            raise
        hooks = _pre_hooks(module)
        for key in old_keys:  # (the container replaces the earlier hook, at the end of the hooks)
            del hooks[key]
        module.register_buffer(name + "_mask", mask)
        setattr(module, name, method.apply_mask(module))
        module.register_forward_pre_hook(method)
        return method

    def prune(self, t: Tensor, default_mask: Tensor | None = None,
              importance_scores: Tensor | None = None) -> Tensor:
        """`t` times the mask this method computes for it (a tensor; no module involved)."""
        if importance_scores is not None:
            if tuple(importance_scores.shape) != tuple(t.shape):
                raise AssertionError(f"importance_scores should have the same shape as tensor t, got "
                                     f"{tuple(importance_scores.shape)} vs {tuple(t.shape)}")
        else:
            importance_scores = t
        if default_mask is None:
            default_mask = Tensor(np.ones(t.shape, dtype=t.dtype))
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module: Module) -> None:
        """Make the pruning permanent: the Parameter `<name>_orig` becomes `<name>` again,
        holding mask * orig; `<name>_orig` and `<name>_mask` are removed."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be removed")
        name = self._tensor_name
        weight = self.apply_mask(module)
        if hasattr(module, name):
            delattr(module, name)
        orig = module._parameters[name + "_orig"]
        orig.data = weight.data
        delattr(module, name + "_orig")
        delattr(module, name + "_mask")
        setattr(module, name, orig)


def _composite_method(cls, module: Module, name: str, *args, **kwargs):
    """(the hook to use, the keys of the earlier hook to drop, a function undoing the change):
    `cls(*args, **kwargs)` alone, or -- when `name` was pruned before -- added to a
    PruningContainer that holds the earlier method(s)."""
    old_keys = [k for k, hook in _pre_hooks(module).items()
                if isinstance(hook, BasePruningMethod) and hook._tensor_name == name]
    if len(old_keys) > 1:
        raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} of module "
                             f"{module}. Use a PruningContainer.")
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if not old_keys:
        return method, old_keys, lambda: None
    old = _pre_hooks(module)[old_keys[0]]
    if isinstance(old, PruningContainer):
        old.add_pruning_method(method)

        def undo() -> None:
            old._pruning_methods = old._pruning_methods[:-1]
        return old, old_keys, undo
    container = PruningContainer(old)
    container.add_pruning_method(method)
    return container, old_keys, lambda: None


class PruningContainer(BasePruningMethod):
    """The pruning methods applied to one tensor, in order (iterate over it, or index it): the
    hook of a tensor pruned more than once. Its mask is the last method's, computed on what the
    earlier ones left (see `compute_mask`)."""

    def __init__(self, *methods: BasePruningMethod) -> None:
        self._pruning_methods: tuple = ()
        if methods:  # (PyTorch needs the name set first when given several methods)
            self._tensor_name = methods[0]._tensor_name
        for method in methods:
            self.add_pruning_method(method)

    def add_pruning_method(self, method: BasePruningMethod) -> None:
        """Append `method`, which must prune the same tensor."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(f"Can only add pruning methods acting on the parameter named '{self._tensor_name}' "
                             f"to PruningContainer {self}. Found '{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, index):
        return self._pruning_methods[index]

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        """The last method's mask, computed only where the earlier mask leaves something: on the
        entries still 1 ("unstructured"), on the channels along the method's `dim` not yet all 0
        ("structured"), or on everything ("global"); elsewhere the earlier mask stays."""
        method = self._pruning_methods[-1]
        scores, mask = _values(t), _values(default_mask)
        new_mask = mask.astype(scores.dtype)  # (a copy: the earlier mask is left alone)
        if method.PRUNING_TYPE == "unstructured":
            part = mask == 1
        elif method.PRUNING_TYPE == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have the attribute '
                                     '`dim` defined.')
            n_dims = scores.ndim
            dim = method.dim + n_dims if method.dim < 0 else method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {n_dims}")
            others = tuple(d for d in range(n_dims) if d != dim)
            part = [slice(None)] * n_dims
            part[dim] = mask.sum(axis=others) != 0  # the channels not yet entirely pruned
            part = tuple(part)
        elif method.PRUNING_TYPE == "global":
            part = (slice(None),) * scores.ndim
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")
        partial = method.compute_mask(Tensor(scores[part]), default_mask=Tensor(mask[part]))
        new_mask[part] = _values(partial)
        return Tensor(new_mask)


class Identity(BasePruningMethod):
    """Prune nothing: the mask stays as it is (ones the first time)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        return default_mask


class RandomUnstructured(BasePruningMethod):
    """Prune `amount` entries chosen at random (an int: that many; a float in [0, 1]: that
    fraction of the entries, rounded)."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: int | float) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        from ...random import generator

        size = int(np.prod(t.shape))
        n_prune = _compute_nparams_toprune(self.amount, size)
        _validate_pruning_amount(n_prune, size)
        mask = np.array(_values(default_mask), copy=True)
        if n_prune != 0:  # the n_prune entries with the largest random numbers
            mask.reshape(-1)[topk_indices(generator().random(size), n_prune, largest=True)] = 0
        return Tensor(mask)


class L1Unstructured(BasePruningMethod):
    """Prune the `amount` entries of smallest absolute value (an int: that many; a float in
    [0, 1]: that fraction of the entries, rounded)."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: int | float) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        size = int(np.prod(t.shape))
        n_prune = _compute_nparams_toprune(self.amount, size)
        _validate_pruning_amount(n_prune, size)
        mask = np.array(_values(default_mask), copy=True)
        if n_prune != 0:
            mask.reshape(-1)[topk_indices(np.abs(_values(t)), n_prune, largest=False)] = 0
        return Tensor(mask)


def _structured_counts(t: Tensor, amount, dim: int) -> tuple[int, int]:
    """(channels along `dim`, how many of them to prune), after PyTorch's checks of both."""
    _validate_structured_pruning(t)
    _validate_pruning_dim(t, dim)
    n_channels = t.shape[dim]
    n_prune = _compute_nparams_toprune(amount, n_channels)
    _validate_pruning_amount(n_prune, n_channels)
    return n_channels, n_prune


class RandomStructured(BasePruningMethod):
    """Prune `amount` whole channels (slices along `dim`) chosen at random (an int: that many; a
    float in [0, 1]: that fraction of the channels, rounded)."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount: int | float, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        from ...random import generator

        n_channels, n_prune = _structured_counts(t, self.amount, self.dim)
        if n_prune == 0:
            return default_mask
        prob = generator().random(n_channels)  # keep the channels above the n_prune-th smallest
        kept = prob > np.partition(prob, n_prune - 1)[n_prune - 1]
        mask = _channel_mask(t, self.dim, kept)
        return Tensor(mask * _values(default_mask).astype(mask.dtype))


class LnStructured(BasePruningMethod):
    """Prune the `amount` whole channels (slices along `dim`) of smallest Ln-norm, `n` as `p` of
    `tg.norm` (a number, inf, -inf, "fro" or "nuc"); an int amount: that many channels, a float
    in [0, 1]: that fraction of them, rounded."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount: int | float, n, dim: int = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        n_channels, n_prune = _structured_counts(t, self.amount, self.dim)
        norm = _compute_norm(_values(t), self.n, self.dim)  # (first: it checks `n`, as PyTorch's)
        if n_prune == 0:
            return default_mask
        keep = topk_indices(norm, n_channels - n_prune, largest=True)  # keep the largest norms
        mask = _channel_mask(t, self.dim, keep)
        return Tensor(mask * _values(default_mask).astype(mask.dtype))


class CustomFromMask(BasePruningMethod):
    """Prune where the given mask is 0 (combined with any earlier mask)."""

    PRUNING_TYPE = "global"

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask

    def compute_mask(self, t: Tensor, default_mask: Tensor) -> Tensor:
        if tuple(default_mask.shape) != tuple(np.shape(_values(self.mask))):
            raise AssertionError(f"default_mask shape {tuple(default_mask.shape)} must match self.mask shape "
                                 f"{tuple(np.shape(_values(self.mask)))}")
        mask = _values(default_mask)
        return Tensor(mask * _values(self.mask).astype(mask.dtype))


# ---- the functions ------------------------------------------------------------------------
def identity(module: Module, name: str) -> Module:
    """Add the pruning machinery to `module.<name>` (`<name>_orig`, a `<name>_mask` of ones)
    without pruning anything. Returns the module."""
    Identity.apply(module, name)
    return module


def random_unstructured(module: Module, name: str, amount: int | float) -> Module:
    """Prune `amount` entries of `module.<name>` chosen at random among those still kept (an
    int: how many; a float in [0, 1]: the fraction, rounded). Returns the module."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module: Module, name: str, amount: int | float, importance_scores: Tensor | None = None) -> Module:
    """Prune the `amount` entries of `module.<name>` with the smallest |value| (or smallest
    |importance_scores|, same shape) among those still kept. An int: how many; a float in
    [0, 1]: the fraction, rounded. Returns the module."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Module, name: str, amount: int | float, dim: int) -> Module:
    """Prune `amount` channels of `module.<name>` (slices along `dim`, e.g. dim=0: output rows of
    a Linear weight) chosen at random among those not yet pruned. Returns the module."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module: Module, name: str, amount: int | float, n, dim: int,
                  importance_scores: Tensor | None = None) -> Module:
    """Prune the `amount` channels of `module.<name>` (slices along `dim`) with the smallest
    Ln-norm (of the importance scores, if given), among those not yet pruned. `n`: the norm's
    order as `p` of `tg.norm` (1, 2, inf, -inf, "fro", ...). Returns the module.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> m = nn.Linear(3, 4)
    >>> m.weight.data[:] = [[1.0, 1, 1], [0, 0, 1], [2, 0, 0], [0, 0.5, 0]]
    >>> _ = ln_structured(m, "weight", amount=2, n=1, dim=0)   # L1 norms 3, 1, 2, 0.5: rows 1 and 3 go
    >>> m.weight_mask.sum(dim=1).tolist()
    [3.0, 0.0, 3.0, 0.0]
    """
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters: Iterable, pruning_method: type, importance_scores: dict | None = None,
                        **kwargs) -> None:
    """Prune the tensors `parameters` (pairs `(module, name)`) together: `pruning_method` (an
    unstructured method such as `L1Unstructured`, built with `**kwargs`, e.g. `amount=0.2`)
    ranks all their entries at once, so some tensors lose more than others. `importance_scores`:
    a dict `(module, name) -> tensor` to rank by instead of the values. Each tensor then gets
    its part of the mask through `custom_from_mask`.

    >>> import tinygrad_edu.nn as nn
    >>> net = nn.Sequential(nn.Linear(10, 4), nn.Linear(4, 1))
    >>> global_unstructured([(net[0], "weight"), (net[1], "weight")], pruning_method=L1Unstructured, amount=10)
    >>> int((net[0].weight == 0).sum() + (net[1].weight == 0).sum())
    10
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)  # (read several times below: a generator would be used up)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = np.concatenate([_values(importance_scores.get((module, name), getattr(module, name))).reshape(-1)
                             for module, name in parameters])
    default_mask = np.concatenate([
        _values(getattr(module, name + "_mask")).reshape(-1) if hasattr(module, name + "_mask")
        else np.ones(int(np.prod(getattr(module, name).shape)), dtype=getattr(module, name).dtype)
        for module, name in parameters])
    container = PruningContainer()
    container._tensor_name = "temp"  # (the container and the method must name the same tensor)
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError(f'Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
                        f"{pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final_mask = _values(container.compute_mask(Tensor(scores), Tensor(default_mask)))
    start = 0
    for module, name in parameters:
        shape = getattr(module, name).shape
        size = int(np.prod(shape))
        custom_from_mask(module, name, mask=Tensor(final_mask[start:start + size].reshape(shape)))
        start += size


def custom_from_mask(module: Module, name: str, mask: Tensor) -> Module:
    """Prune the entries of `module.<name>` where `mask` is 0. Returns the module."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module: Module, name: str) -> Module:
    """Make the pruning of `module.<name>` permanent (see BasePruningMethod.remove). ValueError
    if it is not pruned."""
    hooks = _pre_hooks(module)
    for key, hook in list(hooks.items()):
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del hooks[key]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module: Module) -> bool:
    """True if the module or any of its sub-modules has a pruned tensor (a pruning hook)."""
    return any(isinstance(hook, BasePruningMethod)
               for _, sub in module.named_modules() for hook in _pre_hooks(sub).values())


# ---- checks and helpers, as PyTorch's ----------------------------------------------------
def _validate_pruning_amount_init(amount: Any) -> None:
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral) and (float(amount) > 1.0 or float(amount) < 0.0)):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")


def _validate_pruning_amount(amount: int, tensor_size: int) -> None:
    if isinstance(amount, numbers.Integral) and amount > tensor_size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters to "
                         f"prune={tensor_size}")


def _compute_nparams_toprune(amount: int | float, tensor_size: int) -> int:
    """How many to prune: `amount` itself if an int, else round(amount · size) (Python's
    round: halves to even, as PyTorch)."""
    if isinstance(amount, numbers.Integral):
        return amount
    return round(amount * tensor_size)


def _validate_structured_pruning(t) -> None:
    shape = tuple(t.shape)
    if len(shape) <= 1:
        raise ValueError(f"Structured pruning can only be applied to multidimensional tensors. Found tensor of "
                         f"shape {shape} with {len(shape)} dims")


def _validate_pruning_dim(t, dim: int) -> None:
    if dim >= len(t.shape):
        raise IndexError(f"Invalid index {dim} for tensor of size {tuple(t.shape)}")


def _channel_mask(t, dim: int, channels) -> np.ndarray:
    """Zeros shaped like `t`, ones on the given channels along `dim` (indices or a bool mask)."""
    mask = np.zeros(t.shape, dtype=_values(t).dtype)
    index = [slice(None)] * len(t.shape)
    index[dim] = channels
    mask[tuple(index)] = 1
    return mask


def _compute_norm(t: np.ndarray, n, dim: int) -> np.ndarray:
    """The Ln-norm of each channel along `dim` (over all the other dimensions), as
    torch.norm(t, p=n, dim=<the others>): (Σ|x|ⁿ)^(1/n); n=0 counts non-zeros; inf/-inf the
    largest/smallest |x|; "fro" the 2-norm (one or two dimensions); "nuc" the sum of singular
    values (two dimensions)."""
    if dim < 0:
        dim += t.ndim
    others = tuple(d for d in range(t.ndim) if d != dim)
    x = np.abs(t.astype(np.float64))
    if isinstance(n, str):
        if n not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {n} not supported.")
        if len(others) != 2 and (n == "nuc" or len(others) > 2):
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, others))}")
        if n == "nuc":  # the channel dimension first, the two matrix dimensions last
            norm = np.linalg.svd(np.moveaxis(x, (dim,) + others, (0, 1, 2)), compute_uv=False).sum(-1)
        else:
            norm = np.sqrt((x * x).sum(axis=others))
    elif n is None or n == 2:
        norm = np.sqrt((x * x).sum(axis=others))
    elif n == np.inf:
        norm = x.max(axis=others)
    elif n == -np.inf:
        norm = x.min(axis=others)
    elif n == 0:
        norm = np.count_nonzero(x, axis=others).astype(np.float64)
    else:
        with np.errstate(divide="ignore"):  # a negative n: |0|ⁿ = inf, and inf^(1/n) = 0
            norm = (x ** n).sum(axis=others) ** (1.0 / n)
    return norm.astype(t.dtype) if t.dtype.kind == "f" else norm
