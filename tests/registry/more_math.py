"""log2, log10 (ops/elementwise.py), exp2 and rsqrt (composed): gradchecked on positive inputs."""
import tinygrad_edu as tg

from . import positive, register

register("tg.log2", lambda x: tg.log2(x), [positive(3)], [positive(2, 3)], [positive()])
register("Tensor.log2", lambda x: x.log2() * x, [positive(3)], [positive(2, 3)], [positive()])
register("tg.log10", lambda x: tg.log10(x), [positive(3)], [positive(2, 3)], [positive()])
register("Tensor.log10", lambda x: x.log10() * x, [positive(3)], [positive(2, 3)], [positive()])
register("tg.exp2", lambda x: tg.exp2(x), [(3,)], [(2, 3)], [()])
register("Tensor.exp2", lambda x: x.exp2() * x, [(3,)], [(2, 3)], [()])
register("tg.rsqrt", lambda x: tg.rsqrt(x), [positive(3)], [positive(2, 3)], [positive()])
register("Tensor.rsqrt", lambda x: x.rsqrt() * x, [positive(3)], [positive(2, 3)], [positive()])
