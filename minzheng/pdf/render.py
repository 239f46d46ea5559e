"""Notice-board posters and official letters as PDF, with Noto Sans SC embedded and subset.

Rare name characters (生僻字 of CJK Extensions B–F, such as 𡘙 or 𠀀) that Noto Sans SC lacks are drawn from
HanaMinB (花园明朝B), added as fpdf2's fallback font only to the documents whose text needs it: other documents are
exactly as before, and the 30 MB font is parsed (about 0.35 s) only when used. HanaMinB has one weight, so a rare
character in bold text prints in its regular weight. Text with a character no font has is refused, naming it.

Pure: plain data in, PDF bytes out; no ORM, no settings. A document takes about a second, most of it fpdf2 parsing
the two 10 MB fonts again (it keeps subsetting state in the parsed font), so batches belong in a background job.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import segno
from django.utils.translation import gettext as _

# fontTools comes with fpdf2 (which parses fonts with it); used here only to read the fonts' character maps.
from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableCellFillMode, WrapMode

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import round_money

FONT_DIR = Path(__file__).resolve().parent / "fonts"
_FAMILY = "NotoSansSC"
_FALLBACK = "HanaMinB"  # CJK Extensions B–F (the rare characters of names), one regular weight
# fontTools' subsetter logs every glyph of every document at INFO, and the project's root logger is at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)
_MM = 72 / 25.4  # points per millimetre
# A3 is A4 enlarged by 297/210: the poster is laid out once in A4 millimetres and drawn with a bigger unit.
_SCALES = {"A4": 1.0, "A3": 297 / 210}

_INDENT = "\u3000\u3000"  # first-line indent of two ideographic spaces, as in any Chinese document
_NONE_AMOUNT = "\u2014"  # —
# Kinsoku (避头尾): closing marks hang in the margin rather than begin a line; opening marks never end one.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕”’…—·%,.;:?!)]}")
_NO_LINE_END = frozenset("（《「『【〔“‘([{")
# Runs of Latin letters and digits (phone numbers, amounts, URLs, reference numbers) are not split between lines.
_TOKENS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/_@%+=?&#~-]*|.", re.DOTALL)


class UnprintableCharacters(ValidationFailed):
    """Text holds characters the embedded font lacks; fpdf2 would silently drop them (a name would change)."""

    code = "pdf_unprintable_characters"


@dataclass(frozen=True)
class PosterEntry:
    name: str
    members: int
    amount: Decimal | None  # one period's amount in yuan; None prints "—"
    note: str = ""
    #: the amount's unit (元/月, 元/季, 元/年, 元 for a one-off grant: ``Notice.amount_unit``)
    unit: str = ""


@dataclass(frozen=True)
class NoticePoster:
    title: str
    issuer: str  # e.g. 得胜镇人民政府
    village: str
    intro: str  # one paragraph
    entries: tuple[PosterEntry, ...]
    starts_on: date
    ends_on: date
    complaint_phone: str
    url: str  # target of the QR code: the notice's public page
    size: str = "A4"  # "A4" or "A3"

    def __post_init__(self) -> None:
        if self.size not in _SCALES:
            raise ValueError(f"poster size must be one of {sorted(_SCALES)}, not {self.size!r}")
        if self.ends_on < self.starts_on:
            raise ValueError(f"notice period ends ({self.ends_on}) before it starts ({self.starts_on})")


@dataclass(frozen=True)
class Letter:
    title: str
    addressee: str
    reference: str  # e.g. 编号 123
    paragraphs: tuple[str, ...]
    issuer: str
    issued_on: date
    items: tuple[str, ...] = ()  # numbered list printed after the first paragraph
    footer: str = ""  # small print at the end, e.g. the remedies (复议、诉讼) open to the addressee


def format_date(day: date) -> str:
    """2026年11月8日: month and day without leading zeros (GB/T 9704-2012 §7.3.5.1)."""
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules, True for dark, without the quiet zone: what the poster prints for `url`."""
    return tuple(tuple(bool(module) for module in row) for row in _qr_code(url).matrix)


