"""Names added for the programs of tests/test_pytorch_programs_notes.py (PyTorch's "Notes" pages):
queries and types, not operations on values."""
from . import not_differentiable

not_differentiable(
    "not an operation on values: a grad-mode query and the memory-layout type",
    "tg.is_inference_mode_enabled", "tg.layout",
)
