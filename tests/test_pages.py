"""Light, sharp report pages (issue 11 item 4), read from the files of the demo suite.

Every page of the suite ``crmlib demo`` writes (``demo_suite`` in the root conftest.py) weighs at
most 100 KB once its embedded figures are taken out; every figure is high-density (at least 1.8
image pixels per CSS pixel of the width the page gives it, or SVG), has alternative text naming what
it shows, and is a palette PNG (:func:`crmlib.reports.html.lighter_png`). What a browser does with
the pages (images loaded, overflow, console) is in test_browser.py; that a failed report shows its
error once, with cell and line and without source, is in test_reports.py
(``test_failed_page_shows_the_error_once_without_source``).
"""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageStat

from crmlib.reports.html import PALETTE_TOLERANCE, lighter_png

#: Issue 11.4: a page of the demo suite without its figures.
PAGE_LIMIT = 100_000
#: Image pixels per CSS pixel for a figure to be sharp on a 2x screen (retina PNGs have 2.0).
MIN_DENSITY = 1.8
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_DATA_URI = re.compile(r"data:image/[\w.+-]+;base64,[A-Za-z0-9+/=]+")
STEMS = ["index", "overview", "segments", "clv", "feedback", "retention", "cdnow/index", "cdnow/segments__dataset=cdnow_master"]


def _read(demo_suite, stem: str) -> str:
    return (demo_suite.out / f"{stem}.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_demo_page_weighs_at_most_100_kb_without_figures(demo_suite, stem):
    page = _read(demo_suite, stem).encode()
    figures = sum(len(uri) for uri in _DATA_URI.findall(page.decode()))
    assert len(page) - figures <= PAGE_LIMIT, f"{stem}.html: {(len(page) - figures) / 1000:.0f} kB without figures"


@pytest.mark.slow
@pytest.mark.parametrize("stem", [s for s in STEMS if not s.endswith("index")])
def test_demo_figures_are_high_density_light_and_described(demo_suite, stem):
    tags = _IMG.findall(_read(demo_suite, stem))
    assert len(tags) >= 3, f"{stem}.html shows {len(tags)} figures"
    for n, tag in enumerate(tags, start=1):
        alt = re.search(r'\balt="([^"]*)"', tag)
        assert alt and alt.group(1).startswith("Figure: ") and len(alt.group(1)) > 12, (stem, n, alt)
        src = re.search(r'\bsrc="data:image/([\w.+-]+);base64,([A-Za-z0-9+/=]+)"', tag)
        assert src, f"{stem}.html figure {n} is not embedded"
        if src.group(1) == "svg+xml":
            continue  # drawn at any density
        assert src.group(1) == "png", (stem, n, src.group(1))
        width = re.search(r'\bwidth="(\d+)"', tag)
        assert width, f"{stem}.html figure {n} has no display width: shown at 1 image px per CSS px"
        image = Image.open(io.BytesIO(base64.b64decode(src.group(2))))
        assert image.width >= MIN_DENSITY * int(width.group(1)), (stem, n, image.width, width.group(1))
        assert image.mode == "P", f"{stem}.html figure {n} is {image.mode}, not re-encoded by lighter_png"


@pytest.mark.slow
def test_report_kernels_draw_their_figures_as_palette_pngs_with_their_display_size(demo_suite):
    """The kernels draw each figure once, as the palette PNG of its page (crmlib.reports.png.figure_png):
    the executed notebook holds that PNG with the display size the inline backend gives a retina figure,
    and the page shows those very bytes."""
    import nbformat

    for result in demo_suite.batch.reports:
        nb = nbformat.read(result.notebook_path, as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if "image/png" in o.get("data", {})]
        assert len(outputs) >= 3, result.stem
        page = _read(demo_suite, result.stem)
        for out in outputs:
            image = Image.open(io.BytesIO(base64.b64decode(out.data["image/png"])))
            size = out.metadata["image/png"]
            assert image.mode == "P" and (image.width // 2, image.height // 2) == (size["width"], size["height"])
            assert out.data["image/png"] in page and out.data["text/plain"].startswith("<Figure size")


def _figure_png(**savefig) -> bytes:
    """A small matplotlib chart as the inline backend's retina format writes it (RGBA, dpi 2x)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0, 10, 50)
    ax.fill_between(x, np.sin(x) - 0.3, np.sin(x) + 0.3, alpha=0.2, label="95% interval")
    ax.plot(x, np.sin(x), marker="o", label="CSAT")
    ax.set_title("CSAT rose from 55 to 85")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=144, bbox_inches="tight", **savefig)
    plt.close(fig)
    return buffer.getvalue()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def test_lighter_png_keeps_size_and_pixels_in_fewer_bytes():
    raw = _figure_png()
    before = Image.open(io.BytesIO(raw))
    assert before.mode == "RGBA"
    light = base64.b64decode(lighter_png(_b64(raw)))
    after = Image.open(io.BytesIO(light))
    assert after.mode == "P" and after.size == before.size
    assert len(light) < 0.7 * len(raw)  # about 60% lighter on the demo figures
    difference = ImageStat.Stat(ImageChops.difference(before.convert("RGB"), after.convert("RGB"))).mean
    assert max(difference) <= PALETTE_TOLERANCE


def _heatmap_png() -> bytes:
    """A figure of thousands of colours (a continuous colour map with anti-aliased text), as the
    segments and retention heatmaps are: the median cut must choose 256 of them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    grid = np.add.outer(np.linspace(0, 1, 12), np.linspace(0, 1, 9) ** 2)
    image = ax.imshow(grid, cmap="viridis")
    for (i, j), value in np.ndenumerate(grid):
        ax.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=5, color="w")
    fig.colorbar(image)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=144, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def test_lighter_png_chooses_the_palette_from_the_colours_not_every_pixel(monkeypatch):
    """The median cut sees each colour in proportion to its pixels, not every pixel (3 to 4 times less
    CPU on the demo's figures); the figure is still as close to the original as a median cut of every
    pixel makes it (within 0.05 of mean difference per channel, out of 255), and the same figure gives
    the same bytes."""
    raw = _heatmap_png()
    original = Image.open(io.BytesIO(raw)).convert("RGB")
    assert len(original.getcolors(1 << 20)) > 1000
    seen = []
    quantize = Image.Image.quantize
    monkeypatch.setattr(Image.Image, "quantize", lambda self, *a, **k: seen.append(self.size) or quantize(self, *a, **k))
    light = lighter_png(_b64(raw))
    assert seen and all(w * h < original.width * original.height / 4 for w, h in seen), (seen, original.size)
    monkeypatch.undo()
    after = Image.open(io.BytesIO(base64.b64decode(light)))
    assert after.mode == "P" and after.size == original.size
    ours = max(ImageStat.Stat(ImageChops.difference(original, after.convert("RGB"))).mean)
    every_pixel = original.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).convert("RGB")
    reference = max(ImageStat.Stat(ImageChops.difference(original, every_pixel)).mean)
    assert ours <= min(PALETTE_TOLERANCE, reference + 0.05), (ours, reference)
    assert lighter_png(_b64(raw)) == light


