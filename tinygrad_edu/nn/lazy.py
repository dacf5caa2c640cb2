"""Lazy modules, as PyTorch's `nn.LazyLinear`, `nn.LazyConv2d`, ...: layers that learn their input
size from the first batch they see, so that nobody has to work out the `16 * 5 * 5` in front of a
classifier's first Linear by hand.

    model = nn.Sequential(nn.LazyConv2d(6, 5), nn.ReLU(), nn.Flatten(), nn.LazyLinear(10))
    model(tg.zeros(1, 3, 32, 32))   # a dry run: now model[3] is Linear(in_features=4704, ...)

Until that first forward the parameters are `nn.UninitializedParameter` placeholders (see
parameter.py): using one raises ValueError. A forward pre-hook runs `initialize_parameters(input)`
before the first forward: it reads the size from the input, materializes the placeholders (the same
objects get arrays, so an optimizer made before the dry run sees the real parameters), initialises
them with the layer's `reset_parameters()`, and turns the module into its ordinary class
(`LazyLinear` -> `Linear`). `load_state_dict` of saved values materializes them from the values'
shapes instead (the module becomes ordinary at its first forward).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import tensor
from ..devices import check_device
from ..tensor import Tensor
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .group_normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .layers import Linear
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, _reset_affine_parameters
from .parameter import UninitializedBuffer, UninitializedParameter, is_lazy


class LazyModuleMixin:
    """Mixed in before a layer class (`class LazyLinear(LazyModuleMixin, Linear)`) to make it lazy.
    The subclass defines `initialize_parameters(*forward_args)`, which materializes its placeholders
    and calls `reset_parameters()`, and `cls_to_become`, the class it becomes after the first
    forward (PyTorch's `torch.nn.modules.lazy.LazyModuleMixin`).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> layer = nn.LazyLinear(3)
    >>> layer, layer.has_uninitialized_params()
    (LazyLinear(in_features=0, out_features=3, bias=True), True)
    >>> layer(tg.ones(2, 4)).shape, layer
    ((2, 3), Linear(in_features=4, out_features=3, bias=True))
    """

    cls_to_become: type | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._load_hook = self.register_load_state_dict_pre_hook(_materialize_from_state_dict)
        self._initialize_hook = self.register_forward_pre_hook(_infer_parameters, with_kwargs=True)

    def initialize_parameters(self, *args, **kwargs) -> None:
        """Materialize and initialise the parameters from the first forward's arguments."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {type(self).__name__}")

    def has_uninitialized_params(self) -> bool:
        """True while a parameter or buffer of this module is still a placeholder."""
        return any(is_lazy(t) for t in list(self._parameters.values()) + list(self._buffers.values()))

    def state_dict(self, *args, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Any]:
        """As Module.state_dict, but a placeholder is saved as itself (it has no values to
        detach): `{'weight': <UninitializedParameter>, ...}`, as in PyTorch."""
        if not self.has_uninitialized_params():
            return super().state_dict(*args, destination=destination, prefix=prefix, keep_vars=keep_vars)
        if args:  # the deprecated positional form: (destination, prefix, keep_vars)
            destination = args[0] if destination is None else destination
            prefix = args[1] if len(args) > 1 and prefix == "" else prefix
            keep_vars = args[2] if len(args) > 2 and keep_vars is False else keep_vars
            args = args[:2]
        before = set(destination) if destination is not None else set()
        saved = super().state_dict(*args, destination=destination, prefix=prefix, keep_vars=True)
        if not keep_vars:  # detach what Module.state_dict would have detached
            for key, value in saved.items():
                if key not in before and isinstance(value, Tensor) and not is_lazy(value):
                    saved[key] = value.detach()
        return saved


def _infer_parameters(module: LazyModuleMixin, args: tuple, kwargs: dict) -> None:
    """The forward pre-hook: before the first forward, initialize from its arguments, then drop
    both hooks and become the ordinary class."""
    module.initialize_parameters(*args, **(kwargs or {}))
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {type(module).__name__} has not been fully initialized")
    module._initialize_hook.remove()
    module._load_hook.remove()
    del module._initialize_hook
    del module._load_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become


def _materialize_from_state_dict(module: LazyModuleMixin, state_dict: dict, prefix: str, local_metadata: dict,
                                 strict: bool, missing_keys: list, unexpected_keys: list, error_msgs: list) -> None:
    """The load_state_dict pre-hook: a placeholder for which the state dict has values takes
    their shape (load_state_dict then copies the values in)."""
    for name, current in list(module._parameters.items()) + list(module._buffers.items()):
        key = prefix + name
        if key in state_dict and is_lazy(current) and not is_lazy(state_dict[key]):
            try:
                shape = _shape_of(state_dict[key])
            except ValueError:  # not an array (e.g. a ragged list): load_state_dict reports it
                continue
            with no_grad():
                current.materialize(shape)


def _shape_of(value) -> tuple:
    return tuple(value.shape) if hasattr(value, "shape") else np.shape(value)


def _materialize(module: LazyModuleMixin, name: str, shape: tuple) -> None:
    """Materialize the placeholder `module.<name>` with `shape`. A module whose state dict was
    only partly loaded has a mix of real tensors and placeholders: initialising would overwrite the
    loaded values, so that is an error (PyTorch fails there too, with an AttributeError)."""
    placeholder = getattr(module, name)
    if not is_lazy(placeholder):
        raise RuntimeError(f"{type(module).__name__}: {name!r} was loaded by load_state_dict but other parameters "
                           f"were not; load all of the module's parameters and buffers, or none, before the "
                           f"first forward")
    placeholder.materialize(shape)


# ---- LazyLinear --------------------------------------------------------------------------------
class LazyLinear(LazyModuleMixin, Linear):
    """A `Linear` whose `in_features` is the size of the first input's last dim. It becomes a
    `Linear` at its first forward (see LazyModuleMixin).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> fc = nn.LazyLinear(10)
    >>> fc(tg.ones(4, 400)).shape, fc
    ((4, 10), Linear(in_features=400, out_features=10, bias=True))
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        check_device(device, "LazyLinear")
        super().__init__(0, 0, False, dtype=dtype)  # (no bias yet: the placeholders come next)
        self.weight = UninitializedParameter(dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input) -> None:
        """in_features = the size of `input`'s last dim; materialize and initialise."""
        if self.has_uninitialized_params():
            if len(input.shape) == 0:
                raise IndexError("LazyLinear: in_features is the size of the input's last dim, and a 0-d input "
                                 "has no dims")
            with no_grad():
                self.in_features = input.shape[-1]
                _materialize(self, "weight", (self.out_features, self.in_features))
                if self.bias is not None:
                    _materialize(self, "bias", (self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # loaded by load_state_dict: take in_features from the weight
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


# ---- LazyConv1d/2d/3d and LazyConvTranspose1d/2d/3d ------------------------------------------------
class _LazyConvXdMixin(LazyModuleMixin):
    """in_channels = the size of the input's channel dim (dim 1, or dim 0 of an unbatched input)."""

    transposed: bool
    dims: int

    def _build(self, out_channels: int, bias: bool, dtype) -> None:
        """After the ordinary class's __init__ (given stand-in channels, as it refuses 0):
        in_channels 0 as PyTorch shows it, and placeholders for weight and bias."""
        self.in_channels, self.out_channels = 0, out_channels
        self.weight = UninitializedParameter(dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype)

    def reset_parameters(self) -> None:
        # (also called by the ordinary class's __init__, on its stand-in weight: the forward
        # pre-hook is not registered yet then, and nothing is drawn from the random generator)
        if not self.has_uninitialized_params() and self.in_channels != 0 and "_initialize_hook" in self.__dict__:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        """in_channels from `input`; materialize weight and bias and initialise them."""
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
            else:
                shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
            with no_grad():
                _materialize(self, "weight", shape)
                if self.bias is not None:
                    _materialize(self, "bias", (self.out_channels,))
                self.reset_parameters()
        if self.in_channels == 0:  # loaded by load_state_dict: read in_channels from the weight
            # (PyTorch leaves 0 there, and so shows Conv2d(0, ...) for a working layer)
            self.in_channels = self.weight.shape[0] if self.transposed else self.weight.shape[1] * self.groups

    def _get_in_channels(self, input) -> int:
        unbatched, batched = self.dims + 1, self.dims + 2
        if len(input.shape) not in (unbatched, batched):
            raise RuntimeError(f"Expected {unbatched}D (unbatched) or {batched}D (batched) input to "
                               f"{type(self).__name__}, but got input of size: {tuple(input.shape)}")
        return input.shape[1] if len(input.shape) == batched else input.shape[0]


def _stand_in_channels(groups) -> int:
    """Channels the ordinary conv class accepts (it checks groups itself): PyTorch's lazy convs
    pass 0, which this package's conv classes refuse."""
    return groups if isinstance(groups, int) and not isinstance(groups, bool) and groups > 0 else 1


class _LazyConvNd(_LazyConvXdMixin):
    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        channels = _stand_in_channels(groups)
        super().__init__(channels, channels, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                         device, dtype)
        self._build(out_channels, bias, dtype)


class _LazyConvTransposeNd(_LazyConvXdMixin):
    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0, groups: int = 1,
                 bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        channels = _stand_in_channels(groups)
        super().__init__(channels, channels, kernel_size, stride, padding, output_padding, groups, False, dilation,
                         padding_mode, device, dtype)
        self._build(out_channels, bias, dtype)


class LazyConv1d(_LazyConvNd, Conv1d):
    """A `Conv1d` whose `in_channels` is read from the first input; becomes a Conv1d then."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConvNd, Conv2d):
    """A `Conv2d` whose `in_channels` is read from the first input (its dim 1, or dim 0 if
    unbatched); it becomes a Conv2d then.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> conv = nn.LazyConv2d(4, 3)
    >>> conv
    LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))
    >>> conv(tg.ones(1, 2, 5, 5)).shape, conv
    ((1, 4, 3, 3), Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1)))
    """

    cls_to_become = Conv2d


class LazyConv3d(_LazyConvNd, Conv3d):
    """A `Conv3d` whose `in_channels` is read from the first input; becomes a Conv3d then."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTransposeNd, ConvTranspose1d):
    """A `ConvTranspose1d` whose `in_channels` is read from the first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTransposeNd, ConvTranspose2d):
    """A `ConvTranspose2d` whose `in_channels` is read from the first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTransposeNd, ConvTranspose3d):
    """A `ConvTranspose3d` whose `in_channels` is read from the first input."""

    cls_to_become = ConvTranspose3d


