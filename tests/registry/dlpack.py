"""DLPack interop: not computations (tests/test_utils_more.py)."""
from . import not_differentiable

not_differentiable("reads another library's memory as a tensor (no new values; nothing to differentiate, as "
                   "in PyTorch, where the result is a leaf)", "tg.from_dlpack")
