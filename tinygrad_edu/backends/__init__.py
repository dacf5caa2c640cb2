"""`tg.backends`: PyTorch's switches for its GPU backends, so code that sets or asks them runs.
None of them is available here (`tg.backends.mps.is_available()` is False); the cuDNN flags
can be set and read but change nothing, since there is no cuDNN (nor CUDA: `tg.backends.cuda.matmul`'s
flags are switches only)."""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
