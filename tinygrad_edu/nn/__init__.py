"""`tinygrad_edu.nn`: modules, layers, losses and initialisers with PyTorch's names.

    import tinygrad_edu.nn as nn
    model = nn.Sequential(nn.Linear(64, 32), nn.Sigmoid(), nn.Linear(32, 10))
"""
from . import functional, init
from .layers import Dropout, Embedding, Flatten, Identity, Linear, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .loss import BCELoss, CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module, ModuleList, Sequential
from .parameter import Parameter
from .recurrent import LSTMCell
from .tree import REDUCE, SHIFT, SPINN, TreeLSTMCell
