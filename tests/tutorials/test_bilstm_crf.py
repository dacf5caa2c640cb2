"""'Advanced: Making Dynamic Decisions and the Bi-LSTM CRF' (Robert Guthrie), as written: the
forward algorithm with log_sum_exp, the gold-path score, Viterbi decoding with argmax, trained
with SGD and weight decay; plus the 'Deep Learning Building Blocks' tensor walk-through."""
from __future__ import annotations

from tests.tutorials.harness import check

BILSTM_CRF = """
import torch
import torch.autograd as autograd
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(1)

def argmax(vec):
    _, idx = torch.max(vec, 1)
    return idx.item()

def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)

def log_sum_exp(vec):
    max_score = vec[0, argmax(vec)]
    max_score_broadcast = max_score.view(1, -1).expand(1, vec.size()[1])
    return max_score + \\
        torch.log(torch.sum(torch.exp(vec - max_score_broadcast)))

class BiLSTM_CRF(nn.Module):
    def __init__(self, vocab_size, tag_to_ix, embedding_dim, hidden_dim):
        super(BiLSTM_CRF, self).__init__()
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.vocab_size = vocab_size
        self.tag_to_ix = tag_to_ix
        self.tagset_size = len(tag_to_ix)
        self.word_embeds = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim // 2, num_layers=1, bidirectional=True)
        self.hidden2tag = nn.Linear(hidden_dim, self.tagset_size)
        self.transitions = nn.Parameter(torch.randn(self.tagset_size, self.tagset_size))
        self.transitions.data[tag_to_ix[START_TAG], :] = -10000
        self.transitions.data[:, tag_to_ix[STOP_TAG]] = -10000
        self.hidden = self.init_hidden()

    def init_hidden(self):
        return (same(torch.randn(2, 1, self.hidden_dim // 2)),
                same(torch.randn(2, 1, self.hidden_dim // 2)))

    def _forward_alg(self, feats):
        init_alphas = torch.full((1, self.tagset_size), -10000.)
        init_alphas[0][self.tag_to_ix[START_TAG]] = 0.
        forward_var = init_alphas
        for feat in feats:
            alphas_t = []
            for next_tag in range(self.tagset_size):
                emit_score = feat[next_tag].view(1, -1).expand(1, self.tagset_size)
                trans_score = self.transitions[next_tag].view(1, -1)
                next_tag_var = forward_var + trans_score + emit_score
                alphas_t.append(log_sum_exp(next_tag_var).view(1))
            forward_var = torch.cat(alphas_t).view(1, -1)
        terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
        alpha = log_sum_exp(terminal_var)
        return alpha

    def _get_lstm_features(self, sentence):
        self.hidden = self.init_hidden()
        embeds = self.word_embeds(sentence).view(len(sentence), 1, -1)
        lstm_out, self.hidden = self.lstm(embeds, self.hidden)
        lstm_out = lstm_out.view(len(sentence), self.hidden_dim)
        lstm_feats = self.hidden2tag(lstm_out)
        return lstm_feats

    def _score_sentence(self, feats, tags):
        score = torch.zeros(1)
        tags = torch.cat([torch.tensor([self.tag_to_ix[START_TAG]], dtype=torch.long), tags])
        for i, feat in enumerate(feats):
            score = score + \\
                self.transitions[tags[i + 1], tags[i]] + feat[tags[i + 1]]
        score = score + self.transitions[self.tag_to_ix[STOP_TAG], tags[-1]]
        return score

    def _viterbi_decode(self, feats):
        backpointers = []
        init_vvars = torch.full((1, self.tagset_size), -10000.)
        init_vvars[0][self.tag_to_ix[START_TAG]] = 0
        forward_var = init_vvars
        for feat in feats:
            bptrs_t = []
            viterbivars_t = []
            for next_tag in range(self.tagset_size):
                next_tag_var = forward_var + self.transitions[next_tag]
                best_tag_id = argmax(next_tag_var)
                bptrs_t.append(best_tag_id)
                viterbivars_t.append(next_tag_var[0][best_tag_id].view(1))
            forward_var = (torch.cat(viterbivars_t) + feat).view(1, -1)
            backpointers.append(bptrs_t)
        terminal_var = forward_var + self.transitions[self.tag_to_ix[STOP_TAG]]
        best_tag_id = argmax(terminal_var)
        path_score = terminal_var[0][best_tag_id]
        best_path = [best_tag_id]
        for bptrs_t in reversed(backpointers):
            best_tag_id = bptrs_t[best_tag_id]
            best_path.append(best_tag_id)
        start = best_path.pop()
        assert start == self.tag_to_ix[START_TAG]
        best_path.reverse()
        return path_score, best_path

    def neg_log_likelihood(self, sentence, tags):
        feats = self._get_lstm_features(sentence)
        forward_score = self._forward_alg(feats)
        gold_score = self._score_sentence(feats, tags)
        return forward_score - gold_score

    def forward(self, sentence):
        lstm_feats = self._get_lstm_features(sentence)
        score, tag_seq = self._viterbi_decode(lstm_feats)
        return score, tag_seq

START_TAG = "<START>"
STOP_TAG = "<STOP>"
EMBEDDING_DIM = 5
HIDDEN_DIM = 4
training_data = [(
    "the wall street journal reported today that apple corporation made money".split(),
    "B I I I O O O B I O O".split()
), (
    "georgia tech is a university in georgia".split(),
    "B I O O O O B".split()
)]
word_to_ix = {}
for sentence, tags in training_data:
    for word in sentence:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
tag_to_ix = {"B": 0, "I": 1, "O": 2, START_TAG: 3, STOP_TAG: 4}
model = BiLSTM_CRF(len(word_to_ix), tag_to_ix, EMBEDDING_DIM, HIDDEN_DIM)
same(model)
optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-4)
with torch.no_grad():
    precheck_sent = prepare_sequence(training_data[0][0], word_to_ix)
    precheck_tags = torch.tensor([tag_to_ix[t] for t in training_data[0][1]], dtype=torch.long)
    before = model(precheck_sent)
    nll_before = model.neg_log_likelihood(precheck_sent, precheck_tags)
# the forward algorithm is the log of the sum over all paths: check it against enumeration on 3 words
feats3 = model._get_lstm_features(precheck_sent[:3]).detach()
import itertools
total = []
for path in itertools.product(range(3), repeat=3):
    total.append(model._score_sentence(feats3, torch.tensor(path)))
brute = torch.logsumexp(torch.cat(total), dim=0)
assert abs(brute.item() - model._forward_alg(feats3).item()) < 1e-6
losses = []
for epoch in range(20):
    for sentence, tags in training_data:
        model.zero_grad()
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = torch.tensor([tag_to_ix[t] for t in tags], dtype=torch.long)
        loss = model.neg_log_likelihood(sentence_in, targets)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
with torch.no_grad():
    precheck_sent = prepare_sequence(training_data[0][0], word_to_ix)
    after = model(precheck_sent)
assert sum(losses[-2:]) < 0.75 * sum(losses[:2]), losses[::10]
result = {"before": list(before), "nll_before": nll_before, "after": list(after), "losses": losses[::7],
          "brute": brute, "transitions": model.transitions}
"""

