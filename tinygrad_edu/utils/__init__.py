"""`tg.utils`: PyTorch's `torch.utils` names that learners' programs use (`tg.utils.data`)."""
from . import data

__all__ = ["data"]
