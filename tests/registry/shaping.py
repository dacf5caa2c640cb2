"""Registry entries for the shape, join and reduction names of tensor_shaping.py,
tensor_statistics.py and functions_shaping.py: views, joins and splits, scans (cumprod, cummax, logcumsumexp, diff) and
order statistics (median, mode, quantile) -- composed from other ops, or ops/diagonal.py."""
import tinygrad_edu as tg

from . import distinct, not_differentiable, register, unit

# ---- views and layout
register("tg.narrow", lambda x: tg.narrow(x, 0, 1, 2) * 2, [(3,)], [(4, 2)], [(3, 1)])
register("Tensor.narrow", lambda x: x.narrow(-1, -2, 1).sin(), [(3,)], [(2, 4)], [(1, 2)])
register("tg.movedim", lambda x: tg.movedim(x, 0, -1) * tg.movedim(x, 0, -1), [(3,)], [(2, 3)], [(2, 1, 3)])
register("Tensor.movedim", lambda x: x.movedim((0, 1), (1, 0)).sin(), [(2, 3)], [(2, 3, 4)], [(1, 1)])
register("tg.moveaxis", lambda x: tg.moveaxis(x, -1, 0).sin(), [(3,)], [(2, 3)], [(1, 2, 1)])
register("Tensor.moveaxis", lambda x: x.moveaxis(1, 0) * 3, [(2, 3)], [(2, 3, 4)], [(1, 1)])
register("tg.swapaxes", lambda x: tg.swapaxes(x, 0, 1).exp(), [(2, 3)], [(2, 3, 4)], [(1, 1)])
register("Tensor.swapaxes", lambda x: x.swapaxes(-1, 0).sin(), [(2, 3)], [(2, 3, 4)], [(1,)])
register("tg.swapdims", lambda x: tg.swapdims(x, 0, 1).exp(), [(2, 3)], [(2, 3, 4)], [(1, 1)])
register("Tensor.swapdims", lambda x: x.swapdims(-1, 0).sin(), [(2, 3)], [(2, 3, 4)], [(1,)])
register("tg.broadcast_to", lambda x: tg.broadcast_to(x, (2, 3)).sin(), [(3,)], [(2, 1)], [()])
register("Tensor.broadcast_to", lambda x: x.broadcast_to((2, 2, 3)) * 2, [(3,)], [(2, 1, 1)], [(1,)])
register("tg.broadcast_tensors", lambda x, y: tg.broadcast_tensors(x, y)[0] * tg.broadcast_tensors(x, y)[1],
         [(3,), (2, 1)], [(1,), ()], [(2, 3), (2, 3)])
register("tg.unflatten", lambda x: tg.unflatten(x, 0, (2, -1)).sin(), [(4,)], [(6, 2)], [(2, 1)])
register("Tensor.unflatten", lambda x: x.unflatten(-1, (1, 3)) * 2, [(3,)], [(2, 3)], [(1, 3)])
register("tg.fliplr", lambda x: tg.fliplr(x) * x, [(2, 3)], [(2, 3, 2)], [(1, 1)])
register("Tensor.fliplr", lambda x: x.fliplr().sin(), [(2, 3)], [(3, 2, 2)], [(1, 1)])
register("tg.flipud", lambda x: tg.flipud(x) * x, [(3,)], [(2, 3)], [(1,)])
register("Tensor.flipud", lambda x: x.flipud().sin(), [(3,)], [(2, 3)], [(1, 1)])
register("tg.rot90", lambda x: tg.rot90(x) * 2, [(2, 3)], [(2, 3, 2)], [(1, 1)])
register("Tensor.rot90", lambda x: x.rot90(3, (1, 0)).sin() + x.rot90(2).sum(), [(2, 3)], [(2, 3, 2)], [(1, 1)])
register("tg.roll", lambda x: tg.roll(x, 1) * x, [(3,)], [(2, 3)], [()])
register("Tensor.roll", lambda x: x.roll((1, -1), (0, -1)).sin(), [(3, 2)], [(2, 3, 2)], [(1, 1)])
register("tg.diagonal", lambda x: tg.diagonal(x) * 2, [(3, 3)], [(2, 3, 4)], [(1, 1)])
register("Tensor.diagonal", lambda x: x.diagonal(1, -1, -2).sin(), [(3, 3)], [(2, 3, 4)], [(4, 2)])
register("tg.diag", lambda x: tg.diag(x, 1).sin(), [(3,)], [(3, 3)], [(1,)], [(2, 4)])
register("Tensor.diag", lambda x: x.diag() * 2, [(3,)], [(3, 2)], [(1, 1)])
register("tg.diag_embed", lambda x: tg.diag_embed(x).sin(), [(3,)], [(2, 3)], [(1,)])
register("Tensor.diag_embed", lambda x: x.diag_embed(-1, -1, 0) * 2, [(3,)], [(2, 3)], [(1, 1)])
register("tg.trace", lambda x: tg.trace(x) * 2, [(3, 3)], [(2, 4)], [(1, 1)])
register("Tensor.trace", lambda x: x.trace().sin(), [(3, 3)], [(4, 2)], [(1, 1)])

