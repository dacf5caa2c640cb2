"""torch's top-level nn functions (tg.native_batch_norm, tg.grid_sampler, tg.lstm_cell, tg.lstm,
tg.embedding_bag, tg.segment_reduce, ...): values and gradients against PyTorch in float64 when it
is installed, and known values, edge cases and errors without it."""
import numpy as np
import pytest

import tinygrad_edu as tg

try:
    import torch
except ImportError:  # the comparisons skip; the known-value tests below still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
rng = np.random.default_rng(0)


class Plain:
    """An array that becomes a tensor which does not require grad (running statistics)."""

    def __init__(self, array):
        self.array = array


def _convert(value, lib, grads: bool):
    """numpy float arrays become tensors that require grad (when `grads`), int/bool arrays plain
    tensors, lists are converted item by item, anything else is passed as it is."""
    if isinstance(value, Plain):
        return _convert(value.array, lib, False)
    if isinstance(value, np.ndarray):
        needs = grads and value.dtype.kind == "f"
        return tg.tensor(value, requires_grad=needs) if lib is tg else torch.tensor(value, requires_grad=needs)
    if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
        return [_convert(v, lib, grads) for v in value]
    return value


def _leaves(args):
    for a in args:
        if isinstance(a, list):
            yield from _leaves(a)
        elif getattr(a, "requires_grad", False):
            yield a


def compare(name: str, *args, grads: bool = True, skip=(), lowest_weight: float = -1.0, **kwargs):
    """Call tg.<name> and torch.<name> on the same numbers: every output equal (1e-10), and the
    gradients of a weighted sum of the float outputs (weights from lowest_weight to 2; outputs
    listed in `skip` left out)."""
    ours = [_convert(a, tg, grads) for a in args]
    theirs = [_convert(a, torch, grads) for a in args]
    kw_ours = {k: _convert(v, tg, grads) for k, v in kwargs.items()}
    kw_theirs = {k: _convert(v, torch, grads) for k, v in kwargs.items()}
    ours += [v for v in kw_ours.values() if isinstance(v, tg.Tensor)]  # (their gradients are compared too)
    theirs += [v for v in kw_theirs.values() if isinstance(v, torch.Tensor)]
    out = getattr(tg, name)(*ours[:len(args)], **kw_ours)
    ref = getattr(torch, name)(*theirs[:len(args)], **kw_theirs)
    outs, refs = (list(out), list(ref)) if isinstance(ref, tuple) else ([out], [ref])
    assert len(outs) == len(refs)
    loss_ours, loss_theirs = 0, 0
    for i, (o, r) in enumerate(zip(outs, refs)):
        assert tuple(o.shape) == tuple(r.shape), (name, i, o.shape, r.shape)
        np.testing.assert_allclose(o.data, r.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=f"{name} output {i}")
        if grads and i not in skip and r.dtype.is_floating_point and r.requires_grad:
            weights = np.linspace(lowest_weight, 2.0, max(r.numel(), 1)).reshape(tuple(r.shape))
            finite = np.isfinite(r.detach().numpy())  # (-inf and inf would sum to nan)
            loss_ours = loss_ours + (o[finite] * tg.tensor(weights[finite])).sum()
            loss_theirs = loss_theirs + (r[torch.tensor(finite)] * torch.tensor(weights[finite])).sum()
    if grads and not isinstance(loss_theirs, int):
        loss_ours.backward()
        loss_theirs.backward()
        for a, b in zip(_leaves(ours), _leaves(theirs)):
            expected = np.zeros(tuple(b.shape)) if b.grad is None else b.grad.numpy()
            got = np.zeros(a.shape) if a.grad is None else a.grad.data
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, err_msg=f"{name} gradient")
    return out


def r(*shape):
    return rng.standard_normal(shape)


def raises_like(exc, name: str, *args, **kwargs):
    """tg.<name> raises `exc`, and so does torch.<name> when installed."""
    with pytest.raises(exc):
        getattr(tg, name)(*[_convert(a, tg, False) for a in args],
                          **{k: _convert(v, tg, False) for k, v in kwargs.items()})
    if torch is not None:
        with pytest.raises(exc):
            getattr(torch, name)(*[_convert(a, torch, False) for a in args],
                                 **{k: _convert(v, torch, False) for k, v in kwargs.items()})


