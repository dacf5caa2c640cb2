"""`nn.AdaptiveLogSoftmaxWithLoss` and `nn.CrossMapLRN2d` (composed of registered ops), checked
as modules with fixed float64 weights: the inputs are what gradcheck varies."""
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn

from . import register

tg.manual_seed(0)
_ASM = nn.AdaptiveLogSoftmaxWithLoss(4, 9, [2, 5], div_value=2.0, head_bias=True, dtype=np.float64)


def _asm(x):
    """Targets cycle through the shortlist and both clusters; the loss and the per-row outputs."""
    target = tg.tensor(np.asarray(7)) if x.ndim == 1 else tg.tensor(np.arange(x.shape[0]) * 4 % 9)
    output, loss = _ASM(x, target)
    return output * loss


register("nn.AdaptiveLogSoftmaxWithLoss", _asm, [(6, 4)], [(1, 4)], [(4,)], [(3, 4)])
register("nn.AdaptiveLogSoftmaxWithLoss(log_prob)", lambda x: _ASM.log_prob(x), [(3, 4)], [(1, 4)], [(5, 4)])
register("nn.CrossMapLRN2d", lambda x: nn.CrossMapLRN2d(3, alpha=0.5, beta=0.75, k=1.5)(x),
         [(2, 5, 2, 2)], [(1, 1, 1, 1)], [(1, 3, 2, 1)])
register("nn.CrossMapLRN2d(size=2)", lambda x: nn.CrossMapLRN2d(2, alpha=2.0, beta=0.5, k=1.0)(x),
         [(1, 4, 1, 3)], [(2, 2, 2, 2)], [(1, 1, 2, 1)])
