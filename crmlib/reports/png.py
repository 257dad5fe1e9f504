"""Figures as palette PNGs: at most 256 colours, the same pixels to the eye, about 60% fewer bytes than
matplotlib's RGBA PNGs (exact for a chart of at most 256 colours).

Report kernels draw each figure of a page once, as a palette PNG (:func:`figure_png`, used by
:func:`crmlib.reports.page_parts.show_items`); the page re-encodes any other PNG a notebook holds
(:func:`lighter_png`, from :func:`crmlib.reports.page.prepare`). Both go through :func:`palette_png`,
so a figure gives the same bytes either way.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io

#: Largest mean difference per colour channel (0-255) a figure's palette version may have; above it the
#: original is kept. Matplotlib figures are flat colours and anti-aliased edges: on the demo suite the
#: worst figure (a heatmap of 4,300 colours) differs by 0.05 on average, most by exactly 0.
PALETTE_TOLERANCE = 0.5


def palette_png(raw: bytes) -> bytes | None:
    """The PNG ``raw`` as a palette PNG of at most 256 colours (:func:`palette_of`), or None when it is
    not a readable RGB or RGBA PNG (a palette already, say) or no palette keeps it."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(raw))
        if image.mode not in ("RGB", "RGBA"):  # a palette already (or grey): read no further
            return None
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    import numpy as np

    return palette_of(np.asarray(image))


def palette_of(pixels) -> bytes | None:
    """The picture ``pixels`` (height x width x RGB or RGBA, 8 bits) as a palette PNG, or None.

    An opaque picture is reduced to at most 256 colours by median cut without dithering (exact when it
    has no more colours, as most charts have; :func:`_palette_image`) and written with zlib's level
    :data:`PNG_LEVEL`. None when it is transparent anywhere or would differ by more than
    :data:`PALETTE_TOLERANCE` on average. The same pixels always give the same bytes.
    """
    if pixels.shape[2] == 4 and pixels[..., 3].min() != 255:
        return None  # transparency would be lost
    palette, difference = _palette_image(pixels)
    if max(difference) > PALETTE_TOLERANCE:
        return None
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", compress_level=PNG_LEVEL)
    return buffer.getvalue()


def lighter_png(b64: str) -> str:
    """The PNG (base64, as notebooks hold it) in fewer bytes, same size and pixels to the eye.

    The palette version of :func:`palette_png`: about 60% fewer bytes than matplotlib's RGBA PNG (issue
    11.4: the demo's feedback page, nine figures, fell from 1.26 MB to 0.52 MB), at about 0.07 s of CPU
    for a 2-megapixel figure. The original is returned when :func:`palette_png` keeps none or it would
    not be smaller. Report kernels draw their figures as palette PNGs already
    (:func:`crmlib.reports.page_parts.show_items`); those are returned as they are.
    """
    try:
        raw = base64.b64decode(b64, validate=False)
    except (ValueError, binascii.Error):
        return b64
    smaller = palette_png(raw)
    return base64.b64encode(smaller).decode("ascii") if smaller is not None and len(smaller) < len(raw) else b64


#: zlib level of the palette PNGs. 9 (what Pillow's ``optimize`` sets) took 2.0 s of the 6.0 s of CPU
#: that the demo suite's 37 figures cost, for 3% fewer bytes than 8 (1.65 MB against 1.70 MB).
PNG_LEVEL = 8
#: The median cut sees each distinct colour once per this many of its pixels (rounded up, so a colour
#: of one pixel still counts): a figure of 2 megapixels and 5,000 colours becomes a strip of about
#: 250,000, and the palette stays the one of every pixel to within 0.01 of mean difference.
PIXELS_PER_VOTE = 8


