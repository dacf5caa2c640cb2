"""`nn.utils.stateless`: the first home of `functional_call`, deprecated in PyTorch 2.0 in favor
of `torch.func.functional_call` (here `tg.func.functional_call`), which it calls."""
from __future__ import annotations

import warnings
from typing import Any

from ...func.functional_call import functional_call as _functional_call

__all__ = ["functional_call"]


def functional_call(module, parameters_and_buffers: dict, args: Any = None, kwargs: dict | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """`tg.func.functional_call(module, parameters_and_buffers, args, kwargs)`: the module called
    with its parameters and buffers replaced by the given ones. Deprecated (a FutureWarning says
    so, as in PyTorch): call `tg.func.functional_call`."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed "
                  "in a future version of PyTorch. Please use `torch.func.functional_call` instead which is a "
                  "drop-in replacement.", FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)
