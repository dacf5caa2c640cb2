"""Registry entries for the layout methods (tensor_layout.py) and layer_norm: composed from
other ops, gradchecked and gradgradchecked here in their own right."""
import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from . import not_differentiable, register

register("tg.tril", lambda x: tg.tril(x) * x, [(3, 3)], [(2, 3, 4)], [(4, 2)])
register("Tensor.tril", lambda x: x.tril(-1) + x.tril(1), [(3, 3)], [(2, 3, 4)], [(1, 1)])
register("tg.triu", lambda x: tg.triu(x, 1) * x, [(3, 3)], [(2, 3, 4)], [(4, 2)])
register("Tensor.triu", lambda x: x.triu() * x.triu(-1), [(3, 3)], [(2, 3, 4)], [(1, 1)])
register("Tensor.repeat", lambda x: x.repeat(2, 3) * x.repeat(2, 3), [(3,)], [(2, 1)], [()], [(1, 2)])
register("Tensor.repeat(new dims)", lambda x: x.repeat(2, 1, 2).sin(), [(3,)], [(2, 1)], [(1, 2)])
register("tg.flip", lambda x: tg.flip(x, (0,)) * x, [(3,)], [(2, 3)], [(1, 2)])
register("Tensor.flip", lambda x: x.flip(0, -1) * x, [(3, 2)], [(2, 3, 2)], [(1, 1)])
register("tg.unbind", lambda x: tg.unbind(x)[0] * tg.unbind(x)[-1], [(3,)], [(2, 3)], [(1, 2)])
register("Tensor.unbind", lambda x: x.unbind(1)[0] * x.unbind(-1)[-1], [(3, 3)], [(2, 2, 2)], [(1, 1)])
register("Tensor.where", lambda x, y: x.where(x > 0, y) * y, [(3,), (3,)], [(2, 3), (3,)], [(2, 1), (1, 3)], [(), (2,)])
register("F.layer_norm", lambda x: F.layer_norm(x, x.shape[-1:]), [(3, 4)], [(2, 3)], [(2, 2, 3)])
register("F.layer_norm(weight, bias)", lambda x, w, b: F.layer_norm(x, (2, 3), w, b, eps=1e-3),
         [(2, 3), (2, 3), (2, 3)], [(4, 2, 3), (2, 3), (2, 3)], [(1, 2, 3), (2, 3), (2, 3)])
register("F.batch_norm", lambda x: F.batch_norm(x, None, None, training=True), [(4, 3)], [(2, 3, 2)], [(3, 2, 2, 2)])
register("F.batch_norm(running, weight, bias)",
         lambda x, w, b: F.batch_norm(x, tg.zeros(3), tg.ones(3), w, b, training=False, eps=1e-3),
         [(4, 3), (3,), (3,)], [(2, 3, 2), (3,), (3,)], [(1, 3), (3,), (3,)])
not_differentiable("bool masks", "tg.isnan", "tg.isinf", "tg.isfinite", "Tensor.isnan", "Tensor.isinf",
                   "Tensor.isfinite")
