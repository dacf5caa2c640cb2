"""Registry entries for the resampling modes built from gathers and matmuls: volumetric (5-D)
grid_sample, bicubic grid_sample and antialiased interpolate. Grids are kept inside (-1, 1) for
'zeros' padding and stretched past the border (×1.6) otherwise, so that random coordinates land
away from the kinks at pixel centres and edges."""
import tinygrad_edu.nn.functional as F

from . import register, unit

for padding in ("zeros", "border", "reflection"):
    for align in (False, True):
        stretch = 1.0 if padding == "zeros" else 1.6
        register(f"F.grid_sample(5-D, padding_mode={padding}, align_corners={align})",
                 lambda x, g, p=padding, a=align, s=stretch: F.grid_sample(x, g * s, padding_mode=p, align_corners=a),
                 [(1, 2, 2, 3, 3), unit(1, 2, 1, 2, 3)], [(2, 1, 3, 2, 2), unit(2, 1, 2, 2, 3)],
                 [(1, 1, 1, 1, 1), unit(1, 1, 1, 1, 3)])
        register(f"F.grid_sample(bicubic, padding_mode={padding}, align_corners={align})",
                 lambda x, g, p=padding, a=align, s=stretch: F.grid_sample(x, g * s, mode="bicubic", padding_mode=p,
                                                                           align_corners=a),
                 [(1, 2, 3, 4), unit(1, 2, 2, 2)], [(2, 1, 2, 3), unit(2, 1, 3, 2)], [(1, 1, 1, 1), unit(1, 1, 1, 2)])
register("F.grid_sample(5-D, nearest)", lambda x, g: F.grid_sample(x, g, mode="nearest", align_corners=False) ** 2,
         [(1, 2, 2, 3, 3), unit(1, 2, 1, 2, 3)], [(2, 1, 3, 2, 2), unit(2, 1, 2, 2, 3)],
         [(1, 1, 1, 1, 1), unit(1, 1, 1, 1, 3)])

for mode in ("bilinear", "bicubic"):
    register(f"F.interpolate({mode}, antialias)",
             lambda x, m=mode: F.interpolate(x, size=(2, 3), mode=m, antialias=True) ** 2,
             [(1, 1, 5, 7)], [(2, 1, 3, 2)], [(1, 2, 1, 1)])
    register(f"F.interpolate({mode}, antialias, scale_factor, align_corners)",
             lambda x, m=mode: F.interpolate(x, scale_factor=(0.4, 1.5), mode=m, antialias=True,
                                             align_corners=True) ** 2,
             [(1, 1, 6, 3)], [(2, 1, 5, 2)], [(1, 2, 3, 1)])
