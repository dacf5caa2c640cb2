"""Programs in the style of PyTorch's "advanced" documentation and tutorials (pytorch.org, PyTorch 2.x):

- "Extending PyTorch" (docs notes: extending torch.autograd and torch.nn -- LinearFunction, MulConstant,
  the PyTorch 2 `setup_context` style, mark_non_differentiable, set_materialize_grads, once_differentiable,
  a custom Linear Module with extra_repr);
- "Double Backward with Custom Functions" (Square, Exp, Sinh, Cube; gradcheck / gradgradcheck);
- "Autograd mechanics" and "Hooks for autograd saved tensors"; "Forward-mode Automatic Differentiation";
  torch.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp); the WGAN-GP gradient penalty
  (Gulrajani et al., Improved Training of Wasserstein GANs, 2017) as PyTorch code writes it;
- torch.func tutorials: "Per-sample-gradients", "Model ensembling", "Jacobians, Hessians, hvp, vhp, and more";
- recipes: "Saving and loading a general checkpoint", "Saving and loading multiple models in one file",
  "Warmstarting model using parameters from a different model", "Zeroing out gradients",
  the torch.optim docs ("How to adjust learning rate", per-parameter options, SWA);
- "Pruning Tutorial" (Michela Paganini, 2019); "Parametrizations Tutorial" (Mario Lezcano, 2021);
- "Tensor Views" and "Reproducibility" docs notes.
"""
from __future__ import annotations

import copy
import importlib
import io

import numpy as np

from tests.test_pytorch_programs import Programs, init_from_numpy

programs = Programs()


def submodule(torch, dotted: str):
    """What `import torch.<dotted> as m` / `from torch.<dotted> import name` gives, for whichever library
    the program runs with (an import statement inside a program would always reach the real torch)."""
    return importlib.import_module(f"{torch.__name__}.{dotted}")