BUILDING_BLOCKS = """
import torch
import torch.nn as nn
import torch.nn.functional as F

V_data = [1., 2., 3.]
V = torch.tensor(V_data)
M = torch.tensor([[1., 2., 3], [4., 5., 6]])
T = torch.tensor([[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.]]])
parts = [V[0], V[0].item(), M[0], T[0]]
x = torch.randn((3, 4, 5))
x_1 = same(torch.randn(2, 5))
y_1 = same(torch.randn(3, 5))
z_1 = torch.cat([x_1, y_1])
x_2 = same(torch.randn(2, 3))
y_2 = same(torch.randn(2, 5))
z_2 = torch.cat([x_2, y_2], 1)
try:
    torch.cat([x_1, x_2])
    cat_error = None
except RuntimeError as err:
    cat_error = "RuntimeError"
x = same(torch.randn(2, 3, 4))
viewed = (x.view(2, 12).shape, x.view(2, -1).shape)
x = torch.tensor([1., 2., 3], requires_grad=True)
y = torch.tensor([4., 5., 6], requires_grad=True)
z = x + y
s = z.sum()
s.backward()
x = torch.randn(2, 2)
y = torch.randn(2, 2)
flags = [x.requires_grad, y.requires_grad]
z = x + y
flags.append(z.grad_fn is None)
x = x.requires_grad_()
y = y.requires_grad_()
z = x + y
new_z = z.detach()
flags += [z.grad_fn is not None, new_z.grad_fn is None]
with torch.no_grad():
    flags.append((x ** 2).requires_grad)
lin = same(nn.Linear(5, 3))
data = same(torch.randn(2, 5))
data2 = same(torch.randn(2, 2))
relu = F.relu(data2)
data3 = same(torch.randn(5))
probs = F.softmax(data3, dim=0)
assert cat_error == "RuntimeError" and flags == [False, False, True, True, True, False]
assert abs(probs.sum().item() - 1) < 1e-12
result = {"parts": parts, "z_1": z_1, "z_2": z_2, "viewed": [tuple(v) for v in viewed], "x_grad": s.grad_fn is not None,
          "lin": lin(data), "relu": relu, "probs": probs, "log_probs": F.log_softmax(data3, dim=0), "M": M, "T": T}
"""


def test_bilstm_crf_as_written():
    check(BILSTM_CRF)


def test_deep_learning_building_blocks():
    check(BUILDING_BLOCKS)
