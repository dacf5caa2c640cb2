"""`Optimizer`: the base class of every optimizer -- parameter groups, per-parameter state,
`zero_grad`, `step(closure)`, and state dicts in PyTorch's layout.

An optimizer holds references to the parameters (plain Tensors) and, in `step()`, changes their
arrays in place with numpy -- outside the graph, as an update must be. Parameters whose `.grad`
is None are skipped.

`optimizer.state[p]` holds Tensors, as in PyTorch: the running averages have the parameter's
shape and dtype, and the step counter (like NAdam's "mu_product" and ASGD's "eta" and "mu") is a
0-d Tensor of float64 if the default dtype is float64, else float32 (PyTorch's rule; its default
dtype is float32, ours float64). Each Tensor wraps an array that `step()` updates in place, so
keeping state as Tensors costs no copies.

PyTorch's kernel and device options are accepted where PyTorch accepts them and change nothing
here (the update is the same numpy code): `foreach`, `fused=True` (PyTorch's fused CPU kernels
compute the same update) and `capturable=True` (for CUDA graphs; PyTorch refuses it on the CPU at
the first step, we ignore it). `fused=True` with `foreach=True` or `differentiable=True` raises
RuntimeError as in PyTorch, and `differentiable=True` raises NotImplementedError: our updates are
numpy outside the autograd graph.

    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in batches:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
"""
from __future__ import annotations

import copy
import difflib
import numbers
import warnings
from collections import defaultdict
from typing import Any, Callable, Iterable

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..dtype import get_default_dtype
from ..tensor import Tensor

Closure = Callable[[], Any]


def check_number(optimizer: str, name: str, value, low: float = 0.0, high: float | None = None,
                 what: str | None = None) -> None:
    """Raise PyTorch's `ValueError` ("Invalid learning rate: -1") unless `low <= value`
    (and `value < high` when given); a non-number is a `TypeError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{optimizer}: {name} must be a number, got {type(value).__name__} {value!r}")
    if not low <= value or (high is not None and not value < high):
        bound = f">= {low:g}" if high is None else f"in [{low:g}, {high:g})"
        raise ValueError(f"{optimizer}: Invalid {what or name + ' value'}: {value} ({name} must be {bound})")


def number(value):
    """A hyperparameter as a Python number: a one-element Tensor lr (PyTorch allows `lr` as a
    Tensor, so that a compiled step can read a changing value) gives its value."""
    return value.item() if isinstance(value, Tensor) else value


def check_lr(optimizer: str, lr) -> None:
    """PyTorch's checks of a learning rate, a number or a one-element Tensor:
    ValueError("Tensor lr must be 1-element"), ValueError("Invalid learning rate: -1")."""
    if isinstance(lr, Tensor):
        if lr.numel() != 1:
            raise ValueError(f"{optimizer}: Tensor lr must be 1-element, got a Tensor of shape {lr.shape}")
        lr = lr.item()
    check_number(optimizer, "lr", lr, what="learning rate")


def reject_differentiable(name: str, differentiable: bool) -> None:
    """PyTorch's `differentiable=True` records the update in the graph; our updates are numpy
    outside the graph, so say so instead of silently ignoring it."""
    if differentiable:
        raise NotImplementedError(f"{name}: differentiable=True is not supported: tinygrad_edu updates the "
                                  f"parameters with numpy, outside the autograd graph")


def check_kernel_options(name: str, *, foreach: bool | None, differentiable: bool,
                         fused: bool | None = None) -> None:
    """PyTorch's checks of `fused` (RuntimeError, its messages), then `reject_differentiable`.
    `foreach`, `fused` and `capturable` choose PyTorch's kernels and devices; the numbers are
    the same, so here they are accepted and change nothing."""
    if fused:
        if differentiable:
            raise RuntimeError(f"{name}: `fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError(f"{name}: `fused` and `foreach` cannot be `True` together.")
    reject_differentiable(name, differentiable)


# ---- the state as Tensors -------------------------------------------------------------------------
def scalar_dtype(fused: bool | None = None) -> np.dtype:
    """The dtype of scalar state (step counts, NAdam's mu_product, ASGD's eta and mu), by
    PyTorch's rule: float64 if the default dtype is float64, else float32; always float32 for
    fused optimizers."""
    if not fused and get_default_dtype() == np.float64:
        return np.dtype(np.float64)
    return np.dtype(np.float32)


def as_state(array: np.ndarray) -> Tensor:
    """`array` as a Tensor without a copy: `step()` keeps updating the array in place (through
    `.data`), and `optimizer.state[p]` shows Tensors, as PyTorch's does."""
    return Tensor._make(array, None, False)