# ---- LazyBatchNorm1d/2d/3d and LazyInstanceNorm1d/2d/3d -------------------------------------------
class _LazyNormBase(LazyModuleMixin):
    """num_features = the size of the first input's dim 1. Note PyTorch's defaults: affine and
    track_running_stats are True also for the lazy InstanceNorms (False in InstanceNorm)."""

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        # (no weights or statistics yet: the placeholders come next)
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = tensor(0)

    def reset_parameters(self) -> None:
        """Running statistics to mean 0 and variance 1, weight to 1 and bias to 0."""
        if not self.has_uninitialized_params() and self.num_features != 0:
            self.reset_running_stats()
            _reset_affine_parameters(self)

    def initialize_parameters(self, input) -> None:
        """num_features = input.shape[1] (also for an unbatched input, as in PyTorch)."""
        if self.has_uninitialized_params():
            if len(input.shape) < 2:
                raise IndexError(f"{type(self).__name__}: num_features is the size of the input's dim 1, and "
                                 f"the input has shape {tuple(input.shape)}")
            self.num_features = input.shape[1]
            with no_grad():
                for name in self._lazy_names():
                    _materialize(self, name, (self.num_features,))
                self.reset_parameters()
        if self.num_features == 0 and self._lazy_names():  # loaded by load_state_dict: read it from them
            # (PyTorch leaves 0 there, which makes an affine InstanceNorm refuse every input)
            self.num_features = getattr(self, self._lazy_names()[0]).shape[0]

    def _lazy_names(self) -> list[str]:
        """The parameters and buffers of size num_features that this layer has."""
        return [name for name in ("weight", "bias", "running_mean", "running_var") if getattr(self, name) is not None]


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """A `BatchNorm1d` whose `num_features` is read from the first input (its dim 1)."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """A `BatchNorm2d` whose `num_features` is read from the first input (its dim 1).

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> bn = nn.LazyBatchNorm2d()
    >>> bn(tg.ones(2, 3, 4, 4)).shape, bn
    ((2, 3, 4, 4), BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True))
    """

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """A `BatchNorm3d` whose `num_features` is read from the first input (its dim 1)."""

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNormBase, InstanceNorm1d):
    """An `InstanceNorm1d` whose `num_features` is read from the first input (its dim 1)."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNormBase, InstanceNorm2d):
    """An `InstanceNorm2d` whose `num_features` is read from the first input (its dim 1)."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNormBase, InstanceNorm3d):
    """An `InstanceNorm3d` whose `num_features` is read from the first input (its dim 1)."""

    cls_to_become = InstanceNorm3d
