"""One training step of the digits MLP: the VJP chain against autograd and full Jacobians.

Run ``python benchmarks/backprop.py``. On a mini-batch of 32 training digits
(:func:`jaccourse.datasets.load_digits`: scikit-learn's 8x8 images, pixels divided by 16) and
the MLP ``64-256-256-10`` (tanh, linear output, cross-entropy on the logits) it computes the
gradient of the loss with respect to every weight and bias in four ways:

* ``VJP chain``: :meth:`jaccourse.nn.MLP.backprop`, the hand-written backward recursion
  ``g_l = sigma'(z_l) * delta_{l+1}``, ``grad W_l = g_l x_l^T``, ``delta_l = W_l^T g_l``: a
  row vector per example pulled back through the layers (matrix-vector products, batched);
* ``autograd.grad``: autograd's reverse mode on the same loss, written with autograd.numpy
  (``cross_entropy(net.apply(params, X), y)``): the same chain, recorded and replayed by a
  general-purpose tracer;
* ``full input and weight Jacobians``: every layer Jacobian formed as a dense matrix for
  every example, with respect to the layer's input (``diag(sigma'(z_l)) W_l``, the diagonal
  factor as a matrix, seed equation 48) and to its weights (``d x_{l+1} / d vec(W_l)``, of
  shape ``(n_{l+1}, n_{l+1} n_l)``) and biases, multiplied as matrices from the output side
  into ``d x_L / d W_l``, and only then contracted with ``grad_{x_L} Loss``: the chain rule
  as a product of full Jacobians;
* ``full input Jacobians`` (for information): the strongest full-matrix competitor. Only the
  input Jacobians ``J_l`` are formed (rows of ``W_l`` scaled, batched), the output-to-layer
  Jacobians ``P_l = d x_L / d x_l = P_{l+1} J_l`` are multiplied from the output side
  (``P_L = I``, ``n_L = 10`` rows, the cheapest order), and the weight Jacobians are used in
  their factored outer-product form, as backprop does. Its extra work over the VJP chain is
  the ``n_L = 10`` rows of ``P`` against one row: for a 10-class output the multiply-add count
  bounds its ratio to the VJP chain at about 4, whatever the width.

The script checks that the four gradients agree to 1e-10, then prints the median times
(``timeit``; the slow dense method: best of three), the ratios to the VJP chain and the
multiply-adds per example. BLAS runs on one thread so that the ratios measure work.

Targets (exit code 1 if one is missed), at width 256:

(a) the VJP chain is at least as fast as ``autograd.grad``;
(b) the VJP chain is at least 10 times faster than the product of full layer Jacobians.
"""

from __future__ import annotations

import os

# One BLAS thread: the ratios then measure work, not how busy the machine's other cores are
# (set the variables yourself to override).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics
import sys
import timeit

import autograd
import numpy as onp

from jaccourse.datasets import load_digits
from jaccourse.nn import MLP, cross_entropy, cross_entropy_gradient

SIZES = (64, 256, 256, 10)
BATCH = 32