def scalar_state(value: float, dtype: np.dtype) -> Tensor:
    """A 0-d Tensor holding a scalar state entry (a step count, a running product)."""
    return as_state(np.array(value, dtype=dtype))


def advance_step(state: dict[str, Any]) -> float:
    """step ← step + 1, in place in its 0-d Tensor; returns the new count as a Python float, as
    PyTorch reads it (`step.item()`) to compute bias corrections."""
    step = state["step"].data
    count = step.item() + 1
    step[()] = count  # (rounded to the step's dtype as PyTorch's `step += 1`; faster than a ufunc on 0-d)
    return step.item()


def snapshot(value):
    """A copy of a state entry that later steps will not change (Tensors get their own array)."""
    if isinstance(value, Tensor):
        return as_state(value.data.copy())
    if isinstance(value, (list, tuple)):
        return type(value)(snapshot(v) for v in value)
    return copy.deepcopy(value)


def with_number_lr(group: dict[str, Any]) -> dict[str, Any]:
    """The group itself, or, if its lr is a Tensor, a copy whose lr is that Tensor's value (the
    update equations take numbers)."""
    if isinstance(group.get("lr"), Tensor):
        return {**group, "lr": group["lr"].item()}
    return group


class Optimizer:
    """Base class: parameter groups (each a dict of options plus "params"), per-parameter
    state, `zero_grad`, `step`, `state_dict`/`load_state_dict`.

    A subclass passes its options as `defaults`, checks a group's options in `_check_options`
    and updates one parameter's array in `_update(param, grad, state, group)`; `step` calls
    `_update` for every parameter that has a gradient.
    """

    # Optimizers whose state arrays have their parameter's shape (all but L-BFGS, which keeps
    # flat vectors): load_state_dict checks those shapes.
    _state_has_param_shape = True
    # The 0-d state entries of the built-in optimizers (("step",) for most): load_state_dict
    # turns plain numbers saved for them (by older versions) into 0-d Tensors of
    # `scalar_dtype()`; a user's subclass keeps its numbers as they are, as in PyTorch.
    _scalar_state_keys: tuple[str, ...] = ()

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        # state[p] is the dict of per-parameter running quantities; tensors hash by identity
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._opt_called = False  # set by step(); a learning-rate scheduler looks at it
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(
                f"{name}: params must be an iterable of Tensors (e.g. model.parameters() or [w, b]) "
                f"or of dicts, got a single Tensor; wrap it in a list"
            )
        if isinstance(params, (set, frozenset)):
            groups = [{"params": params}]  # (add_param_group refuses it, saying why)
        else:
            groups = list(params)
            if not groups:
                raise ValueError(f"{name}: got an empty parameter list")
            if not isinstance(groups[0], dict):
                groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ---- parameter groups -----------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add parameters with their own options; options the dict leaves out take the
        optimizer's defaults. As in PyTorch, the dict itself becomes the group (it is filled in
        and kept), and extra keys (e.g. a "name") are kept too.

            opt.add_param_group({"params": model.head.parameters(), "lr": 1e-3})
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a parameter group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise TypeError(f"{name}: a parameter group must have a 'params' entry, got keys "
                            f"{sorted(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: parameters must be in an ordered collection (a list), not a set: "
                            f"the order of a set changes between runs")
        params = list(params)
        # model.named_parameters() gives (name, tensor) pairs: keep the names, as PyTorch does
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(params):
            raise ValueError(f"{name}: give all parameters with names ((name, tensor) pairs) or none")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}, not a Tensor")
            if not p.is_leaf:
                raise ValueError(f"{name}: can't optimize a non-leaf Tensor (parameter {i}, shape "
                                 f"{p.shape}): an optimizer updates tensors created by the user")
            if id(p) in seen:
                raise ValueError(f"{name}: parameter {i} (shape {p.shape}) appears more than once "
                                 f"(in this group or in another parameter group)")
            seen.add(id(p))
        if self.param_groups and ("param_names" in self.param_groups[0]) != bool(names):
            raise ValueError(f"{name}: all parameter groups must be given with names or all without")
        self._warn_about_likely_typos(param_group)
        param_group["params"] = params
        if names:
            param_group["param_names"] = names
        for key, default in self.defaults.items():
            param_group.setdefault(key, default)
        self._check_options(param_group)
        self.param_groups.append(param_group)

    def _warn_about_likely_typos(self, group: dict[str, Any]) -> None:
        # PyTorch keeps unknown keys silently; a key that is nearly an option name is a typo
        # that would otherwise leave the option at its default without a word.
        for key in group:
            if key in self.defaults or key in ("params", "param_names", "initial_lr"):
                continue
            close = difflib.get_close_matches(str(key), list(self.defaults), n=1, cutoff=0.75)
            if close:
                warnings.warn(f"{type(self).__name__}: parameter group key {key!r} is not an option of "
                              f"this optimizer (did you mean {close[0]!r}?); it is kept but unused",
                              UserWarning, stacklevel=3)

    def _check_options(self, group: dict[str, Any]) -> None:
        """Check a group's options (PyTorch checks the constructor's; we check every group)."""
        name = type(self).__name__
        if "lr" in group:  # (a user's Optimizer subclass may have other options)
            check_lr(name, group["lr"])
        if "weight_decay" in group:
            check_number(name, "weight_decay", group["weight_decay"])

    # ---- gradients and steps ----------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of all parameters: `.grad = None` (PyTorch's default), or, with
        `set_to_none=False`, a gradient of zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad = Tensor._make(np.zeros_like(p.data), None, False)

    def _evaluate(self, closure: Closure | None):
        """Call the closure (which recomputes the loss and its gradients) with grad mode on."""
        if closure is None:
            return None
        if not callable(closure):
            raise TypeError(f"{type(self).__name__}.step: closure must be a function that returns the "
                            f"loss, got {type(closure).__name__}")
        with enable_grad():
            return closure()

    def step(self, closure: Closure | None = None):
        """Update every parameter that has a gradient, and return the closure's loss (or None).

        `closure`, if given, is called first (with grad enabled): it should zero the grads,
        recompute the loss, call `backward()` and return the loss, as in PyTorch.
        """
        loss = self._evaluate(closure)
        self._opt_called = True
        for group in map(with_number_lr, self.param_groups):
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.data
                if grad.shape != p.data.shape:
                    raise RuntimeError(f"{type(self).__name__}.step: a parameter of shape {p.shape} has a "
                                       f"gradient of shape {grad.shape}")
                if group.get("maximize"):
                    grad = -grad
                self._update(p.data, grad, self.state[p], group)
                p._version += 1  # an in-place change of the parameter
        return loss

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        """Change `param` in place, given its gradient, its state dict and its group's options."""
        raise NotImplementedError(f"{type(self).__name__} does not define _update")

    # ---- state dicts ----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """`{"state": {index: {...}}, "param_groups": [{options..., "params": [indices]}]}`, with
        parameters numbered in order across groups, as PyTorch. The state's Tensors are copies
        (a snapshot: PyTorch's are the live tensors, so it needs a deepcopy to keep one); the
        result can be written with `tg.save`."""
        index: dict[int, int] = {}
        # one deepcopy of all options, so an object shared by groups (a Tensor lr given to the
        # constructor is every group's) stays shared, as PyTorch's load_state_dict keeps it
        options = copy.deepcopy([{k: v for k, v in group.items() if k != "params"} for group in self.param_groups])
        groups = []
        for group, group_options in zip(self.param_groups, options):
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**group_options, "params": ids})
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if self.state.get(p):
                    state[index[id(p)]] = {k: snapshot(v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and per-parameter state saved by `state_dict()` (possibly through
        `tg.save`/`tg.load`); the parameters themselves stay the ones given to this optimizer.
        Parameters are matched by position, group by group, as in PyTorch. The state may hold
        our Tensors, PyTorch's tensors, arrays or plain numbers (checkpoints of older versions);
        it is copied, in the dtypes PyTorch would use."""
        name = type(self).__name__
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the state dict has {len(saved_groups)} parameter "
                             f"groups, this optimizer has {len(self.param_groups)}")
        by_index = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: parameter group {i} has {len(saved['params'])} "
                                 f"parameters in the state dict and {len(group['params'])} here")
            for saved_index, p in zip(saved["params"], group["params"]):
                # fused optimizers count steps in float32; the option as it will be after loading
                by_index[int(saved_index)] = p, saved.get("fused", group.get("fused"))
        new_state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for key, values in state_dict["state"].items():
            p, fused = by_index.get(int(key), (None, None))
            if p is None:
                raise ValueError(f"{name}.load_state_dict: state for parameter {key}, which no group lists")
            new_state[p] = {k: self._load_state_value(p, key, k, v, fused)
                            for k, v in values.items()}
        # (one deepcopy for all groups: options shared between groups stay shared)
        saved_options = copy.deepcopy([{k: v for k, v in saved.items() if k not in ("params", "param_names")}
                                       for saved in saved_groups])
        for options, group in zip(saved_options, self.param_groups):
            # the group becomes the saved one, as in PyTorch: keys it lacks go (e.g. a scheduler's
            # "initial_lr"/"max_lr" set on this optimizer after the state dict was saved), except
            # the optimizer's own options, which an older checkpoint may lack
            for k in [k for k in group if k not in options and k not in self.defaults]:
                if k not in ("params", "param_names"):
                    del group[k]
            for k, v in options.items():
                group[k] = tuple(v) if isinstance(v, list) else v
        self.state = new_state

    def _load_state_value(self, p: Tensor, index, key: str, value, fused: bool | None = None):
        """A saved state entry as this optimizer keeps it, following PyTorch's load_state_dict:
        tensors and arrays (ours, PyTorch's or numpy's) become Tensors of the parameter's dtype,
        except "step", which keeps a float dtype it was saved with; plain numbers saved for a
        scalar entry become 0-d Tensors of `scalar_dtype()`; other numbers stay numbers."""
        if isinstance(value, (list, tuple)):
            return type(value)(self._load_state_value(p, index, key, v, fused) for v in value)
        if isinstance(value, Tensor):
            value = value.data
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, float)):
            if key in self._scalar_state_keys:  # a checkpoint that kept the number, not a tensor
                return scalar_state(value, scalar_dtype(fused))
            return value
        array = np.asarray(value)  # (asarray: PyTorch tensors' __array__ predates numpy 2's copy=)
        if key == "step":
            if array.size != 1:
                raise ValueError(f"{type(self).__name__}.load_state_dict: 'step' of parameter {index} must be one "
                                 f"number, got an array of shape {array.shape}")
            dtype = scalar_dtype(fused) if fused or array.dtype.kind != "f" else array.dtype
            return scalar_state(array.reshape(()), dtype)
        dtype = p.data.dtype if p.data.dtype.kind == "f" else array.dtype
        array = np.array(array, dtype=dtype)  # a copy: the state must not share memory
        if self._state_has_param_shape and key not in self._scalar_state_keys and array.shape != p.data.shape:
            raise ValueError(f"{type(self).__name__}.load_state_dict: {key!r} of parameter {index} has shape "
                             f"{array.shape}, the parameter has shape {p.data.shape}")
        return as_state(array)

    def __repr__(self) -> str:
        """As PyTorch prints an optimizer: each group's options sorted by name, a blank line
        between groups."""
        text = f"{type(self).__name__} ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {k}: {group[k]}\n" for k in sorted(group) if k != "params")
        return text + ")"