def unprintable_characters(text: str) -> list[str]:
    """Characters of `text` no embedded font can draw (emoji, private-use or unassigned code points), in order,
    once each. Rare name characters of CJK Extensions B–F are printable (through the fallback font)."""
    printable = _printable_codepoints()
    seen: dict[str, None] = {}
    for char in text:
        if not char.isspace() and ord(char) not in printable:
            seen.setdefault(char, None)
    return list(seen)


def render_poster(poster: NoticePoster) -> bytes:
    """The notice for the village board: title, intro, the table of beneficiaries, period, phone, QR code."""
    fallback = _require_printable(
        poster.title,
        poster.issuer,
        poster.village,
        poster.intro,
        poster.complaint_phone,
        *(text for entry in poster.entries for text in (entry.name, entry.note)),
    )
    pdf = _Sheet(
        size=poster.size,
        margins=(18, 18, 18, 20),
        title=poster.title,
        author=poster.issuer,
        fallback=fallback,
    )
    pdf.continuation_title = _("%(title)s（续）") % {"title": poster.title}
    pdf.add_page()

    pdf.use_font(24, bold=True)
    pdf.lines(poster.title, height=12, align=Align.C)
    pdf.use_font(14)
    pdf.lines(_("公示范围：%(village)s") % {"village": poster.village}, height=9, align=Align.C)
    pdf.ln(3)
    pdf.paragraph(poster.intro, height=8.5)
    pdf.ln(3)
    _poster_table(pdf, poster.entries)
    pdf.ln(4)
    pdf.use_font(14)
    period = _("公示期：%(start)s至%(end)s") % {
        "start": format_date(poster.starts_on),
        "end": format_date(poster.ends_on),
    }
    pdf.lines(period, height=8.5)
    pdf.lines(_("监督举报电话：%(phone)s") % {"phone": poster.complaint_phone}, height=8.5)
    _poster_signature(pdf, poster)
    return pdf.finish()


def render_letter(letter: Letter) -> bytes:
    """An official letter on A4: title, reference, addressee, body with numbered items, issuer and date."""
    fallback = _require_printable(
        letter.title,
        letter.addressee,
        letter.reference,
        letter.issuer,
        letter.footer,
        *letter.paragraphs,
        *letter.items,
    )
    # Margins close to GB/T 9704 (28 mm binding side, 26 mm right) so letters file like other documents.
    pdf = _Sheet(
        size="A4", margins=(28, 28, 26, 25), title=letter.title, author=letter.issuer, fallback=fallback
    )
    pdf.add_page()

    pdf.use_font(20, bold=True)
    pdf.lines(letter.title, height=11, align=Align.C)
    pdf.ln(2)
    if letter.reference:
        pdf.use_font(12)
        pdf.lines(letter.reference, height=7, align=Align.R)
    pdf.ln(5)
    pdf.use_font(14)
    addressee = letter.addressee.rstrip("：:")
    pdf.lines(_("%(addressee)s：") % {"addressee": addressee}, height=8.5)
    items = [
        _("%(number)s．%(item)s") % {"number": n, "item": item} for n, item in enumerate(letter.items, 1)
    ]
    body = [*letter.paragraphs[:1], *items, *letter.paragraphs[1:]]
    for text in body:
        pdf.paragraph(text, height=8.5)
    pdf.ln(12)
    pdf.signature(letter.issuer, format_date(letter.issued_on), height=8.5)
    if letter.footer:
        pdf.ln(10)
        pdf.use_font(10)
        pdf.set_text_color(70)
        if pdf.will_page_break(12):
            pdf.add_page()
        pdf.set_draw_color(150)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2)
        for text in letter.footer.splitlines():
            pdf.lines(text, height=5.5)
        pdf.set_text_color(0)
    return pdf.finish()


@dataclass(frozen=True)
class ReportSheet:
    """A statistical form for printing: two header rows (groups over columns), rows, and the signing lines."""

    title: str
    subtitle: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (group label, its column labels)
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, its values as printed)
    footer: str


