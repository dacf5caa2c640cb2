"""Gradients kept in pieces (autograd/deferred.py): a weight used at many steps gets the same
.grad as adding each use's gradient at once, and nothing a user sees is ever a piece."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.autograd.deferred import Deferred, ProductSum, RowSum
from tinygrad_edu.autograd.xp import numpy_xp

rng = np.random.default_rng(0)


# ---- the sums themselves ---------------------------------------------------------------------

def test_product_sum_equals_the_sum_of_products_and_folds_when_pieces_outgrow_it():
    m, n = 6, 4  # the factors outgrow the product past 6·4/(6+4) = 2.4 rows
    pieces = [(rng.standard_normal((1, m)), rng.standard_normal((1, n))) for _ in range(7)]
    total = ProductSum(*pieces[0])
    for a, g in pieces[1:]:
        assert total.add(ProductSum(a, g))
        assert total.rows <= 2  # folded into one dense array whenever a third row came in
    expected = sum(a.T @ g for a, g in pieces)
    np.testing.assert_allclose(total.value(), expected, rtol=1e-13)
    np.testing.assert_allclose(np.asarray(total), expected, rtol=1e-13)  # (numpy asks it for its numbers)


def test_product_sum_is_kept_only_while_the_factors_are_smaller():
    assert ProductSum.worth_keeping(np.ones((1, 64)), np.ones((1, 320)))
    assert not ProductSum.worth_keeping(np.ones((256, 10)), np.ones((256, 784)))
    assert not ProductSum.worth_keeping(np.ones((3, 1, 5)), np.ones((3, 1, 5)))  # (batched: eager)
    big = numpy_xp.transposed_times(np.ones((256, 10)), np.ones((256, 784)))
    assert big.__class__ is np.ndarray and big.shape == (10, 784)


def test_row_sum_adds_repeated_rows_and_folds_at_the_table_size():
    table = (5, 3)
    looks = [(np.array([1, 4]), rng.standard_normal((2, 3))), (np.array([1]), rng.standard_normal((1, 3))),
             (np.int64(-1), rng.standard_normal(3)), (np.array([[0, 1], [1, 2]]), rng.standard_normal((2, 2, 3)))]
    expected = np.zeros(table)
    total = None
    for index, values in looks:
        np.add.at(expected, index, values)
        piece = RowSum(values, index, table)
        if total is None:
            total = piece
        else:
            assert total.add(piece)
    assert total.rows <= 5  # eight rows in all: folded once they passed five
    np.testing.assert_allclose(total.value(), expected, rtol=1e-13)


def test_a_mask_or_slice_index_is_not_kept_in_pieces():
    assert not RowSum.worth_keeping(np.ones(2), np.array([True, False, True]), (3,))
    assert not RowSum.worth_keeping(np.ones((2, 3)), slice(0, 2), (4, 3))
    assert not RowSum.worth_keeping(np.ones((6, 3)), np.arange(6) % 4, (4, 3))  # (more rows than the table)
    assert numpy_xp.rows_gradient(np.ones(2), slice(0, 2), (4,)).__class__ is np.ndarray


def test_an_empty_batch_gives_zeros():
    np.testing.assert_array_equal(ProductSum(np.ones((0, 3)), np.ones((0, 2))).value(), np.zeros((3, 2)))
    np.testing.assert_array_equal(RowSum(np.ones((0, 2)), np.zeros(0, np.int64), (4, 2)).value(), np.zeros((4, 2)))
    x = tg.zeros(0, 3, dtype=np.float64)
    w = tg.ones(3, requires_grad=True, dtype=np.float64)
    (x @ w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros(3))


def test_sums_of_two_kinds_add_as_arrays():
    a = ProductSum(np.ones((1, 2)), np.ones((1, 3)))
    b = RowSum(np.ones((1, 3)), np.array([0]), (2, 3))
    assert not a.add(b)
    np.testing.assert_array_equal(a + b, [[2, 2, 2], [1, 1, 1]])
    np.testing.assert_array_equal(np.zeros((2, 3)) + a, np.ones((2, 3)))  # (our __radd__, not an object array)


# ---- through the engine: a weight used at every step of a loop ---------------------------------

def _rnn_grads(steps: int, use_embedding: bool = True, **backward):
    """A tiny tanh RNN over `steps` words; its weights' gradients, and the weights."""
    g = np.random.default_rng(1)
    E = tg.tensor(g.standard_normal((7, 4)), requires_grad=True)
    W = tg.tensor(g.standard_normal((4, 4)) * 0.5, requires_grad=True)
    U = tg.tensor(g.standard_normal((3, 4)), requires_grad=True)
    h = tg.zeros(1, 4, dtype=np.float64)
    for t in range(steps):
        x = E[tg.tensor([t % 7])] if use_embedding else E[t % 7:t % 7 + 1]
        h = (x + h @ W).tanh()
    loss = F.linear(h, U).square().sum()
    return loss, (E, W, U)