# ---- 1. Extending torch.autograd / torch.nn: LinearFunction, MulConstant, a custom Linear -----------
@programs.add
def extending_linear_function(torch, nn, F, optim):
    Function, gradcheck = torch.autograd.Function, torch.autograd.gradcheck  # from torch.autograd import ...

    class LinearFunction(Function):
        # Note that forward, setup_context, and backward are @staticmethods
        @staticmethod
        def forward(ctx, input, weight, bias=None):
            ctx.save_for_backward(input, weight, bias)
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    linear = LinearFunction.apply

    class MulConstant(Function):
        @staticmethod
        def forward(ctx, tensor, constant):
            # ctx is a context object that can be used to stash information for backward computation
            ctx.constant = constant
            return tensor * constant

        @staticmethod
        def backward(ctx, grad_output):
            # We return as many input gradients as there were arguments.
            # Gradients of non-Tensor arguments to forward must be None.
            return grad_output * ctx.constant, None

    rng = np.random.default_rng(0)
    input = (torch.tensor(rng.standard_normal((6, 5)), dtype=torch.double, requires_grad=True),
             torch.tensor(rng.standard_normal((4, 5)), dtype=torch.double, requires_grad=True))
    test = gradcheck(linear, input, eps=1e-6, atol=1e-4)
    input3 = input + (torch.tensor(rng.standard_normal(4), dtype=torch.double, requires_grad=True),)
    test3 = gradcheck(linear, input3, eps=1e-6, atol=1e-4)
    test_mul = gradcheck(lambda t: MulConstant.apply(t, 2.5), (input[0],))
    assert test and test3 and test_mul

    class Linear(nn.Module):
        def __init__(self, input_features, output_features, bias=True):
            super().__init__()
            self.input_features = input_features
            self.output_features = output_features
            # nn.Parameter is a special kind of Tensor, that will get
            # automatically registered as Module's parameter once it's assigned
            # as an attribute.
            self.weight = nn.Parameter(torch.empty(output_features, input_features))
            if bias:
                self.bias = nn.Parameter(torch.empty(output_features))
            else:
                # You should always register all possible parameters, but the
                # optional ones can be None if you want.
                self.register_parameter('bias', None)
            # Not a very smart way to initialize weights
            nn.init.uniform_(self.weight, -0.1, 0.1)
            if self.bias is not None:
                nn.init.uniform_(self.bias, -0.1, 0.1)

        def forward(self, input):
            # See the autograd section for explanation of what happens here.
            return LinearFunction.apply(input, self.weight, self.bias)

        def extra_repr(self):
            # (Optional)Set the extra information about this module. You can test
            # it by printing an object of this class.
            return 'input_features={}, output_features={}, bias={}'.format(
                self.input_features, self.output_features, self.bias is not None)

    model = nn.Sequential(Linear(5, 4), nn.Tanh(), Linear(4, 1, bias=False))
    init_from_numpy(torch, model, seed=1, scale=0.5)
    x = torch.from_numpy(rng.standard_normal((16, 5)))
    y = torch.from_numpy(rng.standard_normal((16, 1)))
    optimizer = optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = F.mse_loss(MulConstant.apply(model(x), 2.0), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    names = [name for name, _ in model.named_parameters()]
    return {"gradcheck": [test, test3, test_mul], "losses": losses, "printed": str(model),
            "names": names, "no_bias": model[2].bias is None, "w_grad": model[0].weight.grad,
            "out_grad_fn": type(linear(*input3)).__name__}


# ---- 2. More of "Extending torch.autograd": the PyTorch 2 setup_context style, mark_non_differentiable,
#         set_materialize_grads, once_differentiable -------------------------------------------------
@programs.add
def function_ctx_features(torch, nn, F, optim):
    Function = torch.autograd.Function  # from torch.autograd import Function
    once_differentiable = submodule(torch, "autograd.function").once_differentiable

    class LinearFunction(Function):
        @staticmethod
        # ctx is not the first argument to forward any more
        def forward(input, weight, bias=None):
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        # inputs is a Tuple of all of the inputs passed to forward.
        # output is the output of the forward().
        def setup_context(ctx, inputs, output):
            input, weight, bias = inputs
            ctx.save_for_backward(input, weight, bias)

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    rng = np.random.default_rng(2)
    input = (torch.tensor(rng.standard_normal((5, 3)), dtype=torch.double, requires_grad=True),
             torch.tensor(rng.standard_normal((2, 3)), dtype=torch.double, requires_grad=True),
             torch.tensor(rng.standard_normal(2), dtype=torch.double, requires_grad=True))
    linear_check = torch.autograd.gradcheck(LinearFunction.apply, input, eps=1e-6, atol=1e-4)
    out = LinearFunction.apply(*input)
    out.pow(2).sum().backward()

    class Func(Function):
        @staticmethod
        def forward(ctx, x):
            sorted, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(x, idx)
            return sorted, idx

        @staticmethod
        def backward(ctx, g1, g2):  # still need to accept g2
            x, idx = ctx.saved_tensors
            grad_input = torch.zeros_like(x)
            grad_input.index_add_(0, idx, g1)
            return grad_input

    x = torch.tensor([3.0, -1.0, 2.0, 0.5], requires_grad=True)
    s, idx = Func.apply(x)
    (s * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    sort_check = torch.autograd.gradcheck(lambda t: Func.apply(t)[0], (x.detach().clone().requires_grad_(),))

    class ScaledAndMask(Function):  # a float output marked non-differentiable
        @staticmethod
        def forward(ctx, x):
            mask = (x > 0).to(x.dtype)
            ctx.mark_non_differentiable(mask)
            return x * 2, mask

        @staticmethod
        def backward(ctx, g, g_mask):
            return g * 2

    scaled, mask = ScaledAndMask.apply(x)

    class SimpleFunc(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            ctx.save_for_backward(x)
            return x.clone(), x.clone()

        @staticmethod
        def backward(ctx, g1, g2):
            x, = ctx.saved_tensors
            grad_input = torch.zeros_like(x)
            seen.append((g1 is None, g2 is None))
            if g1 is not None:  # We must check for None now
                grad_input += g1
            if g2 is not None:
                grad_input += g2
            return grad_input

    seen = []
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b, _ = SimpleFunc.apply(a)
    b.sum().backward()

    class Clip(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(-1.0, 1.0)

        @staticmethod
        @once_differentiable
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * (x.abs() <= 1.0).to(grad_output.dtype)

    c = torch.tensor([-2.0, -0.5, 0.25, 3.0], requires_grad=True)
    clipped = Clip.apply(c)
    clipped.sum().backward()
    z = torch.tensor([0.5, -0.5], requires_grad=True)
    (g,) = torch.autograd.grad(Clip.apply(z).pow(2).sum(), z, create_graph=True)
    try:
        g.sum().backward()  # a once_differentiable backward cannot be differentiated again
        error = None
    except RuntimeError:
        error = "RuntimeError"
    assert linear_check and sort_check and seen == [(False, True)] and error == "RuntimeError"
    return {"linear_check": linear_check, "out": out, "grads": [t.grad for t in input], "sorted": s, "idx": idx,
            "idx_requires_grad": idx.requires_grad, "x_grad": x.grad, "sort_check": sort_check,
            "mask_requires_grad": mask.requires_grad, "mask_grad_fn": mask.grad_fn is None,
            "scaled_requires_grad": scaled.requires_grad, "seen_none": seen, "a_grad": a.grad,
            "clipped": clipped, "c_grad": c.grad, "g": g.detach(), "error": error}


# ---- 3. Double Backward with Custom Functions -----------------------------------------------------
@programs.add
def double_backward_custom_functions(torch, nn, F, optim):
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            # Because we are saving one of the inputs use `save_for_backward`
            # Save non-tensors and non-inputs/non-outputs directly on ctx
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        def backward(ctx, grad_out):
            # A function support double backward automatically if autograd
            # is able to record the computations performed in backward
            x, = ctx.saved_tensors
            return grad_out * 2 * x

    rng = np.random.default_rng(3)
    # Use double precision because finite differencing method magnifies errors
    x = torch.tensor(rng.uniform(0, 1, (3, 3)), requires_grad=True, dtype=torch.double)
    checks = [torch.autograd.gradcheck(Square.apply, x), torch.autograd.gradgradcheck(Square.apply, x)]

    class Exp(torch.autograd.Function):
        # Simple case where everything goes well
        @staticmethod
        def forward(ctx, x):
            # This time we save the output
            result = torch.exp(x)
            # Note that we should use `save_for_backward` here when
            # the tensor saved is an ouptut (or an input).
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_out):
            result, = ctx.saved_tensors
            return result * grad_out

    x = torch.tensor([1., 2.], requires_grad=True, dtype=torch.double).clone()
    # Validate our gradients using gradcheck
    checks += [torch.autograd.gradcheck(Exp.apply, x), torch.autograd.gradgradcheck(Exp.apply, x)]

    class Sinh(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            expx = torch.exp(x)
            expnegx = torch.exp(-x)
            ctx.save_for_backward(expx, expnegx)
            # In order to be able to save the intermediate results, a trick is to
            # include them as our outputs, so that the backward graph is constructed
            return (expx - expnegx) / 2, expx, expnegx

        @staticmethod
        def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
            expx, expnegx = ctx.saved_tensors
            grad_input = grad_out * (expx + expnegx) / 2
            # We cannot skip accumulating these even though we won't use the outputs
            # directly. They will be used later in the second backward.
            grad_input += _grad_out_exp * expx
            grad_input -= _grad_out_negexp * expnegx
            return grad_input

    def sinh(x):
        # Create a wrapper that only returns the first output
        return Sinh.apply(x)[0]

    x = torch.tensor(rng.uniform(0, 1, (2, 2)), requires_grad=True, dtype=torch.double)
    checks += [torch.autograd.gradcheck(sinh, x), torch.autograd.gradgradcheck(sinh, x)]

    def cube_forward(x):
        return x**3

    def cube_backward(grad_out, x):
        return grad_out * 3 * x**2

    def cube_backward_backward(grad_out, sav_grad_out, x):
        return grad_out * sav_grad_out * 6 * x

    def cube_backward_backward_grad_out(grad_out, x):
        return grad_out * 3 * x**2

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return cube_forward(x)

        @staticmethod
        def backward(ctx, grad_out):
            x, = ctx.saved_tensors
            return CubeBackward.apply(grad_out, x)

    class CubeBackward(torch.autograd.Function):
        @staticmethod
        def forward(ctx, grad_out, x):
            ctx.save_for_backward(x, grad_out)
            return cube_backward(grad_out, x)

        @staticmethod
        def backward(ctx, grad_out):
            x, sav_grad_out = ctx.saved_tensors
            dx = cube_backward_backward(grad_out, sav_grad_out, x)
            dgrad_out = cube_backward_backward_grad_out(grad_out, x)
            return dgrad_out, dx

    x = torch.tensor(2., requires_grad=True, dtype=torch.double)
    checks += [torch.autograd.gradcheck(Cube.apply, x), torch.autograd.gradgradcheck(Cube.apply, x)]

    # second derivative of sinh by hand, as the tutorial's graph shows
    x = torch.tensor([0.3, -0.7], requires_grad=True, dtype=torch.double)
    (g,) = torch.autograd.grad(sinh(x).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    assert all(checks)
    return {"checks": checks, "g": g.detach(), "gg": gg, "g_has_grad_fn": g.grad_fn is not None}


# ---- 4. torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp -----------------------------
@programs.add
def autograd_functional_api(torch, nn, F, optim):
    functional = submodule(torch, "autograd.functional")  # from torch.autograd.functional import ...
    hessian, hvp, jacobian, jvp, vhp, vjp = (functional.hessian, functional.hvp, functional.jacobian,
                                             functional.jvp, functional.vhp, functional.vjp)

    def exp_reducer(x):
        return x.exp().sum(dim=1)

    def exp_adder(x, y):
        return 2 * x.exp() + 3 * y

    def pow_reducer(x):
        return x.pow(3).sum()

    def pow_adder_reducer(x, y):
        return (2 * x.pow(2) + 3 * y.pow(2)).sum()

    rng = np.random.default_rng(4)
    inputs = torch.tensor(rng.uniform(0, 1, (2, 2)))
    j1 = jacobian(exp_reducer, inputs)
    j2 = jacobian(exp_reducer, inputs, create_graph=True)
    j3 = jacobian(exp_reducer, inputs, vectorize=False)
    pair = (torch.tensor(rng.uniform(0, 1, 2)), torch.tensor(rng.uniform(0, 1, 2)))
    j_pair = jacobian(exp_adder, pair)
    h1 = hessian(pow_reducer, inputs)
    h_pair = hessian(pow_adder_reducer, pair)
    v = torch.ones(2)
    out_vjp, vjp_val = vjp(exp_reducer, inputs, v)
    v4 = torch.ones(2, 2)
    out_jvp, jvp_val = jvp(exp_reducer, inputs, v4)
    out_vhp, vhp_val = vhp(pow_reducer, inputs, v4)
    out_hvp, hvp_val = hvp(pow_reducer, inputs, v4)
    out_vhp2, vhp_pair = vhp(pow_adder_reducer, pair, (torch.zeros(2), torch.ones(2)))
    try:
        jacobian(lambda x: torch.ones(2), inputs[0], strict=True)
        strict_error = None
    except RuntimeError:
        strict_error = "RuntimeError"
    independent = jacobian(lambda x: torch.ones(2), inputs[0])
    assert torch.allclose(h1, hessian(pow_reducer, inputs, vectorize=True))
    return {"j1": j1, "j2_requires_grad": j2.requires_grad, "j3": j3, "j_pair": [list(r) for r in j_pair],
            "h1": h1, "h_pair": [list(r) for r in h_pair], "out_vjp": out_vjp, "vjp": vjp_val,
            "out_jvp": out_jvp, "jvp": jvp_val, "vhp": vhp_val, "out_hvp": out_hvp, "hvp": hvp_val,
            "vhp_pair": list(vhp_pair), "strict_error": strict_error, "independent": independent,
            "types": [type(j_pair).__name__, type(j_pair[0]).__name__, type(vhp_pair).__name__]}


# ---- 5. WGAN-GP gradient penalty with torch.autograd.grad; tensor hooks and retain_grad -------------
@programs.add
def gradient_penalty_and_hooks(torch, nn, F, optim):
    autograd = torch.autograd  # from torch import autograd

    LAMBDA = 10
    D = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
    init_from_numpy(torch, D, seed=5, scale=0.5)
    optimizerD = optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.9))
    rng = np.random.default_rng(6)

    def calc_gradient_penalty(netD, real_data, fake_data, alpha):
        interpolates = alpha * real_data + ((1 - alpha) * fake_data)
        interpolates = interpolates.requires_grad_(True)
        disc_interpolates = netD(interpolates)
        gradients = autograd.grad(outputs=disc_interpolates, inputs=interpolates,
                                  grad_outputs=torch.ones(disc_interpolates.size()),
                                  create_graph=True, retain_graph=True, only_inputs=True)[0]
        gradient_penalty = ((gradients.norm(2, dim=1) - 1) ** 2).mean() * LAMBDA
        return gradient_penalty

    real = torch.from_numpy(rng.standard_normal((8, 2)) + 2.0)
    fake = torch.from_numpy(rng.standard_normal((8, 2)))
    history = []
    for _ in range(10):
        alpha = torch.from_numpy(rng.uniform(0, 1, (8, 1)))
        D.zero_grad()
        D_real = D(real).mean()
        D_fake = D(fake).mean()
        gradient_penalty = calc_gradient_penalty(D, real, fake, alpha)
        D_cost = D_fake - D_real + gradient_penalty
        D_cost.backward()
        optimizerD.step()
        history.append((D_cost.item(), gradient_penalty.item()))
    assert history[-1][0] < history[0][0]

    # tensor hooks, retain_grad, allow_unused
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x.register_hook(lambda grad: grad * 2)  # double the gradient
    y = x * x
    y.retain_grad()
    z = y.sum()
    z.backward()
    x_grad_hooked = x.grad.clone()
    h.remove()
    x.grad = None
    (x * x).sum().backward()
    w = torch.tensor([1.0], requires_grad=True)
    grads = torch.autograd.grad((x * 3).sum(), [x, w], allow_unused=True)
    d_interpolates = D(torch.tensor([[0.0, 1.0], [1.0, 0.0]], requires_grad=True))
    return {"history": history, "x_grad_hooked": x_grad_hooked, "x_grad": x.grad, "y_grad": y.grad,
            "y_is_leaf": y.is_leaf, "unused": grads[1] is None, "grad0": grads[0],
            "d_shape": tuple(d_interpolates.shape), "weight": D[0].weight}


# ---- 6. "Autograd mechanics" saved tensors; "Hooks for autograd saved tensors"; forward-mode AD -------
@programs.add
def saved_tensors_and_forward_ad(torch, nn, F, optim):
    rng = np.random.default_rng(7)
    x = torch.from_numpy(rng.standard_normal(5)).requires_grad_()
    y = x.pow(2)
    saved = [x.equal(y.grad_fn._saved_self), x is y.grad_fn._saved_self]  # True, True
    y = x.exp()
    saved += [y.equal(y.grad_fn._saved_result), y is y.grad_fn._saved_result]  # True, False

    log = []

    def pack_hook(x):
        log.append(("pack", tuple(x.shape)))
        return x

    def unpack_hook(x):
        log.append(("unpack", tuple(x.shape)))
        return x

    a = torch.ones(5, requires_grad=True)
    b = torch.ones(5, requires_grad=True) * 2
    with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
        y = a * b
    y.sum().backward()

    # packing to another form: keep a numpy copy, give a tensor back
    def pack_numpy(x):
        return x.detach().numpy().copy()

    def unpack_numpy(arr):
        return torch.from_numpy(arr)

    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(pack_numpy, unpack_numpy):
        out = (x.exp() * x).sum()
    out.backward()

    # Forward-mode Automatic Differentiation
    fwAD = submodule(torch, "autograd.forward_ad")  # import torch.autograd.forward_ad as fwAD
    primal = torch.from_numpy(rng.standard_normal((4, 4)))
    tangent = torch.from_numpy(rng.standard_normal((4, 4)))

    def fn(x, y):
        return x ** 2 + y ** 2

    # All forward AD computation must be performed in the context of
    # a ``dual_level`` context.
    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        # Tensors that do not have an associated tangent are automatically
        # considered to have a zero-filled tangent of the same shape.
        plain_tensor = torch.from_numpy(rng.standard_normal((4, 4)))
        dual_output = fn(dual_input, plain_tensor)
        # Unpacking the dual returns a ``namedtuple`` with ``primal`` and ``tangent``
        # as attributes
        jvp = fwAD.unpack_dual(dual_output).tangent
        same_tangent = fwAD.unpack_dual(dual_input).tangent is tangent
    assert fwAD.unpack_dual(dual_output).tangent is None
    assert log[0][0] == "pack" and torch.allclose(jvp, 2 * primal * tangent)
    return {"saved": saved, "log": log, "a_grad": a.grad, "x_grad": x.grad, "jvp": jvp,
            "same_tangent": same_tangent}


# ---- 7. torch.func: per-sample gradients, jacrev / jacfwd / hessian ---------------------------------
@programs.add
def torch_func_per_sample_grads(torch, nn, F, optim):
    func = submodule(torch, "func")  # from torch.func import functional_call, grad, hessian, jacfwd, jacrev, vmap
    functional_call, grad, hessian, jacfwd, jacrev, vmap = (func.functional_call, func.grad, func.hessian,
                                                            func.jacfwd, func.jacrev, func.vmap)

    class SimpleCNN(nn.Module):
        def __init__(self):
            super(SimpleCNN, self).__init__()
            self.conv1 = nn.Conv2d(1, 2, 3, 1)
            self.fc1 = nn.Linear(2 * 2 * 2, 5)
            self.fc2 = nn.Linear(5, 3)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = torch.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.fc2(x)
            output = F.log_softmax(x, dim=1)
            return output

    def loss_fn(predictions, targets):
        return F.nll_loss(predictions, targets)

    rng = np.random.default_rng(8)
    data = torch.from_numpy(rng.standard_normal((4, 1, 6, 6)))
    targets = torch.tensor([0, 2, 1, 2])
    model = SimpleCNN()
    init_from_numpy(torch, model, seed=9, scale=0.5)

    def compute_grad(sample, target):
        sample = sample.unsqueeze(0)  # prepend batch dimension for processing
        target = target.unsqueeze(0)
        prediction = model(sample)
        loss = loss_fn(prediction, target)
        return torch.autograd.grad(loss, list(model.parameters()))

    def compute_sample_grads(data, targets):
        """ manually process each sample with per sample gradient """
        sample_grads = [compute_grad(data[i], targets[i]) for i in range(len(data))]
        sample_grads = zip(*sample_grads)
        sample_grads = [torch.stack(shards) for shards in sample_grads]
        return sample_grads

    per_sample_grads = compute_sample_grads(data, targets)

    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch = sample.unsqueeze(0)
        targets = target.unsqueeze(0)
        predictions = functional_call(model, (params, buffers), (batch,))
        loss = loss_fn(predictions, targets)
        return loss

    ft_compute_grad = grad(compute_loss)
    ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
    ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
    for per_sample_grad, ft_per_sample_grad in zip(per_sample_grads, ft_per_sample_grads.values()):
        assert torch.allclose(per_sample_grad, ft_per_sample_grad, atol=3e-3, rtol=1e-5)

    # "Jacobians, Hessians, hvp, vhp, and more"
    D = 4
    weight = torch.from_numpy(rng.standard_normal((D, D)))
    bias = torch.from_numpy(rng.standard_normal(D))
    x = torch.from_numpy(rng.standard_normal(D))

    def predict(weight, bias, x):
        return F.linear(x, weight, bias).tanh()

    xp = x.clone().requires_grad_()
    unit_vectors = torch.eye(D)

    def compute_jac(xp):
        jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                         for vec in unit_vectors]
        return torch.stack(jacobian_rows)

    jacobian = compute_jac(xp)
    ft_jacobian = jacrev(predict, argnums=2)(weight, bias, x)
    assert torch.allclose(ft_jacobian, jacobian)
    jac_fwd = jacfwd(predict, argnums=2)(weight, bias, x)
    ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
    hess_api = hessian(predict, argnums=2)(weight, bias, x)
    hess_fwdrev = jacfwd(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
    batch = torch.from_numpy(rng.standard_normal((3, D)))
    batch_jac = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, batch)
    return {"per_sample": per_sample_grads, "ft_keys": list(ft_per_sample_grads.keys()),
            "ft": list(ft_per_sample_grads.values()), "jacobian": jacobian, "ft_jacobian": ft_jacobian,
            "jac_fwd": jac_fwd, "jac_weight": ft_jac_weight, "jac_bias": ft_jac_bias, "hess": hess_api,
            "hess_fwdrev": hess_fwdrev, "batch_jac": batch_jac}


# ---- 8. torch.func: Model ensembling with stack_module_state and a 'meta' base model ------------------
@programs.add
def model_ensembling(torch, nn, F, optim):
    func = submodule(torch, "func")  # from torch.func import functional_call, stack_module_state, vmap
    functional_call, stack_module_state, vmap = func.functional_call, func.stack_module_state, func.vmap

    class SimpleMLP(nn.Module):
        def __init__(self):
            super(SimpleMLP, self).__init__()
            self.fc1 = nn.Linear(6, 8)
            self.fc2 = nn.Linear(8, 4)
            self.fc3 = nn.Linear(4, 3)

        def forward(self, x):
            x = x.flatten(1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.fc2(x)
            x = F.relu(x)
            x = self.fc3(x)
            return x

    num_models = 3
    rng = np.random.default_rng(10)
    data = torch.from_numpy(rng.standard_normal((num_models, 5, 2, 3)))
    minibatches = data[:num_models]
    models = [SimpleMLP() for _ in range(num_models)]
    for i, m in enumerate(models):
        init_from_numpy(torch, m, seed=20 + i)
    minibatch = minibatches[0]
    predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch in zip(models, minibatches)]
    predictions2 = [model(minibatch) for model in models]

    params, buffers = stack_module_state(models)
    # Construct a "stateless" version of one of the models. It is "stateless" in
    # the sense that the parameters are meta Tensors and do not have storage.
    base_model = copy.deepcopy(models[0])
    base_model = base_model.to('meta')

    def fmodel(params, buffers, x):
        return functional_call(base_model, (params, buffers), (x,))

    predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)
    predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
    assert torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), atol=1e-3, rtol=1e-5)
    assert torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5)
    return {"keys": list(params.keys()), "shapes": [tuple(p.shape) for p in params.values()],
            "vmap1": predictions1_vmap, "vmap2": predictions2_vmap,
            "base_device": str(next(base_model.parameters()).device)}