def render_report(sheet: ReportSheet) -> bytes:
    """The form on A4 with its merged two-level header, totals in bold, the preparer and date under it."""
    texts = [sheet.title, sheet.subtitle, sheet.footer]
    texts += [label for label, columns in sheet.groups] + [
        c for _label, columns in sheet.groups for c in columns
    ]
    texts += [label for label, _values in sheet.rows]
    texts += [value for _label, values in sheet.rows for value in values]
    fallback = _require_printable(*texts)
    pdf = _Sheet(size="A4", margins=(15, 20, 15, 20), title=sheet.title, author="", fallback=fallback)
    pdf.add_page()
    pdf.use_font(16, bold=True)
    pdf.lines(sheet.title, height=10, align=Align.C)
    pdf.use_font(9)
    pdf.lines(sheet.subtitle, height=6)
    count = sum(len(columns) for _label, columns in sheet.groups)
    line = 3.5  # one line of 8-point text, in millimetres
    pdf.use_font(8, bold=True)
    # the label column as wide as its longest label (within reason; longer ones wrap), the rest shared out
    longest = max(
        [pdf.get_string_width(label) for label, _values in sheet.rows] + [pdf.get_string_width(_("类别"))]
    )
    first = min(max(24.0, longest + 4), 56.0)
    width = (pdf.epw - first) / max(count, 1)

    def lines_of(text: str, cell: float) -> int:
        wrapped = pdf.multi_cell(cell, line, text, dry_run=True, output="LINES", wrapmode=WrapMode.CHAR)
        return len(wrapped) if isinstance(wrapped, list) else 1

    def boxed(x: float, y: float, w: float, h: float, text: str, align: Align) -> None:
        """Text in a bordered box, wrapped to its width and centred vertically."""
        pdf.rect(x, y, w, h)
        used = lines_of(text, w) * line
        pdf.set_xy(x, y + max((h - used) / 2, 0))
        pdf.multi_cell(w, line, text, align=align, wrapmode=WrapMode.CHAR)

    group_height = max(
        7.0, max(lines_of(label, width * len(cols)) for label, cols in sheet.groups) * line + 2
    )
    column_height = max(7.0, max(lines_of(c, width) for _l, cols in sheet.groups for c in cols) * line + 2)
    top, left = pdf.get_y(), pdf.l_margin
    boxed(left, top, first, group_height + column_height, _("类别"), Align.C)
    x = left + first
    for label, columns in sheet.groups:
        span = width * len(columns)
        boxed(x, top, span, group_height, label, Align.C)
        for index, column in enumerate(columns):
            boxed(x + index * width, top + group_height, width, column_height, column, Align.C)
        x += span
    y = top + group_height + column_height
    for index, (label, values) in enumerate(sheet.rows):
        pdf.use_font(8, bold=index == len(sheet.rows) - 1)
        height = max(7.0, lines_of(label, first) * line + 2)
        if y + height > pdf.h - pdf.b_margin:
            pdf.add_page()
            y = pdf.t_margin
        boxed(left, y, first, height, label, Align.C)
        for position, value in enumerate(values):
            boxed(left + first + position * width, y, width, height, value, Align.R)
        y += height
    pdf.set_xy(left, y)
    pdf.ln(4)
    pdf.use_font(9)
    pdf.lines(sheet.footer, height=6)
    return pdf.finish()


# --- layout helpers ---------------------------------------------------------------------------------------


