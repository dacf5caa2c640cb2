"""`tg.backends`: PyTorch's switches for its GPU backends, so code that sets or asks them runs.
None of them is available here (`tg.backends.mps.is_available()` is False); the cuDNN flags
can be set and read but change nothing, since there is no cuDNN."""
from . import cudnn, mps

__all__ = ["cudnn", "mps"]
