"""Margin, ranking, embedding and likelihood losses, and cross_entropy's label_smoothing: values
(every reduction), gradients with respect to every differentiable input, dtypes, modules (repr,
state_dict keys, options) and errors, against PyTorch when it is installed; known values by
hand without it. Their gradients are gradchecked in the registry (tests/registry/losses_more.py)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

try:
    import torch
except ImportError:  # the comparisons skip; the hand-computed checks still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
REDUCTIONS = ("mean", "sum", "none")
RNG = np.random.default_rng(7)


def _arr(*shape, low=None):
    a = RNG.standard_normal(shape)
    return np.abs(a) + low if low is not None else a


A23, B23, C23 = _arr(2, 3), _arr(2, 3), _arr(2, 3)
A43, B43, C43 = _arr(4, 3), _arr(4, 3), _arr(4, 3)
SIGNS4 = np.array([1.0, -1.0, -1.0, 1.0])
INT_SIGNS4 = np.array([1, -1, 1, -1])
COUNTS23 = np.array([[0.0, 1.0, 3.0], [2.0, 5.0, 0.5]])
LABELS4 = np.array([2, 0, 1, 2])
MULTI23 = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
MULTILABEL44 = np.array([[3, 0, -1, 1], [1, 2, 3, 0], [2, -1, 0, 0], [1, 1, -1, 2]])

# name: (call(F, *tensors, reduction), arrays, which arrays require grad)
CASES = {
    "margin_ranking": (lambda F, a, b, y, r: F.margin_ranking_loss(a, b, y, margin=0.3, reduction=r),
                       [A43[:, 0], B43[:, 0], SIGNS4], (0, 1, 2)),
    "margin_ranking(broadcast)": (lambda F, a, b, y, r: F.margin_ranking_loss(a, b, y, reduction=r),
                                  [A23, B23[:1], np.array([[1.0], [-1.0]])], (0, 1, 2)),
    "margin_ranking(int target)": (lambda F, a, b, y, r: F.margin_ranking_loss(a, b, y, margin=0.5, reduction=r),
                                   [A43[:, 1], B43[:, 1], INT_SIGNS4], (0, 1)),
    "hinge_embedding": (lambda F, x, y, r: F.hinge_embedding_loss(x, y, reduction=r),
                        [np.abs(A43[:, 0]), INT_SIGNS4], (0,)),
    "hinge_embedding(margin, broadcast, target 0)": (
        lambda F, x, y, r: F.hinge_embedding_loss(x, y, margin=0.7, reduction=r),
        [A23, np.array([[1], [0]])], (0,)),
    "cosine_embedding": (lambda F, a, b, y, r: F.cosine_embedding_loss(a, b, y, reduction=r),
                         [A43, B43, INT_SIGNS4], (0, 1)),
    "cosine_embedding(margin, 0-d target)": (
        lambda F, a, b, y, r: F.cosine_embedding_loss(a, b, y, margin=-0.5, reduction=r),
        [A43[0], B43[0], np.array(-1)], (0, 1)),
    "cosine_embedding(broadcast)": (lambda F, a, b, y, r: F.cosine_embedding_loss(a, b, y, 0.2, reduction=r),
                                    [A43, B43[:1], np.array([1, -1, -1, 1])], (0, 1)),
    "triplet_margin": (lambda F, a, p, n, r: F.triplet_margin_loss(a, p, n, reduction=r), [A43, B43, C43], (0, 1, 2)),
    "triplet_margin(p=1, swap)": (
        lambda F, a, p, n, r: F.triplet_margin_loss(a, p, n, margin=2.0, p=1, swap=True, reduction=r),
        [A43, B43, C43], (0, 1, 2)),
    "triplet_margin(p=3, eps, broadcast)": (
        lambda F, a, p, n, r: F.triplet_margin_loss(a, p, n, p=3, eps=1e-3, swap=True, reduction=r),
        [A43, B43[:1], C43], (0, 1, 2)),
    "triplet_margin(1-d)": (lambda F, a, p, n, r: F.triplet_margin_loss(a, p, n, margin=3.0, reduction=r),
                            [A43[0], B43[0], C43[0]], (0, 1, 2)),
    "triplet_with_distance": (lambda F, a, p, n, r: F.triplet_margin_with_distance_loss(a, p, n, margin=1.5,
                                                                                          reduction=r),
                              [A43, B43, C43], (0, 1, 2)),
    "triplet_with_distance(cosine, swap)": (
        lambda F, a, p, n, r: F.triplet_margin_with_distance_loss(
            a, p, n, distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), swap=True, reduction=r),
        [A43, B43, C43], (0, 1, 2)),
    "soft_margin": (lambda F, x, y, r: F.soft_margin_loss(x, y, reduction=r), [A43[:, 0], SIGNS4], (0,)),
    "soft_margin(broadcast)": (lambda F, x, y, r: F.soft_margin_loss(x, y, reduction=r),
                               [A23, np.array([1.0, -1.0, 1.0])], (0,)),
    "multilabel_soft_margin": (lambda F, x, y, r: F.multilabel_soft_margin_loss(x, y, reduction=r),
                               [A23, MULTI23], (0, 1)),
    "multilabel_soft_margin(weight, 1-d)": (
        lambda F, x, y, w, r: F.multilabel_soft_margin_loss(x, y, weight=w, reduction=r),
        [A23[0], MULTI23[0], np.array([0.5, 2.0, 1.0])], (0, 1, 2)),
    "multi_margin": (lambda F, x, y, r: F.multi_margin_loss(x, y, reduction=r), [A43 * 0.4, LABELS4], (0,)),
    "multi_margin(p=2, margin, weight)": (
        lambda F, x, y, w, r: F.multi_margin_loss(x, y, p=2, margin=0.8, weight=w, reduction=r),
        [A43 * 0.4, LABELS4, np.array([0.5, 2.0, 1.5])], (0,)),
    "multi_margin(1-d)": (lambda F, x, y, r: F.multi_margin_loss(x, y, reduction=r), [A43[0] * 0.4, np.array(1)],
                          (0,)),
    "multilabel_margin": (lambda F, x, y, r: F.multilabel_margin_loss(x, y, reduction=r),
                          [A43[:, :1].repeat(4, 1) * 0.1 + _arr(4, 4) * 0.3, MULTILABEL44], (0,)),
    "multilabel_margin(1-d)": (lambda F, x, y, r: F.multilabel_margin_loss(x, y, reduction=r),
                               [_arr(4) * 0.3, MULTILABEL44[0]], (0,)),
    "poisson_nll": (lambda F, x, y, r: F.poisson_nll_loss(x, y, reduction=r), [A23, COUNTS23], (0, 1)),
    "poisson_nll(rates, full)": (lambda F, x, y, r: F.poisson_nll_loss(x, y, log_input=False, full=True,
                                                                        eps=1e-4, reduction=r),
                                 [np.abs(A23) + 0.1, COUNTS23 + 1.5], (0, 1)),
    "poisson_nll(full, broadcast)": (lambda F, x, y, r: F.poisson_nll_loss(x, y, full=True, reduction=r),
                                     [A23, COUNTS23[1]], (0,)),
    "gaussian_nll": (lambda F, x, y, v, r: F.gaussian_nll_loss(x, y, v, reduction=r),
                     [A43, B43, np.abs(C43) + 0.1], (0, 1, 2)),
    "gaussian_nll(var per sample, full)": (lambda F, x, y, v, r: F.gaussian_nll_loss(x, y, v, full=True, reduction=r),
                                           [A43, B43, np.abs(C43[:, 0]) + 0.1], (0, 1, 2)),
    "gaussian_nll(var (N, 1), clamped)": (lambda F, x, y, v, r: F.gaussian_nll_loss(x, y, v, eps=0.3, reduction=r),
                                          [A43, B43, np.array([[0.0], [0.1], [0.5], [2.0]])], (0, 1, 2)),
    "gaussian_nll(var (1, C))": (lambda F, x, y, v, r: F.gaussian_nll_loss(x, y, v, reduction=r),
                                 [A43, B43, np.array([[0.5, 1.0, 2.0]])], (0, 1, 2)),
    "gaussian_nll(float var)": (lambda F, x, y, r: F.gaussian_nll_loss(x, y, 0.7, reduction=r), [A43, B43], (0, 1)),
}


def _make(lib, array, grad):
    if lib is tg:
        return tg.tensor(array, requires_grad=grad)
    return torch.tensor(array, requires_grad=grad)


@needs_torch
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name, reduction):
    call, arrays, differentiable = CASES[name]
    ours = [_make(tg, a, i in differentiable) for i, a in enumerate(arrays)]
    theirs = [_make(torch, a, i in differentiable) for i, a in enumerate(arrays)]
    out = call(F, *ours, reduction)
    ref = call(torch.nn.functional, *theirs, reduction)
    assert out.shape == tuple(ref.shape)
    assert str(out.dtype) == str(ref.dtype).replace("torch.", "")
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = np.linspace(-1.0, 2.0, max(out.data.size, 1)).reshape(out.shape)
    (out * tg.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for i in differentiable:
        np.testing.assert_allclose(ours[i].grad.data, theirs[i].grad.numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=f"gradient of input {i}")


@needs_torch
@pytest.mark.parametrize("name", ["margin_ranking", "soft_margin", "multi_margin", "poisson_nll", "gaussian_nll",
                                  "triplet_margin", "cosine_embedding"])
def test_float32_stays_float32(name):
    call, arrays, _ = CASES[name]
    ours = [tg.tensor(a.astype(np.float32) if a.dtype.kind == "f" else a) for a in arrays]
    theirs = [torch.tensor(a.astype(np.float32) if a.dtype.kind == "f" else a) for a in arrays]
    out, ref = call(F, *ours, "mean"), call(torch.nn.functional, *theirs, "mean")
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, ref.numpy(), rtol=1e-5)


# ---- without torch: hand computations ----------------------------------------------------------
def test_known_values():
    a, b = tg.tensor([1.0, 1.0]), tg.tensor([0.0, 3.0])
    assert F.margin_ranking_loss(a, b, tg.tensor([1.0, 1.0]), reduction="none").tolist() == [0.0, 2.0]
    assert F.margin_ranking_loss(a, b, tg.tensor([-1.0, -1.0]), margin=0.5).item() == pytest.approx((1.5 + 0) / 2)
    assert F.hinge_embedding_loss(tg.tensor([0.3, 0.3, 2.0]), tg.tensor([1, -1, -1]),
                                  reduction="none").tolist() == pytest.approx([0.3, 0.7, 0.0])
    x = tg.tensor([[0.1, 0.2, 0.4, 0.8]])
    assert F.multi_margin_loss(x, tg.tensor([3])).item() == pytest.approx((0.3 + 0.4 + 0.6) / 4)
    # listed 3 and 0: pairs (3,1) (3,2) (0,1) (0,2): max(0, 1 - x_j + x_k)
    expected = ((1 - 0.8 + 0.2) + (1 - 0.8 + 0.4) + (1 - 0.1 + 0.2) + (1 - 0.1 + 0.4)) / 4
    assert F.multilabel_margin_loss(x, tg.tensor([[3, 0, -1, 1]])).item() == pytest.approx(expected)
    assert F.soft_margin_loss(tg.tensor([0.0, 1000.0]), tg.tensor([1.0, -1.0]),
                              reduction="none").tolist() == pytest.approx([math.log(2), 1000.0])
    assert F.poisson_nll_loss(tg.tensor([0.0]), tg.tensor([2.0])).item() == pytest.approx(1.0)
    stirling = 3 * math.log(3) - 3 + 0.5 * math.log(2 * math.pi * 3)
    assert F.poisson_nll_loss(tg.tensor([0.0, 0.0]), tg.tensor([3.0, 1.0]), full=True,
                              reduction="none").tolist() == pytest.approx([1 + stirling, 1.0])
    assert F.gaussian_nll_loss(tg.tensor([0.0]), tg.tensor([2.0]), tg.tensor([4.0]), full=True).item() == \
        pytest.approx(0.5 * (math.log(4) + 1) + 0.5 * math.log(2 * math.pi))
    anchor, pos, neg = tg.tensor([[0.0, 0.0]]), tg.tensor([[3.0, 4.0]]), tg.tensor([[0.0, 1.0]])
    assert F.triplet_margin_loss(anchor, pos, neg, eps=0.0).item() == pytest.approx(5.0)
    assert F.triplet_margin_loss(anchor, pos, neg, eps=0.0, swap=True).item() == pytest.approx(5.0)
    assert F.triplet_margin_loss(neg, pos, anchor, eps=0.0, swap=True).item() == pytest.approx(
        max(0.0, 1 + math.hypot(3, 3) - 1.0))


def test_gradients_by_hand():
    x = tg.tensor([0.5, 2.0], requires_grad=True)
    F.hinge_embedding_loss(x, tg.tensor([-1, 1]), reduction="sum").backward()
    assert x.grad.tolist() == [-1.0, 1.0]
    v = tg.tensor([0.0, 4.0], requires_grad=True)
    F.gaussian_nll_loss(tg.tensor([1.0, 1.0]), tg.tensor([0.0, 0.0]), v, eps=0.5, reduction="sum").backward()
    # d/dv ½(log v + 1/v) = ½(1/v - 1/v²) at v = max(var, eps): also where var was raised to eps
    assert v.grad.tolist() == pytest.approx([0.5 * (2 - 4), 0.5 * (0.25 - 1 / 16)])


def test_empty_batch_and_reductions():
    empty = tg.zeros(0, 3, requires_grad=True)
    assert F.soft_margin_loss(empty, tg.zeros(0, 3), reduction="sum").item() == 0.0
    assert F.triplet_margin_loss(empty, empty, empty, reduction="none").shape == (0,)
    assert F.multi_margin_loss(empty, tg.tensor(np.zeros(0, dtype=np.int64)), reduction="none").shape == (0,)
    assert F.multilabel_soft_margin_loss(tg.zeros(2, 3), tg.ones(2, 3), reduction="none").shape == (2,)


def test_legacy_flags_warn_and_map():
    x, y = tg.tensor([1.0, -2.0]), tg.tensor([1.0, 1.0])
    with pytest.warns(UserWarning, match="reduction='sum'"):
        total = F.soft_margin_loss(x, y, size_average=False)
    assert total.item() == pytest.approx(F.soft_margin_loss(x, y, reduction="sum").item())
    with pytest.warns(UserWarning, match="reduction='none'"):
        module = nn.MarginRankingLoss(reduce=False)
    assert module.reduction == "none"


# ---- errors ---------------------------------------------------------------------------------------
ERRORS = [
    ("margin_ranking_loss(x3, x3, tensor(1.0))", RuntimeError, "same number of dims"),
    ("margin_ranking_loss(x3, x2, tensor([1.0, 1.0, 1.0]))", RuntimeError, "broadcast"),
    ("margin_ranking_loss(x3, x3, tensor([1.0, 1.0, 1.0]), reduction='bad')", ValueError, "reduction"),
    ("hinge_embedding_loss(x3, tensor([1, -1]))", RuntimeError, "broadcast"),
    ("cosine_embedding_loss(x3, x3, tensor([1]))", RuntimeError, "2-d inputs"),
    ("cosine_embedding_loss(m23, m23, tensor(1))", RuntimeError, "1-d inputs"),
    ("cosine_embedding_loss(m23, m23, tensor([[1, 1]]))", RuntimeError, "0-d or 1-d"),
    ("triplet_margin_loss(m23, x3, m23)", RuntimeError, "same number of dims"),
    ("triplet_margin_loss(m23, m23, m23, margin=0.0)", ValueError, "margin must be greater than 0"),
    ("triplet_margin_with_distance_loss(m23, m23, m23, margin=-1.0)", ValueError, "greater than 0"),
    ("triplet_margin_with_distance_loss(m23, m23, m23, reduction='avg')", ValueError, "reduction"),
    ("soft_margin_loss(x3, tensor([1.0, -1.0]))", RuntimeError, "broadcast"),
    ("soft_margin_loss(x3, tensor([1.0, -1.0, 1.0], requires_grad=True))", RuntimeError, "differentiable"),
    ("multi_margin_loss(m23, tensor([1, 3]))", RuntimeError, "out of range"),
    ("multi_margin_loss(m23, tensor([1]))", RuntimeError, "one class index per sample"),
    ("multi_margin_loss(m23, tensor([1.0, 2.0]))", RuntimeError, "int"),
    ("multi_margin_loss(m23, tensor([1, 2]), p=3)", ValueError, "p == 1 and p == 2"),
    ("multi_margin_loss(m23, tensor([1, 2]), weight=tg.ones(2, 3))", ValueError, "one-dimensional"),
    ("multi_margin_loss(m23, tensor([1, 2]), weight=tg.ones(2))", RuntimeError, "one entry per class"),
    ("multi_margin_loss(tg.zeros(2, 3, 4), tensor([1, 2]))", RuntimeError, "vector"),
    ("multilabel_margin_loss(m24, tensor([3, 0, -1, 1]))", RuntimeError, "shape"),
    ("multilabel_margin_loss(m24, tensor([[3, 0, -1, 4], [1, 2, 3, 0]]))", RuntimeError, "out of range"),
    ("multilabel_margin_loss(m24, tensor([[3, 0, -5, 1], [1, 2, 3, 0]]))", RuntimeError, "out of range"),
    ("multilabel_margin_loss(m24, tensor([[3.0, 0, -1, 1], [1, 2, 3, 0]]))", RuntimeError, "int"),
    ("poisson_nll_loss(x3, tensor([1.0, 2.0]))", RuntimeError, "broadcast"),
    ("poisson_nll_loss(x3, x3, reduction='bad')", ValueError, "reduction"),
    ("gaussian_nll_loss(m23, m23, tg.ones(3))", ValueError, "var"),
    ("gaussian_nll_loss(m23, m23, tg.ones(1, 1))", ValueError, "var"),
    ("gaussian_nll_loss(m23, m23, -tg.ones(2, 3))", ValueError, "negative"),
    ("gaussian_nll_loss(m23, m23, -1.0)", ValueError, ">= 0"),
    ("gaussian_nll_loss(m23, m23, tg.ones(2, 3), reduction='bad')", ValueError, "reduction"),
]


@pytest.mark.parametrize("expression,error,words", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(expression, error, words):
    names = {"tg": tg, "tensor": tg.tensor, "x3": tg.tensor([0.5, -1.0, 2.0]), "x2": tg.tensor([0.5, -1.0]),
             "m23": tg.tensor(A23), "m24": tg.tensor(_arr(2, 4))}
    with pytest.raises(error, match=words):
        eval(f"F.{expression}", {"F": F, **names})


@needs_torch
@pytest.mark.parametrize("expression,error,words", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_have_torch_types(expression, error, words):
    """PyTorch raises the same exception type (ours may be a subclass of both it and a Python one)."""
    names = {"tg": torch, "tensor": torch.tensor, "x3": torch.tensor([0.5, -1.0, 2.0]),
             "x2": torch.tensor([0.5, -1.0]), "m23": torch.tensor(A23), "m24": torch.tensor(_arr(2, 4))}
    with pytest.raises(error):
        eval(f"F.{expression}", {"F": torch.nn.functional, **names})


# ---- modules ------------------------------------------------------------------------------------
MODULES = [
    ("MarginRankingLoss(margin=0.3, reduction='sum')", "margin_ranking"),
    ("HingeEmbeddingLoss(margin=0.7, reduction='none')", "hinge_embedding(margin, broadcast, target 0)"),
    ("CosineEmbeddingLoss(margin=-0.5)", "cosine_embedding(margin, 0-d target)"),
    ("TripletMarginLoss(margin=2.0, p=1, swap=True, reduction='none')", "triplet_margin(p=1, swap)"),
    ("TripletMarginWithDistanceLoss(margin=1.5)", "triplet_with_distance"),
    ("SoftMarginLoss()", "soft_margin"),
    ("MultiLabelSoftMarginLoss(weight=lib.tensor([0.5, 2.0, 1.0], dtype=lib.float64))", "multilabel_soft_margin"),
    ("MultiMarginLoss(p=2, margin=0.8, weight=lib.tensor([0.5, 2.0, 1.5], dtype=lib.float64), reduction='sum')",
     "multi_margin"),
    ("MultiLabelMarginLoss(reduction='none')", "multilabel_margin"),
    ("PoissonNLLLoss(log_input=False, full=True, eps=1e-4)", "poisson_nll(rates, full)"),
    ("GaussianNLLLoss(full=True, eps=0.3, reduction='sum')", "gaussian_nll(var (N, 1), clamped)"),
    ("CrossEntropyLoss(weight=lib.tensor([0.5, 2.0, 1.0, 3.0], dtype=lib.float64), ignore_index=1, "
     "label_smoothing=0.2)", None),
]


@needs_torch
@pytest.mark.parametrize("expression,case", MODULES, ids=[m[0] for m in MODULES])
def test_modules_match_torch(expression, case):
    ours, theirs = eval(f"nn.{expression}", {"nn": nn, "lib": tg}), eval(f"nn.{expression}", {"nn": torch.nn,
                                                                                                 "lib": torch})
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    if case is None:
        arrays, differentiable = [A43 @ _arr(3, 4), LABELS4 + np.array([1, 0, 0, 1])], (0,)
    else:
        _, arrays, differentiable = CASES[case]
    out = ours(*[_make(tg, a, i in differentiable) for i, a in enumerate(arrays)])
    ref = theirs(*[_make(torch, a, i in differentiable) for i, a in enumerate(arrays)])
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_module_options_and_errors():
    loss = nn.TripletMarginLoss(margin=0.5, p=1.0, eps=0.0, swap=True)
    assert (loss.margin, loss.p, loss.eps, loss.swap) == (0.5, 1.0, 0.0, True)
    assert repr(nn.MultiMarginLoss()) == "MultiMarginLoss()"
    assert list(nn.MultiMarginLoss(weight=tg.ones(3)).state_dict()) == ["weight"]
    assert list(nn.MultiMarginLoss().state_dict()) == []
    with pytest.raises(ValueError, match="margin"):
        nn.TripletMarginLoss(margin=0)
    with pytest.raises(ValueError, match="margin"):
        nn.TripletMarginWithDistanceLoss(margin=-1.0)
    with pytest.raises(ValueError, match="p == 1"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)  # full is keyword-only, as in PyTorch
    gauss = nn.GaussianNLLLoss()
    assert gauss(tg.tensor([0.0]), tg.tensor([2.0]), tg.tensor([4.0])).item() == pytest.approx(
        0.5 * (math.log(4) + 1))


# ---- cross_entropy(label_smoothing=) ---------------------------------------------------------------
LOGITS = _arr(5, 4)
PROBS = np.exp(_arr(5, 4)) / np.exp(_arr(5, 4)).sum(1, keepdims=True)
PROBS /= PROBS.sum(1, keepdims=True)
SMOOTHING_CASES = {
    "indices": (LOGITS, np.array([0, 3, 1, 1, 2]), {}),
    "indices, weight": (LOGITS, np.array([0, 3, 1, 1, 2]), {"weight": np.array([0.5, 2.0, 1.0, 3.0])}),
    "indices, ignore_index": (LOGITS, np.array([0, 3, -100, 1, 2]), {}),
    "indices, weight, ignore_index": (LOGITS, np.array([0, 3, 1, 1, 2]),
                                      {"weight": np.array([0.5, 2.0, 1.0, 3.0]), "ignore_index": 1}),
    "indices (N, C, d)": (_arr(2, 4, 3), np.array([[0, 3, 1], [2, 2, 0]]), {"weight": np.array([1.0, 2.0, 0.5, 1.0]),
                                                                          "ignore_index": 3}),
    "one sample (C,)": (LOGITS[0], np.array(2), {"weight": np.array([0.5, 2.0, 1.0, 3.0])}),
    "probabilities": (LOGITS, PROBS, {}),
    "probabilities, weight": (_arr(2, 4, 3), PROBS[:2, :, None] * np.array([1.0, 0.5, 2.0]),
                              {"weight": np.array([1.0, 2.0, 0.5, 1.0])}),
}


@needs_torch
@pytest.mark.parametrize("smoothing", [0.1, 0.55, 1.0])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(SMOOTHING_CASES))
def test_label_smoothing_matches_torch(name, reduction, smoothing):
    logits, target, kwargs = SMOOTHING_CASES[name]
    x, tx = tg.tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
    ours_kw = {k: tg.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
    theirs_kw = {k: torch.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
    soft = target.dtype.kind == "f"
    y, ty = tg.tensor(target, requires_grad=soft), torch.tensor(target, requires_grad=soft)
    out = F.cross_entropy(x, y, reduction=reduction, label_smoothing=smoothing, **ours_kw)
    ref = torch.nn.functional.cross_entropy(tx, ty, reduction=reduction, label_smoothing=smoothing, **theirs_kw)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = np.linspace(-1.0, 2.0, max(out.data.size, 1)).reshape(out.shape)
    (out * tg.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    if soft:
        np.testing.assert_allclose(y.grad.data, ty.grad.numpy(), rtol=1e-9, atol=1e-12)


@needs_torch
def test_label_smoothing_edges_match_torch():
    x = np.array([[1.0, 2.0, 0.5]])
    for smoothing in (-0.2, 0.0):  # PyTorch ignores a negative label_smoothing
        assert F.cross_entropy(tg.tensor(x), tg.tensor([1]), label_smoothing=smoothing).item() == pytest.approx(
            torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor([1]), label_smoothing=smoothing).item())
    everything_ignored = F.cross_entropy(tg.tensor(x), tg.tensor([-100]), label_smoothing=0.3)
    assert np.isnan(everything_ignored.item())
    assert np.isnan(torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor([-100]),
                                                     label_smoothing=0.3).item())
    with pytest.raises(RuntimeError, match="label_smoothing"):
        torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor([1]), label_smoothing=1.5)


def test_label_smoothing_by_hand():
    x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    eps, t = 0.3, np.array([1, 2])
    q = np.full((2, 3), eps / 3)
    q[[0, 1], t] += 1 - eps
    expected = -(q * logp).sum(1)
    got = F.cross_entropy(tg.tensor(x), tg.tensor(t), label_smoothing=eps, reduction="none")
    np.testing.assert_allclose(got.data, expected, rtol=1e-13)
    module = nn.CrossEntropyLoss(label_smoothing=eps)
    assert module(tg.tensor(x), tg.tensor(t)).item() == pytest.approx(expected.mean(), rel=1e-13)
    soft = F.cross_entropy(tg.tensor(x), tg.tensor(np.eye(3)[t]), label_smoothing=eps, reduction="none")
    np.testing.assert_allclose(soft.data, expected, rtol=1e-13)
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(tg.tensor(x), tg.tensor(t), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match="label_smoothing"):
        nn.CrossEntropyLoss(label_smoothing=1.5)(tg.tensor(x), tg.tensor(t))


def test_cross_entropy_legacy_flags():
    x, t = tg.tensor([[1.0, 2.0], [0.0, 1.0]]), tg.tensor([0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        summed = F.cross_entropy(x, t, size_average=False)
        none = F.cross_entropy(x, t, reduce=False)
    assert summed.item() == pytest.approx(F.cross_entropy(x, t, reduction="sum").item())
    assert none.shape == (2,)


@pytest.mark.parametrize("module", ["tinygrad_edu.nn.functional.margin_losses",
                                    "tinygrad_edu.nn.functional.likelihood_losses"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
