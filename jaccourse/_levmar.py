"""The Levenberg-Marquardt engine behind :func:`jaccourse.optim.levenberg_marquardt`.

A line-by-line numpy transcription of MINPACK's ``lmder`` (Moré 1978; the MINPACK-1 user
guide, ANL-80-74, Moré, Garbow & Hillstrom 1980) with its helpers ``lmpar`` (the
Levenberg-Marquardt parameter by a safeguarded Newton iteration on the secular equation)
and ``qrsolv`` (the damped least-squares system). The logic -- scaling, trust-region
radius updates, the thresholds 0.0001 / 0.25 / 0.75, the ``par = 0`` shortcuts, the
convergence tests and the info codes -- is MINPACK's, so the number of function evaluations
is essentially MINPACK's (``benchmarks/least_squares.py`` compares with
``scipy.optimize.least_squares(method="lm")``, which calls MINPACK).

What is done differently (numerically equivalent, not bit-identical):

* the QR factorisation with column pivoting of the Jacobian (``qrfac``) is LAPACK's
  ``dgeqp3`` through :func:`scipy.linalg.qr`, and ``qrsolv`` (MINPACK eliminates
  ``sqrt(par) D`` from ``R`` with Givens rotations) is a Householder QR of the stacked
  ``2n x n`` matrix ``[R; sqrt(par) D P]``. Both give a triangular ``S`` with
  ``S^T S = P^T (J^T J + par D^2) P``, which is all ``lmpar`` needs;
* ``enorm`` is an overflow-safe 2-norm (BLAS ``nrm2``);
* a trial point whose residual is not finite is a failed step (its norm counts as
  ``+inf``: MINPACK's rule ``actred = -1`` when ``|r(x+p)| >= 10 |r(x)|`` applies, the
  radius shrinks tenfold and the step is refused); MINPACK itself has no such case;
* a non-finite Jacobian, residual at ``x0`` or step (overflow in ``lmpar``) stops the run:
  status 9;
* ``m < n`` is accepted (MINPACK refuses it): the residual and the Jacobian are padded
  with ``n - m`` zeros, which changes neither the sum of squares nor its minimisers;
* invalid arguments raise ``ValueError`` (MINPACK returns ``info = 0``; status 0 is never
  returned here).

Status codes (``info`` of ``lmder``; ``success`` is ``1 <= status <= 4``):

=====  ============================================================================
0      not used (MINPACK: improper input; here a ``ValueError`` is raised instead)
1      both actual and predicted relative reductions of the sum of squares <= ftol
2      relative change of x between two consecutive iterates <= xtol
3      both 1 and 2
4      the cosine of the angle between r and any column of J is <= gtol
5      max_nfev reached
6      ftol is too small: no further reduction of the sum of squares is possible
7      xtol is too small: no further improvement of x is possible
8      gtol is too small: r is orthogonal to the columns of J to machine precision
9      the Jacobian, the residual at x0 or the step is not finite (not in MINPACK)
=====  ============================================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as onp

# scipy.linalg is imported where it is used, not here: `import jaccourse` imports this module,
# and scipy.linalg adds about a third of a second to every kernel that only reads a chapter.

__all__: list[str] = []  # private module

_EPSMCH = float(onp.finfo(float).eps)
_DWARF = float(onp.finfo(float).tiny)
_P1, _P5, _P25, _P75, _P0001, _P001 = 0.1, 0.5, 0.25, 0.75, 1e-4, 1e-3

MESSAGES = {
    1: "both the actual and the predicted relative reductions of the sum of squares are at "
    "most ftol",
    2: "the relative change of x between two consecutive iterates is at most xtol",
    3: "both the actual and the predicted relative reductions of the sum of squares are at "
    "most ftol, and the relative change of x is at most xtol",
    4: "the cosine of the angle between the residual and every column of the Jacobian is "
    "at most gtol in absolute value",
    5: "the number of function evaluations has reached max_nfev",
    6: "ftol is too small: no further reduction of the sum of squares is possible",
    7: "xtol is too small: no further improvement of x is possible",
    8: "gtol is too small: the residual is orthogonal to the columns of the Jacobian to "
    "machine precision",
}


class LMOutcome(NamedTuple):
    """What :func:`lm_solve` returns."""

    x: onp.ndarray  # final x, shape (n,)
    fvec: onp.ndarray  # residual at x, shape (m,)
    nit: int  # outer iterations = Jacobian evaluations
    success: bool  # status in 1..4
    status: int  # MINPACK info code (see the module docstring), 9 = non-finite
    message: str
    xs: list  # accepted iterates, starting with x0
    costs: list  # 0.5 |r|^2 at each accepted iterate


def _enorm(v: onp.ndarray) -> float:
    """Euclidean norm without overflow or destructive underflow (MINPACK's ``enorm``)."""
    if v.size == 0:
        return 0.0
    from scipy.linalg import blas

    return float(blas.dnrm2(onp.ascontiguousarray(v, dtype=float)))


def _qrsolv(r: onp.ndarray, ipvt: onp.ndarray, dp: onp.ndarray, qtb: onp.ndarray):
    """MINPACK ``qrsolv``: least-squares solution of ``[R; D_p] z = [qtb; 0]``, ``x[ipvt] = z``.

    ``r`` is the ``n x n`` upper triangle of ``J P = Q R``, ``dp = sqrt(par) * diag`` in the
    ORIGINAL variable order. Returns ``x`` (original order) and the upper triangular ``S``
    with ``S^T S = R^T R + P^T D_p^2 P``.
    """
    from scipy.linalg import solve_triangular

    n = r.shape[1]
    stacked = onp.vstack([r, onp.diag(dp[ipvt])])
    q2, s = onp.linalg.qr(stacked, mode="reduced")
    c = q2[:n].T @ qtb  # the rhs [qtb; 0] only has its first n entries
    sdiag = onp.diag(s)
    zero = onp.flatnonzero(sdiag == 0.0)
    nsing = int(zero[0]) if zero.size else n
    z = onp.zeros(n)
    if nsing > 0:
        z[:nsing] = solve_triangular(s[:nsing, :nsing], c[:nsing], lower=False, check_finite=False)
    x = onp.empty(n)
    x[ipvt] = z
    return x, s


def _lmpar(
    r: onp.ndarray, ipvt: onp.ndarray, diag: onp.ndarray, qtb: onp.ndarray, delta: float, par: float
):
    """MINPACK ``lmpar``: the Levenberg-Marquardt parameter ``par`` and the step ``x``.

    ``x`` solves ``J x = r, sqrt(par) D x = 0`` in the least-squares sense and either
    ``par = 0`` and ``|D x| - delta <= 0.1 delta``, or ``par > 0`` and
    ``| |D x| - delta | <= 0.1 delta`` (at most 10 Newton iterations on the secular
    equation ``phi(par) = |D x(par)| - delta``). MINPACK's step is ``-x``.
    """
    from scipy.linalg import solve_triangular

    n = r.shape[1]
    rdiag = onp.diag(r)
    dperm = diag[ipvt]

    # The Gauss-Newton direction (a least-squares solution if R is singular).
    zero = onp.flatnonzero(rdiag == 0.0)
    nsing = int(zero[0]) if zero.size else n
    z = onp.zeros(n)
    if nsing > 0:
        z[:nsing] = solve_triangular(
            r[:nsing, :nsing], qtb[:nsing], lower=False, check_finite=False
        )
    x = onp.empty(n)
    x[ipvt] = z

    # Test for acceptance of the Gauss-Newton direction.
    it = 0
    wa2 = diag * x
    dxnorm = _enorm(wa2)
    fp = dxnorm - delta
    if fp <= _P1 * delta:
        return 0.0, x

    # If R is nonsingular the Newton step gives a lower bound parl for the zero of phi.
    parl = 0.0
    if nsing == n:
        wa1 = dperm * (wa2[ipvt] / dxnorm)
        wa1 = solve_triangular(r, wa1, trans="T", lower=False, check_finite=False)
        temp = _enorm(wa1)
        parl = ((fp / delta) / temp) / temp if temp > 0.0 else 0.0

    # An upper bound paru.
    wa1 = (r.T @ qtb) / dperm
    gnorm = _enorm(wa1)
    paru = gnorm / delta
    if paru == 0.0:
        paru = _DWARF / min(delta, _P1)

    # Move par into (parl, paru).
    par = max(par, parl)
    par = min(par, paru)
    if par == 0.0:
        par = gnorm / dxnorm

    while True:
        it += 1
        if par == 0.0:
            par = max(_DWARF, _P001 * paru)
        x, s = _qrsolv(r, ipvt, math.sqrt(par) * diag, qtb)
        wa2 = diag * x
        dxnorm = _enorm(wa2)
        temp = fp
        fp = dxnorm - delta
        # Accept par if phi is small enough, or in the exceptional cases (parl = 0 and phi
        # increasing through negative values, or 10 iterations).
        if abs(fp) <= _P1 * delta or (parl == 0.0 and fp <= temp < 0.0) or it == 10:
            break
        # The Newton correction: S^T w = P^T D (D x) / |D x|.
        wa1 = dperm * (wa2[ipvt] / dxnorm)
        wa1 = solve_triangular(s, wa1, trans="T", lower=False, check_finite=False)
        temp = _enorm(wa1)
        parc = ((fp / delta) / temp) / temp if temp > 0.0 else 0.0
        if fp > 0.0:
            parl = max(parl, par)
        if fp < 0.0:
            paru = min(paru, par)
        par = max(parl, par + parc)
    return par, x


def _pad(v: onp.ndarray, size: int) -> onp.ndarray:
    """``v`` with zero rows appended up to ``size`` rows (for ``m < n``)."""
    if v.shape[0] >= size:
        return v
    return onp.concatenate([v, onp.zeros((size - v.shape[0],) + v.shape[1:])])


def lm_solve(
    fun: Callable,
    jac: Callable,
    x0,
    *,
    ftol: float,
    xtol: float,
    gtol: float,
    max_nfev: int,
    nfev: Callable[[], int],
    factor: float = 100.0,
) -> LMOutcome:
    """MINPACK ``lmder`` (mode 1: scaling from the Jacobian's column norms).

    ``fun(x) -> (m,)`` and ``jac(x) -> (m, n)`` are already checked and counted by the
    caller; ``nfev()`` is the number of evaluations of ``fun`` so far (including finite
    differences inside ``jac``). The residual at ``x0`` is the first call of ``fun``.

    The caller has also checked the settings (``ftol``, ``xtol``, ``gtol >= 0``,
    ``max_nfev >= 1``, ``factor > 0``): :func:`jaccourse.optim.levenberg_marquardt` refuses
    bad ones at the door with its own name in the message, so they are not checked again here.
    A non-finite residual or Jacobian met on the way is a result (status 9), not an error.
    """
    from scipy.linalg import qr

    ftol, xtol, gtol, factor = float(ftol), float(xtol), float(gtol), float(factor)
    max_nfev = int(max_nfev)

    x = onp.array(x0, dtype=float)
    n = x.size
    fvec = onp.asarray(fun(x.copy()), dtype=float)
    xs = [x.copy()]
    if not onp.all(onp.isfinite(fvec)):
        return LMOutcome(
            x, fvec, 0, False, 9, "the residual at x0 is not finite (NaN or inf)", xs, [math.inf]
        )
    fnorm = _enorm(fvec)
    costs = [0.5 * fnorm * fnorm]

    par = 0.0
    it = 1  # MINPACK's iter: 1 + the number of successful steps
    njev = 0
    diag = onp.ones(n)
    delta = xnorm = 0.0
    info = 0
    fvec_pad = _pad(fvec, n)

    while True:  # outer loop: one Jacobian per pass
        fjac = onp.asarray(jac(x.copy()), dtype=float)
        njev += 1
        if not onp.all(onp.isfinite(fjac)):
            return LMOutcome(
                x,
                fvec,
                njev,
                False,
                9,
                f"the Jacobian is not finite (NaN or inf) at iteration {njev}, "
                f"after {it - 1} accepted steps",
                xs,
                costs,
            )
        fjac = _pad(fjac, n)

        # QR factorisation with column pivoting: J P = Q R.
        acnorm = onp.array([_enorm(fjac[:, j]) for j in range(n)])
        q, r, ipvt = qr(fjac, mode="economic", pivoting=True, check_finite=False)

        if it == 1:
            # Scale by the column norms of the initial Jacobian, then the initial radius.
            diag = onp.where(acnorm == 0.0, 1.0, acnorm)
            xnorm = _enorm(diag * x)
            delta = factor * xnorm
            if delta == 0.0:
                delta = factor

        qtf = q.T @ fvec_pad

        # The norm of the scaled gradient (the largest cosine between r and a column of J).
        gnorm = 0.0
        if fnorm != 0.0:
            cosines = r.T @ (qtf / fnorm)
            nonzero = acnorm[ipvt] != 0.0
            if onp.any(nonzero):
                gnorm = float(onp.max(onp.abs(cosines[nonzero] / acnorm[ipvt][nonzero])))
        if gnorm <= gtol:
            info = 4
            break

        diag = onp.maximum(diag, acnorm)  # rescale

        while True:  # inner loop: shrink the trust region until a step is accepted
            with onp.errstate(all="ignore"):
                par, step = _lmpar(r, ipvt, diag, qtf, delta, par)
                wa1 = -step
                wa2 = x + wa1
                pnorm = _enorm(diag * wa1)
            if not (math.isfinite(par) and math.isfinite(pnorm) and onp.all(onp.isfinite(wa2))):
                # Overflow in the linear algebra: no step to try (MINPACK has no such case).
                return LMOutcome(
                    x,
                    fvec,
                    njev,
                    False,
                    9,
                    f"the Levenberg-Marquardt step is not finite (overflow) at "
                    f"iteration {njev}, after {it - 1} accepted steps",
                    xs,
                    costs,
                )
            if it == 1:
                delta = min(delta, pnorm)

            fvec1 = onp.asarray(fun(wa2.copy()), dtype=float)
            finite = bool(onp.all(onp.isfinite(fvec1)))
            fnorm1 = _enorm(fvec1) if finite else math.inf

            # Scaled actual reduction (-1 when the residual grows tenfold or is not finite).
            actred = -1.0
            if _P1 * fnorm1 < fnorm:
                t = fnorm1 / fnorm
                actred = 1.0 - t * t

            # Scaled predicted reduction and scaled directional derivative.
            with onp.errstate(all="ignore"):
                wa3 = r @ wa1[ipvt]
            temp1 = _enorm(wa3) / fnorm
            temp2 = (math.sqrt(par) * pnorm) / fnorm
            prered = temp1 * temp1 + temp2 * temp2 / _P5
            dirder = -(temp1 * temp1 + temp2 * temp2)

            ratio = actred / prered if prered != 0.0 else 0.0

            # Update the trust-region radius.
            if ratio <= _P25:
                if actred >= 0.0:
                    temp = _P5
                else:
                    temp = _P5 * dirder / (dirder + _P5 * actred)
                if _P1 * fnorm1 >= fnorm or not temp >= _P1:  # (also catches temp = NaN)
                    temp = _P1
                delta = temp * min(delta, pnorm / _P1)
                par = par / temp
            elif par == 0.0 or ratio >= _P75:
                delta = pnorm / _P5
                par = _P5 * par

            if ratio >= _P0001:  # successful iteration
                x = wa2
                fvec = fvec1
                fvec_pad = _pad(fvec, n)
                xnorm = _enorm(diag * x)
                fnorm = fnorm1
                it += 1
                xs.append(x.copy())
                costs.append(0.5 * fnorm * fnorm)

            # Convergence tests.
            small_f = abs(actred) <= ftol and prered <= ftol and _P5 * ratio <= 1.0
            if small_f:
                info = 1
            if delta <= xtol * xnorm:
                info = 3 if small_f else 2
            if info:
                break
            # Termination and stringent tolerances.
            if nfev() >= max_nfev:
                info = 5
            if abs(actred) <= _EPSMCH and prered <= _EPSMCH and _P5 * ratio <= 1.0:
                info = 6
            if delta <= _EPSMCH * xnorm:
                info = 7
            if gnorm <= _EPSMCH:
                info = 8
            if info:
                break
            if ratio >= _P0001:
                break  # back to the outer loop for a new Jacobian
        if info:
            break

    return LMOutcome(x, fvec, njev, 1 <= info <= 4, info, MESSAGES[info], xs, costs)
