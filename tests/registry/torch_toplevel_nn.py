"""Registry entries for functions_nn_native.py, functions_rnn.py, functions_nn_bags.py and
functions_sync_batch_norm.py: torch's top-level nn functions, each composed from checked ops, so
these check that the weights, statistics and states reach the result with their gradients.
Grids stay inside (-1, 1) and max/min inputs are distinct, away from kinks."""
import tinygrad_edu as tg

from . import constant, distinct, not_differentiable, positive, register, unit

register("tg.pixel_shuffle", lambda x: tg.pixel_shuffle(x, 2), [(1, 4, 2, 3)], [(2, 8, 1, 1)], [(4, 2, 2)])
register("tg.pixel_unshuffle", lambda x: tg.pixel_unshuffle(x, 2), [(1, 1, 4, 2)], [(2, 2, 2, 4)], [(1, 2, 2)])
register("tg.channel_shuffle", lambda x: tg.channel_shuffle(x, 2), [(1, 4, 2)], [(2, 2, 3)], [(1, 6, 1, 2)])
register("tg.native_channel_shuffle", lambda x: tg.native_channel_shuffle(x, 2), [(1, 4, 2)], [(2, 2, 3)],
         [(1, 6, 1, 2)])
register("tg.pairwise_distance", lambda a, b: tg.pairwise_distance(a, b), [(3, 4), (3, 4)], [(3, 4), (1, 4)],
         [(4,), (4,)])


def _convolution(transposed: bool):
    def run(x, w, b):
        n = w.ndim - 2
        return tg.convolution(x, w, b, [1] * n, [0 if transposed else 1] * n, [1] * n, transposed, [0] * n, 1)
    return run


register("tg.convolution", _convolution(False), [(1, 2, 5), (3, 2, 3), (3,)], [(2, 1, 3, 3), (2, 1, 2, 2), (2,)],
         [(1, 1, 2, 3, 2), (1, 1, 2, 2, 1), (1,)])
register("tg.convolution(transposed)", _convolution(True), [(1, 2, 4), (2, 3, 3), (3,)],
         [(2, 1, 2, 3), (1, 2, 2, 2), (2,)], [(1, 1, 2, 2, 1), (1, 1, 2, 2, 1), (1,)])
register("tg.conv_tbc", lambda x, w, b: tg.conv_tbc(x, w, b, 1), [(4, 2, 3), (2, 3, 2), (2,)],
         [(3, 1, 1), (3, 1, 1), (1,)], [(5, 2, 2), (1, 2, 3), (3,)])

register("tg.affine_grid_generator", lambda t: tg.affine_grid_generator(t, [t.shape[0], 1, 3, 2], False),
         [(1, 2, 3)], [(2, 2, 3)], [unit(1, 2, 3)])
for _name, _grid in (("grid_sampler", (2,)), ("grid_sampler_2d", (2,))):
    register(f"tg.{_name}", lambda x, g, n=_name: getattr(tg, n)(x, g, 0, 0, False),
             [(1, 2, 3, 3), unit(1, 2, 2, 2)], [(2, 1, 2, 3), unit(2, 1, 3, 2)], [(1, 1, 1, 1), unit(1, 1, 1, 2)])
register("tg.grid_sampler_3d", lambda x, g: tg.grid_sampler_3d(x, g, 0, 1, True),
         [(1, 1, 2, 3, 2), unit(1, 1, 2, 2, 3)], [(1, 2, 2, 2, 2), unit(1, 2, 1, 1, 3)],
         [(1, 1, 1, 1, 1), unit(1, 1, 1, 1, 3)])

# (the statistics of native_batch_norm and native_layer_norm do not require grad, as in PyTorch: the output)
register("tg.native_batch_norm", lambda x, w, b: tg.native_batch_norm(x, w, b, None, None, True, 0.1, 1e-3)[0],
         [(4, 3), (3,), (3,)], [(2, 2, 3), (2,), (2,)], [(3, 1, 2, 2), (1,), (1,)])
