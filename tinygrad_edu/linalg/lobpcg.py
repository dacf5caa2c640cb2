"""tg.lobpcg: a few extreme eigenpairs of a symmetric positive definite (generalized) eigenvalue
problem A x = λ B x by the Locally Optimal Block Preconditioned Conjugate Gradient method, as
torch.lobpcg: method="basic" is Knyazev's LOBPCG (A. Knyazev, "Toward the optimal preconditioned
eigensolver: locally optimal block preconditioned conjugate gradient method", SIAM J. Sci.
Comput., 2001); method="ortho" (the default) keeps the search basis B-orthonormal (A. Stathopoulos
and K. Wu, "A block orthogonalization procedure with constant synchronization requirements",
SIAM J. Sci. Comput., 2002; J. Duersch, M. Shao, C. Yang and M. Gu, "A robust and efficient
implementation of LOBPCG", SIAM J. Sci. Comput., 2018).

Each step searches S = [X, P, W]: the current eigenvector approximations X, the previous step's
direction P, and the preconditioned residuals W = iK (A X - B X E); the Rayleigh-Ritz procedure
(the small eigenproblem Sᵀ A S z = θ Sᵀ B S z) gives the best X in span(S).

The iteration runs on numpy arrays; the results are differentiable with respect to A (for B=None,
as in torch) by one backward formula for a partial eigendecomposition (PartialEigh below).
"""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import is_grad_enabled
from ..creation import randn
from ..ops.op import Op
from ..tensor import Tensor
from .arrays import solve_triangular
from .checks import as_tensor
from .lu import check_lapack_dtype
from .outputs import save_outputs, saved_outputs


def _mm(A, X):
    """A X, with A = None meaning the identity (B and iK are optional)."""
    return X if A is None else A @ X


def _qform(A, S):
    """Sᵀ A S."""
    return S.T @ _mm(A, S)


def _symeig(M, largest=False):
    """Eigenpairs of the symmetric M (its upper triangle, as torch), descending when `largest`."""
    E, Z = np.linalg.eigh(M, UPLO="U")
    return (E[::-1], Z[:, ::-1]) if largest else (E, Z)


def _basis(A):
    """An orthonormal basis of A's columns."""
    return np.linalg.qr(A)[0]