# ---- 9. checkpoints: general checkpoint, several models, warmstarting, zeroing gradients -------------
@programs.add(differs="print(t.size()) shows (6, 4), not torch.Size([6, 4]): shapes are plain tuples "
                    "(docs/from-pytorch.md, 'Lines that do need a change')")
def checkpoint_resume_and_warmstart(torch, nn, F, optim):
    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.fc1 = nn.Linear(4, 6)
            self.fc2 = nn.Linear(6, 5)
            self.fc3 = nn.Linear(5, 2)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

    rng = np.random.default_rng(11)
    inputs = torch.from_numpy(rng.standard_normal((12, 4)))
    labels = torch.from_numpy(rng.integers(0, 2, 12))
    criterion = nn.CrossEntropyLoss()

    def train(net, optimizer, epochs):
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
        return loss

    # uninterrupted
    net_ref = Net()
    init_from_numpy(torch, net_ref, seed=12)
    opt_ref = optim.SGD(net_ref.parameters(), lr=0.05, momentum=0.9)
    train(net_ref, opt_ref, 10)

    # interrupted after 4 epochs, saved, and resumed in new objects
    net = Net()
    init_from_numpy(torch, net, seed=12)
    optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    # "What is a state_dict?": print the model's and the optimizer's state_dict
    out = io.StringIO()
    print("Model's state_dict:", file=out)
    for param_tensor in net.state_dict():
        print(param_tensor, "\t", net.state_dict()[param_tensor].size(), file=out)
    print("Optimizer's state_dict:", file=out)
    for var_name in optimizer.state_dict():
        print(var_name, "\t", optimizer.state_dict()[var_name], file=out)
    state_dict_printed = out.getvalue()
    EPOCH = 4
    LOSS = train(net, optimizer, EPOCH)
    PATH = io.BytesIO()
    torch.save({
        'epoch': EPOCH,
        'model_state_dict': net.state_dict(),
        'optimizer_state_dict': optimizer.state_dict(),
        'loss': LOSS,
    }, PATH)
    PATH.seek(0)
    model = Net()
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    checkpoint = torch.load(PATH, weights_only=True)
    model.load_state_dict(checkpoint['model_state_dict'])
    optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
    epoch = checkpoint['epoch']
    loss = checkpoint['loss']
    model.train()
    final = train(model, optimizer, 10 - epoch)
    assert torch.allclose(model.fc3.weight, net_ref.fc3.weight)
    sd = checkpoint['optimizer_state_dict']

    # Saving multiple models in one file
    netA, netB = Net(), Net()
    init_from_numpy(torch, netA, seed=13)
    init_from_numpy(torch, netB, seed=32)
    optimizerA = optim.SGD(netA.parameters(), lr=0.001, momentum=0.9)
    optimizerB = optim.Adam(netB.parameters(), lr=0.01)
    train(netA, optimizerA, 1)
    train(netB, optimizerB, 1)
    buf = io.BytesIO()
    torch.save({
        'modelA_state_dict': netA.state_dict(),
        'modelB_state_dict': netB.state_dict(),
        'optimizerA_state_dict': optimizerA.state_dict(),
        'optimizerB_state_dict': optimizerB.state_dict(),
    }, buf)
    buf.seek(0)
    modelA, modelB = Net(), Net()
    optimizerA = optim.SGD(modelA.parameters(), lr=0.5)
    optimizerB = optim.Adam(modelB.parameters(), lr=0.5)
    checkpoint = torch.load(buf, weights_only=True)
    modelA.load_state_dict(checkpoint['modelA_state_dict'])
    modelB.load_state_dict(checkpoint['modelB_state_dict'])
    optimizerA.load_state_dict(checkpoint['optimizerA_state_dict'])
    optimizerB.load_state_dict(checkpoint['optimizerB_state_dict'])
    modelA.eval()
    modelB.eval()

    # Warmstarting model B from model A's parameters: a different architecture
    class NetB(nn.Module):
        def __init__(self):
            super(NetB, self).__init__()
            self.fc1 = nn.Linear(4, 6)
            self.fc2 = nn.Linear(6, 5)
            self.head = nn.Linear(5, 3)

        def forward(self, x):
            return self.head(F.relu(self.fc2(F.relu(self.fc1(x)))))

    buf = io.BytesIO()
    torch.save(netA.state_dict(), buf)
    buf.seek(0)
    netB = NetB()
    result = netB.load_state_dict(torch.load(buf, weights_only=True), strict=False)

    # Zeroing out gradients
    net.zero_grad()
    default_none = all(p.grad is None for p in net.parameters())
    criterion(net(inputs), labels).backward()
    optimizer = optim.SGD(net.parameters(), lr=0.1)
    optimizer.zero_grad(set_to_none=False)
    zeros = net.fc1.bias.grad.clone()
    optimizer.zero_grad()
    assert final.item() < LOSS.item() and default_none
    return {"state_dict_printed": state_dict_printed, "final": final.item(), "loss": loss, "epoch": epoch,
            "weight": model.fc3.weight,
            "opt_keys": list(sd.keys()), "opt_state_keys": list(sd['state'].keys()),
            "param_groups": [{k: v for k, v in g.items()} for g in sd['param_groups']],
            "momentum_buffer": sd['state'][0]['momentum_buffer'],
            "A_lr": optimizerA.param_groups[0]['lr'], "B_lr": optimizerB.param_groups[0]['lr'],
            "B_step": optimizerB.state_dict()['state'][0]['step'],
            "modelB_out": modelB(inputs), "warm_missing": result.missing_keys,
            "warm_unexpected": result.unexpected_keys, "warm_printed": str(result),
            "warm_type": type(result).__name__, "zeros": zeros,
            "grads_none_after": all(p.grad is None for p in net.parameters())}