# ---- F's functions under their top-level names ------------------------------------------------
@needs_torch
def test_shuffles_and_distance_match_torch():
    compare("pixel_shuffle", r(2, 8, 3, 2), 2)
    compare("pixel_unshuffle", r(1, 2, 4, 6), 2)
    compare("channel_shuffle", r(2, 6, 3), 3)
    compare("native_channel_shuffle", r(2, 6, 3, 1), 2, grads=False)  # (torch has no derivative)
    compare("pairwise_distance", r(4, 3), r(4, 3))
    compare("pairwise_distance", r(4, 3), r(1, 3), 1.0, 1e-6, True)


# ---- convolution ------------------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("transposed", [False, True])
def test_convolution_matches_torch(transposed):
    # weight (out, in/groups, *k), or transposed (in, out/groups, *k)
    compare("convolution", r(2, 4, 7), r(4, 2, 3), r(4), [2], [1], [1], transposed, [1] if transposed else [0], 2)
    compare("convolution", r(1, 3 if transposed else 2, 5, 4), r(3, 2, 2, 2), None, [1, 2], [0, 1], [2, 1],
            transposed, [0, 0], 1)
    compare("convolution", r(1, 2, 3, 4, 3), r(2, 2, 2, 1, 2), r(2), [1, 1, 1], [0, 0, 1], [1, 1, 1], transposed,
            [0, 0, 0], 1)


@needs_torch
def test_conv_tbc_matches_torch():
    compare("conv_tbc", r(6, 2, 3), r(3, 3, 4), r(4))
    compare("conv_tbc", r(5, 1, 2), r(2, 2, 3), r(3), 2)
    raises_like(RuntimeError, "conv_tbc", r(5, 1, 2), r(2, 3, 3), r(3))


def test_conv_tbc_known_value():
    out = tg.conv_tbc(tg.tensor([[[1.0]], [[2.0]], [[3.0]]]), tg.tensor([[[1.0]], [[10.0]]]), tg.tensor([0.5]))
    assert out.shape == (2, 1, 1)
    assert out.flatten().tolist() == [21.5, 32.5]  # 1·1 + 2·10 + ½, 2·1 + 3·10 + ½


# ---- sampling grids ---------------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_generator_matches_torch(align_corners):
    compare("affine_grid_generator", r(2, 2, 3), [2, 1, 3, 4], align_corners)
    compare("affine_grid_generator", r(1, 3, 4), [1, 1, 2, 3, 2], align_corners)


@needs_torch
@pytest.mark.parametrize("interpolation, padding", [(0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)])
def test_grid_sampler_2d_matches_torch(interpolation, padding):
    grid = rng.uniform(-1.3, 1.3, (2, 3, 2, 2))
    for name in ("grid_sampler", "grid_sampler_2d"):
        # (nearest: the grid's gradient is zero in both)
        compare(name, r(2, 3, 4, 5), grid, interpolation, padding, padding == 1)


@needs_torch
@pytest.mark.parametrize("interpolation, padding", [(0, 0), (0, 2), (1, 1)])
def test_grid_sampler_3d_matches_torch(interpolation, padding):
    grid = rng.uniform(-1.2, 1.2, (1, 2, 3, 2, 3))
    compare("grid_sampler_3d", r(1, 2, 3, 4, 3), grid, interpolation, padding, False)
    compare("grid_sampler", r(1, 2, 3, 4, 3), grid, interpolation, padding, True)


def test_grid_sampler_bad_modes():
    image, grid = tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 1, 2)
    with pytest.raises(RuntimeError, match="interpolation_mode"):
        tg.grid_sampler(image, grid, 3, 0, False)
    with pytest.raises(RuntimeError, match="padding_mode"):
        tg.grid_sampler(image, grid, 0, 5, False)
    with pytest.raises(RuntimeError, match="4-D"):
        tg.grid_sampler_2d(tg.zeros(1, 1, 2, 2, 2), tg.zeros(1, 1, 1, 1, 3), 0, 0, False)