def test_lighter_png_is_exact_for_a_figure_of_at_most_256_colours():
    """Bars of 250 colours in runs of different lengths, on white, as an opaque RGBA PNG: every pixel kept."""
    rng = np.random.default_rng(7)
    colours = rng.integers(0, 256, (250, 3), dtype=np.uint8)
    pixels = np.full((300, 800, 4), 255, dtype=np.uint8)
    for n, colour in enumerate(colours):
        pixels[n, : 3 + 3 * n, :3] = colour
        pixels[(7 * n) % 300, 790 - n % 40:, :3] = colour
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(buffer, format="PNG")
    original = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    assert 200 < len(original.getcolors(256) or ()) <= 256
    after = Image.open(io.BytesIO(base64.b64decode(lighter_png(_b64(buffer.getvalue())))))
    assert after.mode == "P"
    assert ImageChops.difference(original, after.convert("RGB")).getbbox() is None


@pytest.mark.slow
def test_a_kernel_draws_a_figure_once_as_the_palette_png_the_page_would_make():
    """figure_png (how report kernels show a figure) gives the bytes lighter_png makes of the inline
    backend's own PNG, retina (with its display size) or plain; a printer it does not know, or a figure
    a palette cannot keep (transparent), is left to IPython (None)."""
    import functools

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure, retina_figure

    from crmlib.reports.png import figure_png

    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.plot([1, 3, 2], marker="o", label="CSAT")
    ax.set_title("CSAT by month")
    ax.legend()
    retina = functools.partial(retina_figure, base64=True, bbox_inches="tight")
    own, metadata = retina(fig)
    assert figure_png(fig, retina) == (base64.b64decode(lighter_png(own)), metadata)
    assert metadata == {"width": Image.open(io.BytesIO(base64.b64decode(own))).width // 2,
                        "height": Image.open(io.BytesIO(base64.b64decode(own))).height // 2}
    plain = functools.partial(print_figure, fmt="png", base64=True, bbox_inches="tight")
    assert figure_png(fig, plain) == (base64.b64decode(lighter_png(plain(fig))), {})
    assert figure_png(fig, functools.partial(print_figure, fmt="svg", base64=False)) is None
    assert figure_png(fig, lambda figure: b"") is None
    fig.patch.set_alpha(0.0)
    assert figure_png(fig, retina) is None  # transparent: the inline backend's own PNG is kept
    plt.close(fig)


def test_lighter_png_leaves_what_it_cannot_shrink_faithfully():
    transparent = _b64(_figure_png(transparent=True))
    assert lighter_png(transparent) == transparent  # a palette would drop the transparency
    noise = Image.fromarray(np.random.default_rng(42).integers(0, 256, (120, 160, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    photo = _b64(buffer.getvalue())
    assert lighter_png(photo) == photo  # 19,000 colours: 256 would differ by far more than the tolerance
    assert lighter_png("bm90IGEgUE5H") == "bm90IGEgUE5H"  # not an image: left as it is


@pytest.mark.slow
def test_page_figures_get_alt_text_and_png_ones_get_lighter():
    """A rendered page: the PNG figure is the palette version at the same size, and an SVG figure
    (a notebook may emit one) is embedded as an image with alternative text, as a PNG is."""
    import nbformat

    from crmlib.reports import html

    png = _b64(_figure_png())
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#36c"/></svg>'
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## CSAT rose"),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": png, "text/plain": "<Figure size 400x300 with 1 Axes>"},
            metadata={"image/png": {"width": 300, "height": 220}})]),
        nbformat.v4.new_markdown_cell("## Spend by month"),
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", data={"image/svg+xml": svg})]),
    ])
    page = html.render(nb, title="Figures", parameters={}, data_period=None, provenance={})
    tags = _IMG.findall(page)
    assert len(tags) == 2, tags
    assert 'alt="Figure: CSAT rose"' in tags[0] and 'width="300"' in tags[0]
    shown = Image.open(io.BytesIO(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", tags[0]).group(1))))
    assert shown.mode == "P" and shown.size == Image.open(io.BytesIO(base64.b64decode(png))).size
    assert 'alt="Figure: Spend by month"' in tags[1] and 'src="data:image/svg+xml;base64,' in tags[1]
    assert "No description has been provided" not in page
    bengali = _IMG.findall(html.render(nb, title="Figures", parameters={"lang": "bn"}, data_period=None, provenance={}))
    assert 'alt="চিত্র: CSAT rose"' in bengali[0] and 'alt="চিত্র: Spend by month"' in bengali[1], bengali


@pytest.mark.slow
def test_a_page_of_a_reused_exporter_is_the_page_of_a_new_one(demo_suite):
    """A process keeps its idle page exporters per language (templates compiled once): demo pages
    rendered one after the other by the same exporter, in Hindi in between, are the pages a new
    exporter renders, byte for byte; pages rendered at once each take an exporter of their own."""
    from concurrent.futures import ThreadPoolExecutor

    import nbformat

    from crmlib.reports import exporters, page

    notebooks = [nbformat.read(r.notebook_path, as_version=4) for r in demo_suite.batch.reports
                 if r.name in ("overview", "feedback")]
    small = _b64(_figure_png())  # the figures' palette cut is not the exporter's: a small one each
    for out in (o for nb in notebooks for c in nb.cells for o in c.get("outputs", [])):
        if "image/png" in out.get("data", {}):
            out["data"]["image/png"] = small

    def render(nb, params):
        return page.render(nb, title="Report", parameters=params, data_period=None, provenance={})

    order = [(notebooks[0], {}), (notebooks[1], {}), (notebooks[0], {"lang": "hi"}), (notebooks[1], {})]
    reused = [render(nb, params) for nb, params in order]
    fresh = []
    for nb, params in order:
        exporters._EXPORTERS.clear()  # a new exporter for this page
        fresh.append(render(nb, params))
    assert len(notebooks) == 2 and reused == fresh
    assert 'lang="hi"' in fresh[2] and 'lang="hi"' not in fresh[0]
    with ThreadPoolExecutor(4) as pool:  # report threads rendering at once
        assert list(pool.map(lambda pair: render(*pair), order * 2)) == fresh * 2
    assert 1 <= len(exporters._EXPORTERS["en"]) <= 4 and 1 <= len(exporters._EXPORTERS["hi"]) <= 4