# ---- 10. How to adjust learning rate: every scheduler, step by step -----------------------------------
@programs.add
def lr_scheduler_zoo(torch, nn, F, optim):
    lr_scheduler = submodule(torch, "optim.lr_scheduler")  # from torch.optim import lr_scheduler

    def fresh(momentum=0.0):
        model = nn.Linear(2, 1)
        init_from_numpy(torch, model, seed=14)
        return model, optim.SGD(model.parameters(), lr=0.1, momentum=momentum)

    makers = {
        "LambdaLR": lambda o: lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch),
        "MultiplicativeLR": lambda o: lr_scheduler.MultiplicativeLR(o, lr_lambda=lambda epoch: 0.95),
        "StepLR": lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.1),
        "MultiStepLR": lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5], gamma=0.1),
        "ExponentialLR": lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9),
        "CosineAnnealingLR": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
        "CyclicLR": lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3),
        "OneCycleLR": lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10),
        "CosineAnnealingWarmRestarts": lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                                          eta_min=0.001),
        "LinearLR": lambda o: lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=4),
        "ConstantLR": lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4),
        "PolynomialLR": lambda o: lr_scheduler.PolynomialLR(o, total_iters=4, power=2.0),
        "SequentialLR": lambda o: lr_scheduler.SequentialLR(
            o, schedulers=[lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2),
                           lr_scheduler.ExponentialLR(o, gamma=0.9)], milestones=[2]),
        "ChainedScheduler": lambda o: lr_scheduler.ChainedScheduler(
            [lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2), lr_scheduler.ExponentialLR(o, gamma=0.9)]),
    }
    rng = np.random.default_rng(15)
    x = torch.from_numpy(rng.standard_normal((6, 2)))
    y = torch.from_numpy(rng.standard_normal((6, 1)))
    record = {}
    for name, make in makers.items():
        model, optimizer = fresh(momentum=0.9 if name in ("CyclicLR", "OneCycleLR") else 0.0)
        scheduler = make(optimizer)
        lrs, last = [], []
        for epoch in range(10):  # noqa: B007 (the tutorial's loop)
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
            lrs.append(optimizer.param_groups[0]['lr'])
            scheduler.step()
            last.append(scheduler.get_last_lr())
        record[name] = lrs
        record[name + ".last"] = last
        record[name + ".weight"] = model.weight
        if name in ("CyclicLR", "OneCycleLR"):
            record[name + ".momentum"] = optimizer.param_groups[0]['momentum']
    # ReduceLROnPlateau: step(val_loss)
    model, optimizer = fresh()
    scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, 'min', factor=0.5, patience=1)
    plateau = []
    for val_loss in [1.0, 0.9, 0.95, 0.93, 0.92, 0.99, 0.5, 0.6, 0.7]:
        scheduler.step(val_loss)
        plateau.append(optimizer.param_groups[0]['lr'])
    record["ReduceLROnPlateau"] = plateau
    record["ReduceLROnPlateau.last"] = scheduler.get_last_lr()
    # scheduler state_dict round trip
    _, optimizer = fresh()
    s1 = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    for _ in range(3):
        optimizer.step()
        s1.step()
    state = s1.state_dict()
    _, optimizer2 = fresh()
    s2 = lr_scheduler.StepLR(optimizer2, step_size=2, gamma=0.5)
    s2.load_state_dict(state)
    record["state_last_epoch"] = state["last_epoch"]
    record["resumed_last_lr"] = s2.get_last_lr()
    assert record["StepLR"][-1] < record["StepLR"][0]
    return record