# ---- normalization with its statistics --------------------------------------------------------
@needs_torch
def test_native_batch_norm_training_matches_torch_and_updates_running_stats():
    x = r(4, 3, 5)
    ours_m, ours_v = tg.zeros(3, dtype=tg.float64), tg.ones(3, dtype=tg.float64)
    theirs_m, theirs_v = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    ours = tg.native_batch_norm(tg.tensor(x), None, None, ours_m, ours_v, True, 0.3, 1e-5)
    theirs = torch.native_batch_norm(torch.tensor(x), None, None, theirs_m, theirs_v, True, 0.3, 1e-5)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours_m.data, theirs_m.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours_v.data, theirs_v.numpy(), rtol=1e-12)
    # gradients through the output and the saved statistics, with weight and bias
    compare("native_batch_norm", r(4, 3, 2, 2), r(3), r(3), None, None, True, 0.1, 1e-3)
    compare("native_batch_norm", r(5, 2), None, r(2), None, None, True, 0.1, 1e-5)


@needs_torch
def test_native_batch_norm_eval_matches_torch():
    mean, var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    out = compare("native_batch_norm", r(2, 3, 4), r(3), r(3), Plain(mean), Plain(var), False, 0.1, 1e-5)
    assert out[1].shape == (0,) and out[2].shape == (0,)


def test_native_batch_norm_out_argument():
    outs = (tg.empty(0), tg.empty(0), tg.empty(0))
    result = tg.native_batch_norm(tg.tensor([[1.0], [3.0]]), None, None, None, None, True, 0.1, 0.0, out=outs)
    assert all(a is b for a, b in zip(result, outs))
    assert outs[0].flatten().tolist() == [-1.0, 1.0] and outs[1].tolist() == [2.0] and outs[2].tolist() == [1.0]
    with pytest.raises(RuntimeError, match="automatic differentiation"):
        tg.native_batch_norm(tg.ones(2, 1, requires_grad=True), None, None, None, None, True, 0.1, 1e-5, out=outs)
    with pytest.raises(TypeError):
        tg.native_batch_norm(tg.ones(2, 1), None, None, None, None, True, 0.1, 1e-5, out=tg.empty(0))


def test_native_batch_norm_known_values_and_eval_without_stats():
    out, mean, invstd = tg.native_batch_norm(tg.tensor([[1.0], [3.0]]), None, None, None, None, True, 0.1, 0.0)
    assert out.flatten().tolist() == [-1.0, 1.0]
    assert mean.tolist() == [2.0] and invstd.tolist() == [1.0]
    with pytest.raises(RuntimeError, match="running_mean"):  # (torch 2.13 crashes here)
        tg.native_batch_norm(tg.ones(2, 1), None, None, None, None, False, 0.1, 1e-5)


@needs_torch
def test_native_layer_and_group_norm_match_torch():
    compare("native_layer_norm", r(2, 3, 4), [4], r(4), r(4), 1e-5)
    compare("native_layer_norm", r(2, 3, 4), [3, 4], None, None, 1e-3)
    compare("native_group_norm", r(2, 4, 3, 2), r(4), r(4), 2, 4, 6, 2, 1e-5)
    compare("native_group_norm", r(3, 6), None, None, 3, 6, 1, 3, 1e-5)


def test_native_group_norm_checks_sizes():
    with pytest.raises(RuntimeError, match="N=2"):
        tg.native_group_norm(tg.zeros(3, 4, 2), None, None, 2, 4, 2, 2, 1e-5)


@needs_torch
def test_native_dropout_matches_torch_when_not_training():
    compare("native_dropout", r(3, 4), 0.5, False)


def test_native_dropout_mask_and_scale():
    tg.manual_seed(0)
    x = tg.tensor(np.arange(1.0, 201.0), requires_grad=True)
    out, mask = tg.native_dropout(x, 0.25, True)
    assert mask.dtype == tg.bool and 100 < int(mask.sum().item()) < 200
    np.testing.assert_allclose(out.data, np.where(mask.data, x.data / 0.75, 0.0))
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, mask.data / 0.75)
    out, mask = tg.native_dropout(x, 1.0, None)  # None counts as training
    assert not mask.data.any() and not out.data.any()
    with pytest.raises(ValueError):
        tg.native_dropout(x, 1.5, True)


