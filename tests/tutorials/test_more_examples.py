"""More programs from PyTorch's examples and tutorials: the word_language_model example (tied
embedding/decoder weights, batchify, get_batch, repackage_hidden, clipping, by-hand SGD), the
torch.func tutorials (jacrev, jacfwd, hessian, vmap, per-sample gradients with functional_call),
the module and tensor hooks tutorial, and the DQN tutorial's optimisation step (replay memory of
namedtuples, gather, a boolean mask assignment, SmoothL1Loss, a soft target-network update)."""
from __future__ import annotations

from tests.tutorials.harness import check

WORD_LANGUAGE_MODEL = """
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ['LSTM', 'GRU']:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {'RNN_TANH': 'tanh', 'RNN_RELU': 'relu'}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers
    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)
    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden
    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        else:
            return weight.new_zeros(self.nlayers, bsz, self.nhid)
def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    data = data.view(bsz, -1).t().contiguous()
    return data
def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)
bptt = 5
def get_batch(source, i):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i+seq_len]
    target = source[i+1:i+1+seq_len].view(-1)
    return data, target
ids = torch.tensor([i % 7 for i in range(200)], dtype=torch.int64)
train_data = batchify(ids, 4)
res = {}
for kind in ['LSTM', 'GRU', 'RNN_TANH']:
    model = same(RNNModel(kind, 7, 8, 8, 2, dropout=0.0, tie_weights=True))
    assert model.decoder.weight is model.encoder.weight
    criterion = nn.NLLLoss()
    lr = 5.0
    model.train()
    hidden = model.init_hidden(4)
    losses = []
    for batch, i in enumerate(list(range(0, train_data.size(0) - 1, bptt)) * 4):
        data, targets = get_batch(train_data, i)
        model.zero_grad()
        hidden = repackage_hidden(hidden)
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-lr)
        losses.append(loss.item())
    assert math.isfinite(losses[-1])
    res[kind] = [losses[::3], math.exp(losses[-1]), len(list(model.parameters()))]
assert res['RNN_TANH'][0][-1] < 0.1 and res['GRU'][0][-1] < 0.5 * res['GRU'][0][0]
result = res"""

TORCH_FUNC = """
import torch
from torch.func import jacrev, jacfwd, vmap, grad, functional_call, hessian, vjp, jvp
def f(x):
    return x.sin() * x.sum()
x = same(torch.randn(3))
J1 = jacrev(f)(x)
J2 = jacfwd(f)(x)
H = hessian(lambda t: t.pow(3).sum())(x)
batch = same(torch.randn(4, 3))
per = vmap(jacrev(f))(batch)
g = grad(lambda t: (t ** 2).sum())(x)
model = same(torch.nn.Linear(3, 2))
params = {k: v.detach() for k, v in model.named_parameters()}
def loss_fn(params, x, y):
    out = functional_call(model, params, (x,))
    return torch.nn.functional.mse_loss(out, y)
ys = same(torch.randn(4, 2))
ps = vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, batch.unsqueeze(1), ys.unsqueeze(1))
out, fn = vjp(f, x)
(vj,) = fn(torch.ones(3))
o2, jv = jvp(f, (x,), (torch.ones(3),))
assert torch.allclose(J1, J2) and torch.allclose(H, torch.diag(6 * x))
assert torch.allclose(g, 2 * x) and per.shape == (4, 3, 3) and ps["weight"].shape == (4, 2, 3)
result = {"J1": J1, "J2": J2, "H": H, "per": per, "g": g, "ps": ps, "vj": vj, "jv": jv}"""

HOOKS = """
import torch
import torch.nn as nn
model = same(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)))
acts = {}
def get_activation(name):
    def hook(model, input, output):
        acts[name] = output.detach()
    return hook
h1 = model[1].register_forward_hook(get_activation('relu'))
grads = []
h2 = model[2].register_full_backward_hook(lambda m, gin, gout: grads.append((gin[0].clone(), gout[0].clone())))
pre = model[0].register_forward_pre_hook(lambda m, inp: (inp[0] * 2,))
x = same(torch.randn(5, 3, requires_grad=True))
out = model(x)
out.sum().backward()
h1.remove(); h2.remove(); pre.remove()
out2 = model(x)
t_hook = []
y = x * 3
y.register_hook(lambda g: t_hook.append(g.clone()))
y.sum().backward()
assert torch.equal(t_hook[0], torch.ones(5, 3)) and (acts["relu"] >= 0).all()
result = {"relu": acts['relu'], "gin": grads[0][0], "gout": grads[0][1], "out": out, "out2": out2,
          "t_hook": t_hook[0], "xg": x.grad}"""

