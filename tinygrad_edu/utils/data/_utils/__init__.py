"""`tg.utils.data._utils`: where PyTorch keeps `collate` (`torch.utils.data._utils.collate`),
which its documentation tells users to import to extend `default_collate` with one more type."""
from . import collate  # noqa: F401