class _Sheet(FPDF):
    """An FPDF page set in A4 millimetres whatever the paper; font sizes follow the same scale."""

    def __init__(
        self,
        *,
        size: str,
        margins: tuple[float, float, float, float],
        title: str,
        author: str,
        fallback: bool = False,
    ) -> None:
        self.scale = _SCALES[size]
        super().__init__(orientation="portrait", unit=_MM * self.scale, format=size)
        self.continuation_title = ""
        left, top, right, bottom = margins
        self.set_margins(left, top, right)
        self.set_auto_page_break(auto=True, margin=bottom)
        fonts = _font_files()
        # fpdf2 keeps per-document subsetting state in the font object, so each document adds the fonts again.
        self.add_font(_FAMILY, "", fonts[""])
        self.add_font(_FAMILY, "B", fonts["B"])
        if fallback:
            # only where a character needs it; exact_match=False: the one regular weight serves bold text too
            self.add_font(_FALLBACK, "", _fallback_file())
            self.set_fallback_fonts([_FALLBACK], exact_match=False)
        self.set_title(title)
        self.set_author(author)
        self.set_creator("minzheng")
        self.set_lang("zh-CN")
        self.set_line_width(0.25)

    def use_font(self, size_pt: float, *, bold: bool = False) -> None:
        self.set_font(_FAMILY, "B" if bold else "", size_pt * self.scale)

    def header(self) -> None:
        if self.page_no() > 1 and self.continuation_title:
            self.set_y(self.t_margin - 9)
            self.use_font(9)
            self.set_text_color(110)
            self.cell(0, 5, self.continuation_title, align=Align.L)
            self.set_text_color(0)
            self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-14)
        self.use_font(9)
        self.set_text_color(110)
        pages = _("第%(page)s页 共%(pages)s页") % {"page": self.page_no(), "pages": self.str_alias_nb_pages}
        self.cell(0, 5, pages, align=Align.C)
        self.set_text_color(0)

    def lines(self, text: str, *, height: float, align: Align = Align.L) -> None:
        """`text` broken into lines by Chinese rules, each drawn as one cell (page breaks follow by themselves)."""
        for line in _break_lines(self, text, self.epw):
            self.cell(0, height, line, align=align, new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, *, height: float) -> None:
        for part in text.splitlines() or [""]:
            if part.strip():
                self.lines(_INDENT + part.strip(), height=height)

    def signature(self, issuer: str, issued: str, *, height: float) -> None:
        """Issuer over date at the right, the date centred under the issuer, kept together on one page."""
        if self.will_page_break(2 * height):
            self.add_page()
        right = self.w - self.r_margin - self.get_string_width(_INDENT)
        width = max(self.get_string_width(issuer), self.get_string_width(issued))
        for text in (issuer, issued):
            self.set_x(right - width)
            self.cell(width, height, text, align=Align.C, new_x="LMARGIN", new_y="NEXT")

    def finish(self) -> bytes:
        return bytes(self.output())