# ---- 11. torch.optim docs: per-parameter options, add_param_group, print(optimizer), SWA -----------
@programs.add
def param_groups_and_swa(torch, nn, F, optim):
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.base = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
            self.classifier = nn.Linear(4, 2)

        def forward(self, x):
            return self.classifier(self.base(x))

    model = Model()
    init_from_numpy(torch, model, seed=16)
    optimizer = optim.SGD([
        {'params': model.base.parameters()},
        {'params': model.classifier.parameters(), 'lr': 1e-3}
    ], lr=1e-2, momentum=0.9)
    rng = np.random.default_rng(17)
    x = torch.from_numpy(rng.standard_normal((8, 3)))
    y = torch.from_numpy(rng.integers(0, 2, 8))
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    extra = nn.Parameter(torch.zeros(2))
    optimizer.add_param_group({'params': extra, 'lr': 0.5})
    for _ in range(3):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x) + extra, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    groups = [{k: v for k, v in g.items() if k != 'params'} for g in optimizer.param_groups]
    printed = str(optimizer)  # print(optimizer)

    # Stochastic Weight Averaging
    swa_utils = submodule(torch, "optim.swa_utils")  # from torch.optim.swa_utils import AveragedModel, SWALR
    AveragedModel, SWALR, update_bn = swa_utils.AveragedModel, swa_utils.SWALR, swa_utils.update_bn
    CosineAnnealingLR = optim.lr_scheduler.CosineAnnealingLR
    DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset

    model = nn.Sequential(nn.Linear(3, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 1))
    init_from_numpy(torch, model, seed=18)
    X = torch.from_numpy(rng.standard_normal((16, 3)))
    Y = torch.from_numpy(rng.standard_normal((16, 1)))
    loader = DataLoader(TensorDataset(X, Y), batch_size=8)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    swa_model = AveragedModel(model)
    scheduler = CosineAnnealingLR(optimizer, T_max=10)
    swa_start = 3
    swa_scheduler = SWALR(optimizer, swa_lr=0.05)
    lrs = []
    for epoch in range(8):
        for input, target in loader:
            optimizer.zero_grad()
            loss_fn(model(input), target).backward()
            optimizer.step()
        if epoch > swa_start:
            swa_model.update_parameters(model)
            swa_scheduler.step()
        else:
            scheduler.step()
        lrs.append(optimizer.param_groups[0]['lr'])
    # Update bn statistics for the swa_model at the end
    update_bn(loader, swa_model)
    # Use swa_model to make predictions on test data
    preds = swa_model(X)
    assert losses[-1] < losses[0]
    return {"losses": losses, "groups": groups, "n_params": [len(g['params']) for g in optimizer.param_groups],
            "extra": extra, "printed": printed, "lrs": lrs, "preds": preds, "n_averaged": swa_model.n_averaged,
            "running_mean": swa_model.module[1].running_mean}