class LOBPCG:
    """The state of one LOBPCG run, as torch's worker: a `tracker(worker)` sees `A, B, iK` and
    `E, X, S, R` (numpy arrays), the parameters `iparams, fparams, bparams` and the iteration
    variables `ivars` (e.g. ivars["istep"], ivars["converged_count"]), `fvars`, `bvars`, `tvars`
    (tvars["rerr"]: each pair's relative residual); setting bvars["force_stop"] = True stops."""

    def __init__(self, A, B, X, iK, iparams, fparams, bparams, method, tracker):
        self.A, self.B, self.iK = A, B, iK
        self.iparams, self.fparams, self.bparams = iparams, fparams, bparams
        self.method, self.tracker = method, tracker
        m, n = iparams["m"], iparams["n"]
        self.X = X
        self.E = np.zeros((n,), X.dtype)
        self.R = np.zeros((m, n), X.dtype)
        self.S = np.zeros((m, 3 * n), X.dtype)
        self.tvars, self.ivars, self.fvars, self.bvars = {}, {"istep": 0}, {"_": 0.0}, {"_": False}

    def update(self):
        """One step; the first also measures ‖A‖ and ‖B‖ (on X) for the convergence test."""
        if self.ivars["istep"] == 0:
            X_norm = float(np.linalg.norm(self.X))
            self.fvars["X_norm"] = X_norm
            self.fvars["A_norm"] = float(np.linalg.norm(_mm(self.A, self.X))) / X_norm
            self.fvars["B_norm"] = float(np.linalg.norm(_mm(self.B, self.X))) / X_norm
            self.ivars["iterations_left"] = self.iparams["niter"]
            self.ivars["converged_count"] = 0
            self.ivars["converged_end"] = 0
        if self.method == "ortho":
            self._update_ortho()
        else:
            self._update_basic()
        self.ivars["iterations_left"] -= 1
        self.ivars["istep"] += 1

    def update_residual(self):
        """R = A X - B X E."""
        self.R = _mm(self.A, self.X) - _mm(self.B, self.X) * self.E

    def update_converged_count(self):
        """How many leading pairs have converged, by the backward-stable test of Duersch et al.
        2018, §4.3: ‖r_j‖ / (‖x_j‖ (‖A‖ + |λ_j| ‖B‖)) < tol; counted in order, so that a pair
        counts only when all before it have converged."""
        tol = self.fparams["tol"]
        E, X, R = self.E, self.X, self.R
        rerr = np.linalg.norm(R, axis=0) / (np.linalg.norm(X, axis=0)
                                            * (self.fvars["A_norm"] + np.abs(E[:X.shape[-1]]) * self.fvars["B_norm"]))
        count = 0
        for ok in rerr < tol:
            if not ok:
                break
            count += 1
        self.ivars["converged_count"] = max(count, self.ivars["converged_count"])
        self.tvars["rerr"] = rerr
        return self.ivars["converged_count"]

    def stop_iteration(self):
        return (self.bvars.get("force_stop", False) or self.ivars["iterations_left"] == 0
                or self.ivars["converged_count"] >= self.iparams["k"])

    def run(self):
        self.update()
        if self.tracker is not None:
            self.tracker(self)
        while not self.stop_iteration():
            self.update()
            if self.tracker is not None:
                self.tracker(self)

    def _update_basic(self):
        """Knyazev's step: Rayleigh-Ritz on the not yet converged part of S = [X, P, W]."""
        ns, nc, n = self.ivars["converged_end"], self.ivars["converged_count"], self.iparams["n"]
        largest = self.bparams["largest"]
        if self.ivars["istep"] == 0:
            Ri = self._get_rayleigh_ritz_transform(self.X)
            E, Z = _symeig(_qform(_qform(self.A, self.X), Ri), largest)
            self.X = self.X @ (Ri @ Z)
            self.E[:] = E
            np_ = 0
            self.update_residual()
            nc = self.update_converged_count()
            self.S[:, :n] = self.X
            W = _mm(self.iK, self.R)
        else:
            S_ = self.S[:, nc:ns]
            Ri = self._get_rayleigh_ritz_transform(S_)
            E_, Z = _symeig(_qform(_qform(self.A, S_), Ri), largest)
            self.X[:, nc:] = S_ @ (Ri @ Z[:, :n - nc])
            self.E[nc:] = E_[:n - nc]
            P = S_ @ (Ri @ Z[:, n:2 * n - nc])
            np_ = P.shape[-1]
            self.update_residual()
            nc = self.update_converged_count()
            self.S[:, :n] = self.X
            self.S[:, n:n + np_] = P
            W = _mm(self.iK, self.R[:, nc:])
        self.ivars["converged_end"] = ns = n + np_ + W.shape[-1]
        self.S[:, n + np_:ns] = W

    def _update_ortho(self):
        """The robust step: W is made B-orthonormal to [X, P] first, so S is B-orthonormal and
        Rayleigh-Ritz is a plain symmetric eigenproblem."""
        ns, nc, n = self.ivars["converged_end"], self.ivars["converged_count"], self.iparams["n"]
        largest = self.bparams["largest"]
        if self.ivars["istep"] == 0:
            Ri = self._get_rayleigh_ritz_transform(self.X)
            _, Z = _symeig(_qform(_qform(self.A, self.X), Ri), largest)
            self.X = self.X @ (Ri @ Z)
            self.update_residual()
            np_ = 0
            nc = self.update_converged_count()
            self.S[:, :n] = self.X
            W = self._get_ortho(self.R, self.X)
        else:
            S_ = self.S[:, nc:ns]
            E_, Z = _symeig(_qform(self.A, S_), largest)
            self.X[:, nc:] = S_ @ Z[:, :n - nc]
            self.E[nc:] = E_[:n - nc]
            P = S_ @ (Z[:, n - nc:] @ _basis(Z[:n - nc, n - nc:].T))
            np_ = P.shape[-1]
            self.update_residual()
            nc = self.update_converged_count()
            self.S[:, :n] = self.X
            self.S[:, n:n + np_] = P
            W = self._get_ortho(self.R[:, nc:], self.S[:, :n + np_])
        self.ivars["converged_end"] = ns = n + np_ + W.shape[-1]
        self.S[:, n + np_:ns] = W

    def _get_rayleigh_ritz_transform(self, S):
        """Ri with Riᵀ (Sᵀ B S) Ri = I, so that Sᵀ A S c = θ Sᵀ B S c becomes the standard
        (Riᵀ Sᵀ A S Ri) z = θ z, c = Ri z: with d = diag(Sᵀ B S)^(-1/2) (a scaling that helps
        Cholesky) and Rᵀ R = d dᵀ ∘ Sᵀ B S (R upper triangular), Ri = diag(d) R⁻¹."""
        SBS = _qform(self.B, S)
        d = np.diagonal(SBS) ** -0.5
        R = np.linalg.cholesky(SBS * d * d[:, None]).T
        return d[:, None] * solve_triangular(R, np.eye(len(d), dtype=R.dtype), upper=True)

    def _get_svqb(self, U, drop, tau):
        """B-orthonormal columns spanning U's (Duersch 2015, Algorithm 4: an eigendecomposition
        of the scaled Gram matrix, with tiny eigenvalues raised to tau·max, or dropped)."""
        if U.size == 0:
            return U
        UBU = _qform(self.B, U)
        d = np.diagonal(UBU)
        nonzero = np.abs(d) != 0.0  # (exactly zero columns would divide by zero below)
        if not nonzero.all():
            U = U[:, nonzero]
            if U.size == 0:
                return U
            UBU = _qform(self.B, U)
            d = np.diagonal(UBU)
        d_col = (d ** -0.5)[:, None]
        E, Z = _symeig(UBU * d_col * d_col.T)
        t = tau * np.abs(E).max()
        if drop:
            keep = E > t
            E, Z, d_col = E[keep], Z[:, keep], d_col[keep]
        else:
            E = np.where(E < t, t, E)
        return (U * d_col.T) @ (Z * E ** -0.5)

    def _get_ortho(self, U, V):
        """U's columns made B-orthonormal and B-orthogonal to V's (Duersch 2015, Algorithm 3,
        or Algorithm 6 with ortho_use_drop): project out V, then SVQB, repeated until both
        relative errors ‖UᵀBU - I‖ and ‖VᵀBU‖ are below ortho_tol."""
        m = self.iparams["m"]
        tau_ortho, tau_drop = self.fparams["ortho_tol"], self.fparams["ortho_tol_drop"]
        tau_replace = self.fparams["ortho_tol_replace"]
        i_max, j_max = self.iparams["ortho_i_max"], self.iparams["ortho_j_max"]
        use_drop = self.bparams["ortho_use_drop"]
        for key in [key for key in self.fvars if key.startswith("ortho_") and key.endswith("_rerr")]:
            self.fvars.pop(key)
        self.ivars.pop("ortho_i", 0)
        self.ivars.pop("ortho_j", 0)
        BV_norm = np.linalg.norm(_mm(self.B, V))
        BU = _mm(self.B, U)
        VBU = V.T @ BU
        i = j = 0
        for i in range(i_max):
            U = U - V @ VBU
            drop, tau_svqb = False, tau_drop
            for j in range(j_max):
                if use_drop:
                    U = self._get_svqb(U, drop, tau_svqb)
                    drop, tau_svqb = True, tau_replace
                else:
                    U = self._get_svqb(U, False, tau_replace)
                if U.size == 0:  # every column of U lies in span(V)
                    self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
                    return U
                BU = _mm(self.B, U)
                UBU = U.T @ BU
                rerr = float(np.linalg.norm(UBU - np.eye(UBU.shape[-1])) / (np.linalg.norm(BU) * np.linalg.norm(U)))
                self.fvars[f"ortho_UBUmI_rerr[{i}, {j}]"] = rerr
                if rerr < tau_ortho:
                    break
            VBU = V.T @ BU
            rerr = float(np.linalg.norm(VBU) / (BV_norm * np.linalg.norm(U)))
            self.fvars[f"ortho_VBU_rerr[{i}]"] = rerr
            if rerr < tau_ortho:
                break
            if m < U.shape[-1] + V.shape[-1]:
                raise ValueError(f"lobpcg: Overdetermined shape of U: #B-cols(={m}) >= #U-cols(={U.shape[-1]}) "
                                 f"+ #V-cols(={V.shape[-1]}) must hold")
        self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
        return U