def _by_hand(steps: int):
    """The same gradients with each use's contribution added at once (np.add.at, outer products)."""
    g = np.random.default_rng(1)
    E, W, U = g.standard_normal((7, 4)), g.standard_normal((4, 4)) * 0.5, g.standard_normal((3, 4))
    hs, h = [np.zeros((1, 4))], np.zeros((1, 4))
    for t in range(steps):
        h = np.tanh(E[[t % 7]] + h @ W)
        hs.append(h)
    y = h @ U.T
    dU = (2 * y).T @ h
    dh = 2 * y @ U
    dE, dW = np.zeros_like(E), np.zeros_like(W)
    for t in reversed(range(steps)):
        dz = dh * (1 - hs[t + 1] ** 2)
        np.add.at(dE, [t % 7], dz)
        dW += hs[t].T @ dz
        dh = dz @ W.T
    return dE, dW, dU


@pytest.mark.parametrize("steps", [1, 3, 20])
def test_a_weight_used_at_every_step_gets_the_summed_gradient(steps):
    loss, params = _rnn_grads(steps)
    loss.backward()
    for p, expected in zip(params, _by_hand(steps)):
        assert p.grad.__class__ is tg.Tensor and p.grad.data.__class__ is np.ndarray
        np.testing.assert_allclose(p.grad.numpy(), expected, rtol=1e-12, atol=1e-14)


def test_grad_adds_to_an_existing_grad_and_tg_grad_returns_plain_tensors():
    loss, params = _rnn_grads(5)
    grads = tg.autograd.grad(loss, params, retain_graph=True)
    for g, expected in zip(grads, _by_hand(5)):
        assert g.__class__ is tg.Tensor and g.data.__class__ is np.ndarray
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12, atol=1e-14)
    loss.backward(retain_graph=True)
    loss.backward()
    for p, expected in zip(params, _by_hand(5)):
        np.testing.assert_allclose(p.grad.numpy(), 2 * expected, rtol=1e-12, atol=1e-14)


def test_a_hook_on_the_weight_sees_the_whole_gradient_once():
    loss, (E, W, U) = _rnn_grads(6)
    seen = []
    W.register_hook(lambda g: seen.append(g.numpy().copy()) or g * 2)
    after = []
    E.register_post_accumulate_grad_hook(lambda p: after.append(p.grad.numpy().copy()))
    loss.backward()
    dE, dW, _ = _by_hand(6)
    assert len(seen) == 1 and len(after) == 1
    np.testing.assert_allclose(seen[0], dW, rtol=1e-12)
    np.testing.assert_allclose(W.grad.numpy(), 2 * dW, rtol=1e-12)
    np.testing.assert_allclose(after[0], dE, rtol=1e-12)


def test_a_tied_weight_used_as_a_table_and_as_a_matrix():
    """An embedding tied to the output layer (Press & Wolf, 2017): the two kinds of piece meet."""
    E = tg.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    words = [1, 3, 1]
    loss = 0
    for w, target in zip(words, words[1:] + [0]):
        logits = F.linear(F.embedding(tg.tensor([w]), E), E)  # (1, 5)
        loss = loss + F.cross_entropy(logits, tg.tensor([target]))
    loss.backward()
    E2 = tg.tensor(E.data.copy(), requires_grad=True)
    with tg.autograd.detect_anomaly():  # (anomaly mode reads every gradient: no pieces kept there)
        loss2 = 0
        for w, target in zip(words, words[1:] + [0]):
            logits = F.linear(F.embedding(tg.tensor([w]), E2), E2)
            loss2 = loss2 + F.cross_entropy(logits, tg.tensor([target]))
        loss2.backward()
    np.testing.assert_allclose(E.grad.numpy(), E2.grad.numpy(), rtol=1e-12)
    assert tg.autograd.gradcheck(
        lambda e: sum(F.cross_entropy(F.linear(F.embedding(tg.tensor([w]), e), e), tg.tensor([t]))
                      for w, t in zip(words, words[1:] + [0])), (E2.detach().requires_grad_(),))


def test_a_weight_behind_another_op_gets_numbers_not_pieces():
    """W.T is a node: its formula receives an ordinary array (the pieces are only for leaves)."""
    W = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    Wt = W.T
    Wt.retain_grad()
    h = tg.ones(1, 4, dtype=np.float64)
    out = sum((h @ Wt * k).sum() for k in range(1, 4))
    out.backward()
    np.testing.assert_allclose(Wt.grad.numpy(), 6 * np.ones((4, 3)), rtol=1e-13)
    np.testing.assert_allclose(W.grad.numpy(), 6 * np.ones((3, 4)), rtol=1e-13)


def test_explain_and_second_derivatives_see_numbers():
    cell = nn.RNNCell(2, 3, dtype=np.float64)
    x = tg.tensor(rng.standard_normal((1, 2)))
    h = None
    for _ in range(3):
        h = cell(x, h)
    loss = h.sum()
    text = tg.viz.explain(loss)
    assert "Deferred" not in text and "ProductSum" not in text and "RowSum" not in text
    (g,) = tg.autograd.grad(loss, [cell.weight_hh], create_graph=True)
    assert g.requires_grad and not isinstance(g.data, Deferred)
    assert tg.autograd.gradgradcheck(lambda w: (x @ w.T).tanh().sum(), (cell.weight_ih.detach().requires_grad_(),))