# ---- joining and splitting
register("tg.concat", lambda x, y: tg.concat([x, y], 1).sin(), [(2, 3), (2, 1)], [(1, 1), (1, 2)], [(2, 2), (2, 1)])
register("tg.concatenate", lambda x, y: tg.concatenate([x, y], axis=0) * 2, [(3,), (2,)], [(1, 2), (2, 2)],
         [(1,), (1,)])
register("tg.hstack", lambda x, y: tg.hstack([x, y]).sin(), [(3,), (2,)], [(2, 1), (2, 3)], [(), ()])
register("tg.vstack", lambda x, y: tg.vstack([x, y]).sin(), [(3,), (3,)], [(2, 3), (1, 3)], [(), ()])
register("tg.row_stack", lambda x, y: tg.row_stack((x, y)) * 2, [(3,), (3,)], [(2, 3), (1, 3)], [(), ()])
register("tg.dstack", lambda x, y: tg.dstack([x, y]).sin(), [(3,), (3,)], [(2, 3), (2, 3)], [(), ()])
register("tg.column_stack", lambda x, y: tg.column_stack([x, y]).sin(), [(3,), (3,)], [(3, 2), (3,)], [(), ()])
register("tg.tensor_split", lambda x: tg.tensor_split(x, 2)[0].sum() * tg.tensor_split(x, [1], 1)[1],
         [(3, 2)], [(2, 3)], [(1, 2)])
register("Tensor.tensor_split", lambda x: x.tensor_split(3, -1)[1].sin(), [(4,)], [(2, 3)], [(1, 2)])
register("tg.hsplit", lambda x: tg.hsplit(x, 2)[1].sin(), [(4,)], [(2, 2)], [(1, 2, 1)])
register("Tensor.hsplit", lambda x: x.hsplit([1])[0] * 2, [(3,)], [(2, 3)], [(1, 1)])
register("tg.vsplit", lambda x: tg.vsplit(x, 2)[1].sin(), [(2, 3)], [(4, 1)], [(2, 1, 2)])
register("Tensor.vsplit", lambda x: x.vsplit([1])[1] * 2, [(2, 3)], [(3, 1)], [(2, 1)])
register("tg.dsplit", lambda x: tg.dsplit(x, 2)[1].sin(), [(1, 2, 2)], [(2, 1, 4)], [(1, 1, 2)])
register("Tensor.dsplit", lambda x: x.dsplit([1])[0] * 2, [(1, 2, 2)], [(2, 1, 3)], [(1, 1, 1)])
register("tg.atleast_1d", lambda x: tg.atleast_1d(x).sin(), [()], [(3,)], [(2, 1)])
register("tg.atleast_2d", lambda x, y: tg.atleast_2d(x, y)[0] * tg.atleast_2d(x, y)[1], [(), ()], [(3,), (3,)],
         [(1, 2), (1, 2)])