def _array(x, name: str, dtype):
    if x is None:
        return None
    x = as_tensor(x)
    if getattr(x, "is_sparse", False):
        raise NotImplementedError(f"lobpcg: sparse {name} is not supported; pass a dense matrix")
    return np.asarray(x.data, dtype=dtype)


def lobpcg(A, k: int | None = None, B=None, X=None, n: int | None = None, iK=None, niter: int | None = None,
           tol: float | None = None, largest: bool | None = None, method: str | None = None, tracker=None,
           ortho_iparams: dict | None = None, ortho_fparams: dict | None = None,
           ortho_bparams: dict | None = None) -> tuple[Tensor, Tensor]:
    """(E, X): the k largest (largest=True, the default) or smallest eigenvalues E (..., k) and
    their eigenvectors X (..., m, k) of A x = λ B x, A (..., m, m) symmetric and B symmetric
    positive definite (the identity when None), by LOBPCG (Knyazev 2001). X (..., m, n), n ≥ k,
    is the starting block (random from tg.randn when None, with n columns, default k); iK a
    preconditioner (an approximation of A⁻¹); niter the most steps (default 1000, -1: until
    converged); tol the relative residual to reach (default √eps of the dtype). method "ortho"
    (default, robust) or "basic". Needs m ≥ 3n. Differentiable with respect to A when B is None
    (as torch; the gradient is as accurate as the converged residual, see `tol`).

    >>> import tinygrad_edu as tg
    >>> _ = tg.manual_seed(0)
    >>> A = tg.diag(tg.arange(1.0, 13.0, dtype=tg.float64))
    >>> E, X = tg.lobpcg(A, k=2)
    >>> [round(v, 6) for v in E.tolist()]
    [12.0, 11.0]
    """
    A = as_tensor(A)
    # (AssertionError for the shapes, as torch.lobpcg)
    if A.ndim < 2 or A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"lobpcg: A must be square (..., m, m), got shape {tuple(A.shape)}")
    B = None if B is None else as_tensor(B)
    if B is not None and tuple(B.shape) != tuple(A.shape):
        raise AssertionError(f"lobpcg: A and B must have same shape, got {tuple(A.shape)} vs {tuple(B.shape)}")
    if A.dtype.kind != "f":
        raise RuntimeError(f"lobpcg: expected a floating point matrix A, got {A.dtype} "
                           f"(convert it first, e.g. A.double())")
    check_lapack_dtype("lobpcg", "linalg_eigh_cpu", A)
    dtype = A.dtype
    if tol is None:
        tol = {np.dtype(np.float32): 1.2e-07, np.dtype(np.float64): 2.23e-16}[np.dtype(dtype)] ** 0.5
    m = A.shape[-1]
    X = None if X is None else as_tensor(X)
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m}) is smaller than "
                         f"3 x the number of requested eigenpairs (={n})")
    method = "ortho" if method is None else method
    if method not in ("ortho", "basic"):
        raise ValueError(f"lobpcg: method must be 'ortho' or 'basic', got {method!r}")
    iparams = {"m": m, "n": n, "k": k, "niter": 1000 if niter is None else niter}
    fparams = {"tol": tol}
    bparams = {"largest": True if largest is None else largest}
    if method == "ortho":
        iparams.update(ortho_iparams or {})
        fparams.update(ortho_fparams or {})
        bparams.update(ortho_bparams or {})
        iparams.setdefault("ortho_i_max", 3)
        iparams.setdefault("ortho_j_max", 3)
        for key in ("ortho_tol", "ortho_tol_drop", "ortho_tol_replace"):
            fparams.setdefault(key, tol)
        bparams.setdefault("ortho_use_drop", False)

    ik, x = _array(iK, "iK", dtype), _array(X, "X", dtype)

    def run(a: np.ndarray, b: np.ndarray | None) -> tuple:
        """LOBPCG on each matrix of the batch (one worker each, as torch)."""
        batch = a.shape[:-2]
        N = int(np.prod(batch, dtype=np.int64))
        a = a.reshape((N, m, m))
        b = None if b is None else b.reshape((N, m, m))
        xs = None if x is None else np.broadcast_to(x, batch + x.shape[-2:]).reshape((N,) + x.shape[-2:])
        values, vectors = np.empty((N, k), dtype), np.empty((N, m, k), dtype)
        for i in range(N):
            x_i = randn(m, n, dtype=dtype).data if xs is None else np.array(xs[i], copy=True)
            if x_i.shape != (m, n):
                raise AssertionError(f"lobpcg: X shape mismatch: got {x_i.shape}, expected (m, n) = {(m, n)}")
            if batch:
                iparams["batch_index"] = i
            worker = LOBPCG(a[i], None if b is None else b[i], x_i, ik, iparams, fparams, bparams, method, tracker)
            worker.run()
            values[i], vectors[i] = worker.E[:k], worker.X[:, :k]
        return values.reshape(batch + (k,)), vectors.reshape(batch + (m, k))

    if is_grad_enabled() and (A.requires_grad or (B is not None and B.requires_grad)):
        # A's gradient is not symmetric by itself; as torch, work on (A + Aᵀ)/2 so that it is
        A_sym = (A + A.mT) / 2
        B_sym = None if B is None else (B + B.mT) / 2
        E, X = PartialEigh.apply(A_sym, B_sym, run)
        return E, X
    E, X = run(_array(A, "A", dtype), _array(B, "B", dtype))
    return Tensor(E), Tensor(X)