# ---- 12. Pruning Tutorial --------------------------------------------------------------------------
@programs.add
def pruning_tutorial(torch, nn, F, optim):
    prune = submodule(torch, "nn.utils.prune")  # import torch.nn.utils.prune as prune

    class LeNet(nn.Module):
        def __init__(self):
            super(LeNet, self).__init__()
            # 1 input image channel, 6 output channels, 3x3 square conv kernel
            self.conv1 = nn.Conv2d(1, 4, 3)
            self.conv2 = nn.Conv2d(4, 6, 3)
            self.fc1 = nn.Linear(6 * 2 * 2, 12)  # 2x2 image dimension
            self.fc2 = nn.Linear(12, 8)
            self.fc3 = nn.Linear(8, 5)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, int(x.nelement() / x.shape[0]))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

    model = LeNet()
    init_from_numpy(torch, model, seed=21)
    module = model.conv1
    before_params = [name for name, _ in module.named_parameters()]
    before_buffers = list(module.named_buffers())
    prune.random_unstructured(module, name="weight", amount=0.3)
    after_params = [name for name, _ in module.named_parameters()]
    random_zeros = int(torch.sum(module.weight_mask == 0))
    hooks_1 = [type(h).__name__ for h in module._forward_pre_hooks.values()]
    prune.l1_unstructured(module, name="bias", amount=3)
    bias_mask = module.bias_mask
    buffers = [name for name, _ in module.named_buffers()]
    hooks_2 = [type(h).__name__ for h in module._forward_pre_hooks.values()]
    prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
    dead_channels = int((module.weight.abs().sum(dim=(1, 2, 3)) == 0).sum())
    for hook in module._forward_pre_hooks.values():
        if hook._tensor_name == "weight":  # select out the correct hook
            break
    history = [type(h).__name__ for h in hook]
    state_keys = list(model.state_dict().keys())
    prune.remove(module, 'weight')
    after_remove = [name for name, _ in module.named_parameters()]

    # pruning multiple parameters in a model
    new_model = LeNet()
    init_from_numpy(torch, new_model, seed=22)
    for name, module in new_model.named_modules():  # noqa: B007 (the tutorial's loop)
        # prune 20% of connections in all 2D-conv layers
        if isinstance(module, torch.nn.Conv2d):
            prune.l1_unstructured(module, name='weight', amount=0.2)
        # prune 40% of connections in all linear layers
        elif isinstance(module, torch.nn.Linear):
            prune.l1_unstructured(module, name='weight', amount=0.4)
    mask_keys = list(dict(new_model.named_buffers()).keys())  # to verify that all masks exist
    out = new_model(torch.from_numpy(np.random.default_rng(23).standard_normal((2, 1, 14, 14))))

    # global pruning
    model = LeNet()
    init_from_numpy(torch, model, seed=24)
    parameters_to_prune = (
        (model.conv1, 'weight'),
        (model.conv2, 'weight'),
        (model.fc1, 'weight'),
        (model.fc2, 'weight'),
        (model.fc3, 'weight'),
    )
    prune.global_unstructured(
        parameters_to_prune,
        pruning_method=prune.L1Unstructured,
        amount=0.2,
    )
    report = []
    for name in ["conv1", "conv2", "fc1", "fc2", "fc3"]:
        w = getattr(model, name).weight
        report.append("Sparsity in {}.weight: {:.2f}%".format(
            name, 100. * float(torch.sum(w == 0)) / float(w.nelement())))

    # a custom pruning method
    class FooBarPruningMethod(prune.BasePruningMethod):
        """Prune every other entry in a tensor
        """
        PRUNING_TYPE = 'unstructured'

        def compute_mask(self, t, default_mask):
            mask = default_mask.clone()
            mask.view(-1)[::2] = 0
            return mask

    def foobar_unstructured(module, name):
        FooBarPruningMethod.apply(module, name)
        return module

    foobar_unstructured(model.fc3, name='bias')
    assert random_zeros == 11 and dead_channels == 2
    return {"before_params": before_params, "before_buffers": before_buffers, "after_params": after_params,
            "random_zeros": random_zeros, "hooks_1": hooks_1, "bias_mask": bias_mask, "buffers": buffers,
            "hooks_2": hooks_2, "dead_channels": dead_channels, "history": history, "state_keys": state_keys,
            "after_remove": after_remove, "mask_keys": mask_keys, "out": out, "report": report,
            "fc3_bias_mask": model.fc3.bias_mask, "fc3_weight": model.fc3.weight}


