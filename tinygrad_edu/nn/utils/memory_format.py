"""Laying out only the convolution weights of a model in a memory format, as
`torch.nn.utils.memory_format` (see `tg.memory_format` for what a format is).

PyTorch uses this to run convolutions with channels-last (NHWC) kernels, fast on GPUs, without
touching the layers that gain nothing from it (`model.to(memory_format=...)` changes every 4-D
tensor). Here numpy computes the same numbers in any layout, so only the strides change.
"""
from __future__ import annotations

from typing import TypeVar

from ...memory_formats import as_format, check_rank, memory_format, preserve_format
from ..conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d
from ..module import Module

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]

ModuleT = TypeVar("ModuleT", bound=Module)


def _convert(module: Module, fmt: memory_format, kinds: tuple[type, ...], op: str) -> None:
    for layer in module.modules():  # (the module itself and every submodule, as PyTorch's recursion)
        if isinstance(layer, kinds):  # (PyTorch checks the format only when it has a weight to lay out)
            as_format(fmt, op)
            check_rank(layer.weight.shape, fmt, op)
            if fmt is preserve_format:  # (PyTorch's resize_ refuses it)
                raise RuntimeError(f"{op}: unsupported memory format Preserve: give a format to lay the weights "
                                   f"out in (e.g. tg.channels_last or tg.contiguous_format)")
            # the same Parameter, its array replaced by a copy in the new layout (same values, so
            # no version bump: like PyTorch's `weight.data = ...`)
            layer.weight.data = layer.weight.detach().clone(memory_format=fmt).data


def convert_conv2d_weight_memory_format(module: ModuleT, memory_format: memory_format) -> ModuleT:
    """Lay out the weight of every `Conv2d` and `ConvTranspose2d` in `module` (itself included)
    in `memory_format` (e.g. `tg.channels_last`); returns `module`. Values, shapes and the
    Parameter objects stay the same.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU())
    >>> model = nn.utils.convert_conv2d_weight_memory_format(model, tg.channels_last)
    >>> model[0].weight.is_contiguous(memory_format=tg.channels_last)
    True
    """
    _convert(module, memory_format, (Conv2d, ConvTranspose2d), "convert_conv2d_weight_memory_format")
    return module


def convert_conv3d_weight_memory_format(module: ModuleT, memory_format: memory_format) -> ModuleT:
    """Lay out the weight of every `Conv3d` and `ConvTranspose3d` in `module` (itself included)
    in `memory_format` (e.g. `tg.channels_last_3d`); returns `module`."""
    _convert(module, memory_format, (Conv3d, ConvTranspose3d), "convert_conv3d_weight_memory_format")
    return module