@needs_torch
def test_norm_except_dim_matches_torch():
    compare("norm_except_dim", r(3, 4, 2), 2, 0)
    compare("norm_except_dim", r(3, 4, 2), 2, 1)
    compare("norm_except_dim", r(3, 4, 2), 3, 2)
    compare("norm_except_dim", r(3, 4), 2, -1)


@needs_torch
def test_batch_norm_update_stats_matches_torch():
    x = r(4, 3, 2)
    ours = tg.zeros(3, dtype=tg.float64), tg.ones(3, dtype=tg.float64)
    theirs = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    a = tg.batch_norm_update_stats(tg.tensor(x), *ours, 0.2)
    b = torch.batch_norm_update_stats(torch.tensor(x), *theirs, 0.2)
    for u, v in zip((*a, *ours), (*b, *theirs)):
        np.testing.assert_allclose(u.data, v.numpy(), rtol=1e-12, atol=1e-14)
    compare("batch_norm_update_stats", x, None, None, 0.1, grads=False)


# ---- in place ---------------------------------------------------------------------------------
@needs_torch
def test_embedding_renorm_matches_torch():
    w = r(5, 3) * 3
    ours, theirs = tg.tensor(w), torch.tensor(w)
    assert tg.embedding_renorm_(ours, tg.tensor([0, 2, 2, 4]), 1.5, 2.0) is ours
    torch.embedding_renorm_(theirs, torch.tensor([0, 2, 2, 4]), 1.5, 2.0)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)
    assert (ours.data[[1, 3]] == w[[1, 3]]).all()  # rows not named are untouched


@needs_torch
def test_inplace_clamps_addmv_as_strided_match_torch():
    x = r(3, 4)
    for name, args in (("clamp_", (-0.5, 0.5)), ("clamp_min_", (0.1,)), ("clamp_max_", (-0.1,))):
        ours, theirs = tg.tensor(x), torch.tensor(x)
        assert getattr(tg, name)(ours, *args) is ours
        getattr(torch, name)(theirs, *args)
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    v, m, w = r(3), r(3, 4), r(4)
    ours, theirs = tg.tensor(v), torch.tensor(v)
    tg.addmv_(ours, tg.tensor(m), tg.tensor(w), beta=0.5, alpha=2.0)
    torch.addmv_(theirs, torch.tensor(m), torch.tensor(w), beta=0.5, alpha=2.0)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)
    ours, theirs = tg.tensor(x), torch.tensor(x)
    tg.as_strided_(ours, (2, 2), (1, 2), 1)
    torch.as_strided_(theirs, (2, 2), (1, 2), 1)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_clamp_in_place_known_values():
    x = tg.tensor([-2.0, 0.0, 2.0])
    assert tg.clamp_(x, -1.0, 1.0) is x and x.tolist() == [-1.0, 0.0, 1.0]


# ---- recurrent --------------------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_torch(bias):
    B, n_in, H = 3, 4, 2
    for name, gates in (("lstm_cell", 4), ("gru_cell", 3), ("rnn_tanh_cell", 1), ("rnn_relu_cell", 1)):
        hx = [r(B, H), r(B, H)] if name == "lstm_cell" else r(B, H)
        biases = (r(gates * H), r(gates * H)) if bias else ()
        compare(name, r(B, n_in), hx, r(gates * H, n_in), r(gates * H, H), *biases)


def test_cell_errors_match_torch():
    raises_like(RuntimeError, "lstm_cell", r(1, 3), [r(1, 2), r(1, 2)], r(7, 3), r(8, 2))
    raises_like(IndexError, "gru_cell", r(3), r(2), r(6, 3), r(6, 2))
    raises_like(RuntimeError, "rnn_tanh_cell", r(1, 3), r(1, 2), r(2, 4), r(2, 2))


def test_rnn_tanh_cell_known_value():
    h = tg.rnn_tanh_cell(tg.tensor([[1.0]]), tg.tensor([[2.0]]), tg.tensor([[0.5]]), tg.tensor([[-0.25]]))
    assert h.item() == 0.0  # tanh(1·0.5 + 2·(-0.25))


def _flat_params(gates, n_in, H, num_layers, bidirectional, has_biases):
    params, directions = [], 2 if bidirectional else 1
    for layer in range(num_layers):
        for _ in range(directions):
            params += [r(gates * H, n_in if layer == 0 else directions * H), r(gates * H, H)]
            if has_biases:
                params += [r(gates * H), r(gates * H)]
    return params


