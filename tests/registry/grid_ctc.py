"""Registry entries for the spatial transformer functions (affine_grid, grid_sample), bicubic
interpolate and the CTC loss. Grids are kept inside (-1, 1) for 'zeros' padding, and stretched
past the border (×1.6) for 'border'/'reflection', so that random coordinates land away from the
kinks at pixel centres and edges. CTC log_probs are log_softmax of the checked logits, the input
PyTorch's gradient assumes."""
import numpy as np

import tinygrad_edu.nn.functional as F

from . import register, unit

register("F.affine_grid", lambda theta: F.affine_grid(theta, (theta.shape[0], 1, 2, 3), align_corners=False),
         [(2, 2, 3)], [(1, 2, 3)], [unit(1, 2, 3)])
register("F.affine_grid(align_corners, 5-D)",
         lambda theta: F.affine_grid(theta, (theta.shape[0], 1, 2, 1, 2), align_corners=True),
         [(1, 3, 4)], [(2, 3, 4)], [unit(1, 3, 4)])

for padding in ("zeros", "border", "reflection"):
    for align in (False, True):
        stretch = 1.0 if padding == "zeros" else 1.6
        register(f"F.grid_sample(padding_mode={padding}, align_corners={align})",
                 lambda x, g, p=padding, a=align, s=stretch: F.grid_sample(x, g * s, padding_mode=p, align_corners=a),
                 [(1, 2, 3, 3), unit(1, 2, 2, 2)], [(2, 1, 2, 3), unit(2, 1, 3, 2)], [(1, 1, 1, 1), unit(1, 1, 1, 2)])
register("F.grid_sample(nearest)", lambda x, g: F.grid_sample(x, g, mode="nearest", align_corners=False) ** 2,
         [(1, 2, 3, 3), unit(1, 2, 2, 2)], [(2, 1, 2, 3), unit(2, 1, 3, 2)], [(1, 1, 1, 1), unit(1, 1, 1, 2)])

register("F.interpolate(bicubic)", lambda x: F.interpolate(x, size=(3, 4), mode="bicubic") ** 2,
         [(1, 1, 2, 2)], [(2, 1, 3, 2)], [(1, 2, 1, 1)])
register("F.interpolate(bicubic, align_corners)",
         lambda x: F.interpolate(x, scale_factor=1.5, mode="bicubic", align_corners=True) ** 2,
         [(1, 1, 2, 2)], [(1, 2, 3, 2)], [(1, 1, 1, 1)])

_TARGETS = np.array([[1, 2, 1], [2, 2, 0]])
for reduction in ("mean", "sum", "none"):
    register(f"F.ctc_loss(reduction={reduction})",
             lambda x, r=reduction: F.ctc_loss(x.log_softmax(-1), _TARGETS[:x.shape[1]], [x.shape[0]] * x.shape[1],
                                               [3, 2][:x.shape[1]], reduction=r),
             [(5, 2, 3)], [(4, 1, 3)], [(6, 2, 3)])
register("F.ctc_loss(concatenated, blank=2)",
         lambda x: F.ctc_loss(x.log_softmax(-1), np.array([1, 0, 0, 1])[:2 * x.shape[1]], [x.shape[0]] * x.shape[1],
                              [2] * x.shape[1], blank=2),
         [(4, 2, 3)], [(3, 1, 3)], [(5, 1, 3)])
register("F.ctc_loss(unbatched)", lambda x: F.ctc_loss(x.log_softmax(-1), np.array([1]), x.shape[0], 1),
         [(1, 2)], [(3, 2)], [(4, 3)])
