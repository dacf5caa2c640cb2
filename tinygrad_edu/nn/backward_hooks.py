"""Backward hooks of a Module, as PyTorch's `register_full_backward_hook` and
`register_full_backward_pre_hook`: functions called during backward with the gradients with
respect to the module's inputs and outputs -- e.g. to look at (or clip) the gradient that a layer
passes back.

    def show(module, grad_input, grad_output):
        print(type(module).__name__, [g.shape for g in grad_output if g is not None])
    handle = model.fc1.register_full_backward_hook(show)

How: each call of a hooked module passes its Tensor inputs through one identity Function before
forward, and its Tensor outputs through another after it. Backward reaches the outputs' identity
first: its gradients are the module's grad_output (the pre-hooks see them there and may replace
them). Later it reaches the inputs' identity: its gradients are the module's grad_input, and the
hooks `hook(module, grad_input, grad_output)` are called with both (a returned tuple replaces
grad_input).
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor
from .module_hooks import RemovableHandle, insert_hook, make_call_hook_state


class BackwardHookIdentity(Function):
    """y_i = x_i for each tensor x_i (copies, so the module cannot change its caller's tensors in
    place); d/dx_i = identity, except that the gradients pass through `on_gradients` (the hooks),
    which may replace them."""

    forward_records = False  # numpy only

    @staticmethod
    def forward(ctx, on_gradients: Callable, *tensors: Tensor):
        ctx.on_gradients = on_gradients
        return tuple(t.data.copy() for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.on_gradients(grads))


def register(module, kind: str, hook: Callable, prepend: bool, full: bool) -> RemovableHandle:
    """Put `hook` in `module.<kind>` (a dict id -> hook, run in order), first if `prepend`. Old
    style (`register_backward_hook`) and full backward hooks cannot be mixed, as in PyTorch."""
    if kind == "_backward_hooks":
        previous = module.__dict__.get("_is_full_backward_hook")
        if previous is not None and previous != full:
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single Module. "
                               "Please use only one of them.")
    make_call_hook_state(module)
    handle = insert_hook(module, kind, hook, prepend)
    if kind == "_backward_hooks":
        module.__dict__["_is_full_backward_hook"] = full
    return handle


class ModuleCall:
    """One call of a module with backward hooks: wraps its inputs and outputs, and meets the two
    sets of gradients in backward."""

    def __init__(self, module) -> None:
        self.module = module
        self.hooks = list(module.__dict__.get("_backward_hooks", {}).values())
        self.pre_hooks = list(module.__dict__.get("_backward_pre_hooks", {}).values())
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = 0
        self.input_positions = self.output_positions = None
        self.constant_inputs = {}  # position -> Tensor input that does not require grad

    @staticmethod
    def _wrap(values: tuple, on_gradients: Callable) -> tuple[tuple, list | None]:
        """values with each Tensor that requires grad passed through one BackwardHookIdentity."""
        positions = [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
        if not positions or not is_grad_enabled():
            return values, None
        wrapped = BackwardHookIdentity.apply(on_gradients, *[values[i] for i in positions])
        values = list(values)
        for i, tensor in zip(positions, wrapped):
            values[i] = tensor
        return tuple(values), positions

    def wrap_inputs(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        self.constant_inputs = {i: a for i, a in enumerate(args) if isinstance(a, Tensor) and not a.requires_grad}
        args, self.input_positions = self._wrap(args, self._inputs_reached)
        return args

    def wrap_outputs(self, output: Any) -> Any:
        values = output if isinstance(output, tuple) else (output,)
        self.n_outputs = len(values)
        wrapped, self.output_positions = self._wrap(values, self._outputs_reached)
        if self.output_positions is None:
            return output
        if not isinstance(output, tuple):
            return wrapped[0]
        return wrapped if type(output) is tuple else type(output)(*wrapped)  # (a named tuple keeps its class)

    @staticmethod
    def _spread(positions: list | None, grads, size: int) -> tuple:
        """One gradient per argument: None for arguments that are not Tensors requiring grad."""
        spread = [None] * size
        for i, g in zip(positions or (), grads):
            spread[i] = g
        return tuple(spread)

    def _outputs_reached(self, grads: tuple) -> tuple:
        name = type(self.module).__name__
        self.grad_outputs = self._spread(self.output_positions, grads, self.n_outputs)
        for hook in self.pre_hooks:
            result = hook(self.module, self.grad_outputs)
            if result is not None:
                if len(result) != len(self.grad_outputs):
                    raise RuntimeError(f"{name}: Backward pre hook returned an invalid number of grad_output, got "
                                       f"{len(result)}, but expected {len(self.grad_outputs)}")
                self.grad_outputs = tuple(result)
        grad_outputs = self.grad_outputs
        if self.input_positions is None:  # no input requires grad: the hooks run now, with grad_input all None
            warnings.warn(f"{name}: Full backward hook is firing when gradients are computed with respect to "
                          f"module outputs since no inputs require gradients.", UserWarning, stacklevel=2)
            grad_inputs = (None,) * self.n_inputs
            for hook in self.hooks:
                result = hook(self.module, grad_inputs, grad_outputs)
                if result is not None and not (isinstance(result, tuple) and all(r is None for r in result)):
                    raise RuntimeError(f"{name}: Backward hook for Modules where no input requires gradient should "
                                       f"always return None or None for all gradients.")
            self.grad_outputs = None
        return tuple(grad_outputs[i] for i in self.output_positions)

    def _inputs_reached(self, grads: tuple) -> tuple:
        if self.grad_outputs is None:  # reached without passing through the outputs (e.g. double backward)
            return grads
        grad_inputs = self._spread(self.input_positions, grads, self.n_inputs)
        if self.constant_inputs:  # a Tensor input that needs no gradient gets zeros, as in PyTorch
            grad_inputs = tuple(Tensor._make(np.zeros_like(self.constant_inputs[i].data), None, False)
                                if i in self.constant_inputs else g for i, g in enumerate(grad_inputs))
        for hook in self.hooks:
            result = hook(self.module, grad_inputs, self.grad_outputs)
            if result is None:
                continue
            if len(result) != len(grad_inputs):
                raise RuntimeError(f"{type(self.module).__name__}: Backward hook returned an invalid number of "
                                   f"grad_input, got {len(result)}, but expected {len(grad_inputs)}")
            grad_inputs = tuple(result)
        self.grad_outputs = None
        return tuple(grad_inputs[i] for i in self.input_positions)
