"""`tg.cuda`: PyTorch's GPU namespace, for code that asks before using a GPU. tinygrad_edu runs on
the CPU only, so nothing is available and the seeding functions do nothing (seed the CPU
generator with `tg.manual_seed`).

>>> import tinygrad_edu as tg
>>> tg.cuda.is_available(), tg.cuda.device_count()
(False, 0)
"""
from __future__ import annotations


def is_available() -> bool:
    """False: there is no GPU support (numpy computes on the CPU)."""
    return False


def device_count() -> int:
    """0: no GPUs can be used."""
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Does nothing (there is no GPU generator); `tg.manual_seed` seeds the one generator."""


def manual_seed_all(seed: int) -> None:
    """Does nothing, like `manual_seed`."""


def empty_cache() -> None:
    """Does nothing: there is no GPU memory to release."""


from . import _cuda_amp as amp  # noqa: E402, F401  (tg.cuda.amp.GradScaler / autocast: deprecated, as in PyTorch)
