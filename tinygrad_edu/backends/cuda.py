"""CUDA switches, as in `torch.backends.cuda`: programs that follow PyTorch's "Numerical accuracy"
notes set `torch.backends.cuda.matmul.allow_tf32` (TensorFloat-32 matmuls on Ampere GPUs) and
the reduced-precision reductions of float16/bfloat16 matmuls. There is no GPU here, so they
change no result; `allow_tf32` is the same switch as `tg.set_float32_matmul_precision`
("highest" means TF32 off), as in PyTorch.

>>> import tinygrad_edu as tg
>>> tg.backends.cuda.matmul.allow_tf32
False
>>> tg.backends.cuda.is_built()
False
"""
from __future__ import annotations

from .. import compiling


class _MatmulFlags:
    """`tg.backends.cuda.matmul`: its attributes only (an unknown one raises AttributeError)."""

    _FLAGS = ("allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction")

    def __init__(self) -> None:
        object.__setattr__(self, "_values", {name: True for name in self._FLAGS})

    @property
    def allow_tf32(self) -> bool:
        return compiling.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value: bool) -> None:
        compiling.set_float32_matmul_precision("high" if value else "highest")

    def __getattr__(self, name: str):
        if name in self._FLAGS:
            return self._values[name]
        raise AttributeError(f"Unknown attribute {name}")

    def __setattr__(self, name: str, value) -> None:
        if name == "allow_tf32":
            object.__setattr__(self, name, value)  # the property's setter
        elif name in self._FLAGS:
            self._values[name] = bool(value)
        else:
            raise AttributeError(f"Unknown attribute {name}")


matmul = _MatmulFlags()


def is_built() -> bool:
    """False: tinygrad_edu is not built with CUDA."""
    return False
