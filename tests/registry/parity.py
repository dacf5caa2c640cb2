"""Registry entries for what tests/test_parity.py fixed: tg.clip, mse_loss's weight, dropout in
place, and remainder where its exact values differ from a - b·⌊a/b⌋ (a quotient with many digits)."""
import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import distinct, positive, register


def _seeded_dropout_in_place(x: tg.Tensor, p: float) -> tg.Tensor:
    """Dropout in place on a copy of x, with the same mask on every call."""
    tg.manual_seed(12)
    return F.dropout(x * 1, p, True, True)


register("tg.clip", lambda x: tg.clip(x, -0.7, 0.9) + tg.clip(x, max=0.4) * x,
         [distinct(3, 4)], [distinct(5)], [distinct(1, 1)], [distinct()])
register("F.mse_loss(weight)", lambda x, y, w: F.mse_loss(x, y, weight=w),
         [(3,), (3,), positive(3)], [(2, 3), (2, 3), positive(2, 3)], [(1, 1), (1, 1), positive(1, 1)],
         [(), (), positive()])
register("F.mse_loss(weight, reduction=none)", lambda x, y, w: F.mse_loss(x, y, None, None, "none", w),
         [(3,), (3,), (3,)], [(2, 3), (2, 3), (2, 3)], [(), (), ()])
register("F.dropout(inplace)", lambda x: _seeded_dropout_in_place(x, 0.4), [(3, 4)], [(5,)], [(1, 1)], [(2, 1, 3)])
# large quotients: a/b ≈ 10-40, so the remainder's ∂/∂b = -⌊a/b⌋ is far from ±1
register("Tensor.remainder(large quotient)", lambda a, b: a.remainder(b.abs() * 0.01 + 0.3) * a,
         [distinct(3, 4), (4,)], [distinct(2, 1), (1, 3)], [distinct(5), ()])
