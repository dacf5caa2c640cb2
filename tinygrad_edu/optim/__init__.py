"""Optimizers with PyTorch's names, options and update equations, and learning-rate schedulers
(`optim.lr_scheduler`). Each optimizer updates the parameters' arrays in place in `step()`.

    import tinygrad_edu.optim as optim
    opt = optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)

Weight averaging (SWA, EMA) is in `optim.swa_utils`, as in PyTorch.
"""
from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .muon import Muon
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from .sparse_adam import SparseAdam

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
           "Rprop", "ASGD", "LBFGS", "lr_scheduler", "swa_utils"]
__all__ += ["Adafactor", "Muon", "SparseAdam"]
