"""`tg.utils`: PyTorch's `torch.utils` names that learners' programs use (`tg.utils.data`,
`tg.utils.checkpoint`, `tg.utils.deterministic`, `tg.utils.benchmark`, `tg.utils.dlpack`,
`tg.utils.hooks`, `tg.utils.swap_tensors`)."""
from . import benchmark, checkpoint, data, deterministic, dlpack, hooks
from .swapping import swap_tensors

__all__ = ["benchmark", "checkpoint", "data", "deterministic", "dlpack", "hooks", "swap_tensors"]