def median_time(call, repeat: int = 9) -> float:
    """Median over ``repeat`` runs of the mean time per call, each run about 0.05 s or more."""
    number, _ = timeit.Timer(call).autorange()
    number = max(1, number // 4)
    return statistics.median(timeit.repeat(call, repeat=repeat, number=number)) / number


def full_jacobian_gradient(net: MLP, X: onp.ndarray, y: onp.ndarray) -> onp.ndarray:
    """The weight and bias gradients through explicitly formed Jacobian matrices."""
    Ws, bs = net.weights, net.biases
    act = net.activation
    xs, zs = [X], []
    for l, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        z = xs[-1] @ W.T + b
        zs.append(z)
        xs.append(z if l == len(Ws) - 1 else act.fn(z))
    L = len(Ws)
    # full layer Jacobians J_l = diag(sigma'(z_l)) W_l, shape (N, n_{l+1}, n_l), for l >= 1
    # (the Jacobian of the first layer is needed only for the input gradient)
    Js = [None] + [
        (act.fn_derivative(zs[l])[:, :, None] if l < L - 1 else 1.0) * Ws[l] for l in range(1, L)
    ]
    n = X.shape[0]
    P = onp.broadcast_to(onp.eye(SIZES[-1]), (n, SIZES[-1], SIZES[-1]))  # d x_L / d x_L
    Ps = [None] * (L + 1)
    Ps[L] = P
    for l in range(L - 1, 0, -1):
        Ps[l] = onp.matmul(Ps[l + 1], Js[l])  # d x_L / d x_l, (N, n_L, n_l)
    grad_out = cross_entropy_gradient(xs[-1], y)  # (N, n_L), includes the 1/N
    parts = []
    for l in range(L):
        delta = onp.einsum("nk,nkj->nj", grad_out, Ps[l + 1])  # d Loss / d x_{l+1}
        g = delta if l == L - 1 else act.fn_derivative(zs[l]) * delta
        parts += [(g.T @ xs[l]).ravel(), g.sum(axis=0)]
    return onp.concatenate(parts)


def dense_weight_jacobian_gradient(net: MLP, X: onp.ndarray, y: onp.ndarray) -> onp.ndarray:
    """As :func:`full_jacobian_gradient`, but the Jacobians with respect to the weights are
    formed as dense matrices too: ``K_l = d x_{l+1} / d vec(W_l)``, shape
    ``(n_{l+1}, n_{l+1} n_l)`` per example (``K_l[i, (j, k)] = sigma'(z_l)_i delta_ij x_l[k]``,
    what :meth:`jaccourse.nn.Dense.weight_jacobian` returns), multiplied as
    ``grad_{x_L} Loss^T P_{l+1} K_l``. Example by example: ``K_1`` alone is 134 MB."""
    Ws, bs = net.weights, net.biases
    act = net.activation
    L = len(Ws)
    grads = [onp.zeros(W.size + b.size) for W, b in zip(Ws, bs, strict=True)]
    for x, label in zip(X, y, strict=True):
        xs, zs = [x], []
        for l, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            z = W @ xs[-1] + b
            zs.append(z)
            xs.append(z if l == L - 1 else act.fn(z))
        dz = [act.fn_jacobian(zs[l]) if l < L - 1 else onp.eye(SIZES[-1]) for l in range(L)]
        P = onp.eye(SIZES[-1])  # d x_L / d x_L
        grad_out = cross_entropy_gradient(xs[-1], label) / len(y)
        for l in range(L - 1, -1, -1):
            K = dz[l][:, :, None] * xs[l][None, None, :]  # d x_{l+1} / d W_l
            dW = P @ K.reshape(K.shape[0], -1)  # d x_L / d vec(W_l)
            db = P @ dz[l]  # d x_L / d b_l
            grads[l] += onp.concatenate([grad_out @ dW, grad_out @ db])
            if l:
                P = P @ (dz[l] @ Ws[l])  # d x_L / d x_l
    return onp.concatenate(grads)


def macs_per_example() -> dict[str, int]:
    """Multiply-adds (or multiplications) per example, forward pass included."""
    pairs = list(zip(SIZES[:-1], SIZES[1:], strict=True))
    out = SIZES[-1]
    forward = sum(a * b for a, b in pairs)
    weight_grads = forward  # g x^T
    vjp_deltas = sum(a * b for a, b in pairs[1:])  # W_l^T g for l >= 1
    form = sum(a * b for a, b in pairs[1:])  # scaling rows of W_l
    chain = sum(out * a * b for a, b in pairs[1:-1])  # P_{l+1} J_l
    contract = sum(out * b for _, b in pairs)  # P^T grad
    dense = forward + sum(
        b * b * a  # forming K_l
        + out * b * b * a  # P K_l
        + out * b * b
        + out * b * a  # P diag, grad^T (P K_l)
        + (b * b * a + out * b * a if i else 0)  # diag @ W_l, P J_l
        for i, (a, b) in enumerate(pairs)
    )
    return {
        "vjp": forward + vjp_deltas + weight_grads,
        "input": forward + form + chain + contract + weight_grads,
        "dense": dense,
    }


def main() -> int:
    digits = load_digits()
    idx = onp.random.default_rng(0).choice(len(digits.y_train), BATCH, replace=False)
    X, y = digits.X_train[idx], digits.y_train[idx]
    net = MLP(SIZES, activation="tanh", init="xavier_normal", rng=0)
    params = net.params()
    ag = autograd.grad(lambda p: cross_entropy(net.apply(p, X), y))

    ours = net.backprop(X, y).vector()
    others = {
        "autograd": ag(params),
        "input": full_jacobian_gradient(net, X, y),
        "dense": dense_weight_jacobian_gradient(net, X, y),
    }
    scale = float(onp.abs(ours).max())
    errors = {k: float(onp.abs(ours - v).max()) / scale for k, v in others.items()}
    assert max(errors.values()) < 1e-10, errors

    times = {
        "vjp": median_time(lambda: net.backprop(X, y)),
        "autograd": median_time(lambda: ag(params)),
        "input": median_time(lambda: full_jacobian_gradient(net, X, y), repeat=5),
        "dense": min(
            timeit.repeat(lambda: dense_weight_jacobian_gradient(net, X, y), repeat=3, number=1)
        ),
    }
    macs = macs_per_example()
    rows = [
        ("VJP chain (MLP.backprop)", "vjp", f"{macs['vjp']:,}"),
        ("autograd.grad", "autograd", "the same + tracing"),
        ("full input Jacobians", "input", f"{macs['input']:,}"),
        ("full input and weight Jacobians", "dense", f"{macs['dense']:,}"),
    ]
    print(
        f"one training step: gradient of the cross-entropy of the MLP "
        f"{'-'.join(map(str, SIZES))} (tanh, {net.n_params} parameters) on a mini-batch of "
        f"{BATCH} digits"
    )
    print(
        "agreement with the VJP chain (max relative error): "
        + ", ".join(f"{k} {v:.1e}" for k, v in errors.items())
        + "\n"
    )
    print(
        f"| {'method':<32s} | {'time':>11s} | {'/ VJP chain':>11s} | "
        f"{'multiply-adds per example':>26s} |"
    )
    print(f"|{'-' * 34}|{'-' * 13}|{'-' * 13}|{'-' * 28}|")
    for name, key, mac in rows:
        t = times[key]
        shown = f"{t * 1e3:8.3f} ms" if t < 1 else f"{t:9.3f} s"
        print(f"| {name:<32s} | {shown:>11s} | {t / times['vjp']:10.1f}x | {mac:>26s} |")
    ratio_auto = times["autograd"] / times["vjp"]
    ratio_dense = times["dense"] / times["vjp"]
    ratio_input = times["input"] / times["vjp"]
    ok_a = ratio_auto >= 1.0
    ok_b = ratio_dense >= 10.0
    print(
        f"\n(a) VJP chain at least as fast as autograd.grad: {ratio_auto:.2f}x -> "
        f"{'PASS' if ok_a else 'FAIL'}"
    )
    print(
        f"(b) VJP chain at least 10x faster than products of full layer Jacobians (input and "
        f"weight Jacobians as matrices): {ratio_dense:.0f}x -> {'PASS' if ok_b else 'FAIL'}"
    )
    print(
        f"    (for information: against full input Jacobians only, with the weight Jacobians "
        f"used in factored form, {ratio_input:.1f}x;\n     the multiply-add count bounds this "
        f"at {macs['input'] / macs['vjp']:.1f}x for a {SIZES[-1]}-class output, whatever the "
        f"width)"
    )
    return 0 if ok_a and ok_b else 1


if __name__ == "__main__":
    sys.exit(main())
