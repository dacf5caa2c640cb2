"""nn.utils.rnn packed sequences (PackedSequence, pack_padded_sequence, pad_packed_sequence,
pack_sequence, unpack_sequence, unpad_sequence, invert_permutation) and nn.LSTM/GRU/RNN on packed
input. Where PyTorch is installed the results, final states and every gradient are compared with
torch's after copying the weights; the checks without torch run each sequence on its own."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.utils.rnn import (
    PackedSequence,
    invert_permutation,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
    unpad_sequence,
)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# ---- without torch ----------------------------------------------------------------------------

def test_packing_by_hand():
    # "abc" and "x" pack as "axbc" with batch sizes [2, 1, 1]
    packed = pack_sequence([tg.tensor([1, 2, 3]), tg.tensor([9])])
    assert isinstance(packed, tuple) and packed._fields == ("data", "batch_sizes", "sorted_indices",
                                                            "unsorted_indices")
    assert packed.data.tolist() == [1, 9, 2, 3] and packed.batch_sizes.tolist() == [2, 1, 1]
    assert packed.batch_sizes.dtype == np.int64 and packed.sorted_indices is None
    data, batch_sizes, sorted_indices, unsorted_indices = packed  # a named tuple of four, as torch's
    assert data is packed.data and unsorted_indices is None
    padded, lengths = pad_packed_sequence(packed, batch_first=True, padding_value=-1)
    assert padded.tolist() == [[1, 2, 3], [9, -1, -1]] and lengths.tolist() == [2 + 1, 1]
    assert lengths.dtype == np.int64
    assert [s.tolist() for s in unpack_sequence(packed)] == [[1, 2, 3], [9]]


def test_unsorted_batch_by_hand():
    padded = tg.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])  # lengths 2, 1, 3 (batch first)
    packed = pack_padded_sequence(padded, [2, 1, 3], batch_first=True, enforce_sorted=False)
    assert packed.sorted_indices.tolist() == [2, 0, 1] and packed.unsorted_indices.tolist() == [1, 2, 0]
    assert packed.data.tolist() == [4, 1, 3, 5, 2, 6] and packed.batch_sizes.tolist() == [3, 2, 1]
    back, lengths = pad_packed_sequence(packed, batch_first=True, total_length=4)
    assert back.tolist() == [[1, 2, 0, 0], [3, 0, 0, 0], [4, 5, 6, 0]] and lengths.tolist() == [2, 1, 3]
    time_major, _ = pad_packed_sequence(packed)
    np.testing.assert_array_equal(time_major.data, back.data[:, :3].T)
    assert invert_permutation(tg.tensor([2, 0, 3, 1])).tolist() == [1, 3, 0, 2]
    assert invert_permutation(None) is None


def test_packing_is_differentiable_and_keeps_trailing_dims(rng):
    x = tg.tensor(rng.standard_normal((4, 3, 2)), requires_grad=True)  # (T, B, 2)
    packed = pack_padded_sequence(x, tg.tensor([2, 4, 1]), enforce_sorted=False)
    assert packed.data.shape == (7, 2)
    padded, _ = pad_packed_sequence(packed)
    (padded * padded).sum().backward()
    mask = (np.arange(4)[:, None] < np.array([2, 4, 1])[None, :])[..., None]
    np.testing.assert_allclose(padded.data, x.data * mask)
    np.testing.assert_allclose(x.grad.data, 2 * x.data * mask)  # nothing flows into the padding


def test_unpad_and_to():
    padded = pad_sequence([tg.ones(3, 2), tg.ones(1, 2)])
    first, second = unpad_sequence(padded, tg.tensor([3, 1]))
    assert first.shape == (3, 2) and second.shape == (1, 2) and padded.shape == (3, 2, 2)  # input unchanged
    packed = pack_sequence([tg.ones(2, 2), tg.ones(1, 2)])
    assert packed.to(tg.float64) is packed and packed.double() is packed
    single = packed.to(tg.float32)
    assert isinstance(single, PackedSequence) and single.data.dtype == np.float32
    assert single.batch_sizes is packed.batch_sizes
    assert PackedSequence((packed.data, packed.batch_sizes)).batch_sizes is packed.batch_sizes


def test_packing_errors():
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_padded_sequence(tg.zeros(3, 2), [2, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        pack_padded_sequence(tg.zeros(3, 2), [3, 0])
    with pytest.raises(RuntimeError, match="equal to batch_size, but got 3 \\(batch_size=2\\)"):
        pack_padded_sequence(tg.zeros(3, 2), [3, 2, 1])
    with pytest.raises(RuntimeError, match="does not fit"):
        pack_padded_sequence(tg.zeros(3, 2), [4, 2])
    with pytest.raises(RuntimeError, match="must be sorted"):
        pack_sequence([tg.ones(1), tg.ones(2)])
    with pytest.raises(ValueError, match="total_length=1 and max sequence length being 2"):
        pad_packed_sequence(pack_sequence([tg.ones(2)]), total_length=1)
    with pytest.raises(TypeError, match="expected a PackedSequence"):
        pad_packed_sequence(tg.ones(2, 2))


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU, nn.RNN])
def test_packed_final_state_is_each_sequences_own(cls, rng):
    """Without torch: running the packed batch equals running each sequence alone."""
    tg.manual_seed(0)
    rnn = cls(2, 3, num_layers=2, bidirectional=True, dtype=np.float64)
    sequences = [tg.tensor(rng.standard_normal((n, 2))) for n in (2, 4, 1)]
    out, state = rnn(pack_sequence(sequences, enforce_sorted=False))
    assert isinstance(out, PackedSequence) and out.data.shape == (7, 6)
    padded, lengths = pad_packed_sequence(out, batch_first=True)
    h = state[0] if cls is nn.LSTM else state
    for b, seq in enumerate(sequences):
        alone_out, alone_state = rnn(seq)  # one unbatched sequence
        np.testing.assert_allclose(padded.data[b, :len(seq)], alone_out.data, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(padded.data[b, len(seq):], 0.0)
        alone_h = alone_state[0] if cls is nn.LSTM else alone_state
        np.testing.assert_allclose(h.data[:, b], alone_h.data, rtol=1e-10, atol=1e-12)


# ---- against torch ----------------------------------------------------------------------------

@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_and_pad_match_torch(torch, rng, batch_first, enforce_sorted):
    lengths = [4, 3, 3, 1] if enforce_sorted else [1, 3, 4, 3]
    shape = (5, 4, 2, 3) if not batch_first else (4, 5, 2, 3)  # (T, B, *) or (B, T, *)
    array = rng.standard_normal(shape)
    ours = tg.tensor(array, requires_grad=True)
    theirs = torch.tensor(array, requires_grad=True)
    p = pack_padded_sequence(ours, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    q = torch.nn.utils.rnn.pack_padded_sequence(theirs, lengths, batch_first=batch_first,
                                                enforce_sorted=enforce_sorted)
    np.testing.assert_array_equal(p.data.data, q.data.detach().numpy())
    assert p.batch_sizes.tolist() == q.batch_sizes.tolist()
    for mine, torchs in ((p.sorted_indices, q.sorted_indices), (p.unsorted_indices, q.unsorted_indices)):
        assert (mine is None) == (torchs is None) and (mine is None or mine.tolist() == torchs.tolist())
    padded, lengths_out = pad_packed_sequence(p, batch_first=batch_first, padding_value=0.5, total_length=6)
    t_padded, t_lengths = torch.nn.utils.rnn.pad_packed_sequence(q, batch_first=batch_first, padding_value=0.5,
                                                                 total_length=6)
    np.testing.assert_array_equal(padded.data, t_padded.detach().numpy())
    assert lengths_out.tolist() == t_lengths.tolist() and lengths_out.dtype == np.int64
    weights = rng.standard_normal(padded.shape)
    (padded * tg.tensor(weights)).sum().backward()
    (t_padded * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy())


def _copy_to_torch(torch, ours, theirs) -> None:
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            theirs.state_dict()[name].copy_(torch.tensor(value.data))


CASES = [  # (class, num_layers, bidirectional, enforce_sorted, with hx)
    (nn.LSTM, 1, False, True, False),
    (nn.LSTM, 2, True, False, True),
    (nn.GRU, 2, True, True, True),
    (nn.GRU, 1, False, False, False),
    (nn.RNN, 2, False, False, True),
    (nn.RNN, 1, True, False, False),
]


@pytest.mark.parametrize("cls,num_layers,bidirectional,enforce_sorted,with_hx", CASES)
def test_rnns_on_packed_input_match_torch(torch, rng, cls, num_layers, bidirectional, enforce_sorted, with_hx):
    ours = cls(3, 4, num_layers=num_layers, bidirectional=bidirectional, dtype=np.float64)
    theirs = getattr(torch.nn, cls.__name__)(3, 4, num_layers=num_layers, bidirectional=bidirectional,
                                             dtype=torch.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _copy_to_torch(torch, ours, theirs)
    lengths = [5, 3, 3, 2] if enforce_sorted else [2, 5, 1, 3]
    x = rng.standard_normal((5, 4, 3))
    x_ours, x_theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    args_ours = [pack_padded_sequence(x_ours, lengths, enforce_sorted=enforce_sorted)]
    args_theirs = [torch.nn.utils.rnn.pack_padded_sequence(x_theirs, lengths, enforce_sorted=enforce_sorted)]
    states = []
    if with_hx:
        n = 2 if cls is nn.LSTM else 1
        states = [rng.standard_normal((num_layers * (2 if bidirectional else 1), 4, 4)) for _ in range(n)]
        hx_ours = [tg.tensor(s, requires_grad=True) for s in states]
        hx_theirs = [torch.tensor(s, requires_grad=True) for s in states]
        args_ours.append(tuple(hx_ours) if n == 2 else hx_ours[0])
        args_theirs.append(tuple(hx_theirs) if n == 2 else hx_theirs[0])
    out, final = ours(*args_ours)
    t_out, t_final = theirs(*args_theirs)
    assert isinstance(out, PackedSequence)
    np.testing.assert_allclose(out.data.data, t_out.data.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert out.batch_sizes.tolist() == t_out.batch_sizes.tolist()
    finals = final if cls is nn.LSTM else (final,)
    t_finals = t_final if cls is nn.LSTM else (t_final,)
    for mine, torchs in zip(finals, t_finals):
        np.testing.assert_allclose(mine.data, torchs.detach().numpy(), rtol=1e-10, atol=1e-12)
    padded, _ = pad_packed_sequence(out)
    t_padded, _ = torch.nn.utils.rnn.pad_packed_sequence(t_out)
    w_out = rng.standard_normal(padded.shape)
    w_states = [rng.standard_normal(f.shape) for f in finals]
    loss = (padded * tg.tensor(w_out)).sum() + sum((f * tg.tensor(w)).sum() for f, w in zip(finals, w_states))
    t_loss = (t_padded * torch.tensor(w_out)).sum() + sum((f * torch.tensor(w)).sum()
                                                          for f, w in zip(t_finals, w_states))
    loss.backward()
    t_loss.backward()
    t_params = dict(theirs.named_parameters())
    for name, param in ours.named_parameters():
        np.testing.assert_allclose(param.grad.data, t_params[name].grad.numpy(), rtol=1e-9, atol=1e-11,
                                   err_msg=name)
    np.testing.assert_allclose(x_ours.grad.data, x_theirs.grad.numpy(), rtol=1e-9, atol=1e-11)
    if with_hx:
        for mine, torchs in zip(hx_ours, hx_theirs):
            np.testing.assert_allclose(mine.grad.data, torchs.grad.numpy(), rtol=1e-9, atol=1e-11)


def test_packed_input_errors():
    packed = pack_sequence([tg.ones(3, 2), tg.ones(2, 2)])
    with pytest.raises(RuntimeError, match="input_size: expected 3, got 2"):
        nn.GRU(3, 4)(packed)
    with pytest.raises(RuntimeError, match=r"expected hidden of shape \(1, 2, 4\), got \(1, 3, 4\)"):
        nn.GRU(2, 4)(packed, tg.zeros(1, 3, 4))
    with pytest.raises(RuntimeError, match="sequence length to be larger than 0"):
        nn.LSTM(2, 4)(tg.zeros(0, 3, 2))
