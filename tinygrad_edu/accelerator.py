"""`tg.accelerator`: PyTorch's device-neutral way to ask for a GPU or other accelerator (PyTorch 2.6+;
the tutorials start with `device = torch.accelerator.current_accelerator().type if
torch.accelerator.is_available() else "cpu"`). tinygrad_edu computes with numpy on the CPU, so there
is none, and that line gives "cpu".

>>> import tinygrad_edu as tg
>>> tg.accelerator.is_available(), tg.accelerator.current_accelerator(), tg.accelerator.device_count()
(False, None, 0)
"""
from __future__ import annotations


def is_available() -> bool:
    """False: there is no accelerator (numpy computes on the CPU)."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: no accelerator is present (PyTorch returns None too when none is)."""
    return None


def device_count() -> int:
    """0: no accelerator devices."""
    return 0


def _no_accelerator(name: str):
    raise RuntimeError(f"tg.accelerator.{name}: cannot access an accelerator device when none is "
                       f"available (tinygrad_edu computes on the CPU with numpy)")


def current_device_index() -> int:
    """Raises RuntimeError, as PyTorch does when no accelerator is available."""
    _no_accelerator("current_device_index")


def set_device_index(device) -> None:
    """Raises RuntimeError: there is no device to choose."""
    _no_accelerator("set_device_index")


def synchronize(device=None) -> None:
    """Raises RuntimeError, as PyTorch does when no accelerator is available."""
    _no_accelerator("synchronize")


current_device_idx, set_device_idx = current_device_index, set_device_index  # (PyTorch's older names)
