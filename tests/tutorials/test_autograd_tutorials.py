"""'A Gentle Introduction to torch.autograd', 'Automatic Differentiation with torch.autograd'
(Learn the Basics), 'Autograd mechanics' and the torch.autograd.functional API."""
from __future__ import annotations

from tests.tutorials.harness import check

GENTLE = """
import torch
from torch import nn, optim

a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
assert (9*a**2 == a.grad).all() and (-2*b == b.grad).all()

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)
a2 = x + y
b2 = x + z
flags = (a2.requires_grad, b2.requires_grad)
assert flags == (False, True)

class TinyResNet(nn.Module):      # stands in for torchvision's resnet18
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(4, 1000)

    def forward(self, x):
        x = self.avgpool(torch.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(x, 1))

model = same(TinyResNet())
data = same(torch.rand(1, 3, 8, 8))
labels = same(torch.rand(1, 1000))
prediction = model(data)
loss = (prediction - labels).sum()
loss.backward()
optim_ = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
optim_.step()

for param in model.parameters():
    param.requires_grad = False
model.fc = nn.Linear(4, 10)
same(model.fc)
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
out = model(data)
out.sum().backward()
frozen = [p.grad is None for p in model.conv1.parameters()]
assert model.conv1.weight.grad is not None     # from the first backward, kept
trainable = [n for n, p in model.named_parameters() if p.requires_grad]
assert trainable == ["fc.weight", "fc.bias"]
optimizer.step()
result = {"a_grad": a.grad, "b_grad": b.grad, "flags": list(flags), "conv_w": model.conv1.weight,
          "fc_grad": model.fc.weight.grad, "out": out, "trainable": trainable}
"""

LEARN_BASICS_AUTOGRAD = """
import torch

x = torch.ones(5)
y = torch.zeros(3)
w = same(torch.randn(5, 3, requires_grad=True))
b = same(torch.randn(3, requires_grad=True))
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
names = (str(z.grad_fn).split()[0], f"{loss.grad_fn}".split()[0])
loss.backward()
grads = (w.grad.clone(), b.grad.clone())
z = torch.matmul(x, w)+b
assert z.requires_grad
with torch.no_grad():
    z = torch.matmul(x, w)+b
assert not z.requires_grad
z = torch.matmul(x, w)+b
z_det = z.detach()
assert not z_det.requires_grad

inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
first = inp.grad.clone()
out.backward(torch.ones_like(out), retain_graph=True)
second = inp.grad.clone()
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
call_after_zero = inp.grad.clone()
assert torch.equal(second, 2 * first) and torch.equal(call_after_zero, first)
assert first[0, 0].item() == 4.0 and first[0, 1].item() == 2.0
result = {"grads": list(grads), "names": list(names), "first": first, "second": second}
"""

MECHANICS = """
import torch

x = same(torch.randn(5, requires_grad=True))
y = x.pow(2)
assert y.equal(x.grad_fn._saved_self if hasattr(x.grad_fn, "_saved_self") else y)
y = x.exp()
saved = y.grad_fn._saved_result
assert saved.equal(y) and saved is not y

a = torch.randn(2, 3, requires_grad=False)
with torch.no_grad():
    c = a * 2
with torch.enable_grad():
    d = a.clone().requires_grad_() * 2
assert not c.requires_grad and d.requires_grad

@torch.no_grad()
def doubler(t):
    return t * 2
assert not doubler(x).requires_grad
with torch.inference_mode():
    e = x * 2
assert not e.requires_grad and e.is_inference()

model = torch.nn.Linear(3, 2)
same(model)
model.eval()
with torch.no_grad():
    pred = model(torch.ones(1, 3))
assert not pred.requires_grad

# gradients of gradients: the penalty of the norm of d out / d x
x2 = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
out = (x2 ** 3).sum()
(g,) = torch.autograd.grad(out, x2, create_graph=True)
penalty = g.pow(2).sum()
penalty.backward()
assert torch.allclose(x2.grad, 4 * 9 * x2 ** 3)    # d/dx sum (3x^2)^2 = 36 x^3

# in-place correctness check
v = torch.tensor([1.0, 2.0], requires_grad=True)
s = v.sigmoid()
s.mul_(2)
try:
    s.sum().backward()
    inplace_error = None
except RuntimeError as err:
    inplace_error = "modified by an inplace operation" in str(err) or "in place" in str(err)
assert inplace_error is not None
result = {"x2_grad": x2.grad, "pred": pred, "g": g, "raised": inplace_error is not None}
"""

FUNCTIONAL = """
import torch
from torch.autograd.functional import jacobian, hessian, vjp, jvp, hvp, vhp

def exp_reducer(x):
    return x.exp().sum(dim=1)

inputs = same(torch.rand(2, 2))
J = jacobian(exp_reducer, inputs)
assert J.shape == (2, 2, 2)
Jc = jacobian(exp_reducer, inputs, create_graph=True)
assert Jc.requires_grad

def exp_adder(x, y):
    return 2 * x.exp() + 3 * y

xs = (torch.rand(2), torch.rand(2))
same(xs[0]); same(xs[1])
J2 = jacobian(exp_adder, xs)
assert torch.allclose(J2[1], 3 * torch.eye(2))

def pow_reducer(x):
    return x.pow(3).sum()

H = hessian(pow_reducer, inputs)
assert torch.allclose(H.reshape(4, 4), torch.diag(6 * inputs.reshape(-1)))

def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()

H2 = hessian(pow_adder_reducer, (torch.rand(2), torch.rand(2)))
assert torch.equal(H2[1][1], 6 * torch.eye(2)) and torch.equal(H2[0][1], torch.zeros(2, 2))

v = torch.ones(2)
out, vjp_val = vjp(exp_reducer, inputs, v)
out2, jvp_val = jvp(exp_reducer, inputs, torch.ones(2, 2))
out3, hvp_val = hvp(pow_reducer, inputs, torch.ones(2, 2))
out4, vhp_val = vhp(pow_reducer, inputs, torch.ones(2, 2))
assert torch.allclose(vjp_val, inputs.exp()) and torch.allclose(hvp_val, 6 * inputs)
result = {"J": J, "J2": list(J2), "H": H, "H2": [list(r) for r in H2], "vjp": [out, vjp_val],
          "jvp": [out2, jvp_val], "hvp": [out3, hvp_val], "vhp": vhp_val}
"""


def test_gentle_introduction_and_freezing():
    check(GENTLE)


def test_learn_the_basics_autograd():
    check(LEARN_BASICS_AUTOGRAD)


def test_autograd_mechanics_modes_and_double_backward():
    check(MECHANICS)


def test_autograd_functional_api():
    check(FUNCTIONAL)