class PartialEigh(Op):
    """(E, U): k eigenpairs of the symmetric A (A U = U diag(E), UᵀU = I) found by `run`. With
    P = I - UUᵀ the projection on the other eigenvectors, the gradient is that of the full
    eigendecomposition restricted to these k columns:

        ∂L/∂A = U (diag(Ḡ_E) + F ∘ (Uᵀ Ḡ_U)) Uᵀ - Σ_j (A - E_j I)⁺ P Ḡ_u_j u_jᵀ,   F_ij = 1/(E_j - E_i),

    where (A - E_j I)⁺ acts on span(P) only (the part of du_j outside span(U) solves
    P (A - E_j) du_j = -P dA u_j). It is computed as M_j⁻¹ P Ḡ_u_j with
    M_j = A - E_j I + U diag(1 + E_j - E) Uᵀ, which is A - E_j on span(P) and the identity on
    span(U), so invertible (M. Giles, "An extended collection of matrix derivative results for
    forward and reverse mode algorithmic differentiation", 2008, §3.1, for the full case). It
    needs the k eigenvalues to be simple and apart from the rest; where two of the k are equal,
    F is taken as 0 as in linalg.eigh. Accurate to the residual that `run` converged to."""

    @staticmethod
    def forward(ctx, A, B, run):
        ctx.has_B = B is not None
        ctx.save_for_backward(A)
        return save_outputs(ctx, *run(A.data, None if B is None else B.data))

    @staticmethod
    def backward(ctx, grad_E, grad_U):
        if ctx.has_B:
            raise ValueError("lobpcg.backward does not support backward with B != I yet (as torch.lobpcg): "
                             "call lobpcg on B.detach() and A.detach(), or use tg.linalg.eigh(L⁻¹ A L⁻ᵀ) "
                             "with B = L Lᵀ for gradients")
        xp = ctx.xp
        A, = ctx.saved_tensors
        E, U = saved_outputs(ctx)
        m, k = U.shape[-2], U.shape[-1]
        Ut = xp.matrix_transpose(U)
        e = xp.values(E)
        tie = e[..., None, :] == e[..., :, None]  # (a constant: the diagonal and equal eigenvalues)
        F = xp.where(tie, 0.0, 1.0 / xp.where(tie, 1.0, E[..., None, :] - E[..., :, None]))
        inside = U @ ((Ut @ grad_U) * F + grad_E[..., None, :] * np.eye(k, dtype=e.dtype)) @ Ut
        projected = grad_U - U @ (Ut @ grad_U)  # P Ḡ_U
        shift = 1.0 + E[..., :, None] - E[..., None, :]  # [j, i] = 1 + E_j - E_i
        M = (A[..., None, :, :] - E[..., :, None, None] * np.eye(m, dtype=e.dtype)
             + (U[..., None, :, :] * shift[..., :, None, :]) @ Ut[..., None, :, :])  # (..., k, m, m)
        rhs = xp.matrix_transpose(projected)[..., :, :, None]  # (..., k, m, 1): column j is P Ḡ_u_j
        outside = xp.matrix_transpose(xp.solve(M, rhs)[..., 0])  # (..., m, k)
        return inside - outside @ Ut, None
