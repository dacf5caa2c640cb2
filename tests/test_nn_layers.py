"""Layers (Linear, Embedding, Dropout, activations, LSTMCell), nn.init and the loss modules."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---- Linear ---------------------------------------------------------------------------------
def test_linear_shapes_names_and_forward(rng):
    layer = nn.Linear(3, 2)
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(layer(tg.tensor(x)).data, x @ layer.weight.data.T + layer.bias.data, rtol=1e-14)
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=True)"


def test_linear_without_bias():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and list(layer.state_dict()) == ["weight"]
    assert repr(layer).endswith("bias=False)")


def test_linear_init_is_uniform_within_one_over_sqrt_fan_in():
    tg.manual_seed(0)
    layer = nn.Linear(100, 300)
    bound = 1 / math.sqrt(100)
    w = layer.weight.data
    assert np.abs(w).max() <= bound and np.abs(layer.bias.data).max() <= bound
    # U(-b, b) has variance b²/3; 30,000 draws put the sample variance within ~1% of it
    assert w.var() == pytest.approx(bound ** 2 / 3, rel=0.03)
    assert abs(w.mean()) < 0.003


def test_linear_init_is_seeded():
    tg.manual_seed(5)
    a = nn.Linear(4, 3)
    tg.manual_seed(5)
    b = nn.Linear(4, 3)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert not np.array_equal(a.weight.data, nn.Linear(4, 3).weight.data)


def test_linear_float32():
    layer = nn.Linear(3, 2, dtype=np.float32)
    out = layer(tg.ones(1, 3, dtype=np.float32))
    assert layer.weight.dtype == np.float32 and out.dtype == np.float32


def test_linear_bad_sizes():
    with pytest.raises(ValueError, match="in_features must be a non-negative int, got 2.5"):
        nn.Linear(2.5, 3)
    with pytest.raises(ValueError, match=r"input of shape \(1, 4\) does not fit weight of shape \(2, 3\)"):
        nn.Linear(3, 2)(tg.ones(1, 4))


# ---- Embedding, Dropout, activations ---------------------------------------------------
def test_embedding_module():
    tg.manual_seed(1)
    emb = nn.Embedding(10, 4)
    assert emb.weight.shape == (10, 4) and repr(emb) == "Embedding(10, 4)"
    out = emb(tg.tensor([[1, 2], [9, 1]]))
    np.testing.assert_array_equal(out.data[1, 1], emb.weight.data[1])
    out.sum().backward()
    assert emb.weight.grad.data[1].tolist() == [2.0] * 4 and emb.weight.grad.data[0].tolist() == [0.0] * 4
    with pytest.raises(IndexError, match="index 10 is out of range for 10 embeddings"):
        emb(tg.tensor([10]))


def test_embedding_from_pretrained():
    table = np.arange(6.0).reshape(3, 2)
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad and emb(tg.tensor([2])).tolist() == [[4.0, 5.0]]
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad


def test_dropout_module_follows_train_and_eval():
    drop = nn.Dropout(0.5)
    x = tg.ones(20, 20)
    assert (drop(x).data == 0).any()
    drop.eval()
    assert drop(x) is x
    with pytest.raises(ValueError, match="between 0 and 1, got 2"):
        nn.Dropout(2)


def test_activation_modules(rng):
    x0 = rng.standard_normal((3, 4))
    x = tg.tensor(x0)
    np.testing.assert_allclose(nn.Sigmoid()(x).data, sigmoid(x0), rtol=1e-14)
    np.testing.assert_allclose(nn.Tanh()(x).data, np.tanh(x0), rtol=1e-14)
    np.testing.assert_array_equal(nn.ReLU()(x).data, np.maximum(x0, 0))
    np.testing.assert_allclose(nn.Softmax(dim=1)(x).data.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(nn.LogSoftmax(dim=1)(x).data, F.log_softmax(x, 1).data, rtol=0)
    assert nn.Identity()(x) is x
    assert nn.Flatten()(tg.ones(2, 3, 4)).shape == (2, 12)


# ---- LSTMCell -------------------------------------------------------------------------------
def lstm_reference(x, h, c, w_ih, w_hh, b_ih, b_hh):
    """The LSTM step written out with numpy, gate order i, f, g, o."""
    gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
    i, f, g, o = np.split(gates, 4, axis=1)
    c_next = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c_next), c_next


def test_lstm_cell_parameters_have_pytorch_names_and_shapes():
    cell = nn.LSTMCell(3, 5)
    assert {k: v.shape for k, v in cell.state_dict().items()} == {
        "weight_ih": (20, 3), "weight_hh": (20, 5), "bias_ih": (20,), "bias_hh": (20,)}
    assert all(np.abs(p.data).max() <= 1 / math.sqrt(5) for p in cell.parameters())
    assert list(nn.LSTMCell(3, 5, bias=False).state_dict()) == ["weight_ih", "weight_hh"]


def test_lstm_cell_matches_the_equations(rng):
    cell = nn.LSTMCell(3, 4)
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    params = [p.data for p in cell.parameters()]
    h1, c1 = cell(tg.tensor(x), (tg.tensor(h), tg.tensor(c)))
    h_ref, c_ref = lstm_reference(x, h, c, *params)
    np.testing.assert_allclose(h1.data, h_ref, rtol=1e-13)
    np.testing.assert_allclose(c1.data, c_ref, rtol=1e-13)


def test_lstm_cell_default_state_is_zeros_and_unbatched_input_works(rng):
    cell = nn.LSTMCell(3, 4)
    x = rng.standard_normal((1, 3))
    h0, c0 = cell(tg.tensor(x))
    h_ref, c_ref = cell(tg.tensor(x), (tg.zeros(1, 4), tg.zeros(1, 4)))
    np.testing.assert_array_equal(h0.data, h_ref.data)
    h1, c1 = cell(tg.tensor(x[0]))
    assert h1.shape == (4,) and c1.shape == (4,)
    np.testing.assert_allclose(h1.data, h0.data[0], rtol=1e-15)
    h2, _ = cell(tg.tensor(x[0]), (h1, c1))
    assert h2.shape == (4,)


def test_lstm_cell_gradients_including_parameters(rng):
    cell = nn.LSTMCell(2, 3)
    inputs = [tg.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 2), (2, 3), (2, 3)]]
    params = list(cell.parameters())
    assert tg.gradcheck(lambda x, h, c, *_: cell(x, (h, c)), inputs + params)
    assert tg.gradgradcheck(lambda x, h, c, *_: cell(x, (h, c)), inputs + params)


def test_lstm_cell_is_three_nodes_on_the_tape():
    cell = nn.LSTMCell(2, 3)
    h, c = cell(tg.ones(1, 2))
    assert h.grad_fn is c.grad_fn and h.grad_fn.name() == "LSTMGatesBackward0"
    (add, _), (state_c, _) = h.grad_fn.next_functions
    assert add.name() == "AddBackward0" and state_c is None  # the default state is a constant
    assert [n.fn.__name__ for n, _ in add.next_functions] == ["Linear", "Linear"]


def test_lstm_cell_with_extreme_gates_stays_finite():
    cell = nn.LSTMCell(1, 2)
    x = tg.tensor([[1e4], [-1e4]], requires_grad=True)
    h, c = cell(x)
    (h.sum() + c.sum()).backward()
    assert np.all(np.isfinite(h.data)) and np.all(np.isfinite(x.grad.data))


def test_lstm_cell_errors():
    cell = nn.LSTMCell(3, 4)
    with pytest.raises(ValueError, match=r"expected input of shape \(batch, 3\) or \(3,\), got \(2, 5\)"):
        cell(tg.ones(2, 5))
    with pytest.raises(ValueError, match=r"must have shape \(2, 4\) each"):
        cell(tg.ones(2, 3), (tg.zeros(1, 4), tg.zeros(1, 4)))
    with pytest.raises(ValueError, match="hidden_size must be a positive int"):
        nn.LSTMCell(3, 0)


@needs_torch
def test_lstm_cell_state_dict_moves_to_torch(rng):
    ours = nn.LSTMCell(3, 4)
    theirs = torch.nn.LSTMCell(3, 4).double()
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in ours.state_dict().items()})
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    h1, c1 = ours(tg.tensor(x), (tg.tensor(h), tg.tensor(c)))
    h_t, c_t = theirs(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c)))
    np.testing.assert_allclose(h1.data, h_t.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(c1.data, c_t.detach().numpy(), rtol=1e-12)


# ---- nn.init ---------------------------------------------------------------------------------
def test_init_functions_fill_in_place_and_return_the_tensor():
    t = tg.zeros(200, 100)
    array = t.data
    assert nn.init.ones_(t) is t and t.data is array and np.all(array == 1)
    assert nn.init.zeros_(t) is t and not array.any()
    assert nn.init.constant_(t, 0.5) is t and np.all(array == 0.5)
    tg.manual_seed(0)
    nn.init.uniform_(t, -2.0, 3.0)
    assert array.min() >= -2.0 and array.max() < 3.0
    assert array.mean() == pytest.approx(0.5, abs=0.03)  # 20,000 draws of U(-2, 3): σ/√n ≈ 0.01
    nn.init.normal_(t, 1.0, 2.0)
    assert array.mean() == pytest.approx(1.0, abs=0.05) and array.std() == pytest.approx(2.0, rel=0.03)


def test_xavier_and_kaiming_bounds():
    t = tg.zeros(300, 200)  # fan_out = 300, fan_in = 200
    nn.init.xavier_uniform_(t, gain=2.0)
    bound = 2.0 * math.sqrt(6 / 500)
    assert np.abs(t.data).max() <= bound and np.abs(t.data).max() > 0.99 * bound
    nn.init.kaiming_uniform_(t, nonlinearity="relu")
    bound = math.sqrt(2) * math.sqrt(3 / 200)
    assert np.abs(t.data).max() <= bound and np.abs(t.data).max() > 0.99 * bound
    nn.init.kaiming_uniform_(t, a=math.sqrt(5), mode="fan_out")
    assert np.abs(t.data).max() <= 1 / math.sqrt(300)
    nn.init.kaiming_normal_(t, nonlinearity="relu")
    assert t.data.std() == pytest.approx(math.sqrt(2 / 200), rel=0.02)
    nn.init.xavier_normal_(t)
    assert t.data.std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)


def test_init_is_seeded_and_keeps_dtype():
    a, b = tg.zeros(3, 4, dtype=np.float32), tg.zeros(3, 4, dtype=np.float32)
    tg.manual_seed(9)
    nn.init.xavier_uniform_(a)
    tg.manual_seed(9)
    nn.init.xavier_uniform_(b)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a.data, b.data)


def test_calculate_gain():
    assert nn.init.calculate_gain("sigmoid") == 1.0
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))


def test_init_errors():
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(3,\)"):
        nn.init.xavier_uniform_(tg.zeros(3))
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        nn.init.kaiming_uniform_(tg.zeros(2, 2), mode="fan")
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        nn.init.kaiming_uniform_(tg.zeros(2, 2), nonlinearity="swish")
    with pytest.raises(ValueError, match="lower bound a=1 is larger than the upper bound b=0"):
        nn.init.uniform_(tg.zeros(2), 1, 0)
    with pytest.raises(TypeError, match="expected a Tensor"):
        nn.init.zeros_([0.0, 0.0])  # (a numpy array -- what p.data is -- is filled in place, as DCGAN needs)


def test_init_of_a_parameter_used_in_a_graph_is_noticed():
    layer = nn.Linear(2, 1)
    # the input requires grad, so its gradient needs the weight: Linear saved it
    # (with a constant input it saves only the input, as PyTorch, and the change would not matter)
    out = (layer(tg.ones(1, 2, requires_grad=True)) ** 2).sum()
    nn.init.zeros_(layer.weight)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.backward()


# ---- loss modules ----------------------------------------------------------------------------
def test_loss_modules_equal_the_functions(rng):
    x = tg.tensor(rng.standard_normal((4, 3)))
    t = tg.tensor([0, 2, 1, 2])
    weight = tg.tensor([1.0, 2.0, 0.5])
    assert nn.CrossEntropyLoss()(x, t).item() == F.cross_entropy(x, t).item()
    assert nn.CrossEntropyLoss(weight=weight, reduction="sum")(x, t).item() == \
        F.cross_entropy(x, t, weight=weight, reduction="sum").item()
    assert nn.NLLLoss(ignore_index=2)(F.log_softmax(x, 1), t).item() == \
        F.nll_loss(F.log_softmax(x, 1), t, ignore_index=2).item()
    p = x.sigmoid()
    y = tg.tensor(rng.uniform(size=(4, 3)))
    assert nn.BCELoss()(p, y).item() == F.binary_cross_entropy(p, y).item()
    np.testing.assert_array_equal(nn.MSELoss(reduction="none")(x, y).data, F.mse_loss(x, y, reduction="none").data)


def test_loss_modules_check_the_reduction_and_keep_weight_in_the_state_dict():
    with pytest.raises(ValueError, match="CrossEntropyLoss: reduction must be .* got 'average'"):
        nn.CrossEntropyLoss(reduction="average")
    assert list(nn.CrossEntropyLoss(weight=tg.ones(3)).state_dict()) == ["weight"]
    assert nn.CrossEntropyLoss().state_dict() == {}
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss()"  # as PyTorch prints it: no options