def _palette_image(pixels):
    """``pixels`` (height x width x RGB or RGBA, opaque) as a palette image of at most 256 colours, and
    its mean absolute difference per channel from ``pixels``.

    Pillow's median cut hashes every pixel twice (counting, then mapping), 80 ms for 2 megapixels.
    A figure is long runs of one colour (background, bars, lines), so this counts the colours of the
    runs, lets Pillow's median cut (no dithering) choose the palette from a strip holding each colour
    in proportion to its pixels (:data:`PIXELS_PER_VOTE`), and maps every run through the colour's
    palette entry: 3 to 4 times faster. Exact when the figure has at most 256 colours.
    """
    import numpy as np
    from PIL import Image

    height, width = pixels.shape[:2]
    pixels = pixels[..., :3].reshape(-1, 3)
    packed = (pixels[:, 0].astype(np.uint32) << 16) | (pixels[:, 1].astype(np.uint32) << 8) | pixels[:, 2]
    starts = np.flatnonzero(np.concatenate(([True], packed[1:] != packed[:-1])))
    lengths = np.diff(np.append(starts, packed.size))
    colours, run_colour = np.unique(packed[starts], return_inverse=True)
    counts = np.bincount(run_colour, weights=lengths, minlength=colours.size).astype(np.int64)
    rgb = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], axis=1).astype(np.uint8)
    votes = -(-counts // PIXELS_PER_VOTE)
    strip = np.repeat(rgb, votes, axis=0)
    chosen = Image.frombytes("RGB", (len(strip), 1), strip.tobytes()).quantize(
        256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    entry = np.asarray(chosen).reshape(-1)[np.cumsum(votes) - votes]  # each colour's first place in the strip
    palette = chosen.getpalette()
    shown = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)[entry]
    difference = (np.abs(rgb.astype(np.int32) - shown) * counts[:, None]).sum(axis=0) / packed.size
    out = Image.frombytes("P", (width, height), np.repeat(entry[run_colour], lengths).tobytes())
    out.putpalette(palette)
    return out, difference.tolist()


def figure_png(fig, printer) -> tuple[bytes, dict] | None:
    """The figure ``fig`` as IPython's inline ``printer`` (the ``image/png`` formatter that
    matplotlib-inline registers: a partial of :func:`IPython.core.pylabtools.retina_figure` or
    ``print_figure``) would draw it, as a palette PNG with its display metadata: ``(png, metadata)``.

    The figure is drawn with the printer's settings (twice the figure's dpi for a retina figure, its
    face and edge colours, ``bbox_inches`` and whatever else the printer passes on) into its RGBA
    pixels, which go straight into a palette PNG: the bytes the page would make of the printer's own
    PNG, without writing an RGBA PNG and reading it back (about 0.1 s of CPU a figure, 37 figures in
    the demo suite). None when ``printer`` is not one of those partials, the figure draws nothing, or
    no palette keeps its pixels: the caller then displays the figure as IPython would.
    """
    from IPython.core import pylabtools

    retina = isinstance(printer, functools.partial) and printer.func is pylabtools.retina_figure
    plain = (isinstance(printer, functools.partial) and printer.func is pylabtools.print_figure
             and printer.keywords.get("fmt", "png") == "png" and not printer.args)
    if not (retina or plain) or (not fig.axes and not fig.lines):  # IPython draws no such figure
        return None
    options = {k: v for k, v in printer.keywords.items() if k not in ("fmt", "base64")}
    kw = {"facecolor": fig.get_facecolor(), "edgecolor": fig.get_edgecolor(),
          "dpi": fig.dpi * (2 if retina else 1), "bbox_inches": "tight", **options, "format": "rgba"}
    kw.pop("pil_kwargs", None)  # a PNG's options: no PNG is written here
    grab = _Pixels()
    fig.canvas.print_figure(grab, **kw)
    if grab.pixels is None:
        return None
    png = palette_of(grab.pixels)
    if png is None:
        return None
    height, width = grab.pixels.shape[:2]
    return png, ({"width": width // 2, "height": height // 2} if retina else {})


class _Pixels(io.BytesIO):
    """A file for matplotlib's raw RGBA output that keeps the renderer's buffer as an array."""

    pixels = None

    def write(self, data) -> int:
        import numpy as np

        self.pixels = np.array(data, dtype=np.uint8, copy=True)  # height x width x 4 as Agg writes it
        return self.pixels.nbytes


__all__ = ["PALETTE_TOLERANCE", "PNG_LEVEL", "figure_png", "lighter_png", "palette_of", "palette_png"]
