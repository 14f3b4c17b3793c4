"""Figure helpers of the course: one style, a grid and its image under a map, polar cells.

The chapters call :func:`use_style` in a hidden first cell, then draw with the helpers here.
Every helper returns its figure and axes and never calls ``plt.show()``; the notebook shows
the figure. Figures follow the book's rules: white background (readable in dark mode),
lowercase axis labels, no titles (the caption says it), colour-blind safe colours.

Figures are read on phones too. A figure ``w`` inches wide is shown ``S`` CSS pixels wide
(``S = 342`` in the column of a 390 px phone screen), so text of ``p`` points is shown
``p * S / (72 w)`` px high, whatever the dpi; the site wants at least 7 px. The style's
default, 6.4 inches with text of at least 10 points, gives 7.4 px; a figure that needs more
panels stacks them in rows rather than widening. :func:`smallest_text_pt` measures a figure,
and in a notebook :func:`use_style` writes that measure into each PNG the notebook shows (the
text field ``jaccourse:smallest-text-pt``), for the site's phone tests.

Chapters: ``jacobian-determinant``, ``gaussian-integral``, ``linear-maps``,
``linear-approximation``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as onp
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon

from jaccourse._validation import as_positive_int, as_real, check_callable, describe
from jaccourse.geometry import apply_2d_map, rectangle_boundary
from jaccourse.transforms import CoordinateTransform

__all__ = [
    "OKABE_ITO",
    "STYLE",
    "MAX_FIGURE_WIDTH",
    "MIN_FONT_PT",
    "PNG_TEXT_KEY",
    "plot_concept_map",
    "plot_grid_and_image",
    "plot_polar_cells",
    "smallest_text_pt",
    "use_style",
]

OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: faint on white)
)
"""The Okabe-Ito palette, distinguishable with the common forms of colour blindness."""

MAX_FIGURE_WIDTH: float = 6.5
"""The widest a figure should be, in inches. Text of 10 points on a figure this wide is shown
at least 7 px high in the 342 px column of a phone."""

MIN_FONT_PT: float = 10.0
"""The smallest font size of the style, in points (tick labels, legends, plain text)."""

PNG_TEXT_KEY: str = "jaccourse:smallest-text-pt"
"""The PNG text field in which a notebook's figures carry their smallest text size in points
(see :func:`use_style`)."""

STYLE: dict[Any, Any] = {
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    # every size in points, none relative ("small" would follow font.size)
    "font.size": 11.0,  # plain text; "small" (x 0.833) is then 9.2 pt: prefer numbers
    "axes.labelsize": 12.0,
    "axes.titlesize": 12.0,
    "figure.titlesize": 12.0,
    "figure.labelsize": 12.0,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "legend.title_fontsize": MIN_FONT_PT,
    "legend.frameon": False,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.6,
    "grid.linestyle": "-",
    "axes.edgecolor": "#444444",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.8,
    "image.cmap": "viridis",
    "mathtext.fontset": "cm",
}
"""The rcParams set by :func:`use_style`.

