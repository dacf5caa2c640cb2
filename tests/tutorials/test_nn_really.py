"""'What is torch.nn really?' (Jeremy Howard): logistic regression on small digit images,
refactored step by step -- nn.functional, nn.Module, nn.Linear, optim, Dataset/TensorDataset,
DataLoader, a validation loop, a CNN with F.conv2d and avg_pool, nn.Sequential with a Lambda
layer, a wrapped DataLoader and nn.AdaptiveAvgPool2d. The 8x8 digits of scikit-learn stand in
for MNIST's 28x28."""
from __future__ import annotations

from tests.tutorials.harness import check

DATA = """
import math
import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
x_np = (digits.data[:400] / 16.0)
y_np = digits.target[:400]
"""

FROM_SCRATCH = DATA + """
import torch

x_train, y_train, x_valid, y_valid = map(torch.tensor, (x_np[:300], y_np[:300], x_np[300:], y_np[300:]))
n, c = x_train.shape
assert (n, c) == (300, 64) and y_train.min() == 0 and y_train.max() == 9

weights = same(torch.randn(64, 10) / math.sqrt(64))
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)

def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)

def model(xb):
    return log_softmax(xb @ weights + bias)

bs = 64
xb = x_train[0:bs]
preds = model(xb)
assert preds.shape == (bs, 10)

def nll(input, target):
    return -input[range(target.shape[0]), target].mean()

loss_func = nll
yb = y_train[0:bs]
first = loss_func(preds, yb).item()

def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()

lr = 0.5
epochs = 8
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()

last = loss_func(model(x_valid), y_valid).item()
acc = accuracy(model(x_valid), y_valid)
assert last < 0.5 * first and acc.item() > 0.8, (first, last, acc)

loss_func = torch.nn.functional.cross_entropy
def model2(xb):
    return xb @ weights + bias
ce = loss_func(model2(x_valid), y_valid)
assert abs(ce.item() - last) < 1e-9   # cross_entropy = nll of log_softmax
result = {"first": first, "last": last, "acc": acc, "weights": weights, "ce": ce, "acc_dtype": str(acc.dtype)[-7:]}
"""

REFACTOR = DATA + """
import torch
import torch.nn.functional as F
from torch import nn
from torch import optim
from torch.utils.data import TensorDataset, DataLoader

x_train, y_train, x_valid, y_valid = map(torch.tensor, (x_np[:300], y_np[:300], x_np[300:], y_np[300:]))
bs, lr, epochs = 64, 0.5, 8
loss_func = F.cross_entropy

class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(64, 10)

    def forward(self, xb):
        return self.lin(xb)

def get_model():
    model = same(Mnist_Logistic())
    return model, optim.SGD(model.parameters(), lr=lr)

def get_data(train_ds, valid_ds, bs):
    return (
        DataLoader(train_ds, batch_size=bs, shuffle=False),
        DataLoader(valid_ds, batch_size=bs * 2),
    )

def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)

history = []
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
        history.append(val_loss)

train_ds = TensorDataset(x_train, y_train)
valid_ds = TensorDataset(x_valid, y_valid)
assert len(train_ds) == 300 and train_ds[0:3][0].shape == (3, 64)
train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
assert len(train_dl) == 5 and len(valid_dl) == 1
model, opt = get_model()
fit(epochs, model, loss_func, opt, train_dl, valid_dl)
assert history[-1] < 0.8 and history[-1] < history[0], history
result = {"history": [float(v) for v in history], "weight": model.lin.weight, "bias": model.lin.bias}
"""

CNN = DATA + """
import torch
import torch.nn.functional as F
from torch import nn
from torch import optim
from torch.utils.data import TensorDataset, DataLoader

x_train, y_train = map(torch.tensor, (x_np[:256], y_np[:256]))
lr = 0.1

class Mnist_CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 8, kernel_size=3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(8, 10, kernel_size=3, stride=2, padding=1)

    def forward(self, xb):
        xb = xb.view(-1, 1, 8, 8)
        xb = F.relu(self.conv1(xb))
        xb = F.relu(self.conv2(xb))
        xb = F.relu(self.conv3(xb))
        xb = F.avg_pool2d(xb, 1)
        return xb.view(-1, xb.size(1))

class Lambda(nn.Module):
    def __init__(self, func):
        super().__init__()
        self.func = func

    def forward(self, x):
        return self.func(x)

def preprocess(x, y):
    return x.view(-1, 1, 8, 8), y

class WrappedDataLoader:
    def __init__(self, dl, func):
        self.dl = dl
        self.func = func

    def __len__(self):
        return len(self.dl)

    def __iter__(self):
        for b in self.dl:
            yield (self.func(*b))

train_dl = WrappedDataLoader(DataLoader(TensorDataset(x_train, y_train), batch_size=32), preprocess)
cnn = same(Mnist_CNN())
seq = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(8, 8, kernel_size=3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(8, 10, kernel_size=3, stride=2, padding=1), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    Lambda(lambda x: x.view(x.size(0), -1)),
)
same(seq)
losses = {}
for name, model in (("cnn", cnn), ("seq", seq)):
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses[name] = []
    for epoch in range(4):
        for xb, yb in train_dl:
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        losses[name].append(loss.item())
    assert losses[name][-1] < losses[name][0] or losses[name][-1] < 1.5, losses[name]
out = seq(x_train[:4].view(-1, 1, 8, 8))
assert out.shape == (4, 10)
result = {"losses": losses, "out": out, "conv1_grad_none": seq[0].weight.grad is None}
"""


def test_logistic_regression_from_scratch():
    check(FROM_SCRATCH)


def test_refactored_with_module_optim_dataloader_and_fit():
    check(REFACTOR)


def test_cnn_sequential_lambda_and_wrapped_dataloader():
    check(CNN)
