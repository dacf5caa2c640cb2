"""nn methods and keywords PyTorch programs use that were missing: cell(input, hx=...),
rnn.flatten_parameters(), BatchNorm.reset_parameters(), del/insert/pop/extend on Sequential and
ModuleList, ParameterDict's copy/fromkeys/setdefault/popitem."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


def test_cells_take_hx_by_keyword():
    x = tg.randn(2, 3, dtype=tg.float64)
    for cell in (nn.LSTMCell(3, 4, dtype=tg.float64), nn.GRUCell(3, 4, dtype=tg.float64),
                 nn.RNNCell(3, 4, dtype=tg.float64)):
        state = cell(x)
        again = cell(input=x, hx=state)
        positional = cell(x, state)
        for a, b in zip(again if isinstance(again, tuple) else (again,),
                        positional if isinstance(positional, tuple) else (positional,)):
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_flatten_parameters_is_a_no_op():
    lstm = nn.LSTM(2, 3, dtype=tg.float64)
    before = {k: v.numpy().copy() for k, v in lstm.state_dict().items()}
    assert lstm.flatten_parameters() is None
    assert all(np.array_equal(before[k], v.numpy()) for k, v in lstm.state_dict().items())


def test_batch_norm_reset_parameters():
    bn = nn.BatchNorm1d(3)
    bn.weight.data[:] = 5
    bn.bias.data[:] = 2
    bn(tg.randn(4, 3))
    bn.reset_parameters()
    assert bn.weight.tolist() == [1.0] * 3 and bn.bias.tolist() == [0.0] * 3
    assert bn.running_mean.tolist() == [0.0] * 3 and bn.running_var.tolist() == [1.0] * 3
    assert bn.num_batches_tracked.item() == 0
    nn.InstanceNorm1d(3).reset_parameters()  # (no affine parameters, no running stats: nothing to do)


def test_sequential_del_insert_pop_extend_renumber_like_pytorch():
    relu, tanh, sig, elu = nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.ELU()
    s = nn.Sequential(relu, tanh, sig)
    del s[0]
    assert list(s._modules) == ["0", "1"] and s[0] is tanh and getattr(s, "0") is tanh
    assert s.insert(0, elu) is s
    assert [type(m).__name__ for m in s] == ["ELU", "Tanh", "Sigmoid"] and getattr(s, "2") is sig
    assert s.pop(1) is tanh and list(s._modules) == ["0", "1"]
    assert s.extend(nn.Sequential(nn.ReLU())) is s and len(s) == 3
    with pytest.raises(IndexError):
        s.insert(10, nn.ReLU())
    named = nn.Sequential({"a": nn.ReLU(), "b": nn.Tanh()})
    del named[0]
    assert list(named._modules) == ["0"]


def test_module_list_insert_pop_and_slices_keep_state_dict_keys_in_order():
    layers = nn.ModuleList([nn.Linear(1, 1) for _ in range(4)])
    third = layers[2]
    del layers[0:2]
    assert len(layers) == 2 and layers[0] is third and not hasattr(layers, "2")
    assert list(layers.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    new = nn.Linear(1, 1)
    layers.insert(-1, new)
    assert layers[1] is new and len(layers) == 3
    assert layers.pop(0) is third and layers[0] is new
    with pytest.raises(IndexError):
        layers.pop(5)


def test_parameter_dict_dict_methods():
    p = nn.ParameterDict({"a": nn.Parameter(tg.ones(1))})
    c = p.copy()
    assert isinstance(c, nn.ParameterDict) and c["a"] is p["a"] and c is not p
    b = p.setdefault("b", tg.zeros(2))
    assert b.requires_grad and p["b"] is b and p.setdefault("b", tg.ones(3)) is b
    assert p.popitem() == ("b", b) and list(p.keys()) == ["a"]
    f = p.fromkeys(["x", "y"], tg.ones(1))
    assert list(f.keys()) == ["x", "y"] and f["x"].requires_grad
    p.clear()
    with pytest.raises(KeyError):
        p.popitem()


def test_same_keys_as_torch_after_edits():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    for seq, lib in ((ours, nn), (theirs, torch.nn)):
        seq.insert(1, lib.Tanh())
        del seq[0]
        seq.append(lib.Linear(1, 3))
        seq.pop(2)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]
