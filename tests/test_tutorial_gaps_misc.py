"""Small gaps that PyTorch tutorial programs ran into: tg.accelerator, the deterministic-algorithms
switch, Sequential slices keeping their children's names, tg.tensor(a_tensor) warning, and
scatter/gather with a 0-d index on a vector (the one-hot transform of "Learn the Basics")."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


def test_accelerator_says_cpu_like_the_tutorials_expect():
    device = tg.accelerator.current_accelerator().type if tg.accelerator.is_available() else "cpu"
    assert device == "cpu" and tg.accelerator.device_count() == 0
    for ask in (tg.accelerator.current_device_index, tg.accelerator.synchronize,
                lambda: tg.accelerator.set_device_index(0)):
        with pytest.raises(RuntimeError, match="no.*accelerator|none is available"):
            ask()


def test_deterministic_switch_records_what_it_was_told():
    before = (tg.are_deterministic_algorithms_enabled(), tg.is_deterministic_algorithms_warn_only_enabled())
    try:
        tg.use_deterministic_algorithms(False)
        assert tg.are_deterministic_algorithms_enabled() is False
        tg.use_deterministic_algorithms(True, warn_only=True)
        assert tg.are_deterministic_algorithms_enabled() and tg.is_deterministic_algorithms_warn_only_enabled()
        assert tg.get_deterministic_debug_mode() == 1
        tg.set_deterministic_debug_mode("error")
        assert tg.get_deterministic_debug_mode() == 2 and not tg.is_deterministic_algorithms_warn_only_enabled()
        with pytest.raises(TypeError, match="must be bool"):
            tg.use_deterministic_algorithms(1)
        with pytest.raises(RuntimeError, match="debug_mode"):
            tg.set_deterministic_debug_mode("sometimes")
        tg.use_deterministic_algorithms(False)
        assert tg.get_deterministic_debug_mode() == 0
    finally:
        tg.use_deterministic_algorithms(before[0], warn_only=before[1])


def test_sequential_slice_keeps_names_and_modulelist_slice_renumbers():
    m = nn.Sequential()
    m.add_module("conv_1", nn.Conv2d(1, 1, 1))
    m.add_module("relu_1", nn.ReLU())
    m.add_module("loss_1", nn.Identity())
    head = m[:2]
    assert isinstance(head, nn.Sequential) and [n for n, _ in head.named_children()] == ["conv_1", "relu_1"]
    assert head.conv_1 is m.conv_1 and list(head.state_dict()) == ["conv_1.weight", "conv_1.bias"]
    assert [n for n, _ in m[::2].named_children()] == ["conv_1", "loss_1"] and len(m[:0]) == 0
    listed = nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.Sigmoid()])
    assert [n for n, _ in listed[1:].named_children()] == ["0", "1"]


def test_tensor_of_a_tensor_warns_as_pytorch_does():
    source = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="detach\\(\\).clone\\(\\)"):
        copy = tg.tensor(source)
    assert not copy.requires_grad and copy.tolist() == [1.0, 2.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.tensor([1.0, 2.0])  # no warning from data that is not a tensor


def test_one_hot_by_scatter_with_a_0d_index():
    """Learn the Basics, Transforms: Lambda(lambda y: zeros(10).scatter_(0, tensor(y), value=1))."""
    one_hot = tg.zeros(10, dtype=tg.float).scatter_(0, tg.tensor(3), value=1)
    assert one_hot.tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0] and one_hot.dtype == np.float32
    src = tg.tensor(2.0, requires_grad=True)
    out = tg.zeros(5).scatter(0, tg.tensor(3), src)
    out.sum().backward()
    assert out.tolist() == [0, 0, 0, 2, 0] and src.grad.item() == 1.0
    assert tg.zeros(5).scatter_add(0, tg.tensor(1), tg.tensor([2.0, 5.0])).tolist() == [0, 2, 0, 0, 0]
    with pytest.raises(RuntimeError, match="as many dimensions"):
        tg.zeros(2, 3).scatter_(0, tg.tensor(1), value=1.0)  # a 0-d index on a matrix: an error in PyTorch too


def test_gather_with_0d_index_or_0d_self():
    x = tg.arange(4.0).requires_grad_()
    picked = x.gather(0, tg.tensor(3))
    assert picked.shape == () and picked.item() == 3.0
    picked.backward()
    assert x.grad.tolist() == [0, 0, 0, 1]
    assert tg.tensor(5.0).gather(0, tg.tensor([0])).tolist() == [5.0]
    with pytest.raises(RuntimeError, match="dimensions"):
        tg.arange(4.0).reshape(2, 2).gather(0, tg.tensor(1))


def test_the_same_as_pytorch():
    torch = pytest.importorskip("torch")
    assert torch.zeros(10).scatter_(0, torch.tensor(3), value=1).tolist() == \
        tg.zeros(10).scatter_(0, tg.tensor(3), value=1).tolist()
    assert torch.arange(4.0).gather(0, torch.tensor(3)).shape == tg.arange(4.0).gather(0, tg.tensor(3)).shape
    seq = torch.nn.Sequential()
    seq.add_module("a", torch.nn.ReLU())
    seq.add_module("b", torch.nn.Tanh())
    mine = nn.Sequential()
    mine.add_module("a", nn.ReLU())
    mine.add_module("b", nn.Tanh())
    assert str(seq[1:]) == str(mine[1:])
    assert torch.accelerator.is_available() == tg.accelerator.is_available()


def test_steplr_takes_a_float_step_size_as_the_torchtext_tutorials_write_it():
    params = [tg.zeros(1, requires_grad=True)]
    scheduler = tg.optim.lr_scheduler.StepLR(tg.optim.SGD(params, lr=5), 1.0, gamma=0.1)
    rates = []
    for _ in range(3):
        scheduler.optimizer.step()
        scheduler.step()
        rates.append(scheduler.get_last_lr()[0])
    assert np.allclose(rates, [0.5, 0.05, 0.005])
    for bad in (0, -1.0, "2", True):
        with pytest.raises(ValueError, match="positive number"):
            tg.optim.lr_scheduler.StepLR(tg.optim.SGD(params, lr=5), bad)


def test_bilinear_refuses_mixed_dtypes_as_pytorch():
    import tinygrad_edu.nn.functional as F
    with pytest.raises(RuntimeError, match="bilinear: input1 has dtype float32 but input2 has dtype float64"):
        F.bilinear(tg.ones(1, 2, dtype=tg.float32), tg.ones(1, 1, dtype=tg.float64), tg.ones(1, 2, 1, dtype=tg.float32))
    with pytest.raises(RuntimeError, match="bias has dtype float64"):
        F.bilinear(tg.ones(1, 2, dtype=tg.float32), tg.ones(1, 1, dtype=tg.float32),
                   tg.ones(1, 2, 1, dtype=tg.float32), tg.ones(1, dtype=tg.float64))


def test_losses_print_pytorchs_node_names():
    """print(loss) shows PyTorch's grad_fn name, though the loss is composed of smaller ops here."""
    import tinygrad_edu.nn.functional as F
    x = tg.tensor([[0.2, 0.7], [0.4, 0.1]], requires_grad=True)
    target, labels = tg.tensor([[0.0, 1.0], [1.0, 0.0]]), tg.tensor([1, 0])
    expected = {
        "MseLossBackward0": [F.mse_loss(x, target), F.mse_loss(x, target, reduction="none")],
        "NllLossBackward0": [F.cross_entropy(x, labels), F.cross_entropy(x, labels, reduction="sum"),
                             F.cross_entropy(x, labels, weight=tg.ones(2)), F.nll_loss(x, labels)],
        "BinaryCrossEntropyBackward0": [F.binary_cross_entropy(x, target)],
        "BinaryCrossEntropyWithLogitsBackward0": [F.binary_cross_entropy_with_logits(x, target)],
        "SmoothL1LossBackward0": [F.smooth_l1_loss(x, target)],
        "HuberLossBackward0": [F.huber_loss(x, target)],
        "SoftMarginLossBackward0": [F.soft_margin_loss(x, 2 * target - 1)],
        "MultiMarginLossBackward0": [F.multi_margin_loss(x, labels), F.multi_margin_loss(x, labels, reduction="none")],
        "MultilabelMarginLossBackward0": [F.multilabel_margin_loss(x, tg.tensor([[1, -1], [0, 1]])),
                                          F.multilabel_margin_loss(x, tg.tensor([[1, -1], [0, 1]]), reduction="sum")],
    }
    for name, losses in expected.items():
        for loss in losses:
            assert loss.grad_fn.name() == name and f"grad_fn=<{name}>" in repr(loss)
    loss = F.mse_loss(x, target)
    loss.backward()  # only the name changed: the gradient is the mean's
    assert np.allclose(x.grad.numpy(), (x.detach().numpy() - target.numpy()) / 2)
    assert F.cross_entropy(x, tg.tensor([[0.5, 0.5], [1.0, 0.0]])).grad_fn.name() != "NllLossBackward0"  # soft targets


def test_tensor_with_a_dtype_is_not_rounded_through_the_default_dtype():
    before = tg.get_default_dtype()
    try:
        tg.set_default_dtype(tg.float32)
        assert tg.tensor([1.1], dtype=tg.float64).item() == 1.1
        assert tg.tensor(1.1, dtype=tg.float64).item() == 1.1
        assert tg.tensor([[1.1, 2.0]], dtype=tg.float64).tolist() == [[1.1, 2.0]]
        assert tg.tensor([1.7], dtype=tg.int64).tolist() == [1]
        assert tg.tensor([1.1]).dtype == np.float32  # without a dtype: the default, as before
    finally:
        tg.set_default_dtype(before)