:meta hide-value:"""

_HIGHLIGHT = OKABE_ITO[4]  # orange
_U_LINES, _V_LINES = OKABE_ITO[0], OKABE_ITO[1]


def use_style() -> None:
    """Set the course's matplotlib style (white background, readable fonts, Okabe-Ito colours).

    Formula: ``matplotlib.rcParams.update(STYLE)``; calling it twice changes nothing more
    (idempotent). White figure, axes and saved-figure backgrounds, never transparent, so
    figures stay readable in a dark theme; a light grid; figure size ``(6.4, 4.0)`` inches at
    110 dpi (150 when saved); every font size in points, the smallest
    :data:`MIN_FONT_PT` ``= 10``, so that a figure at most :data:`MAX_FIGURE_WIDTH` inches
    wide is readable on a phone.

    In a Jupyter kernel with the inline backend it also makes each figure the notebook shows
    carry, in its PNG, the size of its smallest text (:func:`smallest_text_pt`, in the text
    field :data:`PNG_TEXT_KEY`); the site's phone tests read it. Elsewhere (a script, a
    test) it only sets the style.

    Shapes: no arguments, returns ``None``.

    Chapters: every chapter calls it in a hidden first cell.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from jaccourse.book.plotting import use_style
    >>> use_style(); use_style()
    >>> mpl.rcParams["savefig.transparent"], mpl.rcParams["axes.facecolor"]
    (False, 'white')
    >>> mpl.rcParams["xtick.labelsize"], mpl.rcParams["figure.figsize"][0] <= 6.5
    (10.0, True)
    """
    _mark_inline_pngs()  # first: loading the inline backend may set rcParams of its own
    mpl.rcParams.update(STYLE)


def smallest_text_pt(fig: Figure) -> float | None:
    """The size, in points, of the smallest text a figure draws; ``None`` if it draws none.

    Formula: the figure is drawn once without output, and every piece of text it draws (tick
    labels, axis labels, legends, annotations, titles, mathtext) is recorded with its font
    size; texts that are hidden, empty or outside the drawn ticks do not count. On a page
    that shows a figure ``w`` inches wide at ``S`` CSS pixels, text of ``p`` points is
    ``p * S / (72 w)`` px high.

    Shapes: ``fig`` is a matplotlib Figure; returns a float or ``None``.

    Chapters: every chapter's figures, through :func:`use_style` (the site's phone tests).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from jaccourse.book.plotting import smallest_text_pt, use_style
    >>> use_style()
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1]); _ = ax.set_xlabel("x")
    >>> smallest_text_pt(fig)
    10.0
    >>> _ = ax.annotate("a note", (0.5, 0.5), fontsize=7)
    >>> smallest_text_pt(fig)
    7.0
    >>> plt.close(fig)
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"smallest_text_pt: fig must be a matplotlib Figure, got {describe(fig)}")
    from matplotlib.backend_bases import RendererBase
    from matplotlib.backends.backend_agg import RendererAgg

    sizes: list[float] = []

    def record(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if str(s).strip() and gc.get_alpha() != 0 and gc.get_rgb()[3] != 0:
            sizes.append(float(prop.get_size_in_points()))

    def record_tex(gc, x, y, s, prop, angle, *, mtext=None):
        record(gc, x, y, s, prop, angle)

    width, height = fig.bbox.size
    renderer = RendererAgg(max(1, int(width)), max(1, int(height)), fig.dpi)
    silent = {
        name: (lambda *args, **kwargs: None)
        for name in dir(RendererBase)
        if name.startswith("draw_") or name in ("open_group", "close_group")
    }
    silent.update(draw_text=record, draw_tex=record_tex)
    for name, method in silent.items():
        setattr(renderer, name, method)
    fig.draw(renderer)
    return min(sizes) if sizes else None


def _mark_inline_pngs() -> None:
    """In an IPython kernel with the inline backend, make the PNG of every figure it shows
    carry :func:`smallest_text_pt` in the text field :data:`PNG_TEXT_KEY`. Idempotent."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook tools
        return
    shell = get_ipython()
    backend = str(mpl.rcParams._get("backend") or "")
    if shell is None or not hasattr(shell, "display_formatter") or "inline" not in backend:
        return
    import matplotlib_inline.backend_inline  # noqa: F401 - loading it sets the shell's formatters

    formatter = shell.display_formatter.formatters.get("image/png")
    try:
        printer = formatter.lookup_by_type(Figure)
    except (AttributeError, KeyError):
        return  # PNG output switched off: nothing to mark
    if getattr(printer, "_jaccourse_marks_text", False):
        return

    def png(fig, **kwargs):
        try:
            smallest = smallest_text_pt(fig)
        except Exception:  # a figure that cannot draw fails in the printer itself
            smallest = None
        if smallest is not None:
            kwargs["metadata"] = {**kwargs.get("metadata", {}), PNG_TEXT_KEY: f"{smallest:g}"}
        return printer(fig, **kwargs)

    setattr(png, "_jaccourse_marks_text", True)  # noqa: B010 (an attribute of a function)
    formatter.for_type(Figure, png)


# --------------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------------


def _interval(func: str, name: str, value: Any) -> tuple[float, float]:
    """``value`` as a finite ``(a, b)`` with ``a < b``."""
    if (
        isinstance(value, (str, bytes))
        or not isinstance(value, (Sequence, onp.ndarray))
        or len(value) != 2
    ):
        raise TypeError(f"{func}: {name} must be a pair (a, b) of numbers, got {describe(value)}")
    a = as_real(func, name, value[0] if not isinstance(value[0], onp.generic) else value[0].item())
    b = as_real(func, name, value[1] if not isinstance(value[1], onp.generic) else value[1].item())
    if not a < b:
        raise ValueError(f"{func}: {name} must have a < b, got ({a}, {b})")
    return a, b


def _highlight(func: str, value: Any) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    if (
        isinstance(value, (str, bytes))
        or not isinstance(value, (Sequence, onp.ndarray))
        or len(value) != 4
    ):
        raise TypeError(
            f"{func}: highlight must be None or (u0, v0, du, dv), got {describe(value)}"
        )
    vals = [v.item() if isinstance(v, onp.generic) else v for v in value]
    u0 = as_real(func, "highlight", vals[0])
    v0 = as_real(func, "highlight", vals[1])
    du = as_real(func, "highlight", vals[2])
    dv = as_real(func, "highlight", vals[3])
    if du <= 0 or dv <= 0:
        raise ValueError(f"{func}: highlight must have du > 0 and dv > 0, got du = {du}, dv = {dv}")
    return u0, v0, du, dv


def _image(func: str, transform: Callable, points: onp.ndarray) -> onp.ndarray:
    """Apply a 2-D map to points of shape ``(..., 2)``, checked (see geometry.apply_2d_map)."""
    return apply_2d_map(func, transform, points, "on the plotted lines")


def _label(name: str) -> str:
    greek = {"theta": r"$\theta$", "phi": r"$\varphi$", "rho": r"$\rho$", "psi": r"$\psi$"}
    return greek.get(name, name)


# --------------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------------


def plot_grid_and_image(
    transform: CoordinateTransform | Callable[[Any], Any],
    u_bounds: Sequence[float],
    v_bounds: Sequence[float],
    *,
    n_lines: int = 9,
    samples: int = 100,
    highlight: Sequence[float] | None = None,
    axes: Sequence[Axes] | None = None,
) -> tuple[Figure, tuple[Axes, Axes]]:
    """Draw a grid of the ``(u, v)`` domain (left) and its image under a 2-D map (right).

    Formula: the lines ``u = u_i`` and ``v = v_j`` (``n_lines`` of each, evenly spaced and
    including the bounds) are sampled at ``samples`` points and mapped by ``x = T(u, v)``.
    With ``highlight = (u0, v0, du, dv)`` the small cell ``[u0, u0+du] x [v0, v0+dv]`` is
    filled on the left, and on the right its image, traced along its four edges (the ``4 samples``
    points of :func:`~jaccourse.geometry.rectangle_boundary`, mapped; ``gid="highlight-image"``),
    whose area (:func:`~jaccourse.geometry.image_area`) is ``|det J_T(u0, v0)| du dv`` to
    first order: the picture behind the change-of-variables formula.

    Shapes: ``transform`` maps ``(..., 2) -> (..., 2)`` (a callable or a
    :class:`~jaccourse.transforms.CoordinateTransform` with two variables, whose names label
    the left axes); ``u_bounds``, ``v_bounds`` are pairs ``(a, b)`` with ``a < b``; ``axes``
    is ``None`` (a new figure) or a pair of Axes. Returns ``(fig, (ax_u, ax_x))``.

    Chapters: ``jacobian-determinant``, ``linear-maps``, ``linear-approximation``.

    Examples
    --------
    >>> import numpy as np
    >>> import matplotlib.pyplot as plt
    >>> from jaccourse.book.plotting import plot_grid_and_image
    >>> from jaccourse.transforms import POLAR
    >>> fig, (ax_u, ax_x) = plot_grid_and_image(POLAR, (0, 1), (0, np.pi / 2),
    ...                                         highlight=(0.6, 0.5, 0.1, 0.2))
    >>> len(ax_u.lines), len(ax_x.lines), ax_x.get_xlabel()
    (18, 18, 'x')
    >>> plt.close(fig)
    """
    func = "plot_grid_and_image"
    check_callable(func, "transform", transform)
    if isinstance(transform, CoordinateTransform) and transform.dim != 2:
        raise ValueError(
            f"{func}: transform must be a 2-D map, got {transform.name!r} with {transform.dim} "
            "variables"
        )
    u_a, u_b = _interval(func, "u_bounds", u_bounds)
    v_a, v_b = _interval(func, "v_bounds", v_bounds)
    n_lines = as_positive_int(func, "n_lines", n_lines, minimum=2)
    if n_lines > 200:
        raise ValueError(f"{func}: n_lines must be an integer <= 200, got {n_lines}")
    samples = as_positive_int(func, "samples", samples, minimum=2)
    if samples > 10_000:
        raise ValueError(f"{func}: samples must be an integer <= 10000, got {samples}")
    cell = _highlight(func, highlight)
    if axes is None:
        fig, (ax_u, ax_x) = plt.subplots(1, 2, figsize=(6.4, 3.2), layout="constrained")
    else:
        if (
            isinstance(axes, (str, bytes))
            or not isinstance(axes, (Sequence, onp.ndarray))
            or len(axes) != 2
            or not all(isinstance(a, Axes) for a in axes)
        ):
            raise TypeError(
                f"{func}: axes must be None or a pair of matplotlib Axes, got {describe(axes)}"
            )
        ax_u, ax_x = axes
        if ax_u is ax_x:
            raise ValueError(f"{func}: axes must be two different Axes")
        fig = cast(Figure, ax_u.get_figure())  # an Axes given to us is on a figure

    us = onp.linspace(u_a, u_b, n_lines)
    vs = onp.linspace(v_a, v_b, n_lines)
    s_u = onp.linspace(u_a, u_b, samples)
    s_v = onp.linspace(v_a, v_b, samples)
    # (n_lines, samples, 2): lines of constant u, then lines of constant v
    const_u = onp.stack(onp.broadcast_arrays(us[:, None], s_v[None, :]), axis=-1)
    const_v = onp.stack(onp.broadcast_arrays(s_u[None, :], vs[:, None]), axis=-1)
    img_u = _image(func, transform, const_u)
    img_v = _image(func, transform, const_v)

    for line, img in zip(const_u, img_u, strict=True):
        ax_u.plot(line[:, 0], line[:, 1], color=_U_LINES, lw=1.1)
        ax_x.plot(img[:, 0], img[:, 1], color=_U_LINES, lw=1.1)
    for line, img in zip(const_v, img_v, strict=True):
        ax_u.plot(line[:, 0], line[:, 1], color=_V_LINES, lw=1.1)
        ax_x.plot(img[:, 0], img[:, 1], color=_V_LINES, lw=1.1)

    if cell is not None:
        u0, v0, du, dv = cell
        corners = onp.array([[u0, v0], [u0 + du, v0], [u0 + du, v0 + dv], [u0, v0 + dv]])
        ax_u.add_patch(
            Polygon(
                corners,
                closed=True,
                facecolor=_HIGHLIGHT,
                edgecolor="black",
                lw=0.8,
                alpha=0.85,
                zorder=3,
                gid="highlight-cell",
            )
        )
        image = _image(func, transform, rectangle_boundary(u0, v0, du, dv, samples))
        ax_x.add_patch(
            Polygon(
                image,
                closed=True,
                facecolor=_HIGHLIGHT,
                edgecolor="black",
                lw=0.8,
                alpha=0.85,
                zorder=3,
                gid="highlight-image",
            )
        )

    names = transform.variables if isinstance(transform, CoordinateTransform) else ("u", "v")
    ax_u.set_xlabel(_label(names[0]))
    ax_u.set_ylabel(_label(names[1]))
    ax_x.set_xlabel("x")
    ax_x.set_ylabel("y")
    ax_u.autoscale_view()
    ax_x.autoscale_view()
    ax_x.set_aspect("equal", adjustable="datalim")
    return fig, (ax_u, ax_x)


def _default_function(x: onp.ndarray, y: onp.ndarray) -> onp.ndarray:
    return onp.exp(-(x**2 + y**2))


def plot_polar_cells(
    n_r: int = 6,
    n_theta: int = 12,
    R: float = 2.5,
    *,
    ax: Axes | None = None,
    function: Callable[[onp.ndarray, onp.ndarray], Any] | None = None,
) -> tuple[Figure, Axes]:
    """Polar cells over a filled contour plot of ``function``, one cell marked with ``dr`` and
    ``r dθ``.

    Formula: the circles ``r = k R / n_r`` and the rays ``θ = 2 pi j / n_theta`` cut the disc
    into cells; the marked cell ``[r, r + dr] x [θ, θ + dθ]`` (``gid="highlight-cell"``) is
    nearly a rectangle of sides ``dr`` and ``r dθ``, so its area is ``≈ r dr dθ``: the
    Jacobian determinant ``r`` of polar coordinates. The background is ``function(x, y)``,
    by default ``exp(-(x^2 + y^2))``, the Gaussian of the course.

    Shapes: ``function`` takes two arrays ``x, y`` of the same shape (a meshgrid) and returns
    an array of that shape. ``n_r >= 1``, ``n_theta >= 3``, ``R > 0``. Returns ``(fig, ax)``.

    Chapters: ``gaussian-integral``, ``jacobian-determinant``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from jaccourse.book.plotting import plot_polar_cells
    >>> fig, ax = plot_polar_cells()
    >>> len(ax.lines), [t.get_text() for t in ax.texts]
    (18, ['$dr$', '$r\\\\,d\\\\theta$'])
    >>> plt.close(fig)
    """
    func = "plot_polar_cells"
    n_r = as_positive_int(func, "n_r", n_r)
    if n_r > 200:
        raise ValueError(f"{func}: n_r must be an integer <= 200, got {n_r}")
    n_theta = as_positive_int(func, "n_theta", n_theta, minimum=3)
    if n_theta > 720:
        raise ValueError(f"{func}: n_theta must be an integer <= 720, got {n_theta}")
    R = as_real(func, "R", R, positive=True)
    if function is None:
        function = _default_function
    check_callable(func, "function", function)
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.0, 5.0), layout="constrained")
    elif not isinstance(ax, Axes):
        raise TypeError(f"{func}: ax must be None or a matplotlib Axes, got {describe(ax)}")
    else:
        fig = cast(Figure, ax.get_figure())  # an Axes given to us is on a figure

    lim = 1.1 * R
    grid = onp.linspace(-lim, lim, 241)
    X, Y = onp.meshgrid(grid, grid)
    out = function(X, Y)
    try:
        F = onp.asarray(out, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: function must return an array of real numbers, got {describe(out)}"
        ) from None
    if F.shape != X.shape:
        raise ValueError(
            f"{func}: function must take arrays x, y of shape {X.shape} and return that shape, "
            f"got shape {F.shape}"
        )
    if not onp.all(onp.isfinite(F)):
        raise ValueError(f"{func}: function returned NaN or inf on the plotted square")
    ax.contourf(X, Y, F, levels=20, cmap="Blues", zorder=0)

    dr, dtheta = R / n_r, 2 * onp.pi / n_theta
    circle = onp.linspace(0.0, 2 * onp.pi, 361)
    for k in range(1, n_r + 1):
        ax.plot(
            k * dr * onp.cos(circle), k * dr * onp.sin(circle), color="#333333", lw=0.8, zorder=2
        )
    for j in range(n_theta):
        t = j * dtheta
        ax.plot([0.0, R * onp.cos(t)], [0.0, R * onp.sin(t)], color="#333333", lw=0.8, zorder=2)

    i = min(n_r - 1, (2 * n_r) // 3)
    r_a, r_b = i * dr, (i + 1) * dr
    t_a, t_b = dtheta, 2 * dtheta
    arc = onp.linspace(t_a, t_b, 60)
    boundary = onp.concatenate(
        [
            onp.stack([r_a * onp.cos(arc), r_a * onp.sin(arc)], axis=-1),
            onp.stack([r_b * onp.cos(arc[::-1]), r_b * onp.sin(arc[::-1])], axis=-1),
        ]
    )
    ax.add_patch(
        Polygon(
            boundary,
            closed=True,
            facecolor=_HIGHLIGHT,
            edgecolor="black",
            lw=1.2,
            alpha=0.9,
            zorder=3,
            gid="highlight-cell",
        )
    )
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    r_mid, t_out = 0.5 * (r_a + r_b), t_a - 0.18 * dtheta
    ax.text(
        r_mid * onp.cos(t_out),
        r_mid * onp.sin(t_out),
        r"$dr$",
        ha="center",
        va="center",
        fontsize=12,
        bbox=box,
        zorder=4,
        gid="label-dr",
    )
    t_mid, r_out = 0.5 * (t_a + t_b), r_b + 0.35 * dr
    ax.text(
        r_out * onp.cos(t_mid),
        r_out * onp.sin(t_mid),
        r"$r\,d\theta$",
        ha="center",
        va="center",
        fontsize=12,
        bbox=box,
        zorder=4,
        gid="label-rdtheta",
    )

    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return fig, ax


def plot_concept_map(
    nodes: dict[str, tuple[float, float, str]],
    edges: Sequence[tuple[str, str]],
    *,
    groups: dict[str, int] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (9.0, 4.2),
) -> tuple[Figure, Axes]:
    """Draw a concept map: labelled boxes joined by arrows.

    ``nodes`` maps a key to ``(x, y, label)`` in data coordinates (the axes span the nodes
    with a margin; no axis lines are drawn). ``edges`` lists ``(from_key, to_key)`` arrows.
    ``groups`` (optional) maps a key to a colour index into :data:`OKABE_ITO`, so that the
    boxes of one part of the course share a colour.

    Returns ``(fig, ax)``. Chapters: ``intro`` (the map of the course) and, later, the
    conclusions.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from jaccourse.book.plotting import plot_concept_map
    >>> fig, ax = plot_concept_map({"a": (0, 0, "Gauss"), "b": (1, 0, "Jacobi")}, [("a", "b")])
    >>> len(ax.patches)  # two boxes and one arrow
    3
    """
    func = "plot_concept_map"
    if not isinstance(nodes, dict) or not nodes:
        raise TypeError(
            f"{func}: nodes must be a non-empty dict key -> (x, y, label), got {describe(nodes)}"
        )
    positions: dict[str, tuple[float, float]] = {}
    for key, value in nodes.items():
        if not isinstance(value, (tuple, list)) or len(value) != 3 or not isinstance(value[2], str):
            raise ValueError(f"{func}: nodes[{key!r}] must be (x, y, label), got {describe(value)}")
        x = as_real(func, f"nodes[{key!r}] x", value[0])
        y = as_real(func, f"nodes[{key!r}] y", value[1])
        positions[key] = (x, y)
    edge_list = list(edges)
    for edge in edge_list:
        if not isinstance(edge, (tuple, list)) or len(edge) != 2:
            raise ValueError(
                f"{func}: each edge must be a pair (from_key, to_key), got {describe(edge)}"
            )
        for end in edge:
            if end not in nodes:
                raise ValueError(f"{func}: edge {tuple(edge)!r} names an unknown node {end!r}")
    groups = {} if groups is None else dict(groups)
    for key, index in groups.items():
        if key not in nodes:
            raise ValueError(f"{func}: groups names an unknown node {key!r}")
        as_positive_int(func, f"groups[{key!r}]", index, minimum=0)

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = cast(Figure, ax.figure)  # an Axes given to us is on a figure
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    ax.set_xlim(min(xs) - 0.75, max(xs) + 0.75)
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.5)
    ax.set_axis_off()
    width, height = 1.38, 0.52
    for key, (x, y, label) in nodes.items():
        colour = OKABE_ITO[groups.get(key, 0) % len(OKABE_ITO)]
        box = FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=mpl.colors.to_rgba(colour, 0.15),
            edgecolor=colour,
            linewidth=1.5,
            gid=f"node-{key}",
        )
        ax.add_patch(box)
        # no wrap=True: labels carry their own line breaks, and wrapping splits $...$ math
        ax.text(x, y, label, ha="center", va="center", fontsize=9)
    for start, end in edge_list:
        tail, head = _clip_to_boxes(
            positions[start], positions[end], width / 2 + 0.03, height / 2 + 0.03
        )
        arrow = FancyArrowPatch(
            tail,
            head,
            arrowstyle="-|>",
            mutation_scale=12,
            color="0.35",
            linewidth=1.2,
            shrinkA=0,
            shrinkB=0,
            gid=f"edge-{start}-{end}",
        )
        ax.add_patch(arrow)
    return fig, ax


def _clip_to_boxes(
    p: tuple[float, float], q: tuple[float, float], half_w: float, half_h: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The part of segment p -> q outside the boxes of half-sizes (half_w, half_h) at p and q."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    exits = [half_w / abs(dx) if dx else onp.inf, half_h / abs(dy) if dy else onp.inf]
    t = min(min(exits), 0.5)  # fraction of the segment inside one box
    return (p[0] + t * dx, p[1] + t * dy), (q[0] - t * dx, q[1] - t * dy)
