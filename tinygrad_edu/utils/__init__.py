"""`tg.utils`: PyTorch's `torch.utils` names that learners' programs use (`tg.utils.data`,
`tg.utils.checkpoint`, `tg.utils.deterministic`)."""
from . import checkpoint, data, deterministic

__all__ = ["checkpoint", "data", "deterministic"]
