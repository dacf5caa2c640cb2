"""`nn.DataParallel`: PyTorch's way to split a batch over GPUs.

Without GPUs PyTorch's DataParallel simply calls the module it wraps (its `device_ids` are then
empty), and so does this one: code written for several GPUs runs here unchanged. Note that the
wrapped module's `state_dict()` keys start with `module.`, as in PyTorch.
"""
from __future__ import annotations

from .module import Module


class DataParallel(Module):
    """Wrap `module`; calling the wrapper calls `module` on the whole batch (there are no GPUs to
    split it over, as PyTorch without CUDA). `device_ids`, `output_device` and `dim` are kept for
    code that reads them; `device_ids` is `[]`, as PyTorch reports it without CUDA.

    >>> import tinygrad_edu as tg, tinygrad_edu.nn as nn
    >>> model = nn.DataParallel(nn.Linear(3, 2))
    >>> model(tg.ones(4, 3)).shape, list(model.state_dict())
    ((4, 2), ['module.weight', 'module.bias'])
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids: list = []
        self.output_device = None
        self.src_device_obj = None
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)

