"""nn.ModuleDict, nn.ParameterList, nn.ParameterDict and nn.utils.rnn.pad_sequence: registration
(parameters, state_dict keys, optimizers see them), dict/list behaviour and PyTorch's layouts."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.utils.rnn import pad_sequence


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


class Multi(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleDict({"a": nn.Linear(2, 3), "b": nn.Linear(2, 1)})
        self.scales = nn.ParameterList([tg.ones(3), tg.ones(1)])
        self.bias = nn.ParameterDict({"a": tg.zeros(3), "b": tg.zeros(1)})

    def forward(self, x):
        return {k: self.heads[k](x) * s + self.bias[k] for k, s in zip(self.heads, self.scales)}


def test_containers_register_what_they_hold():
    m = Multi()
    assert list(m.state_dict()) == ["heads.a.weight", "heads.a.bias", "heads.b.weight", "heads.b.bias",
                                    "scales.0", "scales.1", "bias.a", "bias.b"]
    assert len(list(m.parameters())) == 8
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in m.scales)
    out = m(tg.ones(4, 2))
    (out["a"].sum() + out["b"].sum()).backward()
    assert m.scales[0].grad.shape == (3,) and m.bias["b"].grad.tolist() == [4.0]
    opt = tg.optim.SGD(m.parameters(), lr=0.1)
    opt.step()
    assert m.bias["b"].tolist() == [-0.4]


def test_module_dict_behaves_like_a_dict():
    d = nn.ModuleDict([("x", nn.ReLU())])
    d["y"] = nn.Tanh()
    d.update({"z": nn.Sigmoid()})
    assert list(d) == ["x", "y", "z"] and len(d) == 3 and "y" in d
    assert [type(m).__name__ for m in d.values()] == ["ReLU", "Tanh", "Sigmoid"]
    assert isinstance(d.pop("x"), nn.ReLU) and list(d.keys()) == ["y", "z"]
    del d["y"]
    assert list(d.items())[0][0] == "z"
    d.clear()
    assert len(d) == 0
    with pytest.raises(TypeError, match="is not a Module subclass"):
        d["w"] = 3
    with pytest.raises(NotImplementedError):
        d(tg.ones(1))


def test_parameter_list_and_dict():
    pl = nn.ParameterList()
    pl.append(tg.ones(2)).extend([nn.Parameter(tg.zeros(1))])
    assert len(pl) == 2 and pl[-1].shape == (1,) and isinstance(pl[1:], nn.ParameterList)
    pl[0] = tg.full((2,), 3.0)
    assert pl[0].tolist() == [3.0, 3.0] and isinstance(pl[0], nn.Parameter)
    with pytest.raises(IndexError):
        pl[5]
    pd = nn.ParameterDict({"w": tg.ones(2)})
    pd["v"] = tg.zeros(3)
    assert list(pd) == ["w", "v"] and "v" in pd and pd.get("u") is None and pd.pop("w").shape == (2,)
    assert repr(nn.ParameterList([tg.zeros(2, 3)])) == (
        "ParameterList(  (0): Parameter containing: [float64 of size 2x3])")  # (PyTorch's, for one item)


def test_state_dict_moves_to_pytorch(torch):
    class TorchMulti(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = torch.nn.ModuleDict({"a": torch.nn.Linear(2, 3), "b": torch.nn.Linear(2, 1)})
            self.scales = torch.nn.ParameterList([torch.ones(3), torch.ones(1)])
            self.bias = torch.nn.ParameterDict({"a": torch.zeros(3), "b": torch.zeros(1)})

    ours, theirs = Multi(), TorchMulti()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    state = {k: torch.from_numpy(np.asarray(v.data, dtype=np.float32)) for k, v in ours.state_dict().items()}
    theirs.load_state_dict(state)
    assert repr(ours.heads) == repr(theirs.heads)


# ---- pad_sequence ----------------------------------------------------------------------------------

def test_pad_sequence():
    a, b = tg.tensor([[1.0], [2.0], [3.0]], requires_grad=True), tg.tensor([[4.0]], requires_grad=True)
    out = pad_sequence([a, b])
    assert out.shape == (3, 2, 1) and out[:, 1, 0].tolist() == [4.0, 0.0, 0.0]
    first = pad_sequence([a, b], batch_first=True, padding_value=-1.0)
    assert first.shape == (2, 3, 1) and first[1, :, 0].tolist() == [4.0, -1.0, -1.0]
    left = pad_sequence([a, b], batch_first=True, padding_side="left")
    assert left[1, :, 0].tolist() == [0.0, 0.0, 4.0]
    (out * 2).sum().backward()
    assert a.grad.tolist() == [[2.0], [2.0], [2.0]] and b.grad.tolist() == [[2.0]]
    assert tg.nn.utils.rnn.pad_sequence is pad_sequence
    with pytest.raises(RuntimeError, match="agree in every dim"):
        pad_sequence([tg.ones(2, 3), tg.ones(2, 4)])
    with pytest.raises(RuntimeError, match="empty"):
        pad_sequence([])


@pytest.mark.parametrize("kwargs", [{}, {"batch_first": True}, {"padding_value": 7.0, "padding_side": "left"}])
def test_pad_sequence_matches_pytorch(torch, kwargs):
    arrays = [np.arange(6.0).reshape(3, 2), np.arange(2.0).reshape(1, 2), np.arange(4.0).reshape(2, 2)]
    ours = pad_sequence([tg.tensor(x) for x in arrays], **kwargs)
    theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(x) for x in arrays], **kwargs)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("module", ["tinygrad_edu.nn.containers", "tinygrad_edu.nn.utils.rnn"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