register("tg.atleast_3d", lambda x: tg.atleast_3d([x])[0].sin(), [()], [(3,)], [(2, 2)])
register("tg.block_diag", lambda x, y, z: tg.block_diag(x, y, z).sin(), [(2, 2), (3,), ()], [(1, 3), (2, 1), (1,)],
         [(2, 1), (1, 1), (2, 2)])
register("tg.cartesian_prod", lambda x, y: tg.cartesian_prod(x, y).sin(), [(3,), (2,)], [(1,), (2,)], [(2,), (1,)])
register("tg.meshgrid", lambda x, y: tg.meshgrid(x, y, indexing="xy")[0] * tg.meshgrid([x, y], indexing="ij")[1].T,
         [(3,), (2,)], [(1,), (2,)], [(), (2,)])
register("tg.repeat_interleave", lambda x: tg.repeat_interleave(x, 2).sin(), [(3,)], [(2, 2)], [()])
register("Tensor.repeat_interleave", lambda x: x.repeat_interleave(tg.tensor([2, 0, 1]), dim=-1) * 2,
         [(3,)], [(2, 3)], [(1, 3)])
register("tg.kron", lambda x, y: tg.kron(x, y).sin(), [(2,), (3,)], [(2, 2), (3,)], [(), (2, 1)], [(1, 2), (2, 1, 2)])
register("Tensor.kron", lambda x, y: x.kron(y) * 2, [(2,), (3,)], [(2, 2), (2, 3)], [(1,), ()])
register("tg.tensordot", lambda x, y: tg.tensordot(x, y, 1).sin(), [(2, 3), (3, 2)], [(3,), (3,)], [(2, 1, 4), (4, 2)])
register("tg.tensordot(pairs)", lambda x, y: tg.tensordot(x, y, ([0, 1], [1, 0])) * 2,
         [(2, 3), (3, 2)], [(2, 1, 4), (1, 2, 3)], [(1, 1), (1, 1)])
register("tg.cross", lambda x, y: tg.cross(x, y, dim=-1).sin(), [(3,), (3,)], [(2, 3), (1, 3)], [(1, 3), (2, 3)])
register("Tensor.cross", lambda x, y: x.cross(y, 0) * 2, [(3,), (3,)], [(3, 2), (3, 2)], [(3, 1), (3, 1)])
register("tg.cdist", lambda x, y: tg.cdist(x, y), [distinct(3, 2), distinct(2, 2)], [distinct(1, 3), distinct(1, 3)],
         [distinct(2, 3, 2), distinct(1, 2, 2)])
register("tg.cdist(p)", lambda x, y: tg.cdist(x, y, p=1) + tg.cdist(x, y, p=3.0), [distinct(3, 2), distinct(2, 2)],
         [distinct(1, 3), distinct(1, 3)], [distinct(2, 3, 2), distinct(2, 2, 2)])

# ---- scans
register("tg.cumprod", lambda x: tg.cumprod(x, 0), [(4,)], [(3, 2)], [()], [(1, 3)])
register("Tensor.cumprod", lambda x: x.cumprod(-1) * x, [(3,)], [(2, 3)], [(1,)])
register("tg.cummax", lambda x: tg.cummax(x, 0).values * 2, [distinct(4)], [distinct(3, 2)], [distinct()])
register("Tensor.cummax", lambda x: x.cummax(-1)[0].sin(), [distinct(4)], [distinct(2, 3)], [distinct(1)])
register("tg.cummin", lambda x: tg.cummin(x, 0).values * 2, [distinct(4)], [distinct(3, 2)], [distinct()])
register("Tensor.cummin", lambda x: x.cummin(-1)[0].sin(), [distinct(4)], [distinct(2, 3)], [distinct(1)])
register("tg.logcumsumexp", lambda x: tg.logcumsumexp(x, 0), [(5,)], [(3, 2)], [()], [(1,)])
register("Tensor.logcumsumexp", lambda x: x.logcumsumexp(-1) * x, [(3,)], [(2, 4)], [(1, 1)])
register("tg.diff", lambda x: tg.diff(x).sin(), [(3,)], [(2, 3)], [(1, 2)])
register("Tensor.diff", lambda x, y: x.diff(2, 0, prepend=y, append=y) * 2, [(3,), (1,)], [(2, 3), (1, 3)],
         [(1, 2), (2, 2)])

