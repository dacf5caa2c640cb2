"""The fused Functions inside nn modules (one node with one backward formula for a whole layer's
arithmetic), checked through the modules that use them, with fixed float64 weights: the inputs
are what gradcheck varies. Also `t[idx] = v` (SetItem), checked on a copy of its input."""
from __future__ import annotations

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.tree import TreeLSTMComposition, TreeLSTMJoinedComposition

from . import register

tg.manual_seed(0)
_TREE = nn.TreeLSTMCell(3, dtype=np.float64)
_TREE_TRACKED = nn.TreeLSTMCell(3, tracker_size=2, dtype=np.float64)
_LSTM = nn.LSTMCell(2, 3, dtype=np.float64)
_GRU = nn.GRUCell(2, 3, dtype=np.float64)  # (GRU and RNN cells are plain ops; checked as cells too)
_RNN = nn.RNNCell(2, 3, dtype=np.float64)
_SPINN = nn.SPINN(2, 3, tracker_size=2, dtype=np.float64)


def _tree(h_l, c_l, h_r, c_r):  # TreeLSTMComposition: both outputs, so both gradients flow in
    h, c = _TREE((h_l, c_l), (h_r, c_r))
    return h * c


def _tree_tracked(h_l, c_l, h_r, c_r, t):
    h, c = _TREE_TRACKED((h_l, c_l), (h_r, c_r), t)
    return h + c


def _composition(h_l, c_l, h_r, c_r, w_l, b_l, w_r, t, w_t):  # weights varied too
    h, c = TreeLSTMComposition.apply(h_l, c_l, h_r, c_r, w_l, b_l, w_r, t, w_t)
    return h * c


def _joined(s_l, s_r, w_l, b_l, w_r, t, w_t):  # the composition on [h | c] states, weights varied too
    return TreeLSTMJoinedComposition.apply(s_l, s_r, w_l, b_l, w_r, t, w_t)


def _joined_cell(s_l, s_r):  # through TreeLSTMCell.compose, no tracker
    return _TREE.compose(s_l, s_r)


def _lstm(x, h, c):  # LSTMGates
    h2, c2 = _LSTM(x, (h, c))
    return h2 * c2


def _gru(x, h):
    return _GRU(x, h)


def _rnn(x, h):
    return _RNN(x, h)


def _spinn(a, b):  # batched SPINN: GatherRows and SplitRows move rows between stacks
    return _SPINN([a, b], [["S", "S", "R", "S", "R"], ["S", "S", "S", "R", "R"]], batched=True)


def _setitem(x, v):
    y = x * 1
    y[0] = v
    return y * x


H = (1, 3)
register("nn.TreeLSTMCell", _tree, [H, H, H, H], [(2, 3)] * 4, [(4, 3)] * 4)
register("nn.TreeLSTMCell(tracker)", _tree_tracked, [H, H, H, H, (1, 2)], [(2, 3)] * 4 + [(2, 2)],
         [(3, 3)] * 4 + [(3, 2)])
W = [(10, 2), (10,), (10, 2)]
register("nn.TreeLSTMCell(weights)", _composition, [H[:1] + (2,)] * 4 + W + [(1, 3), (10, 3)],
         [(2, 2)] * 4 + W + [(2, 1), (10, 1)], [(3, 2)] * 4 + W + [(3, 3), (10, 3)])
register("nn.TreeLSTMCell(compose, weights)", _joined, [(1, 4)] * 2 + W + [(1, 3), (10, 3)],
         [(2, 4)] * 2 + W + [(2, 1), (10, 1)], [(3, 4)] * 2 + W + [(3, 3), (10, 3)])
register("nn.TreeLSTMCell(compose)", _joined_cell, [(1, 6)] * 2, [(2, 6)] * 2, [(4, 6)] * 2)
register("nn.LSTMCell", _lstm, [(1, 2), H, H], [(2, 2), (2, 3), (2, 3)], [(4, 2), (4, 3), (4, 3)])
register("nn.GRUCell", _gru, [(1, 2), H], [(2, 2), (2, 3)], [(4, 2), (4, 3)])
register("nn.RNNCell", _rnn, [(1, 2), H], [(2, 2), (2, 3)], [(4, 2), (4, 3)])
register("nn.SPINN", _spinn, [(3, 2), (3, 2)], [(3, 2), (3, 2)], [(3, 2), (3, 2)])
register("Tensor.__setitem__", _setitem, [(3, 2), (2,)], [(2, 3), (1,)], [(4,), ()])