# ---- 13. Parametrizations Tutorial -------------------------------------------------------------------
@programs.add
def parametrizations_tutorial(torch, nn, F, optim):
    parametrize = submodule(torch, "nn.utils.parametrize")  # import torch.nn.utils.parametrize as parametrize

    class Symmetric(nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

    layer = nn.Linear(3, 3)
    init_from_numpy(torch, layer, seed=25)
    parametrize.register_parametrization(layer, "weight", Symmetric())
    A = layer.weight
    assert torch.allclose(A, A.T)  # A is symmetric
    printed = str(layer)
    original = layer.parametrizations.weight.original

    class Skew(nn.Module):
        def forward(self, X):
            A = X.triu(1)
            return A - A.transpose(-1, -2)

    cnn = nn.Conv2d(in_channels=2, out_channels=3, kernel_size=3)
    init_from_numpy(torch, cnn, seed=26)
    parametrize.register_parametrization(cnn, "weight", Skew())
    # Print a few kernels
    kernel = cnn.weight[0, 1]

    class CayleyMap(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.register_buffer("Id", torch.eye(n))

        def forward(self, X):
            # (I + X)(I - X)^{-1}
            return torch.linalg.solve(self.Id - X, self.Id + X)

    layer = nn.Linear(3, 3)
    init_from_numpy(torch, layer, seed=27)
    parametrize.register_parametrization(layer, "weight", Skew())
    parametrize.register_parametrization(layer, "weight", CayleyMap(3))
    X = layer.weight
    cayley_dist = torch.dist(X.T @ X, torch.eye(3)).item()  # X is orthogonal
    chained = str(layer)

    class MatrixExponential(nn.Module):
        def forward(self, X):
            return torch.matrix_exp(X)

    layer_orthogonal = nn.Linear(3, 3)
    init_from_numpy(torch, layer_orthogonal, seed=28)
    parametrize.register_parametrization(layer_orthogonal, "weight", Skew())
    parametrize.register_parametrization(layer_orthogonal, "weight", MatrixExponential())
    X = layer_orthogonal.weight
    expm_dist = torch.dist(X.T @ X, torch.eye(3)).item()
    layer_spd = nn.Linear(3, 3)
    init_from_numpy(torch, layer_spd, seed=29)
    parametrize.register_parametrization(layer_spd, "weight", Symmetric())
    parametrize.register_parametrization(layer_spd, "weight", MatrixExponential())
    spd_eigs = torch.linalg.eigvalsh(layer_spd.weight)

    # training through a parametrization
    optimizer = optim.SGD(layer_orthogonal.parameters(), lr=0.1)
    rng = np.random.default_rng(30)
    x = torch.from_numpy(rng.standard_normal((5, 3)))
    target = torch.from_numpy(rng.standard_normal((5, 3)))
    losses = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = F.mse_loss(layer_orthogonal(x), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    orig_grad = layer_orthogonal.parametrizations.weight.original.grad

    # caching
    class NoisyParametrization(nn.Module):
        def forward(self, X):
            calls.append("Computing the Parametrization")
            return X

    calls = []
    layer = nn.Linear(4, 4)
    parametrize.register_parametrization(layer, "weight", NoisyParametrization())
    n_registered = len(calls)
    calls.clear()
    foo = layer.weight + layer.weight.T
    uncached = len(calls)
    calls.clear()
    with parametrize.cached():
        foo = layer.weight + layer.weight.T  # noqa: F841
    cached = len(calls)

    # right_inverse: initializing a parametrization
    class SymmetricInv(nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()

    layer = nn.Linear(3, 3)
    parametrize.register_parametrization(layer, "weight", SymmetricInv())
    X = torch.from_numpy(rng.uniform(0, 1, (3, 3)))
    X = X + X.T  # X is now symmetric
    layer.weight = X  # Initialize layer.weight to be X
    right_inverse_dist = torch.dist(layer.weight, X).item()
    stored_original = layer.parametrizations.weight.original.detach().clone()

    # removing parametrizations
    layer = nn.Linear(3, 3)
    init_from_numpy(torch, layer, seed=31)
    before = [str(layer), str(layer.weight)]  # print("Before:"); print(layer); print(layer.weight)
    parametrize.register_parametrization(layer, "weight", Skew())
    parametrized = [str(layer), str(layer.weight)]
    is_param = parametrize.is_parametrized(layer)
    parametrize.remove_parametrizations(layer, "weight")
    after = [str(layer), str(layer.weight)]
    after_weight = layer.weight
    layer2 = nn.Linear(3, 3)
    init_from_numpy(torch, layer2, seed=31)
    parametrize.register_parametrization(layer2, "weight", Skew())
    parametrize.remove_parametrizations(layer2, "weight", leave_parametrized=False)
    assert losses[-1] < losses[0] and cayley_dist < 1e-8
    return {"printed": printed, "original": original, "kernel": kernel, "cayley_dist": cayley_dist,
            "chained": chained, "expm_dist": expm_dist, "spd_eigs": spd_eigs, "losses": losses,
            "orig_grad": orig_grad, "n_registered": n_registered, "uncached": uncached, "cached": cached,
            "right_inverse_dist": right_inverse_dist, "stored_original": stored_original,
            "before": before, "parametrized": parametrized, "is_param": is_param, "after": after,
            "after_weight": after_weight, "leave_false_weight": layer2.weight}


# ---- 14. Tensor Views and Reproducibility (docs notes) -----------------------------------------------
@programs.add
def views_and_reproducibility(torch, nn, F, optim):
    t = torch.from_numpy(np.arange(16.0).reshape(4, 4) / 16)
    b = t.view(2, 8)
    same_storage = t.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
    # Modifying view tensor changes base tensor as well.
    b[0][0] = 3.14
    t00 = t[0][0]
    base = torch.tensor([[0, 1], [2, 3]])
    contiguous_base = base.is_contiguous()
    t2 = base.transpose(0, 1)  # `t` is a view of `base`. No data movement happened here.
    # View tensors might be non-contiguous.
    contiguous_view = t2.is_contiguous()
    # To get a contiguous tensor, call `.contiguous()` to enforce
    # copying data when `t` is not contiguous.
    c = t2.contiguous()
    c_shares = c.data_ptr() == base.data_ptr()
    # more view ops; writes through each reach the base
    x = torch.zeros(3, 4)
    x.unsqueeze(0)[0, 0, 0] = 1.0
    x.narrow(1, 1, 2).fill_(2.0)
    row0, row1, row2 = x.unbind(0)
    row2.add_(5.0)
    first, rest = x.split([1, 2], dim=0)
    rest[0, 3] = 7.0
    chunks = x.chunk(2, dim=1)
    chunks[1].mul_(10.0)
    x.diagonal().sub_(1.0)
    e = torch.tensor([1.0, 2.0, 3.0]).unsqueeze(1).expand(3, 4)
    strides = [x.stride(), t2.stride(), e.stride(), x.narrow(1, 1, 2).stride()]
    a = torch.arange(9.0)
    s = a.as_strided((2, 2), (3, 1), 1)
    s.mul_(-1)
    views = {"same_storage": same_storage, "t00": t00, "t": t, "contiguous_base": contiguous_base,
             "contiguous_view": contiguous_view, "c": c, "c_shares": c_shares, "x": x, "e": e,
             "strides": strides, "s": s, "a": a, "offset": x.narrow(1, 1, 2).storage_offset(),
             "old_storage_same": t.storage().data_ptr() == b.storage().data_ptr()}

    # Reproducibility
    import random

    DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset

    torch.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    torch.use_deterministic_algorithms(True)
    try:
        enabled = torch.are_deterministic_algorithms_enabled()
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True

        def seed_worker(worker_id):
            worker_seed = torch.initial_seed() % 2**32
            np.random.seed(worker_seed)
            random.seed(worker_seed)

        def orders():
            g = torch.Generator()
            g.manual_seed(0)
            loader = DataLoader(TensorDataset(torch.arange(10.0)), batch_size=3, shuffle=True,
                                worker_init_fn=seed_worker, generator=g)
            return [batch[0].tolist() for batch in loader]

        same_order = orders() == orders()
        torch.manual_seed(0)
        first = torch.rand(3)
        torch.manual_seed(0)
        again = torch.rand(3)
        same_draws = torch.equal(first, again)
        initial = torch.initial_seed()
    finally:
        torch.use_deterministic_algorithms(False)
    assert same_order and same_draws
    return {**views, "enabled": enabled, "same_order": same_order, "same_draws": same_draws, "initial": initial,
            "disabled": torch.are_deterministic_algorithms_enabled()}


test_program_runs_here_and_matches_pytorch = programs.test()