# ---- reductions
register("tg.var_mean", lambda x: tg.var_mean(x, 0)[0] * tg.var_mean(x, 0)[1], [(3,)], [(3, 2)], [(2, 1, 2)])
register("tg.std_mean", lambda x: tg.std_mean(x, -1, keepdim=True)[0] + tg.std_mean(x)[1], [(3,)], [(3, 2)],
         [(2, 1, 2)])
register("tg.median", lambda x: tg.median(x) * tg.median(x, 0).values.sum(), [distinct(3)], [distinct(4, 2)],
         [distinct()])
register("Tensor.median", lambda x: x.median(-1, True).values.sin(), [distinct(4)], [distinct(2, 3)], [distinct(1)])
register("tg.nanmedian", lambda x: tg.nanmedian(x) * 2, [distinct(3)], [distinct(4, 2)], [distinct()])
register("Tensor.nanmedian", lambda x: x.nanmedian(0)[0].sin(), [distinct(4)], [distinct(2, 3)], [distinct(1)])
register("tg.mode", lambda x: tg.mode(x, 0).values * 2, [distinct(3)], [distinct(4, 2)], [distinct()])
register("Tensor.mode", lambda x: x.mode(keepdim=True)[0].sin(), [distinct(4)], [distinct(2, 3)], [distinct(1)])
register("tg.quantile", lambda x: tg.quantile(x, 0.3), [distinct(4)], [distinct(2, 3)], [distinct()])
register("Tensor.quantile", lambda x: x.quantile(tg.tensor([0.2, 0.5, 1.0], dtype=tg.float64), dim=-1, keepdim=True),
         [distinct(4)], [distinct(2, 3)], [distinct(1, 1)])
register("tg.nanquantile", lambda x: tg.nanquantile(x, 0.7, 0), [distinct(4)], [distinct(2, 3)], [distinct()])
register("Tensor.nanquantile", lambda x: x.nanquantile(0.4, 1, interpolation="midpoint"), [distinct(4, 2)],
         [distinct(2, 3)], [distinct(1, 1)])
register("tg.nanmean", lambda x: tg.nanmean(x, 0) * 2, [(3,)], [(2, 3)], [()])
register("Tensor.nanmean", lambda x: x.nanmean() * x, [(3,)], [(2, 3)], [(1,)])
register("tg.nansum", lambda x: tg.nansum(x, 0) * x, [(3,)], [(2, 3)], [()])
register("Tensor.nansum", lambda x: x.nansum(-1, keepdim=True).sin(), [(3,)], [(2, 3)], [(1,)])
register("tg.aminmax", lambda x: tg.aminmax(x).min * tg.aminmax(x).max, [distinct(3)], [distinct(2, 3)], [distinct()])
register("Tensor.aminmax", lambda x: x.aminmax(dim=0, keepdim=True)[1].sin(), [distinct(3)], [distinct(2, 3)],
         [distinct(1, 2)])
register("tg.cov", lambda x: tg.cov(x), [(2, 4)], [(5,)], [(3, 3)])
register("tg.cov(weights)", lambda x, a: tg.cov(x, fweights=tg.tensor([1, 2, 1]), aweights=a.abs() + 0.5),
         [(2, 3), (3,)], [(3,), (3,)], [(1, 3), (3,)])
register("Tensor.cov", lambda x: x.cov(correction=0) * 2, [(2, 4)], [(5,)], [(1, 3)])
register("tg.corrcoef", lambda x: tg.corrcoef(x), [unit(2, 4)], [unit(3, 5)], [unit(1, 3)])
register("Tensor.corrcoef", lambda x: x.corrcoef().sin(), [unit(2, 4)], [unit(3, 5)], [unit(1, 3)])

not_differentiable("a shape, not a tensor", "tg.broadcast_shapes")
