"""REINFORCE with a Categorical policy (the reinforce.py example) and a VAE (the vae example:
reparameterisation, binary cross-entropy and the KL term). (The DCGAN tutorial's training step
is tests/test_pytorch_programs_vision_rl.py's dcgan_weights_init and dcgan_training_step.)"""
from __future__ import annotations

from tests.tutorials.harness import check

REINFORCE = """
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical

class Corridor:
    \"\"\"Walk right (action 1) to reach the goal at position 4 within 8 steps.\"\"\"
    def reset(self):
        self.pos, self.t = 0, 0
        return np.eye(5)[self.pos], {}

    def step(self, action):
        self.pos = min(4, max(0, self.pos + (1 if action == 1 else -1)))
        self.t += 1
        done = self.pos == 4
        return np.eye(5)[self.pos], (1.0 if done else -0.1), done, self.t >= 8, {}

class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(5, 16)
        self.dropout = nn.Dropout(p=0.6)
        self.affine2 = nn.Linear(16, 2)
        self.saved_log_probs = []
        self.rewards = []

    def forward(self, x):
        x = self.affine1(x)
        x = self.dropout(x)
        x = F.relu(x)
        action_scores = self.affine2(x)
        return F.softmax(action_scores, dim=1)

policy = same(Policy())
optimizer = optim.Adam(policy.parameters(), lr=3e-2)
eps = np.finfo(np.float32).eps.item()
gamma = 0.99

policy.eval()
probe = policy(torch.from_numpy(np.eye(5)).float())
policy.train()

def select_action(state):
    state = torch.from_numpy(state).float().unsqueeze(0)
    probs = policy(state)
    m = Categorical(probs)
    action = m.sample()
    policy.saved_log_probs.append(m.log_prob(action))
    return action.item()

def finish_episode():
    R = 0
    policy_loss = []
    returns = []
    for r in policy.rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    for log_prob, R in zip(policy.saved_log_probs, returns):
        policy_loss.append(-log_prob * R)
    optimizer.zero_grad()
    policy_loss = torch.cat(policy_loss).sum()
    policy_loss.backward()
    optimizer.step()
    del policy.rewards[:]
    del policy.saved_log_probs[:]

torch.manual_seed(1)
env = Corridor()
running_reward = -1
lengths = []
for i_episode in range(60):
    state, _ = env.reset()
    ep_reward = 0
    for t in range(1, 10):
        action = select_action(state)
        state, reward, done, truncated, _ = env.step(action)
        policy.rewards.append(reward)
        ep_reward += reward
        if done or truncated:
            break
    running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
    lengths.append(t)
    finish_episode()
assert np.mean(lengths[-10:]) < 6, lengths
m = Categorical(torch.tensor([[0.25, 0.75]]))
lp = m.log_prob(torch.tensor([1]))
assert abs(lp.item() - np.log(0.75)) < 1e-6 and lp.shape == (1,)
ent = m.entropy()
result = {"probe": probe, "log_prob": lp, "entropy": ent, "probs": m.probs}
"""

VAE = """
import torch
import torch.utils.data
from torch import nn, optim
from torch.nn import functional as F
import numpy as np

class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc21 = nn.Linear(32, 4)
        self.fc22 = nn.Linear(32, 4)
        self.fc3 = nn.Linear(4, 32)
        self.fc4 = nn.Linear(32, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5*logvar)
        eps = torch.randn_like(std)
        return mu + eps*std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar

def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD

from sklearn.datasets import load_digits
images = torch.tensor(load_digits().data[:256] / 16.0).view(-1, 1, 8, 8)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images), batch_size=64, shuffle=True)
model = same(VAE())
optimizer = optim.Adam(model.parameters(), lr=1e-2)

model.eval()
with torch.no_grad():
    mu, logvar = model.encode(images[:5].view(-1, 64))
    recon = model.decode(mu)
    fixed = loss_function(recon, images[:5], mu, logvar)
    sample = model.decode(torch.zeros(3, 4))

epoch_losses = []
model.train()
for epoch in range(8):
    train_loss = 0
    for batch_idx, (data,) in enumerate(loader):
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
    epoch_losses.append(train_loss / len(loader.dataset))
assert epoch_losses[-1] < 0.8 * epoch_losses[0], epoch_losses
assert sample.shape == (3, 64) and ((sample > 0) & (sample < 1)).all()
result = {"fixed": fixed, "mu": mu if False else recon, "sample": sample}
"""

def test_reinforce_with_categorical_policy():
    check(REINFORCE, rtol=1e-5, atol=1e-6, dtype="float32")  # the example writes .float()


def test_vae_reparameterisation_bce_kl():
    check(VAE)


def test_nn_init_fills_the_array_behind_data_in_place():
    """Regression: DCGAN's `nn.init.normal_(m.weight.data, 0.0, 0.02)` raised TypeError ('expected
    a Tensor, got ndarray'), `.data` being the numpy array here. Now every initialiser fills the
    array in place and returns it; as in PyTorch, a change through `.data` bumps no version."""
    import warnings

    import numpy as np

    import tinygrad_edu as tg

    tg.manual_seed(0)
    conv = tg.nn.Conv2d(4, 64, 3)
    version = conv.weight._version
    out = tg.nn.init.normal_(conv.weight.data, 1.0, 0.02)
    assert out is conv.weight.data and conv.weight._version == version
    assert abs(conv.weight.data.mean() - 1.0) < 0.005 and abs(conv.weight.data.std() - 0.02) < 0.002
    assert tg.nn.init.constant_(conv.bias.data, 0).tolist() == [0.0] * 64
    square = tg.nn.Linear(5, 5)
    q = tg.nn.init.orthogonal_(square.weight.data)
    np.testing.assert_allclose(q @ q.T, np.eye(5), atol=1e-12)
    assert (tg.nn.init.eye_(square.weight.data) == np.eye(5)).all()
    tg.nn.init.dirac_(conv.weight.data[:4])
    assert conv.weight.data[1, 1, 1, 1] == 1 and conv.weight.data[1, 0].sum() == 0
    bound = 1 / np.sqrt(4 * 9)  # kaiming_uniform_ with a=sqrt(5): gain*sqrt(3/fan_in) = 1/sqrt(fan_in)
    tg.nn.init.kaiming_uniform_(conv.weight.data, a=np.sqrt(5))
    assert np.abs(conv.weight.data).max() <= bound
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        tg.nn.init.normal(square.weight.data)  # the deprecated spelling too
    for fill in (tg.nn.init.xavier_uniform_, tg.nn.init.xavier_normal_, tg.nn.init.kaiming_normal_,
                 tg.nn.init.trunc_normal_, tg.nn.init.uniform_, tg.nn.init.zeros_, tg.nn.init.ones_):
        assert fill(square.weight.data) is square.weight.data
    try:
        tg.nn.init.normal_([1.0, 2.0])
    except TypeError as err:
        assert "expected a Tensor, got list" in str(err)
    else:
        raise AssertionError("a list is not a tensor")
