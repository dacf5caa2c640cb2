"""Programs from PyTorch's tutorials, run unchanged with `import tinygrad_edu as tg` (see harness.py)."""
