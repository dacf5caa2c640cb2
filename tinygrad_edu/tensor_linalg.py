"""PyTorch's linear-algebra Tensor methods (A.inverse(), A.det(), ...), inherited by `Tensor`.

Each is the tg.<name> function of linalg/legacy.py with self as its first argument. The imports
are inside the methods, so that tensor.py can import this module before the ops exist.
"""
from __future__ import annotations


class LinalgMethods:
    """A.inverse(), A.det(), A.logdet(), A.slogdet(), A.pinverse(), A.cholesky(),
    A.cholesky_solve(L), A.cholesky_inverse(), A.qr(), A.svd(), A.matrix_power(n), A.matrix_exp(),
    A.lu(), B.lu_solve(LU, pivots), B.triangular_solve(A), A.geqrf(), A.orgqr(tau),
    A.ormqr(tau, C): each is the tg.<name> function with self as its first argument."""

    def inverse(self):
        """The inverse of each square matrix (tg.linalg.inv)."""
        from .linalg import legacy
        return legacy.inverse(self)

    def det(self):
        """The determinant of each square matrix (tg.linalg.det)."""
        from .linalg import legacy
        return legacy.det(self)

    def logdet(self):
        """log det of each square matrix (nan where det < 0)."""
        from .linalg import legacy
        return legacy.logdet(self)

    def slogdet(self):
        """(sign, logabsdet) of each square matrix."""
        from .linalg import legacy
        return legacy.slogdet(self)

    def pinverse(self, rcond: float = 1e-15):
        """The pseudo-inverse (tg.linalg.pinv with rtol=rcond)."""
        from .linalg import legacy
        return legacy.pinverse(self, rcond)

    def cholesky(self, upper: bool = False):
        """L with self = LLᵀ (Lᵀ when upper)."""
        from .linalg import legacy
        return legacy.cholesky(self, upper)

    def cholesky_solve(self, input2, upper: bool = False):
        """X with (LLᵀ)X = self, L = input2 (torch's Tensor.cholesky_solve(input2))."""
        from .linalg import legacy
        return legacy.cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper: bool = False):
        """(LLᵀ)⁻¹ with L = self."""
        from .linalg import legacy
        return legacy.cholesky_inverse(self, upper)

    def qr(self, some: bool = True):
        """(Q, R) with self = QR (torch.qr)."""
        from .linalg import legacy
        return legacy.qr(self, some)

    def svd(self, some: bool = True, compute_uv: bool = True):
        """(U, S, V) with self = U diag(S) Vᵀ (torch.svd)."""
        from .linalg import legacy
        return legacy.svd(self, some, compute_uv)

    def matrix_power(self, n: int):
        """selfⁿ for each square matrix."""
        from .linalg import legacy
        return legacy.matrix_power(self, n)

    def matrix_exp(self):
        """e^self for each square matrix."""
        from .linalg import legacy
        return legacy.matrix_exp(self)

    def lu(self, pivot: bool = True, get_infos: bool = False):
        """(LU, pivots) of the packed LU factorization (torch.lu; (LU, pivots, info) with get_infos)."""
        from .linalg import legacy
        return legacy.lu(self, pivot, get_infos)

    def lu_solve(self, LU_data, LU_pivots):
        """X with AX = self, A given as lu_factor's (LU_data, LU_pivots) (torch.lu_solve)."""
        from .linalg import legacy
        return legacy.lu_solve(self, LU_data, LU_pivots)

    def triangular_solve(self, A, upper: bool = True, transpose: bool = False, unitriangular: bool = False):
        """(solution, cloned_coefficient) with A X = self, A triangular (torch.triangular_solve)."""
        from .linalg import legacy
        return legacy.triangular_solve(self, A, upper, transpose, unitriangular)

    def geqrf(self):
        """(a, tau): self's QR decomposition in LAPACK's compact form (torch.geqrf)."""
        from .linalg import legacy
        return legacy.geqrf(self)

    def orgqr(self, input2):
        """The Q of geqrf's (self, input2) (tg.linalg.householder_product)."""
        from .linalg import legacy
        return legacy.orgqr(self, input2)

    def ormqr(self, input2, input3, left: bool = True, transpose: bool = False):
        """Q·input3 (or input3·Q, Qᵀ with transpose) for Q given by geqrf's (self, input2) (torch.ormqr)."""
        from .linalg import legacy
        return legacy.ormqr(self, input2, input3, left, transpose)
