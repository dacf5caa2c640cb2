"""The harness itself: the substitution a learner makes, and a comparison that can fail."""
from __future__ import annotations

import numpy as np
import pytest

from tests.tutorials.harness import assert_same, run_here, to_tinygrad


def test_the_substitution():
    source = ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nfrom torch import optim\n"
              "from torch.utils.data import DataLoader\nx = torch.zeros(2, dtype=torch.float)\n")
    assert to_tinygrad(source) == (
        "import tinygrad_edu as tg\nimport tinygrad_edu.nn as nn\nimport tinygrad_edu.nn.functional as F\n"
        "from tinygrad_edu import optim\nfrom tinygrad_edu.utils.data import DataLoader\n"
        "x = tg.zeros(2, dtype=tg.float)\n")
    ns = run_here(source + "result = {'x': x, 'dtype': str(x.dtype)}")
    assert ns["result"]["dtype"] == "float32" and ns["tg"].__name__ == "tinygrad_edu"


def test_the_comparison_can_fail():
    import tinygrad_edu as tg

    same = {"loss": 0.5, "w": tg.tensor([1.0, 2.0]), "names": ["a"], "n": 3}
    assert_same(same, {"loss": 0.5, "w": tg.tensor([1.0, 2.0]), "names": ["a"], "n": 3}, "r")
    for other in ({"loss": 0.5 + 1e-5, "w": tg.tensor([1.0, 2.0]), "names": ["a"], "n": 3},
                  {"loss": 0.5, "w": tg.tensor([1.0, 2.1]), "names": ["a"], "n": 3},
                  {"loss": 0.5, "w": tg.tensor([[1.0, 2.0]]), "names": ["a"], "n": 3},
                  {"loss": 0.5, "w": tg.tensor([1, 2]), "names": ["a"], "n": 3},
                  {"loss": 0.5, "w": tg.tensor([1.0, 2.0]), "names": ["b"], "n": 3},
                  {"loss": 0.5, "w": tg.tensor([1.0, 2.0]), "names": ["a"], "n": 3.0},
                  {"loss": 0.5, "w": np.array([1.0, 2.0]), "names": ["a"]}):
        with pytest.raises(AssertionError):
            assert_same(same, other, "r")