register("tg.native_layer_norm", lambda x, w, b: tg.native_layer_norm(x, list(w.shape), w, b, 1e-3)[0],
         [(2, 3), (3,), (3,)], [(2, 2, 3), (2, 3), (2, 3)], [(4,), (4,), (4,)])
register("tg.native_group_norm",
         lambda x, w, b: tg.native_group_norm(x, w, b, x.shape[0], x.shape[1], x[0, 0].numel(), 2, 1e-3),
         [(2, 4), (4,), (4,)], [(1, 2, 3), (2,), (2,)], [(2, 4, 2, 2), (4,), (4,)])
register("tg.native_dropout", lambda x: tg.native_dropout(x, 0.0, True)[0] + tg.native_dropout(x, 0.5, False)[0],
         [(3, 4)], [(5,)], [()])
register("tg.norm_except_dim", lambda v: tg.norm_except_dim(v, 2, 1) + tg.norm_except_dim(v, 3, -1),
         [positive(3, 4)], [positive(2, 3, 2)], [positive(1, 1)])
register("tg.native_norm", lambda x: tg.native_norm(x, 3, [1], True, None) + tg.native_norm(x),
         [positive(3, 4)], [positive(2, 3, 2)], [positive(1, 1)])
register("tg.clamp_", lambda x: tg.clamp_(x * 1, -0.5, 0.5), [distinct(3, 4)], [distinct(5)], [distinct()])
register("tg.clamp_min_", lambda x: tg.clamp_min_(x * 1, 0.3), [distinct(3, 4)], [distinct(5)], [distinct()])
register("tg.clamp_max_", lambda x: tg.clamp_max_(x * 1, 0.3), [distinct(3, 4)], [distinct(5)], [distinct()])
register("tg.addmv_", lambda v, m, w: tg.addmv_(v * 1, m, w, beta=0.5, alpha=2.0), [(3,), (3, 4), (4,)],
         [(1,), (1, 2), (2,)], [(2,), (2, 1), (1,)])
register("tg.as_strided_", lambda x: tg.as_strided_(x * 1, [2, 2], [1, 2], 1), [(3, 4)], [(5,)], [(2, 3)])
not_differentiable("running statistics, updated outside autograd (PyTorch's have no gradient either)",
                   "tg.batch_norm_update_stats")
not_differentiable("rescales the weight in place outside autograd, as PyTorch's", "tg.embedding_renorm_")

# ---- recurrent: weights with G·H rows ------------------------------------------------------------
_CELL_CASES = {  # (B, in, H): shapes of input, hidden, w_ih, w_hh, b_ih, b_hh
    gates: ([(2, 3), (2, 2), (gates * 2, 3), (gates * 2, 2), (gates * 2,), (gates * 2,)],
            [(1, 1), (1, 1), (gates, 1), (gates, 1), (gates,), (gates,)],
            [(3, 2), (3, 3), (gates * 3, 2), (gates * 3, 3), (gates * 3,), (gates * 3,)])
    for gates in (1, 3, 4)
}
register("tg.lstm_cell", lambda x, h, wi, wh, bi, bh: tg.lstm_cell(x, [h, h * 0.5], wi, wh, bi, bh), *_CELL_CASES[4])
register("tg.gru_cell", tg.gru_cell, *_CELL_CASES[3])
register("tg.rnn_tanh_cell", tg.rnn_tanh_cell, *_CELL_CASES[1])
register("tg.rnn_relu_cell", tg.rnn_relu_cell, *_CELL_CASES[1])


def _sequence_cases(gates: int):
    """(L, B, in) input, (1, B, H) state and one layer's four weights."""
    def case(L, B, n_in, H):
        return [(L, B, n_in), (1, B, H), (gates * H, n_in), (gates * H, H), (gates * H,), (gates * H,)]
    return case(3, 2, 2, 2), case(1, 1, 1, 1), case(2, 1, 3, 2)