def _poster_table(pdf: _Sheet, entries: tuple[PosterEntry, ...]) -> None:
    with_notes = any(entry.note.strip() for entry in entries)
    # an empty poster keeps the monthly heading of the programs it is usually for
    units = {entry.unit or _("元/月") for entry in entries} or {_("元/月")}
    # one unit for the table goes in the heading; entries of different periods carry theirs in each cell
    shared = units.pop() if len(units) == 1 else None
    headings = [
        _("序号"),
        _("姓名"),
        _("保障人数"),
        _("金额（%(unit)s）") % {"unit": shared} if shared else _("金额"),
    ]
    widths: tuple[int, ...] = (12, 34, 22, 32)
    aligns = [Align.C, Align.C, Align.C, Align.C]
    if with_notes:
        headings.append(_("备注"))
        widths = (10, 26, 16, 22, 26)
        aligns.append(Align.L)
    pdf.use_font(13)
    pdf.set_draw_color(60)
    with pdf.table(
        col_widths=widths,
        text_align=tuple(aligns),
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        cell_fill_color=(242, 242, 242),
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        line_height=7.5,
        padding=(1.2, 1.5),
        wrapmode=WrapMode.CHAR,
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(text, align=Align.C)
        for number, entry in enumerate(entries, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(entry.name.strip())
            row.cell(str(entry.members))
            amount = _NONE_AMOUNT if entry.amount is None else f"{round_money(entry.amount):,}"
            row.cell(amount if shared or entry.amount is None else f"{amount} {entry.unit or _('元/月')}")
            if with_notes:
                row.cell(entry.note.strip())
    pdf.set_draw_color(0)


def _poster_signature(pdf: _Sheet, poster: NoticePoster) -> None:
    """QR code with its caption at the left, issuer and date at the right, never split across pages."""
    qr_size, caption_height = 34.0, 6.0
    if pdf.will_page_break(8 + qr_size + caption_height):
        pdf.add_page()
    top = pdf.get_y() + 8
    caption = _("扫码查看网上公示、提出异议")
    pdf.use_font(10)
    caption_width = max(qr_size, pdf.get_string_width(caption) + 2)
    png = io.BytesIO()
    _qr_code(poster.url).save(png, kind="png", scale=8, border=4)
    pdf.image(png, x=pdf.l_margin + (caption_width - qr_size) / 2, y=top, w=qr_size, h=qr_size)
    pdf.set_xy(pdf.l_margin, top + qr_size)
    pdf.cell(caption_width, caption_height, caption, align=Align.C)

    pdf.use_font(14)
    pdf.set_y(top + qr_size / 2 - 8.5)
    pdf.signature(poster.issuer, format_date(poster.starts_on), height=8.5)
    pdf.set_y(top + qr_size + caption_height)


def _break_lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """Lines of at most `width` in the current font, by character, with kinsoku and unbroken Latin runs."""
    lines: list[str] = []
    for source in text.splitlines() or [""]:
        line, line_width = "", 0.0
        for token in _tokens(pdf, source, width):
            token_width = pdf.get_string_width(token)
            # The tolerance keeps a line of exactly `width` whole: summed glyph widths drift by a few ulps.
            if not line or line_width + token_width <= width + 1e-6 or token in _NO_LINE_START:
                line, line_width = line + token, line_width + token_width
                continue
            carried = ""
            while len(line) > 1 and line[-1] in _NO_LINE_END:
                line, carried = line[:-1], line[-1] + carried
            lines.append(line)
            line = carried + token
            line_width = pdf.get_string_width(line)
        lines.append(line)
    return lines


def _tokens(pdf: FPDF, text: str, width: float) -> Iterator[str]:
    for match in _TOKENS.finditer(text):
        token = match.group()
        if len(token) > 1 and pdf.get_string_width(token) > width:
            yield from token  # a run longer than a line (a long URL) is broken by character
        else:
            yield token


def _require_printable(*texts: str) -> bool:
    """Refuse text with characters no font has; True when some character needs the fallback font."""
    text = "".join(texts)
    missing = unprintable_characters(text)
    if missing:
        raise UnprintableCharacters(
            _("字体中没有这些字，无法打印：%(characters)s") % {"characters": "、".join(missing)},
            details={"characters": missing},
        )
    main = _main_codepoints()
    return any(not char.isspace() and ord(char) not in main for char in text)


@functools.cache
def _font_files() -> dict[str, Path]:
    files = {"": FONT_DIR / "NotoSansSC-Regular.ttf", "B": FONT_DIR / "NotoSansSC-Bold.ttf"}
    absent = [str(path) for path in files.values() if not path.is_file()]
    if absent:
        raise FileNotFoundError(f"PDF fonts are missing ({', '.join(absent)}); run scripts/fetch-fonts.sh")
    return files


@functools.cache
def _fallback_file() -> Path:
    path = FONT_DIR / f"{_FALLBACK}.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"PDF fallback font is missing ({path}); run scripts/fetch-fonts.sh")
    return path


def _codepoints(path: Path) -> set[int]:
    font = TTFont(path, lazy=True)
    try:
        return set(font.getBestCmap().keys())
    finally:
        font.close()


@functools.cache
def _main_codepoints() -> frozenset[int]:
    """Characters both Noto weights can draw (read once per process: about 0.2 s a font)."""
    maps: list[Iterable[int]] = [_codepoints(path) for path in _font_files().values()]
    common = set(maps[0])
    for codepoints in maps[1:]:
        common &= set(codepoints)
    return frozenset(common)


@functools.cache
def _printable_codepoints() -> frozenset[int]:
    """Characters some font can draw: both Noto weights, or the fallback font."""
    return _main_codepoints() | _codepoints(_fallback_file())


@functools.lru_cache(maxsize=64)
def _qr_code(url: str) -> segno.QRCode:
    # make_qr, not make: segno picks a Micro QR for short data, which most phone cameras cannot read.
    return segno.make_qr(url, error="m")
