"""`tg.utils`: PyTorch's `torch.utils` names that learners' programs use (`tg.utils.data`,
`tg.utils.checkpoint`)."""
from . import checkpoint, data

__all__ = ["checkpoint", "data"]
