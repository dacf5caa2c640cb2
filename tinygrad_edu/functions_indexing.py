"""Function forms (`tg.<name>`) of PyTorch's indexing, scatter and selection functions.

`tinygrad_edu/__init__.py` exports every name in `__all__`.
"""
from __future__ import annotations

__all__: list[str] = []
