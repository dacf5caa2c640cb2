"""nn.GRU, nn.RNN, nn.GRUCell, nn.RNNCell (and nn.LSTM through the same code): PyTorch's
parameters, shapes, equations and errors. Where PyTorch is installed, a state_dict is moved into
torch's module and outputs, final states and every gradient are compared."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


# ---- the cells against their equations --------------------------------------------------------

def test_gru_cell_matches_the_equations(rng):
    cell = nn.GRUCell(3, 4, dtype=np.float64)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    w_ih, w_hh, b_ih, b_hh = (p.data for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh))
    gi, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
    r = _sigmoid(gi[:, :4] + gh[:, :4])
    z = _sigmoid(gi[:, 4:8] + gh[:, 4:8])
    n = np.tanh(gi[:, 8:] + r * gh[:, 8:])
    expected = (1 - z) * n + z * h
    np.testing.assert_allclose(cell(tg.tensor(x), tg.tensor(h)).data, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_matches_the_equation(rng, nonlinearity):
    cell = nn.RNNCell(3, 4, nonlinearity=nonlinearity, dtype=np.float64)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    pre = x @ cell.weight_ih.data.T + cell.bias_ih.data + h @ cell.weight_hh.data.T + cell.bias_hh.data
    expected = np.tanh(pre) if nonlinearity == "tanh" else np.maximum(pre, 0)
    np.testing.assert_allclose(cell(tg.tensor(x), tg.tensor(h)).data, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cls,gates", [(nn.GRUCell, 3), (nn.RNNCell, 1), (nn.LSTMCell, 4)])
def test_cells_have_pytorchs_parameters_default_state_and_unbatched_input(cls, gates):
    cell = cls(3, 5)
    assert [n for n, _ in cell.named_parameters()] == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert cell.weight_ih.shape == (gates * 5, 3) and cell.weight_hh.shape == (gates * 5, 5)
    assert all(abs(p.data).max() <= 1 / math.sqrt(5) for p in cell.parameters())
    out = cell(tg.ones(2, 3))
    h = out[0] if cls is nn.LSTMCell else out
    assert h.shape == (2, 5)
    one = cell(tg.ones(3))
    assert (one[0] if cls is nn.LSTMCell else one).shape == (5,)
    np.testing.assert_allclose((one[0] if cls is nn.LSTMCell else one).data, h.data[0], rtol=1e-12)
    assert [n for n, _ in cls(3, 5, bias=False).named_parameters()] == ["weight_ih", "weight_hh"]


def test_cell_errors():
    with pytest.raises(ValueError, match=r"GRUCell: expected input of shape \(batch, 3\)"):
        nn.GRUCell(3, 4)(tg.ones(2, 5))
    with pytest.raises(ValueError, match=r"RNNCell: the state h must have shape \(2, 4\)"):
        nn.RNNCell(3, 4)(tg.ones(2, 3), tg.zeros(1, 4))
    with pytest.raises(ValueError, match="unknown nonlinearity 'sigmoid'"):
        nn.RNNCell(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="GRUCell: hidden_size must be a positive int"):
        nn.GRUCell(3, 0)
    with pytest.raises(RuntimeError, match="CPU"):
        nn.GRU(3, 4, device="cuda")


def test_modules_shapes_and_errors():
    gru = nn.GRU(3, 5, num_layers=2, batch_first=True)
    out, h = gru(tg.ones(4, 7, 3))
    assert (out.shape, h.shape) == ((4, 7, 5), (2, 4, 5))
    assert gru.weight_ih_l1.shape == (15, 5) and gru.weight_hh_l0.shape == (15, 5)
    rnn = nn.RNN(3, 5, bidirectional=True, nonlinearity="relu")
    out, h = rnn(tg.ones(7, 3))  # one unbatched sequence
    assert (out.shape, h.shape) == ((7, 10), (2, 5))
    assert repr(rnn) == "RNN(3, 5, bidirectional=True)"  # (as PyTorch: the nonlinearity is not shown)
    with pytest.raises(RuntimeError, match=r"GRU: expected hidden of shape \(2, 4, 5\)"):
        gru(tg.ones(4, 7, 3), tg.zeros(1, 4, 5))
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        gru(tg.ones(4, 7, 2))
    with pytest.warns(UserWarning, match="GRU: dropout"):
        nn.GRU(3, 5, dropout=0.5)


def test_gru_learns_to_sum_a_sequence():
    tg.manual_seed(0)
    gru, head = nn.GRU(1, 8, batch_first=True), nn.Linear(8, 1)
    opt = tg.optim.Adam(list(gru.parameters()) + list(head.parameters()), lr=0.02)
    x = np.random.default_rng(0).uniform(-1, 1, (32, 6, 1))
    y = tg.tensor(x.sum(axis=1))
    losses = []
    for _ in range(40):
        out, _ = gru(tg.tensor(x))
        loss = nn.functional.mse_loss(head(out[:, -1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]


# ---- against PyTorch ----------------------------------------------------------------------------

CONFIGS = [{}, {"num_layers": 2, "batch_first": True}, {"num_layers": 2, "bidirectional": True},
           {"bias": False, "num_layers": 3}, {"bidirectional": True, "batch_first": True}]
MODULES = [("GRU", {}), ("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {})]


@pytest.mark.parametrize("kind,extra", MODULES, ids=[f"{k}{e}" for k, e in MODULES])
@pytest.mark.parametrize("config", CONFIGS, ids=[str(c) for c in CONFIGS])
def test_module_matches_pytorch(torch, kind, extra, config):
    ours = getattr(nn, kind)(3, 4, **extra, **config)
    theirs = getattr(torch.nn, kind)(3, 4, **extra, **config).double()
    state = ours.state_dict()
    assert list(state) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v.data)) for k, v in state.items()})
    rng = np.random.default_rng(11)
    layers = config.get("num_layers", 1) * (2 if config.get("bidirectional") else 1)
    x = rng.normal(size=(2, 5, 3) if config.get("batch_first") else (5, 2, 3))
    h0 = [rng.normal(size=(layers, 2, 4)) for _ in range(2 if kind == "LSTM" else 1)]

    xa = tg.tensor(x, requires_grad=True)
    out, last = ours(xa, tuple(tg.tensor(s) for s in h0) if kind == "LSTM" else tg.tensor(h0[0]))
    xb = torch.tensor(x, requires_grad=True)
    ref, last_ref = theirs(xb, tuple(torch.tensor(s) for s in h0) if kind == "LSTM" else torch.tensor(h0[0]))
    finals = last if kind == "LSTM" else (last,)
    finals_ref = last_ref if kind == "LSTM" else (last_ref,)
    ((out * out).sum() + sum(s.sum() for s in finals)).backward()
    ((ref * ref).sum() + sum(s.sum() for s in finals_ref)).backward()
    for a, b in [(out, ref), *zip(finals, finals_ref)]:
        assert a.shape == tuple(b.shape)
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xa.grad.data, xb.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (name, p), (name_ref, p_ref) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == name_ref
        np.testing.assert_allclose(p.grad.data, p_ref.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)

    assert repr(ours) == repr(theirs)
    one = x[0] if config.get("batch_first") else x[:, 0]  # one unbatched sequence, default state
    out, _ = ours(tg.tensor(one))
    ref, _ = theirs(torch.tensor(one))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind,extra", [("GRUCell", {}), ("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"})])
def test_cell_matches_pytorch(torch, kind, extra, rng):
    ours = getattr(nn, kind)(3, 4, **extra)
    theirs = getattr(torch.nn, kind)(3, 4, **extra).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v.data)) for k, v in ours.state_dict().items()})
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    xa, ha = tg.tensor(x, requires_grad=True), tg.tensor(h, requires_grad=True)
    xb, hb = torch.tensor(x, requires_grad=True), torch.tensor(h, requires_grad=True)
    out, ref = ours(xa, ha), theirs(xb, hb)
    (out * out).sum().backward()
    (ref * ref).sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    for a, b in [(xa, xb), (ha, hb)] + list(zip(ours.parameters(), theirs.parameters())):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours(tg.tensor(x[0])).data, theirs(torch.tensor(x[0])).detach().numpy(), rtol=1e-12)
    assert repr(ours) == repr(theirs)


def test_gru_cells_written_per_example_run_the_same_under_autobatch(rng):
    cell = nn.GRUCell(3, 4, dtype=np.float64)
    sequences = [rng.standard_normal((n, 1, 3)) for n in (3, 5, 2, 5)]

    def encode():
        finals = []
        for seq in sequences:
            h = None
            for t in range(seq.shape[0]):
                h = cell(tg.tensor(seq[t]), h)
            finals.append(h)
        return tg.cat(finals).sum()

    eager = encode()
    eager.backward()
    expected = [p.grad.data.copy() for p in cell.parameters()]
    cell.zero_grad()
    with tg.autobatch() as ab:
        batched = encode()
    batched.backward()
    assert ab.recorder.groups_run > 0  # something really ran batched
    np.testing.assert_allclose(batched.item(), eager.item(), rtol=1e-12)
    for p, g in zip(cell.parameters(), expected):
        np.testing.assert_allclose(p.grad.data, g, rtol=1e-12, atol=1e-14)