register("tg.lstm", lambda x, h, *w: tg.lstm(x, [h, h * 0.5], list(w), True, 1, 0.0, False, False, False),
         *_sequence_cases(4))
for _name, _gates in (("gru", 3), ("rnn_tanh", 1), ("rnn_relu", 1)):
    register(f"tg.{_name}", lambda x, h, *w, n=_name: getattr(tg, n)(x, h, list(w), True, 1, 0.0, False, False, False),
             *_sequence_cases(_gates))

# ---- bags and segments ---------------------------------------------------------------------------
_INDICES, _OFFSETS = tg.tensor([0, 1, 2, 4, 4, 3]), tg.tensor([0, 2, 2])
register("tg.embedding_bag",
         lambda w: sum(tg.embedding_bag(w, _INDICES, _OFFSETS, False, mode)[0] for mode in (0, 1, 2)),
         [distinct(5, 3)], [distinct(5, 1)], [distinct(6, 2)])
register("tg.embedding_bag(per_sample_weights)",
         lambda w, p: tg.embedding_bag(w, _INDICES, _OFFSETS, False, 0, False, p, False, 1)[0],
         [(5, 3), (6,)], [(5, 1), (6,)], [(6, 2), (6,)])


def _segments(x):
    lengths = tg.tensor([1, 0, x.shape[0] - 1])
    return sum(tg.segment_reduce(x, reduce, lengths=lengths, initial=0.25)
               for reduce in ("sum", "mean", "max", "min", "prod"))


register("tg.segment_reduce", _segments, [distinct(4)], [distinct(3, 2)], [distinct(5, 1, 2)])

# ---- SyncBatchNorm's pieces: invstd positive, counts constant ------------------------------------
register("tg.batch_norm_stats", lambda x: tg.batch_norm_stats(x, 1e-3), [(3, 2)], [(2, 3, 2)], [(4, 1, 1, 2)])
register("tg.batch_norm_elemt", lambda x, w, b, m, s: tg.batch_norm_elemt(x, w, b, m, s, 1e-5),
         [(3, 2), (2,), (2,), (2,), positive(2)], [(2, 1, 3), (1,), (1,), (1,), positive(1)],
         [(1, 3, 2, 2), (3,), (3,), (3,), positive(3)])
register("tg.batch_norm_gather_stats_with_counts",
         lambda x, m, s, n: tg.batch_norm_gather_stats_with_counts(x, m, s, None, None, 0.1, 1e-3, n.abs() + 2),
         [(2, 3), (2, 3), positive(2, 3), constant(2)], [(1, 1), (1, 1), positive(1, 1), constant(1)],
         [(3, 2, 2), (3, 2), positive(3, 2), constant(3)])
register("tg.batch_norm_gather_stats",
         lambda x, m, s: tg.batch_norm_gather_stats(x, m, s, None, None, 0.1, 1e-3, 4),
         [(2, 3), (2, 3), positive(2, 3)], [(1, 1), (1, 1), positive(1, 1)], [(3, 2, 2), (3, 2), positive(3, 2)])
register("tg.batch_norm_backward_reduce",
         lambda g, x, m, s, w: tg.batch_norm_backward_reduce(g, x, m, s, w, True, True, True),
         [(3, 2), (3, 2), (2,), positive(2), (2,)], [(2, 1, 3), (2, 1, 3), (1,), positive(1), (1,)],
         [(1, 3, 2, 2), (1, 3, 2, 2), (3,), positive(3), (3,)])
register("tg.batch_norm_backward_elemt",
         lambda g, x, m, s, w, dy, dyx: tg.batch_norm_backward_elemt(g, x, m, s, w, dy, dyx, tg.tensor([2, 3])),
         [(3, 2), (3, 2), (2,), positive(2), (2,), (2,), (2,)],
         [(2, 1, 3), (2, 1, 3), (1,), positive(1), (1,), (1,), (1,)],
         [(1, 3, 2, 2), (1, 3, 2, 2), (3,), positive(3), (3,), (3,), (3,)])
