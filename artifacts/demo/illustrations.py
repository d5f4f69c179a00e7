"""Illustrations for records that have no photograph: only the words the report publishes,
set on plain shapes, each image carrying its own notice that it is not a photograph.

The notice is drawn into the pixels as well as given in the caption, because images travel
without their captions. Pillow's bundled font is used, never a system font, so the same
code gives the same bytes on every machine with the same Pillow; PNG carries no timestamp.
"""

import io

from PIL import Image, ImageDraw, ImageFont

from artifacts.models import ILLUSTRATION_NOTICE

WIDTH, HEIGHT = 1200, 800
PAPER = (234, 223, 197)
PAPER_EDGE = (196, 180, 146)
INK = (43, 38, 33)
MUTED = (104, 94, 80)
TABLE = (72, 76, 80)
BAND = (28, 30, 33)
BAND_TEXT = (250, 246, 236)
MARGIN = 64
BAND_HEIGHT = 84


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _wrap(text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _paragraph(draw, xy, text, font, width, fill, spacing=1.35) -> int:
    """Draw wrapped text from its top-left corner; returns the y below it."""
    x, y = xy
    step = round(font.size * spacing)
    for line in _wrap(text, font, width):
        draw.text((x, y), line, font=font, fill=fill)
        y += step
    return y


def _notice_band(draw) -> None:
    """The archive's illustration notice across the top. The bundled font has no em dash,
    so dashes are drawn as rules rather than left as missing-glyph boxes."""
    draw.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=BAND)
    size = 34
    font = _font(size)
    parts = ILLUSTRATION_NOTICE.split("—")
    dash = round(size * 0.9)
    total = sum(font.getlength(part) for part in parts) + dash * (len(parts) - 1)
    x, y = (WIDTH - total) / 2, (BAND_HEIGHT - size) / 2 - 2
    for index, part in enumerate(parts):
        if index:
            middle = round(y + size * 0.62)
            draw.line((x, middle, x + dash, middle), fill=BAND_TEXT, width=2)
            x += dash
        draw.text((x, y), part, font=font, fill=BAND_TEXT)
        x += font.getlength(part)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def phrase_list(record: dict) -> bytes:
    """The published phrases in English on a paper-coloured ground."""
    phrases = [p["translation"] for p in record["phrases"]]
    total = record["artifact"]["item_count"]
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    _notice_band(draw)
    y = BAND_HEIGHT + 56
    y = _paragraph(
        draw,
        (MARGIN, y),
        f"{len(phrases)} of the {total} phrases, as published in English:",
        _font(30),
        WIDTH - 2 * MARGIN,
        MUTED,
    )
    y += 36
    big = _font(60)
    for phrase in phrases:
        y = _paragraph(draw, (MARGIN + 24, y), phrase, big, WIDTH - 2 * MARGIN - 24, INK) + 30
    footer = (
        f"Korean originals, Russian transliterations and the other {total - len(phrases)} phrases: not "
        "published. Their order on the sheet is not published either."
    )
    _paragraph(draw, (MARGIN, HEIGHT - 150), footer, _font(32), WIDTH - 2 * MARGIN, MUTED)
    return _png(image)


def new_year_pages(record: dict) -> bytes:
    """Two blank pages with their dates: what is known of the pages, and no more."""
    pages = [t for t in record["texts"] if t["label"].startswith("Page dated")]
    image = Image.new("RGB", (WIDTH, HEIGHT), TABLE)
    draw = ImageDraw.Draw(image)
    _notice_band(draw)
    page_width, gap, top = 440, 80, BAND_HEIGHT + 60
    left = (WIDTH - 2 * page_width - gap) // 2
    for index, page in enumerate(pages):
        x = left + index * (page_width + gap)
        draw.rectangle((x, top, x + page_width, HEIGHT - 70), fill=PAPER, outline=PAPER_EDGE, width=3)
        date = page["label"].removeprefix("Page dated ")
        draw.text((x + 36, top + 40), date, font=_font(44), fill=INK)
        _paragraph(
            draw, (x + 36, top + 130), "Handwritten page. Full text not published.", _font(30), page_width - 72, MUTED
        )
    return _png(image)


def booklet(record: dict) -> bytes:
    """An open booklet with the one published line on its right-hand page."""
    line = record["texts"][0]["translation"]
    image = Image.new("RGB", (WIDTH, HEIGHT), TABLE)
    draw = ImageDraw.Draw(image)
    _notice_band(draw)
    top, bottom, spine, half = BAND_HEIGHT + 80, HEIGHT - 80, WIDTH // 2, 380
    draw.rectangle((spine - half, top, spine + half, bottom), fill=PAPER, outline=PAPER_EDGE, width=3)
    draw.line((spine, top, spine, bottom), fill=PAPER_EDGE, width=3)
    _paragraph(
        draw, (spine - half + 36, top + 48), "Handwritten song lyrics. Not published.", _font(28), half - 72, MUTED
    )
    _paragraph(draw, (spine + 36, top + 48), "The one line published, in English:", _font(26), half - 72, MUTED)
    _paragraph(draw, (spine + 36, top + 140), line, _font(44), half - 72, INK)
    return _png(image)


RENDERERS = {"phrase_list": phrase_list, "new_year_pages": new_year_pages, "booklet": booklet}

CAPTIONS = {
    "phrase_list": (
        "the three phrases the report publishes, in English, set on a paper-coloured ground. Their Korean and "
        "Russian wording, their order on the sheet and the other 20 phrases are not published."
    ),
    "new_year_pages": (
        "two blank pages standing for the handwritten pages dated 31 December and 1 January, whose full text is "
        "not published."
    ),
    "booklet": "an open booklet with the one line of handwritten lyrics the report publishes, in English.",
}
CREDIT = "Battlefield Artifacts Archive (generated illustration)"


def render(name: str, record: dict) -> bytes:
    """The PNG bytes of one named illustration of `record`."""
    return RENDERERS[name](record)


def caption(name: str) -> str:
    # What the picture shows. That it is an illustration, not a photograph, is said once by
    # the page (the photo is flagged as an illustration) and once in its pixels, which travel
    # with any copy; the caption does not say it a third time.
    text = CAPTIONS[name]
    return text[0].upper() + text[1:]