@needs_torch
@pytest.mark.parametrize("num_layers, bidirectional, has_biases, batch_first",
                         [(1, False, True, False), (2, True, True, False), (2, False, False, True),
                          (1, True, False, True)])
def test_sequence_functions_match_torch(num_layers, bidirectional, has_biases, batch_first):
    L, B, n_in, H = 4, 2, 3, 2
    states = num_layers * (2 if bidirectional else 1)
    x = r(B, L, n_in) if batch_first else r(L, B, n_in)
    for name, gates in (("lstm", 4), ("gru", 3), ("rnn_tanh", 1), ("rnn_relu", 1)):
        hx = [r(states, B, H), r(states, B, H)] if name == "lstm" else r(states, B, H)
        params = _flat_params(gates, n_in, H, num_layers, bidirectional, has_biases)
        compare(name, x, hx, params, has_biases, num_layers, 0.0, False, bidirectional, batch_first)


def test_sequence_function_errors_match_torch():
    x, h = r(4, 1, 3), r(1, 1, 2)
    raises_like(RuntimeError, "lstm", x, [h, h], [r(8, 3), r(8, 2), r(8, 3)], False, 1, 0.0, False, False, False)
    raises_like(IndexError, "gru", r(4, 3), h[0], [r(6, 3), r(6, 2)], False, 1, 0.0, False, False, False)


def test_rnn_relu_known_values():
    # h_t = relu(x_t + h_{t-1}): running sums of the positive prefix
    x = tg.tensor([[[1.0]], [[2.0]], [[-5.0]]])
    out, h_n = tg.rnn_relu(x, tg.zeros(1, 1, 1), [tg.ones(1, 1), tg.ones(1, 1)], False, 1, 0.0, False, False, False)
    assert out.flatten().tolist() == [1.0, 3.0, 0.0] and h_n.flatten().tolist() == [0.0]


# ---- embedding_bag ----------------------------------------------------------------------------
IDX = np.array([0, 1, 2, 4, 4, 3])


@needs_torch
@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("offsets, include_last", [([0, 2, 2], False), ([0, 2, 2, 6], True), ([0, 2, 2, 4], True),
                                                   ([0, 3], False)])
@pytest.mark.parametrize("padding_idx", [None, 4, -2])
def test_embedding_bag_matches_torch(mode, offsets, include_last, padding_idx):
    for grads in (True, False):
        compare("embedding_bag", r(5, 3), IDX, np.array(offsets), False, mode, False, None, include_last, padding_idx,
                grads=grads)


@needs_torch
def test_embedding_bag_per_sample_weights_matches_torch():
    compare("embedding_bag", r(5, 3), IDX, np.array([0, 2, 2]), False, 0, False, r(6), False)
    compare("embedding_bag", r(5, 3), IDX, np.array([0, 1, 6]), False, 0, False, r(6), True, 1)


def test_embedding_bag_known_values_and_errors():
    out, offset2bag, bag_size, max_indices = tg.embedding_bag(
        tg.tensor([[1.0, 5.0], [3.0, 2.0]]), tg.tensor([0, 1, 1]), tg.tensor([0, 1]), mode=2)
    assert out.tolist() == [[1.0, 5.0], [3.0, 2.0]]
    assert offset2bag.tolist() == [0, 1, 1] and bag_size.tolist() == [1, 2]
    assert max_indices.tolist() == [[0, 0], [1, 1]] and max_indices.dtype == tg.int64
    raises_like(RuntimeError, "embedding_bag", r(5, 3), IDX, np.array([0, 2]), False, 3)
    raises_like(TypeError, "embedding_bag", r(5, 3), IDX, None)  # offsets are required at the top level


# ---- segment_reduce ---------------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod", "amax", "amin"])
@pytest.mark.parametrize("initial", [None, 0.5])
def test_segment_reduce_matches_torch(reduce, initial):
    data = rng.standard_normal((6, 2))
    compare("segment_reduce", data, reduce, lengths=np.array([2, 0, 3, 1]), initial=initial)
    compare("segment_reduce", data.T.copy(), reduce, offsets=np.array([[0, 2, 2, 6], [1, 1, 4, 6]]), axis=1,
            initial=initial)
    compare("segment_reduce", data.reshape(2, 6), reduce, lengths=np.array([[1, 5], [3, 3]]), axis=-1,
            initial=initial)
    compare("segment_reduce", data.reshape(6, 1, 2), reduce, lengths=np.array([4, 1]), unsafe=True, initial=initial)


