"""`tg.cuda.amp`: PyTorch's deprecated spellings `torch.cuda.amp.GradScaler(...)` and
`torch.cuda.amp.autocast(...)`. As in PyTorch 2.13 each warns (FutureWarning) and is
`tg.amp.GradScaler("cuda", ...)` / `tg.amp.autocast("cuda", ...)`: with no CUDA, disabled (a
second warning says so). Use `tg.amp.GradScaler("cpu")` to scale losses here."""
from __future__ import annotations

import warnings

from . import amp as _amp

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd"]


class GradScaler(_amp.GradScaler):
    """Deprecated: `tg.amp.GradScaler("cuda", ...)` (disabled: there is no CUDA)."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled)


class autocast(_amp.autocast):  # noqa: N801 (PyTorch's name)
    """Deprecated: `tg.amp.autocast("cuda", ...)` (disabled: there is no CUDA)."""

    def __init__(self, enabled: bool = True, dtype=_amp._dtype.float16, cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning, stacklevel=2)
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


def custom_fwd(fwd=None, *, cast_inputs=None):
    """Deprecated: `tg.amp.custom_fwd(fwd, device_type="cuda", cast_inputs=...)`."""
    warnings.warn("`torch.cuda.amp.custom_fwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_fwd(args..., device_type='cuda')` instead.", FutureWarning, stacklevel=2)
    return _amp.custom_fwd(fwd, device_type="cuda", cast_inputs=cast_inputs)


def custom_bwd(bwd):
    """Deprecated: `tg.amp.custom_bwd(bwd, device_type="cuda")`."""
    warnings.warn("`torch.cuda.amp.custom_bwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_bwd(args..., device_type='cuda')` instead.", FutureWarning, stacklevel=2)
    return _amp.custom_bwd(bwd, device_type="cuda")
