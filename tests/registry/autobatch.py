"""Registry entries for `tg.autobatch`: functions of several examples run under it, so that the
batched graph (Batch -> op -> Unbatch, TakeRows for rows read along axis 0) is gradchecked and
gradgradchecked like any op."""

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import not_differentiable, register


def _per_example(fn):
    """fn applied to each row block of x (three examples), under autobatch, results stacked."""
    def batched(x, *shared):
        with tg.autobatch():
            pieces = [fn(x[i], *shared) for i in range(x.shape[0])]
            return tg.stack(pieces)
    return batched


register("tg.autobatch(elementwise, shared operand)", _per_example(lambda x, w: (x * w).tanh() + w),
         [(3, 2, 4), (4,)], [(3, 1, 4), (2, 4)], [(2, 1), (1,)])
register("tg.autobatch(matmul, shared weight)", _per_example(lambda x, w: x @ w),
         [(3, 2, 4), (4, 3)], [(2, 1, 4), (4, 1)], [(3, 1, 1), (1, 2)])
register("tg.autobatch(reduce and reshape)", _per_example(lambda x: x.reshape(-1).logsumexp(0) + x.sum(0).mean()),
         [(3, 2, 4)], [(2, 1, 3)], [(3, 1, 1)])
register("tg.autobatch(linear rows)", _per_example(lambda x, w, b: F.linear(x, w, b).sigmoid()),
         [(3, 2, 4), (3, 4), (3,)], [(2, 1, 4), (1, 4), (1,)], [(3, 3, 2), (5, 2), (5,)])
register("tg.autobatch(rows read along axis 0)", _per_example(lambda x: x[1:] * x[0]),
         [(3, 3, 2)], [(2, 2, 1)], [(4, 4, 3)])
not_differentiable("a query of the batching mode, not an op", "tg.is_autobatch_enabled")
