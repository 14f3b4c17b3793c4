"""Tests of jaccourse.book.plotting (Agg backend, no display)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import autograd.numpy as np  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as onp  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

from jaccourse.book.plotting import (  # noqa: E402
    MAX_FIGURE_WIDTH,
    MIN_FONT_PT,
    OKABE_ITO,
    PNG_TEXT_KEY,
    STYLE,
    plot_concept_map,
    plot_grid_and_image,
    plot_polar_cells,
    smallest_text_pt,
    use_style,
)
from jaccourse.transforms import POLAR, SPHERICAL, linear_transform  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def restore_rcparams():
    with matplotlib.rc_context():
        yield


def shoelace(xy: onp.ndarray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * abs(onp.dot(x, onp.roll(y, -1)) - onp.dot(y, onp.roll(x, -1)))


def patch_by_gid(ax, gid):
    found = [p for p in ax.patches if p.get_gid() == gid]
    assert len(found) == 1, f"expected one patch with gid {gid!r}, found {len(found)}"
    return found[0]


# ---------------------------------------------------------------------------------------------
# style
# ---------------------------------------------------------------------------------------------


def test_use_style_sets_white_opaque_backgrounds_and_is_idempotent(restore_rcparams):
    use_style()
    first = dict(matplotlib.rcParams)
    use_style()
    assert dict(matplotlib.rcParams) == first
    rc = matplotlib.rcParams
    for key in ("figure.facecolor", "axes.facecolor", "savefig.facecolor"):
        assert to_rgba(rc[key]) == (1.0, 1.0, 1.0, 1.0)
    assert rc["savefig.transparent"] is False
    assert tuple(rc["figure.figsize"]) == (6.4, 4.0)
    assert rc["axes.grid"] is True
    colours = rc["axes.prop_cycle"].by_key()["color"]
    assert colours[0].lower() == "#0072b2" and len(colours) >= 6  # Okabe-Ito
    fig, ax = plt.subplots()
    assert to_rgba(fig.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    assert set(STYLE) <= set(rc)


PHONE_COLUMN_PX = 342  # the width a figure is shown at in the column of a 390 px phone screen


def shown_px(points: float, width_in: float, shown_width_px: float = PHONE_COLUMN_PX) -> float:
    """CSS px height of text of ``points`` on a figure ``width_in`` inches wide shown at
    ``shown_width_px``: the dpi cancels out (px per inch = shown width / figure width)."""
    return points / 72 * shown_width_px / width_in


def test_style_sizes_are_points_and_a_default_figure_is_readable_on_a_phone(restore_rcparams):
    use_style()
    rc = matplotlib.rcParams
    sizes = {
        k: v for k, v in STYLE.items() if k.endswith(("size", "fontsize")) and k != "figure.figsize"
    }
    assert {
        "font.size",
        "xtick.labelsize",
        "ytick.labelsize",
        "legend.fontsize",
        "axes.labelsize",
    } <= set(sizes)
    for key, value in sizes.items():
        assert isinstance(value, (int, float)), f"{key} = {value!r}: a size in points, not relative"
        assert value >= MIN_FONT_PT, f"{key} = {value} pt is below the style's {MIN_FONT_PT} pt"
    width = rc["figure.figsize"][0]
    assert width <= MAX_FIGURE_WIDTH <= 6.5
    assert shown_px(MIN_FONT_PT, width) >= 7.0
    assert shown_px(MIN_FONT_PT, MAX_FIGURE_WIDTH) >= 7.0


def test_smallest_text_pt_sees_every_drawn_text_and_only_drawn_text(restore_rcparams):
    use_style()
    fig, ax = plt.subplots()
    assert smallest_text_pt(fig) == MIN_FONT_PT  # the tick labels
    ax.set_xlabel("x")
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend(fontsize=9)
    assert smallest_text_pt(fig) == 9.0
    hidden = ax.text(0.5, 0.5, "hidden", fontsize=5)
    hidden.set_visible(False)
    ax.text(0.2, 0.2, "   ", fontsize=4)  # blank text draws nothing
    assert smallest_text_pt(fig) == 9.0
    ax.annotate(r"$\alpha$", (0.5, 0.5), fontsize=6.5)  # mathtext counts
    assert smallest_text_pt(fig) == 6.5
    ax.tick_params(labelsize=6)
    assert smallest_text_pt(fig) == 6.0
    blank = plt.figure()
    assert smallest_text_pt(blank) is None
    # measuring does not change the figure's own rendering
    fig.canvas.draw()
    assert fig.canvas.buffer_rgba() is not None


def test_smallest_text_pt_ignores_an_axis_that_is_switched_off(restore_rcparams):
    use_style()
    fig, ax = plt.subplots()
    ax.tick_params(labelsize=5)
    ax.set_axis_off()
    ax.text(0.5, 0.5, "only this", fontsize=12)
    assert smallest_text_pt(fig) == 12.0


@pytest.mark.parametrize("bad", [None, "fig", 3, plt])
def test_smallest_text_pt_refuses_what_is_not_a_figure(bad):
    with pytest.raises(TypeError, match=r"smallest_text_pt: fig must be a matplotlib Figure"):
        smallest_text_pt(bad)


def test_use_style_outside_a_notebook_only_sets_the_style(restore_rcparams):
    from IPython.core.formatters import PNGFormatter  # noqa: F401 - IPython is installed

    use_style()  # marks inline PNGs first: with no IPython shell here, that does nothing
    assert PNG_TEXT_KEY == "jaccourse:smallest-text-pt"


def test_helpers_default_figures_are_phone_readable(restore_rcparams):
    use_style()
    fig, _ = plot_grid_and_image(POLAR, (0, 1), (0, onp.pi / 2))
    assert fig.get_figwidth() <= MAX_FIGURE_WIDTH
    assert shown_px(smallest_text_pt(fig), fig.get_figwidth()) >= 7.0
    fig, _ = plot_polar_cells()
    assert fig.get_figwidth() <= MAX_FIGURE_WIDTH
    assert shown_px(smallest_text_pt(fig), fig.get_figwidth()) >= 7.0


# ---------------------------------------------------------------------------------------------
# plot_grid_and_image
# ---------------------------------------------------------------------------------------------


def test_grid_and_image_structure():
    fig, (ax_u, ax_x) = plot_grid_and_image(POLAR, (0.0, 2.0), (0.0, onp.pi), n_lines=5, samples=30)
    assert fig.axes == [ax_u, ax_x]
    assert len(ax_u.lines) == len(ax_x.lines) == 10
    assert all(len(line.get_xdata()) == 30 for line in ax_x.lines)
    assert len(ax_u.patches) == len(ax_x.patches) == 0
    assert ax_u.get_xlabel() == "r" and ax_u.get_ylabel() == r"$\theta$"
    assert (ax_x.get_xlabel(), ax_x.get_ylabel()) == ("x", "y")
    assert ax_u.get_title() == ax_x.get_title() == ""
    assert ax_x.get_aspect() == 1.0
    # the right-hand lines are the images of the left-hand lines
    for left, right in zip(ax_u.lines, ax_x.lines, strict=True):
        q = onp.stack([left.get_xdata(), left.get_ydata()], axis=-1)
        onp.testing.assert_allclose(
            onp.stack([right.get_xdata(), right.get_ydata()], axis=-1), POLAR(q)
        )


def test_highlighted_image_area_is_abs_det_times_du_dv_to_first_order():
    r0, t0 = 1.3, 0.7
    errors = []
    for h in (0.04, 0.02, 0.01):
        fig, (ax_u, ax_x) = plot_grid_and_image(
            POLAR, (0.5, 2.0), (0.0, 1.5), highlight=(r0, t0, h, h), samples=200
        )
        cell = patch_by_gid(ax_u, "highlight-cell")
        image = patch_by_gid(ax_x, "highlight-image")
        assert isinstance(image, Polygon)
        assert onp.isclose(shoelace(cell.get_xy()), h * h)
        area = shoelace(image.get_xy())
        # exact area of the annular sector, and its first-order approximation |det J| dr dtheta
        assert onp.isclose(area, ((r0 + h) ** 2 - r0**2) / 2 * h, rtol=1e-4)
        predicted = abs(POLAR.jacobian_determinant([r0, t0])) * h * h
        errors.append(abs(area - predicted) / predicted)
        plt.close(fig)
    assert errors[-1] < 0.01
    # relative error is O(h): halving h halves it
    assert 1.8 < errors[0] / errors[1] < 2.2 and 1.8 < errors[1] / errors[2] < 2.2


def test_linear_map_image_area_is_exactly_abs_det():
    A = onp.array([[2.0, 1.0], [-0.5, 1.5]])
    T = linear_transform(A)
    fig, (ax_u, ax_x) = plot_grid_and_image(T, (-1, 1), (-1, 1), highlight=(0.1, 0.2, 0.3, 0.4))
    area = shoelace(patch_by_gid(ax_x, "highlight-image").get_xy())
    assert onp.isclose(area, abs(onp.linalg.det(A)) * 0.3 * 0.4, rtol=1e-12)
    assert ax_u.get_xlabel() == "u1"


def test_grid_and_image_with_a_callable_and_given_axes():
    def warp(u):
        return np.stack(
            [u[..., 0] + 0.3 * u[..., 1] ** 2, u[..., 1] + 0.2 * np.sin(3 * u[..., 0])], axis=-1
        )

    fig, axes = plt.subplots(1, 3)
    out_fig, (ax_u, ax_x) = plot_grid_and_image(
        warp, (-1, 1), (-1, 1), axes=(axes[0], axes[2]), n_lines=3
    )
    assert out_fig is fig and ax_u is axes[0] and ax_x is axes[2]
    assert len(axes[1].lines) == 0 and len(axes[2].lines) == 6
    assert ax_u.get_xlabel() == "u" and ax_u.get_ylabel() == "v"


def test_grid_and_image_bad_input():
    good = dict(u_bounds=(0, 1), v_bounds=(0, 1))
    with pytest.raises(TypeError, match=r"^plot_grid_and_image: transform must be a callable"):
        plot_grid_and_image("polar", **good)
    with pytest.raises(
        ValueError, match=r"^plot_grid_and_image: transform must be a 2-D map, got 'spherical'"
    ):
        plot_grid_and_image(SPHERICAL, **good)
    with pytest.raises(
        ValueError, match=r"^plot_grid_and_image: transform must map points of shape \(N, 2\)"
    ):
        plot_grid_and_image(lambda u: u[..., 0], **good)
    with pytest.raises(ValueError, match=r"^plot_grid_and_image: transform returned NaN or inf"):
        plot_grid_and_image(lambda u: onp.where(u > 0.5, onp.nan, u), **good)
    with pytest.raises(ValueError, match=r"^plot_grid_and_image: u_bounds must have a < b"):
        plot_grid_and_image(POLAR, (1, 0), (0, 1))
    with pytest.raises(ValueError, match=r"^plot_grid_and_image: v_bounds must be finite"):
        plot_grid_and_image(POLAR, (0, 1), (0, onp.inf))
    with pytest.raises(TypeError, match=r"^plot_grid_and_image: u_bounds must be a pair"):
        plot_grid_and_image(POLAR, 1.0, (0, 1))
    with pytest.raises(ValueError, match=r"^plot_grid_and_image: n_lines must be an integer >= 2"):
        plot_grid_and_image(POLAR, n_lines=1, **good)
    with pytest.raises(ValueError, match=r"^plot_grid_and_image: samples must be an integer >= 2"):
        plot_grid_and_image(POLAR, samples=0, **good)
    with pytest.raises(
        ValueError, match=r"^plot_grid_and_image: samples must be an integer <= 10000"
    ):
        plot_grid_and_image(POLAR, samples=10**8, **good)
    with pytest.raises(
        TypeError, match=r"^plot_grid_and_image: highlight must be None or \(u0, v0, du, dv\)"
    ):
        plot_grid_and_image(POLAR, highlight=(0, 0, 1), **good)
    with pytest.raises(
        ValueError, match=r"^plot_grid_and_image: highlight must have du > 0 and dv > 0"
    ):
        plot_grid_and_image(POLAR, highlight=(0.5, 0.5, -0.1, 0.1), **good)
    with pytest.raises(ValueError, match=r"^plot_grid_and_image: highlight must be finite"):
        plot_grid_and_image(POLAR, highlight=(onp.nan, 0.5, 0.1, 0.1), **good)
    with pytest.raises(TypeError, match=r"^plot_grid_and_image: axes must be None or a pair"):
        plot_grid_and_image(POLAR, axes="ab", **good)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"^plot_grid_and_image: axes must be two different Axes"):
        plot_grid_and_image(POLAR, axes=(ax, ax), **good)


# ---------------------------------------------------------------------------------------------
# plot_polar_cells
# ---------------------------------------------------------------------------------------------


def test_polar_cells_structure_and_highlight_area():
    n_r, n_theta, R = 5, 8, 2.0
    fig, ax = plot_polar_cells(n_r, n_theta, R)
    assert fig.axes == [ax]
    assert len(ax.lines) == n_r + n_theta
    assert len(ax.collections) >= 1  # the filled contours of the background
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["$dr$", r"$r\,d\theta$"]
    cell = patch_by_gid(ax, "highlight-cell")
    dr, dtheta = R / n_r, 2 * onp.pi / n_theta
    i = (2 * n_r) // 3
    r_a, r_b = i * dr, (i + 1) * dr
    # the cell's area is (r_b^2 - r_a^2) dθ / 2 = r_mid dr dθ (polygon of chords: slightly less)
    assert onp.isclose(shoelace(cell.get_xy()), (r_b**2 - r_a**2) / 2 * dtheta, rtol=1e-3)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y") and ax.get_title() == ""
    assert ax.get_aspect() == 1.0


def test_polar_cells_custom_function_and_axes():
    fig, axes = plt.subplots(1, 2)
    out_fig, ax = plot_polar_cells(n_r=1, n_theta=3, ax=axes[1], function=lambda x, y: x * y)
    assert out_fig is fig and ax is axes[1]
    assert len(ax.lines) == 4 and len(axes[0].lines) == 0
    patch_by_gid(ax, "highlight-cell")


def test_polar_cells_bad_input():
    with pytest.raises(ValueError, match=r"^plot_polar_cells: n_r must be an integer >= 1"):
        plot_polar_cells(n_r=0)
    with pytest.raises(TypeError, match=r"^plot_polar_cells: n_r must be an integer"):
        plot_polar_cells(n_r=2.5)
    with pytest.raises(ValueError, match=r"^plot_polar_cells: n_theta must be an integer >= 3"):
        plot_polar_cells(n_theta=2)
    with pytest.raises(ValueError, match=r"^plot_polar_cells: n_theta must be an integer <= 720"):
        plot_polar_cells(n_theta=10**6)
    with pytest.raises(ValueError, match=r"^plot_polar_cells: R must be > 0"):
        plot_polar_cells(R=-1.0)
    with pytest.raises(ValueError, match=r"^plot_polar_cells: R must be finite"):
        plot_polar_cells(R=onp.inf)
    with pytest.raises(TypeError, match=r"^plot_polar_cells: ax must be None or a matplotlib Axes"):
        plot_polar_cells(ax="left")
    with pytest.raises(TypeError, match=r"^plot_polar_cells: function must be a callable"):
        plot_polar_cells(function=3.0)
    with pytest.raises(
        ValueError, match=r"^plot_polar_cells: function must take arrays x, y of shape"
    ):
        plot_polar_cells(function=lambda x, y: 1.0)
    with pytest.raises(ValueError, match=r"^plot_polar_cells: function returned NaN or inf"):
        plot_polar_cells(function=lambda x, y: onp.where(x > 0, onp.inf, 0.0))


def test_concept_map_draws_one_box_per_node_and_one_arrow_per_edge():
    nodes = {"g": (0, 0, "Gaussian\nintegral"), "j": (2, 0, "Jacobian"), "b": (4, 1, "backprop")}
    fig, ax = plot_concept_map(nodes, [("g", "j"), ("j", "b")], groups={"b": 2})
    gids = sorted(p.get_gid() for p in ax.patches)
    assert gids == ["edge-g-j", "edge-j-b", "node-b", "node-g", "node-j"]
    assert [t.get_text() for t in ax.texts] == ["Gaussian\nintegral", "Jacobian", "backprop"]
    box = next(p for p in ax.patches if p.get_gid() == "node-b")
    assert box.get_edgecolor()[:3] == pytest.approx(to_rgba(OKABE_ITO[2])[:3])
    assert not ax.axison
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    "nodes, edges, groups, error, match",
    [
        ({}, [], None, TypeError, r"plot_concept_map: nodes must be a non-empty dict"),
        (
            {"a": (0, 0)},
            [],
            None,
            ValueError,
            r"plot_concept_map: nodes\['a'\] must be \(x, y, label\)",
        ),
        (
            {"a": (0, float("nan"), "A")},
            [],
            None,
            ValueError,
            r"plot_concept_map: nodes\['a'\] y must be finite",
        ),
        (
            {"a": (0, 0, "A")},
            [("a", "z")],
            None,
            ValueError,
            r"plot_concept_map: edge .* unknown node 'z'",
        ),
        (
            {"a": (0, 0, "A")},
            [("a",)],
            None,
            ValueError,
            r"plot_concept_map: each edge must be a pair",
        ),
        (
            {"a": (0, 0, "A")},
            [],
            {"z": 1},
            ValueError,
            r"plot_concept_map: groups names an unknown node 'z'",
        ),
    ],
)
def test_concept_map_rejects_bad_input(nodes, edges, groups, error, match):
    with pytest.raises(error, match=match):
        plot_concept_map(nodes, edges, groups=groups)


def test_in_a_notebook_each_shown_figure_carries_its_smallest_text_size_in_its_png():
    """What the site's phone tests read (tests/e2e/test_phone.py, the figures): a real kernel."""
    import base64
    import io

    import nbformat
    from nbclient import NotebookClient
    from PIL import Image

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "from jaccourse.book.plotting import use_style\nuse_style()"
        ),
        nbformat.v4.new_code_cell(
            "fig, ax = plt.subplots()\n_ = ax.plot([0, 1], [0, 1])\n"
            "_ = ax.annotate('small', (0.5, 0.5), fontsize=8)"
        ),
        nbformat.v4.new_code_cell("use_style()\nfig, ax = plt.subplots()\n_ = ax.plot([0, 1])"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    found = []
    for cell in nb.cells[1:]:
        pngs = [o["data"]["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(pngs) == 1, cell.outputs
        image = Image.open(io.BytesIO(base64.b64decode(pngs[0])))
        found.append((image.info.get(PNG_TEXT_KEY), round(image.info["dpi"][0])))
    assert found == [("8", 110), ("10", 110)]