@needs_torch
def test_segment_reduce_prod_with_zeros_and_initial_ties_match_torch():
    compare("segment_reduce", np.array([2.0, 0.0, 3.0, 0.0, 0.0]), "prod", lengths=np.array([3, 2]))
    # ties share the gradient; (torch 2.13 splits only positive gradients among ties, so they are positive here)
    compare("segment_reduce", np.array([3.0, 3.0, 1.0, 2.0, 2.0]), "max", lengths=np.array([3, 2]), initial=2.0,
            lowest_weight=0.5)
    compare("segment_reduce", np.array([[3.0, 1.0], [3.0, 2.0], [1.0, 2.0]]), "min", lengths=np.array([1, 2]),
            lowest_weight=0.5)


def test_segment_reduce_known_values():
    data = tg.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    lengths = tg.tensor([2, 0, 3, 1])
    assert tg.segment_reduce(data, "sum", lengths=lengths).tolist() == [3.0, 0.0, 12.0, 6.0]
    mean = tg.segment_reduce(data, "mean", lengths=lengths).tolist()
    assert mean[0] == 1.5 and np.isnan(mean[1]) and mean[2:] == [4.0, 6.0]
    assert tg.segment_reduce(data, "mean", lengths=lengths, initial=4.0).tolist() == [3.5, 4.0, 16 / 3, 10.0]
    assert tg.segment_reduce(data, "max", lengths=lengths).tolist() == [2.0, -np.inf, 5.0, 6.0]
    assert tg.segment_reduce(data, "prod", lengths=lengths, initial=10.0).tolist() == [20.0, 10.0, 600.0, 60.0]


def test_segment_reduce_errors_match_torch():
    data = np.arange(6.0)
    raises_like(RuntimeError, "segment_reduce", data, "sum", lengths=np.array([2, 3]))
    raises_like(RuntimeError, "segment_reduce", data, "sum", lengths=np.array([1, -1, 6]))
    raises_like(RuntimeError, "segment_reduce", data, "sum", indices=np.array([0, 0, 1]))
    raises_like(RuntimeError, "segment_reduce", data, "sum")
    raises_like(RuntimeError, "segment_reduce", data, "any", lengths=np.array([6]))
    raises_like(RuntimeError, "segment_reduce", data.reshape(2, 3), "sum", lengths=np.array([1, 2]), axis=1)
    raises_like(NotImplementedError, "segment_reduce", np.arange(6), "sum", lengths=np.array([6]))


