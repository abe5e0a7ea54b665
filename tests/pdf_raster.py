"""Look at a PDF the way a reader does: rasterise its pages with poppler's pdftoppm, find the
charts and icons on them, and measure what is drawn there (Pillow only, no numpy).

How a chart is found: the test renders the pack with one extra rule, a 1pt magenta outline
around every chart and icon (`FRAME_CSS`). An outline takes no room, so the layout is the
pack's own; each magenta ring on a page is one framed drawing.

The two faults the board saw (issue #15):
- a solid dark region: somewhere inside a frame, a square of DARK_SQUARE_MM (2 mm) that is all
  near-black (luminance below DARK). Text at any size the pack uses has strokes far thinner than
  2 mm, and the chart's special-cause squares (2.3 mm) are coloured, not near-black; an SVG
  shape that lost its `fill="none"` or its colour is filled black and fails. Only framed regions
  are looked at, so the header bars and tags of a page (filled on purpose) are excepted.
- a cut label: a word (from `pdftotext -bbox`, which reports glyphs even where the drawing
  clips them) that starts inside a frame and runs past its edge, or past the page's edge.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image, ImageFilter

DPI = 144  # 2 pixels a point: fine enough that a 2 mm square is 11 pixels
DARK = 50  # luminance (0-255) below which a pixel counts as near-black
DARK_SQUARE_MM = 2.0
FRAME_CSS = ".app-chart, .app-icon { outline: 1pt solid #ff00ff; outline-offset: 0; }"


@dataclasses.dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def scaled(self, factor: float) -> Box:
        return Box(self.left * factor, self.top * factor, self.right * factor, self.bottom * factor)

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )


@dataclasses.dataclass
class Page:
    number: int
    image: Image.Image  # RGB at DPI
    words: list[tuple[str, Box]]  # in points from the top left
    width_pt: float
    frames: list[Box] = dataclasses.field(default_factory=list)  # in pixels, the ring itself


def tools_missing() -> str | None:
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            return f"{tool} is missing: run 'apt-get install poppler-utils' (or make test as root)"
    return None


def pages_of(pdf: bytes) -> list[Page]:
    """Every page of the PDF, rasterised, with its words and its magenta frames."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paper.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(path), str(Path(folder) / "page")], check=True)
        subprocess.run(["pdftotext", "-bbox", str(path), str(Path(folder) / "words.html")], check=True)
        words = _words(Path(folder) / "words.html")
        images = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        pages = []
        for number, (image_path, (width_pt, page_words)) in enumerate(zip(images, words, strict=True), start=1):
            image = Image.open(image_path).convert("RGB")
            pages.append(Page(number, image, page_words, width_pt, frames=magenta_frames(image)))
        return pages


def _words(path: Path) -> list[tuple[float, list[tuple[str, Box]]]]:
    text = path.read_text(encoding="utf-8").replace("<!DOCTYPE", "<!--").replace('.dtd">', '.dtd" -->')
    root = ET.fromstring(text[text.index("<html") :])
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        words = [
            (
                word.text or "",
                Box(*(float(word.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax"))),
            )
            for word in page.iter("{http://www.w3.org/1999/xhtml}word")
        ]
        pages.append((float(page.attrib["width"]), words))
    return pages


def magenta_frames(image: Image.Image) -> list[Box]:
    """The bounding box (pixels) of each magenta ring on the page."""
    width, height = image.size
    magenta = {
        i for i, (r, g, b) in enumerate(image.get_flattened_data()) if r > 180 and g < 110 and b > 180
    }  # the outline, anti-aliased at its edges
    frames = []
    while magenta:
        start = magenta.pop()
        todo, xs, ys = [start], [], []
        while todo:
            i = todo.pop()
            x, y = i % width, i // width
            xs.append(x)
            ys.append(y)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    j = (y + dy) * width + (x + dx)
                    if j in magenta and 0 <= x + dx < width:
                        magenta.remove(j)
                        todo.append(j)
        if len(xs) > 20:  # a ring, not a stray pixel
            frames.append(Box(min(xs), min(ys), max(xs) + 1, max(ys) + 1))
    return sorted(frames, key=lambda b: (b.top, b.left))


def inside(box: Box, inset: int = 3) -> Box:
    """The region within a frame's ring."""
    return Box(box.left + inset, box.top + inset, box.right - inset, box.bottom - inset)


def solid_dark_regions(page: Page) -> list[Box]:
    """Framed regions (pixels) holding a DARK_SQUARE_MM square of near-black."""
    side = round(DARK_SQUARE_MM / 25.4 * DPI) | 1  # odd, as the filter needs
    found = []
    for frame in page.frames:
        region = inside(frame)
        crop = page.image.crop((int(region.left), int(region.top), int(region.right), int(region.bottom))).convert("L")
        if min(crop.size) < side:
            continue
        # MaxFilter: each pixel becomes the lightest of the square around it, so a pixel that
        # is still near-black sits in the middle of an all-dark square.
        solid = crop.filter(ImageFilter.MaxFilter(side)).point(lambda v: 255 if v < DARK else 0)
        bbox = solid.getbbox()
        if bbox:
            found.append(Box(region.left + bbox[0], region.top + bbox[1], region.left + bbox[2], region.top + bbox[3]))
    return found


def cut_words(page: Page) -> list[str]:
    """Words that start inside a framed drawing and run past its edge, or past the page."""
    scale = 72 / DPI
    frames = [inside(frame, 1).scaled(scale) for frame in page.frames]
    cut = []
    for text, box in page.words:
        if box.left < 0 or box.right > page.width_pt:
            cut.append(f"{text!r} runs off the page")
            continue
        for frame in frames:
            starts_inside = frame.left <= box.left < frame.right and frame.top <= box.top < frame.bottom
            if starts_inside and (box.right > frame.right + 0.5 or box.bottom > frame.bottom + 0.5):
                cut.append(
                    f"{text!r} at x {box.left:.0f}-{box.right:.0f} pt is cut by the drawing's edge at {frame.right:.0f} pt"
                )
    return cut


def grey_thumbnail(image: Image.Image, size: tuple[int, int]) -> list[int]:
    return list(image.convert("L").resize(size, Image.Resampling.BOX).get_flattened_data())


def dark_fraction(image: Image.Image, threshold: int = 128) -> float:
    grey = image.convert("L").get_flattened_data()
    return sum(1 for v in grey if v < threshold) / len(grey)