DQN_STEP = """
import math, random
from collections import namedtuple, deque
import torch
import torch.nn as nn
import torch.optim as optim
import torch.nn.functional as F
Transition = namedtuple('Transition', ('state', 'action', 'next_state', 'reward'))
class ReplayMemory(object):
    def __init__(self, capacity):
        self.memory = deque([], maxlen=capacity)
    def push(self, *args):
        self.memory.append(Transition(*args))
    def sample(self, batch_size):
        return random.sample(self.memory, batch_size)
    def __len__(self):
        return len(self.memory)
class DQN(nn.Module):
    def __init__(self, n_observations, n_actions):
        super(DQN, self).__init__()
        self.layer1 = nn.Linear(n_observations, 16)
        self.layer2 = nn.Linear(16, 16)
        self.layer3 = nn.Linear(16, n_actions)
    def forward(self, x):
        x = F.relu(self.layer1(x))
        x = F.relu(self.layer2(x))
        return self.layer3(x)
device = torch.device("cpu")
policy_net = same(DQN(4, 2).to(device))
target_net = DQN(4, 2).to(device)
target_net.load_state_dict(policy_net.state_dict())
optimizer = optim.AdamW(policy_net.parameters(), lr=1e-3, amsgrad=True)
memory = ReplayMemory(100)
random.seed(0)
for i in range(40):
    state = torch.tensor([[math.sin(i), math.cos(i), i / 40, 1.0]], dtype=torch.float64, device=device)
    with torch.no_grad():
        action = policy_net(state).max(1).indices.view(1, 1)
    nxt = None if i % 7 == 6 else state + 0.1
    memory.push(state, action, nxt, torch.tensor([1.0 if i % 2 else 0.0], device=device))
BATCH_SIZE, GAMMA, TAU = 8, 0.99, 0.005
losses = []
for step in range(10):
    transitions = memory.sample(BATCH_SIZE)
    batch = Transition(*zip(*transitions))
    non_final_mask = torch.tensor(tuple(map(lambda s: s is not None,
                                            batch.next_state)), device=device, dtype=torch.bool)
    non_final_next_states = torch.cat([s for s in batch.next_state if s is not None])
    state_batch = torch.cat(batch.state)
    action_batch = torch.cat(batch.action)
    reward_batch = torch.cat(batch.reward)
    state_action_values = policy_net(state_batch).gather(1, action_batch)
    next_state_values = torch.zeros(BATCH_SIZE, device=device)
    with torch.no_grad():
        next_state_values[non_final_mask] = target_net(non_final_next_states).max(1).values
    expected_state_action_values = (next_state_values * GAMMA) + reward_batch
    criterion = nn.SmoothL1Loss()
    loss = criterion(state_action_values, expected_state_action_values.unsqueeze(1))
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100)
    optimizer.step()
    target_net_state_dict = target_net.state_dict()
    policy_net_state_dict = policy_net.state_dict()
    for key in policy_net_state_dict:
        target_net_state_dict[key] = policy_net_state_dict[key]*TAU + target_net_state_dict[key]*(1-TAU)
    target_net.load_state_dict(target_net_state_dict)
    losses.append(loss.item())
assert len(memory) == 40 and len(losses) == 10
result = {"n": len(memory), "w": target_net.layer3.weight}
"""


def test_word_language_model_tied_weights_and_truncated_bptt():
    check(WORD_LANGUAGE_MODEL)


def test_torch_func_transforms():
    check(TORCH_FUNC)


def test_module_and_tensor_hooks():
    check(HOOKS)


def test_dqn_optimisation_step_and_soft_update():
    check(DQN_STEP)