# ---- SyncBatchNorm's pieces (CUDA-only in PyTorch: checked against torch's batch_norm on the CPU) ----
def _workers_stats(x, sizes, eps):
    """Split x along the batch into workers of the given sizes; their stacked stats and counts."""
    parts = np.split(x, np.cumsum(sizes)[:-1])
    stats = [tg.batch_norm_stats(tg.tensor(p), eps) for p in parts]
    counts = tg.tensor([float(p.size // p.shape[1]) for p in parts])
    return tg.stack([m for m, _ in stats]), tg.stack([s for _, s in stats]), counts


@needs_torch
def test_sync_batch_norm_forward_matches_torch_batch_norm():
    import torch.nn.functional as TF
    x, weight, bias, eps = r(5, 3, 4), r(3), r(3), 1e-3
    means, invstds, counts = _workers_stats(x, [2, 3], eps)
    ours_rm, ours_rv = tg.zeros(3, dtype=tg.float64), tg.ones(3, dtype=tg.float64)
    mean, invstd = tg.batch_norm_gather_stats_with_counts(tg.tensor(x), means, invstds, ours_rm, ours_rv, 0.2, eps,
                                                          counts)
    theirs_rm, theirs_rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    expected = TF.batch_norm(torch.tensor(x), theirs_rm, theirs_rv, torch.tensor(weight), torch.tensor(bias), True,
                             0.2, eps)
    out = tg.batch_norm_elemt(tg.tensor(x), tg.tensor(weight), tg.tensor(bias), mean, invstd, eps)
    np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours_rm.data, theirs_rm.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours_rv.data, theirs_rv.numpy(), rtol=1e-10)
    whole = tg.batch_norm_stats(tg.tensor(x), eps)
    np.testing.assert_allclose(mean.data, whole[0].data, rtol=1e-10)
    np.testing.assert_allclose(invstd.data, whole[1].data, rtol=1e-10)
    # equal counts: batch_norm_gather_stats
    means, invstds, _ = _workers_stats(x[:4], [2, 2], eps)
    both = tg.batch_norm_gather_stats(tg.tensor(x), means, invstds, None, None, 0.1, eps, 8)
    whole = tg.batch_norm_stats(tg.tensor(x[:4]), eps)
    np.testing.assert_allclose(both[0].data, whole[0].data, rtol=1e-10)
    np.testing.assert_allclose(both[1].data, whole[1].data, rtol=1e-10)


@needs_torch
@pytest.mark.parametrize("with_weight", [True, False])
def test_sync_batch_norm_backward_matches_torch_autograd(with_weight):
    import torch.nn.functional as TF
    x, weight, bias, grad, eps = r(5, 2, 3), r(2), r(2), r(5, 2, 3), 1e-5
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
    TF.batch_norm(xt, None, None, wt if with_weight else None, bt, True, 0.1, eps).backward(torch.tensor(grad))
    mean, invstd = tg.batch_norm_stats(tg.tensor(x), eps)
    w = tg.tensor(weight) if with_weight else None
    sums = [tg.batch_norm_backward_reduce(tg.tensor(grad[s]), tg.tensor(x[s]), mean, invstd, w, True, True, True)
            for s in (slice(0, 2), slice(2, 5))]  # two workers, their sums added (the all-reduce)
    sum_dy, sum_dy_xmu, grad_weight, grad_bias = (a + b for a, b in zip(*sums))
    grad_input = tg.batch_norm_backward_elemt(tg.tensor(grad), tg.tensor(x), mean, invstd, w, sum_dy, sum_dy_xmu,
                                              tg.tensor([6, 9]))  # values per channel on each worker
    np.testing.assert_allclose(grad_input.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad_bias.data, bt.grad.numpy(), rtol=1e-10, atol=1e-12)
    if with_weight:
        np.testing.assert_allclose(grad_weight.data, wt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_sync_batch_norm_known_values_flags_and_gradients():
    x = tg.tensor([[1.0], [3.0]])
    assert [t.tolist() for t in tg.batch_norm_stats(x, 0.0)] == [[2.0], [1.0]]
    out = tg.batch_norm_backward_reduce(tg.ones(2, 1), x, tg.tensor([2.0]), tg.tensor([1.0]), None, False, True, False)
    assert out[0] is None and out[1] is None and out[3] is None and out[2].tolist() == [0.0]
    data = tg.tensor(np.random.default_rng(1).standard_normal((3, 2, 2)), requires_grad=True)
    assert tg.gradcheck(lambda t: tg.batch_norm_stats(t, 1e-3), (data,))
    assert tg.gradgradcheck(lambda t: tg.batch_norm_stats(t, 1e-3)[1], (data,))
    with pytest.raises(RuntimeError, match="workers"):
        tg.batch_norm_gather_stats_with_counts(x, tg.zeros(2), tg.ones(2), None, None, 0.1, 1e-5, tg.ones(2))


@needs_torch
def test_native_norm_is_the_dense_vector_norm():
    x = r(3, 4)
    compare_values = [(tg.native_norm(tg.tensor(x)), torch.linalg.vector_norm(torch.tensor(x))),
                      (tg.native_norm(tg.tensor(x), 3, [1], True, None),
                       torch.linalg.vector_norm(torch.tensor(x), 3, [1], True))]
    for ours, theirs in compare_values:
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)
    assert tg.native_norm(tg.tensor([3.0, 4.0])).item() == 5.0


@pytest.mark.parametrize("module", ["functions_nn_native", "functions_rnn", "functions_nn_bags",
                                    "functions_sync_batch_norm"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"tinygrad_edu.{module}"))
    assert result.failed == 0 and result.attempted > 0
