"""The LKJ distribution over Cholesky factors of correlation matrices, as
`torch.distributions.LKJCholesky`: L with L Lᵀ = M a D x D correlation matrix of density
proportional to det(M)^(η - 1) (η = `concentration`; η = 1 is uniform over correlation matrices,
larger η concentrates them at the identity). Lewandowski, Kurowicka and Joe, "Generating random
correlation matrices based on vines and extended onion method", 2009.

Sampling is their onion method (section 3.2), simplified for the Cholesky factor as in PyTorch
(after NumPyro): row i of L is √y_i · u_i on its strict lower part and √(1 - y_i) on the diagonal,
with u_i uniform on the unit sphere in R^i and y_i ~ Beta(i/2, η + (D - 1 - i)/2) (row 0 is
(1, 0, ..., 0)). Like PyTorch, there is no rsample.

PyTorch 2.13 draws y_i ~ Beta(i - 1/2, ...) instead of Beta(i/2, ...) (the same for row 1, too
large from row 2 on), so for D >= 3 its correlations are more spread out than LKJ's: with η = 1 and
D = 3, Var r_32 is 0.30 instead of 1/(2η + D - 1) = 0.25. These samples follow the paper (and the
density of `log_prob`, which is PyTorch's); tests/test_distributions_remaining.py checks the
marginals r_ij ~ 2 Beta(η - 1 + D/2, η - 1 + D/2) - 1.
"""
from __future__ import annotations

import math

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import arange
from ..dtype import finfo
from ..functions import cat
from ..ops.select import where
from ..special import multigammaln
from ..tensor import Tensor
from . import constraints
from .dirichlet import Beta
from .distribution import Distribution
from .noise import standard_normal
from .parameters import broadcast_all


class LKJCholesky(Distribution):
    """LKJCholesky(dim, concentration=1.0): `dim` >= 2 the size of the matrices, `concentration` η > 0
    a number or a tensor (its shape is the batch shape).

    >>> import tinygrad_edu as tg
    >>> l = tg.distributions.LKJCholesky(3, 0.5).sample()
    >>> bool(((l @ l.mT).diagonal() - 1).abs().max() < 1e-6)   # a correlation matrix
    True
    """

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration: Tensor | float = 1.0, validate_args: bool | None = None) -> None:
        if dim < 2:
            raise ValueError(f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        batch_shape = self.concentration.shape
        # Beta(i/2, η + (D - 2)/2 - (i - 1)/2) for row i = 1..D-1 (section 3.2), and a dummy row 0
        marginal_conc = self.concentration + 0.5 * (self.dim - 2)
        offset = arange(self.dim - 1, dtype=self.concentration.dtype)
        offset = cat([offset.new_zeros((1,)), offset])  # i - 1 for row i >= 1
        beta_conc1 = 0.5 * offset + 0.5
        beta_conc0 = marginal_conc.unsqueeze(-1) - 0.5 * offset
        self._beta = Beta(beta_conc1, beta_conc0)
        super().__init__(batch_shape, (dim, dim), validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "LKJCholesky":
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = tuple(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(batch_shape + (self.dim,))
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """Cholesky factors of shape sample_shape + batch_shape + (dim, dim), by the onion method."""
        with no_grad():
            y = self._beta.sample(sample_shape).unsqueeze(-1)
            u_normal = standard_normal(self._extended_shape(sample_shape), y.dtype).tril(-1)
            # a normal vector over its norm is uniform on the sphere; row 0 is empty (0/0), so 0
            norms = u_normal.norm(dim=-1, keepdim=True)
            u_hypersphere = where(norms == 0, 0.0, u_normal / where(norms == 0, 1.0, norms))
            w = y.sqrt() * u_hypersphere
            # the diagonal makes each row a unit vector (clamped: 1 - |w|² may round below 0)
            diag_elems = (1 - w.pow(2).sum(-1)).clamp(min=finfo(w.dtype).tiny).sqrt()
            return w + diag_elems.diag_embed()

    def log_prob(self, value: Tensor) -> Tensor:
        """Σ_{i=2..D} (2(η - 1) + D - i) log L_ii - log c_D(η): det(L Lᵀ)^(η-1) = Π L_ii^(2(η-1)) times
        the Jacobian Π L_ii^(D-i) of L -> L Lᵀ (Stan Functions Reference, "Cholesky LKJ correlation
        distribution"); the normaliser as Lewandowski et al., p. 1999, with Γ_{D-1} the
        multivariate gamma function:
        log c_D = (D-1)/2 log π + log Γ_{D-1}(η + (D-2)/2) - (D-1) log Γ(η + (D-1)/2)."""
        if self._validate_args:
            self._validate_sample(value)
        diag_elems = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = Tensor(np.arange(2, self.dim + 1))
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized_log_pdf = (order * diag_elems.log()).sum(-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        denominator = alpha.lgamma() * dm1
        numerator = multigammaln(alpha - 0.5, dm1)
        # Lewandowski et al.'s π term is D(D-1)/4 log π; multigammaln holds (D-1)(D-2)/4 log π of it
        pi_constant = 0.5 * dm1 * math.log(math.pi)
        return unnormalized_log_pdf - (pi_constant + numerator - denominator)
