"""Posters and letters read back with poppler: the text layer, the embedded fonts, the rendered pages, the QR code.

The poppler tools (Debian package poppler-utils) are outside Python: without them these tests skip, unless
MINZHENG_REQUIRE_BROWSER=1 (CI) makes a missing tool a failure.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from minzheng.pdf import render
from minzheng.pdf.render import (
    Letter,
    NoticePoster,
    PosterEntry,
    UnprintableCharacters,
    format_date,
    qr_matrix,
    render_letter,
    render_poster,
    unprintable_characters,
)

POPPLER = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo", "pdfimages")
SURNAMES = "张王李赵刘陈杨黄周吴"
GIVEN = ("建国", "秀英", "志强", "晓燕", "光荣", "静怡")
# 60 distinct names, enough rows for three A4 pages.
NAMES = [surname + given for given in GIVEN for surname in SURNAMES]
PHONE = "0833-5201234"
URL = "https://minzheng.example.cn/gs/2026/0001"
PERIOD_LINE = "公示期：2026年11月28日至2026年12月4日"


def _entry(index: int, name: str) -> PosterEntry:
    amount = None if index == 6 else Decimal(420 + 17 * index)  # row 7 waits for its amount
    return PosterEntry(name=name, members=1 + index % 5, amount=amount, note="重度残疾" if index == 3 else "")


POSTER = NoticePoster(
    title="得胜镇城乡居民最低生活保障拟批准对象公示",
    issuer="得胜镇人民政府",
    village="和平村",
    intro=(
        "根据《社会救助暂行办法》和《四川省最低生活保障工作规程》，经本人申请、入户调查、民主评议和审核，"
        "现将拟批准纳入最低生活保障的对象名单公示如下。如有异议，请在公示期内向镇人民政府或县民政局反映，"
        "我们将依法核实处理。"
    ),
    entries=tuple(_entry(index, name) for index, name in enumerate(NAMES)),
    starts_on=date(2026, 11, 28),
    ends_on=date(2026, 12, 4),
    complaint_phone=PHONE,
    url=URL,
)

REMEDIES = (
    "如对本决定不服，可以自收到本决定书之日起60日内向射洪市人民政府申请行政复议，"
    "或者自收到本决定书之日起6个月内向射洪市人民法院提起行政诉讼。"
)
LETTERS = {
    "refusal": Letter(
        title="不予批准最低生活保障决定书",
        addressee="张建国",
        reference="编号 123",
        paragraphs=(
            "你于2026年10月8日提出的最低生活保障申请，经入户调查、家庭经济状况核对和民主评议，"
            "不符合最低生活保障条件，决定不予批准。主要理由如下：",
            "如你家庭情况发生变化，可以重新提出申请。",
        ),
        items=(
            "家庭人均月收入1,250.00元，高于本地最低生活保障标准（每人每月720元）；",
            "家庭成员名下有机动车辆一辆。",
        ),
        issuer="得胜镇人民政府",
        issued_on=date(2026, 11, 28),
        footer=REMEDIES,
    ),
    "documents_requested": Letter(
        title="补正材料通知书",
        addressee="王秀英：",  # a trailing colon from the caller is not doubled
        reference="编号 124",
        paragraphs=(
            "你于2026年11月20日提出的临时救助申请，材料不齐全。请在收到本通知之日起10个工作日内补正以下材料：",
            "逾期未补正的，视为撤回申请。",
        ),
        items=("户口簿复印件；", "医疗费用票据原件；", "村民委员会出具的情况说明。"),
        issuer="得胜镇人民政府",
        issued_on=date(2026, 11, 28),
    ),
    "approval": Letter(
        title="最低生活保障批准通知书",
        addressee="李志强",
        reference="编号 125",
        paragraphs=(
            "你的最低生活保障申请已经批准，保障人数3人，自2026年12月起按月发放保障金每月1,260.00元。",
            "家庭人口、收入或财产状况发生变化的，请及时告知镇人民政府。",
        ),
        issuer="得胜镇人民政府",
        issued_on=date(2026, 11, 28),
    ),
}


# --- poppler helpers --------------------------------------------------------------------------------------


def _run(*args: str | Path) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout


def _text(pdf: Path, *, page: int | None = None, layout: bool = False) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", *(["-layout"] if layout else []), *pages, pdf, "-")


def _compact(text: str) -> str:
    """Text without whitespace: pdftotext breaks lines where the PDF does, Chinese has no spaces to lose."""
    return re.sub(r"\s+", "", text)


def _info(pdf: Path) -> dict[str, str]:
    lines = _run("pdfinfo", pdf).splitlines()
    return {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in lines)}


def _fonts(pdf: Path) -> list[tuple[str, str, str]]:
    """(name, emb, sub) per font; the last five columns of pdffonts are emb, sub, uni, object and generation."""
    rows = _run("pdffonts", pdf).splitlines()[2:]
    return [(row.split()[0], row.split()[-5], row.split()[-4]) for row in rows if row.strip()]


def _render_pages(pdf: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    _run("pdftoppm", "-r", "40", "-png", pdf, folder / "page")
    return sorted(folder.glob("page*.png"))


def _ink(png: Path) -> float:
    """Share of pixels that are not (near) white."""
    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
        return sum(histogram[:200]) / (grey.width * grey.height)


def _dark(image: Image.Image, x: int, y: int) -> bool:
    value = image.getpixel((x, y))
    assert isinstance(value, int)
    return value < 128


def _images(pdf: Path) -> list[list[str]]:
    return [row.split() for row in _run("pdfimages", "-list", pdf).splitlines()[2:] if row.strip()]


# --- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        reason = (
            f"poppler-utils is not installed ({', '.join(missing)} missing): apt-get install poppler-utils"
        )
        if os.environ.get("MINZHENG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PDF checks are required here (MINZHENG_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)


def _save_page_one(pdf: Path, artifacts_dir: str, name: str) -> None:
    """A copy for a person to look at: test-artifacts/<name>.pdf and <name>-page1.png."""
    target = Path(artifacts_dir) / name
    shutil.copyfile(pdf, target.with_suffix(".pdf"))
    _run("pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, f"{target}-page1")


@pytest.fixture(scope="module", params=["A4", "A3"])
def poster_pdf(
    request: pytest.FixtureRequest,
    poppler: None,
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_dir: str,
) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("poster") / f"poster-{request.param}.pdf"
    with translation.override("zh-hans"):
        path.write_bytes(render_poster(replace(POSTER, size=request.param)))
    if request.param == "A4":
        _save_page_one(path, artifacts_dir, "pdf-poster-A4")
    yield path


@pytest.fixture(scope="module", params=sorted(LETTERS))
def letter_pdf(
    request: pytest.FixtureRequest,
    poppler: None,
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_dir: str,
) -> Iterator[tuple[Letter, Path]]:
    letter = LETTERS[request.param]
    path = tmp_path_factory.mktemp("letter") / f"letter-{request.param}.pdf"
    with translation.override("zh-hans"):
        path.write_bytes(render_letter(letter))
    if request.param == "refusal":
        _save_page_one(path, artifacts_dir, "pdf-letter-refusal")
    yield letter, path


# --- posters ----------------------------------------------------------------------------------------------


def test_poster_text_comes_back_from_the_pdf(poster_pdf: Path) -> None:
    text = _compact(_text(poster_pdf))
    for expected in (
        POSTER.title,
        "公示范围：和平村",
        "经本人申请、入户调查、民主评议和审核",
        NAMES[0],
        NAMES[-1],
        PERIOD_LINE,
        f"监督举报电话：{PHONE}",
        "扫码查看网上公示、提出异议",
        "得胜镇人民政府",
        "2026年11月28日",
    ):
        assert expected in text


def test_poster_lists_every_entry_with_its_members_and_amount(poster_pdf: Path) -> None:
    lines = _text(poster_pdf, layout=True).splitlines()
    for index, name in enumerate(NAMES):
        row = next(line for line in lines if re.search(rf"\s{name}\s", f" {line} "))
        amount = "—" if index == 6 else f"{420 + 17 * index:,}.00"
        assert row.split() == [
            str(index + 1),
            name,
            str(1 + index % 5),
            amount,
            *(["重度残疾"] * (index == 3)),
        ]


def test_long_poster_spans_pages_and_repeats_the_table_header_on_each(poster_pdf: Path) -> None:
    pages = int(_info(poster_pdf)["Pages"])
    assert pages > 1
    for page in range(1, pages + 1):
        text = _compact(_text(poster_pdf, page=page))
        assert all(heading in text for heading in ("序号", "姓名", "保障人数", "金额（元/月）", "备注"))
        assert f"第{page}页共{pages}页" in text
        if page > 1:
            assert f"{POSTER.title}（续）" in text


def test_a3_poster_is_the_a4_layout_on_a_bigger_sheet(poster_pdf: Path, tmp_path: Path) -> None:
    size = poster_pdf.stem.removeprefix("poster-")
    info = _info(poster_pdf)
    assert info["Page size"].endswith(f"({size})")
    a4 = tmp_path / "a4.pdf"
    a4.write_bytes(render_poster(replace(POSTER, size="A4")))
    assert info["Pages"] == _info(a4)["Pages"]


def test_poster_fonts_are_embedded_and_subset(poster_pdf: Path) -> None:
    fonts = _fonts(poster_pdf)
    assert {name.split("+")[-1] for name, _emb, _sub in fonts} == {"NotoSansSC", "NotoSansSCBold"}
    assert all((emb, sub) == ("yes", "yes") for _name, emb, sub in fonts), fonts


def test_every_poster_page_renders_with_ink(poster_pdf: Path, tmp_path: Path) -> None:
    pngs = _render_pages(poster_pdf, tmp_path / "pages")
    assert len(pngs) == int(_info(poster_pdf)["Pages"])
    for png in pngs:
        assert _ink(png) > 0.02, f"{png.name} looks blank"


def test_poster_text_layer_has_no_kangxi_radicals(poster_pdf: Path) -> None:
    # Noto shares glyphs between 人 and ⼈ (U+2F08); a wrong ToUnicode map would make copied text unsearchable.
    text = _text(poster_pdf)
    assert not [char for char in text if 0x2E80 <= ord(char) <= 0x2FDF]


def test_poster_carries_one_qr_code_that_encodes_the_url(poster_pdf: Path, tmp_path: Path) -> None:
    images = _images(poster_pdf)
    assert len(images) == 1
    last_page = _info(poster_pdf)["Pages"]
    assert images[0][0] == last_page  # beside the issuer, after the table
    _run("pdfimages", "-png", poster_pdf, tmp_path / "img")
    expected = qr_matrix(URL)
    size = len(expected)
    with Image.open(next(tmp_path.glob("img*.png"))) as image:
        grey = image.convert("L")
        modules = size + 8  # the PNG keeps segno's four-module quiet zone on each side
        assert grey.width == grey.height and grey.width % modules == 0
        step = grey.width // modules
        found = tuple(
            tuple(
                _dark(grey, (4 + col) * step + step // 2, (4 + row) * step + step // 2) for col in range(size)
            )
            for row in range(size)
        )
    assert found == expected


def test_poster_metadata_names_the_title_issuer_and_creator(poster_pdf: Path) -> None:
    info = _info(poster_pdf)
    assert (info["Title"], info["Author"], info["Creator"]) == (POSTER.title, POSTER.issuer, "minzheng")


def test_poster_without_entries_still_prints_the_table_header(poppler: None, tmp_path: Path) -> None:
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(render_poster(replace(POSTER, entries=())))
    text = _compact(_text(pdf))
    assert "序号姓名保障人数金额（元/月）" in text and "备注" not in text
    assert PERIOD_LINE in text


# --- letters ----------------------------------------------------------------------------------------------


def test_letter_text_comes_back_in_order(letter_pdf: tuple[Letter, Path]) -> None:
    letter, pdf = letter_pdf
    text = _compact(_text(pdf))
    addressee = letter.addressee.rstrip("：") + "："
    assert addressee + "：" not in text
    items = [f"{number}．{item}" for number, item in enumerate(letter.items, start=1)]
    expected = [
        letter.title,
        letter.reference.replace(" ", ""),
        addressee,
        letter.paragraphs[0],
        *items,
        *letter.paragraphs[1:],
        letter.issuer,
        "2026年11月28日",
        *([letter.footer] if letter.footer else []),
    ]
    positions = [text.find(_compact(part)) for part in expected]
    assert -1 not in positions, [part for part, at in zip(expected, positions, strict=True) if at < 0]
    assert positions == sorted(positions)


def test_letter_fonts_are_embedded_and_subset(letter_pdf: tuple[Letter, Path]) -> None:
    fonts = _fonts(letter_pdf[1])
    assert fonts
    assert all((emb, sub) == ("yes", "yes") for _name, emb, sub in fonts), fonts


def test_every_letter_page_renders_with_ink(letter_pdf: tuple[Letter, Path], tmp_path: Path) -> None:
    _letter, pdf = letter_pdf
    pngs = _render_pages(pdf, tmp_path / "pages")
    assert len(pngs) == int(_info(pdf)["Pages"]) >= 1
    for png in pngs:
        assert _ink(png) > 0.01, f"{png.name} looks blank"


def test_letter_is_a4_with_its_title_as_metadata(letter_pdf: tuple[Letter, Path]) -> None:
    letter, pdf = letter_pdf
    info = _info(pdf)
    assert info["Page size"].endswith("(A4)")
    assert (info["Title"], info["Creator"]) == (letter.title, "minzheng")


# --- pure helpers -----------------------------------------------------------------------------------------


def test_dates_print_without_leading_zeros_as_official_documents_do() -> None:
    assert format_date(date(2026, 12, 4)) == "2026年12月4日"
    assert format_date(date(2026, 11, 28)) == "2026年11月28日"


def test_qr_matrix_is_a_full_qr_code_with_its_three_finder_patterns() -> None:
    matrix = qr_matrix(URL)
    size = len(matrix)
    assert size >= 21 and (size - 17) % 4 == 0  # a regular QR symbol (version 1+), never a Micro QR
    assert all(len(row) == size for row in matrix)
    finder = [
        [row in (0, 6) or col in (0, 6) or (2 <= row <= 4 and 2 <= col <= 4) for col in range(7)]
        for row in range(7)
    ]
    for top, left in ((0, 0), (0, size - 7), (size - 7, 0)):
        assert [list(matrix[top + r][left : left + 7]) for r in range(7)] == finder


def test_qr_matrix_differs_by_url_and_is_stable() -> None:
    assert qr_matrix(URL) == qr_matrix(URL)
    assert qr_matrix(URL) != qr_matrix(URL.replace("0001", "0002"))
    assert len(qr_matrix("https://x.cn")) == 21  # short data still gets a full QR code, not a Micro QR


# a private-use code point and an unassigned one in plane 3: no font has them
PRIVATE_USE = "\ue000"
UNASSIGNED = "\U00033000"


def test_characters_no_font_has_are_reported_in_order_and_rare_name_characters_are_not() -> None:
    assert unprintable_characters(f"王{PRIVATE_USE}明😀{PRIVATE_USE} {UNASSIGNED}") == [
        PRIVATE_USE,
        "😀",
        UNASSIGNED,
    ]
    assert unprintable_characters("欧阳秀英 阿不都·热合曼（重度残疾）—") == []
    # CJK Extension B and beyond (生僻字 of names) print through the fallback font
    assert unprintable_characters("𡘙琳 𠀀 𪚥 𫠝 𬺰") == []


def test_poster_with_a_name_no_font_can_print_is_refused_naming_the_character() -> None:
    poster = replace(POSTER, entries=(PosterEntry(name=f"王{UNASSIGNED}", members=1, amount=Decimal("420")),))
    with pytest.raises(UnprintableCharacters) as raised:
        render_poster(poster)
    assert raised.value.code == "pdf_unprintable_characters"
    assert raised.value.details == {"characters": [UNASSIGNED]}
    assert UNASSIGNED in str(raised.value.message)


def test_letter_with_a_private_use_character_is_refused_naming_it() -> None:
    with pytest.raises(UnprintableCharacters) as raised:
        render_letter(replace(LETTERS["approval"], addressee=f"𡘙{PRIVATE_USE}"))
    assert raised.value.details == {"characters": [PRIVATE_USE]}


# --- rare name characters (生僻字) -------------------------------------------------------------------------

RARE_NAME = "𡘙琳"  # 𡘙 is U+21619, CJK Extension B: not in Noto Sans SC


def _rare_letter(name: str) -> Letter:
    return replace(
        LETTERS["approval"],
        addressee=name,
        paragraphs=(f"{name}同志：你的最低生活保障申请已经批准。", *LETTERS["approval"].paragraphs[1:]),
    )


def _first_character_image(pdf: Path, folder: Path, text: str) -> Image.Image:
    """Page 1 at 288 dpi (4 pixels a point), cropped to the first character of the first word starting with
    `text` (its box from `pdftotext -bbox`, one full-width character a share of the word's width)."""
    boxes = _run("pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-")
    word = next(
        match
        for match in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', boxes
        )
        if match.group(5).startswith(text)
    )
    x0, y0, x1, y1 = (float(word.group(i)) for i in range(1, 5))
    x1 = x0 + (x1 - x0) / len(word.group(5))
    folder.mkdir(parents=True, exist_ok=True)
    _run("pdftoppm", "-r", "288", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, folder / "page")
    with Image.open(folder / "page.png") as page:
        return page.convert("L").crop((round(x0 * 4), round(y0 * 4), round(x1 * 4), round(y1 * 4)))


def _shape(image: Image.Image) -> list[int]:
    """The ink of a glyph image, cropped to its ink and scaled to 24×24: 1 for dark, 0 for light."""
    bbox = image.point(lambda v: 255 if v < 160 else 0).getbbox()
    assert bbox is not None, "the glyph is blank"
    small = image.crop(bbox).resize((24, 24), Image.Resampling.BILINEAR)
    return [1 if small.getpixel((x, y)) < 160 else 0 for y in range(24) for x in range(24)]  # type: ignore[operator]


def _reference_shape(char: str) -> list[int]:
    """`char` drawn by FreeType (Pillow) straight from HanaMinB.ttf, independently of fpdf2 and poppler."""
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(str(render.FONT_DIR / "HanaMinB.ttf"), 160)
    image = Image.new("L", (220, 220), 255)
    ImageDraw.Draw(image).text((20, 20), char, font=font, fill=0)
    return _shape(image)


def _agreement(a: list[int], b: list[int]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


@pytest.fixture(scope="module")
def rare_letter_pdf(poppler: None, tmp_path_factory: pytest.TempPathFactory, artifacts_dir: str) -> Path:
    path = tmp_path_factory.mktemp("rare") / "letter-rare-name.pdf"
    with translation.override("zh-hans"):
        path.write_bytes(render_letter(_rare_letter(RARE_NAME)))
    _save_page_one(path, artifacts_dir, "pdf-letter-rare-name")
    return path


def test_a_letter_for_a_resident_with_a_rare_character_prints_the_name_in_its_text(
    rare_letter_pdf: Path,
) -> None:
    text = _compact(_text(rare_letter_pdf))
    assert f"{RARE_NAME}：" in text and f"{RARE_NAME}同志：你的最低生活保障申请已经批准。" in text


def test_the_rare_character_comes_from_hanaminb_embedded_as_a_subset_beside_noto(
    rare_letter_pdf: Path,
) -> None:
    fonts = _fonts(rare_letter_pdf)
    assert {name.split("+")[-1] for name, _emb, _sub in fonts} == {"NotoSansSC", "NotoSansSCBold", "HanaMinB"}
    assert all((emb, sub) == ("yes", "yes") for _name, emb, sub in fonts), fonts
    # subset: a few kilobytes more than the same letter for an ordinary name, never the 30 MB font
    plain = render_letter(_rare_letter("张琳"))
    assert rare_letter_pdf.stat().st_size < len(plain) + 20_000


def test_the_rare_character_is_drawn_as_its_own_glyph_not_blank_nor_a_missing_glyph_box(
    rare_letter_pdf: Path, tmp_path: Path
) -> None:
    """The page as a person sees it: the addressee's first character has ink, and its shape matches 𡘙 drawn by
    FreeType from the font file far better than another rare character (a .notdef box, blank or a wrong glyph
    would not)."""
    other = tmp_path / "other.pdf"
    other.write_bytes(render_letter(_rare_letter("𠀀琳")))
    printed = _shape(_first_character_image(rare_letter_pdf, tmp_path / "rare", RARE_NAME))
    printed_other = _shape(_first_character_image(other, tmp_path / "other", "𠀀琳"))
    reference, reference_other = _reference_shape("𡘙"), _reference_shape("𠀀")
    assert sum(printed) > 24 * 24 * 0.1  # has ink
    assert printed != printed_other  # two different characters are not the same box
    assert _agreement(printed, reference) > 0.85
    assert _agreement(printed, reference) > _agreement(printed, reference_other) + 0.1
    assert _agreement(printed_other, reference_other) > _agreement(printed_other, reference) + 0.1


def test_a_poster_uses_the_fallback_font_only_for_the_rare_name_and_stays_small(
    poppler: None, tmp_path: Path
) -> None:
    entries = (PosterEntry(name=RARE_NAME, members=2, amount=Decimal("840")), *POSTER.entries[:5])
    plain, rare = tmp_path / "plain.pdf", tmp_path / "rare.pdf"
    plain.write_bytes(render_poster(replace(POSTER, entries=POSTER.entries[:6])))
    rare.write_bytes(render_poster(replace(POSTER, entries=entries)))
    assert {name.split("+")[-1] for name, _e, _s in _fonts(plain)} == {"NotoSansSC", "NotoSansSCBold"}
    assert {name.split("+")[-1] for name, _e, _s in _fonts(rare)} == {
        "NotoSansSC",
        "NotoSansSCBold",
        "HanaMinB",
    }
    assert rare.stat().st_size < plain.stat().st_size + 20_000
    lines = _text(rare, layout=True).splitlines()
    assert next(line for line in lines if RARE_NAME in line).split()[:4] == ["1", RARE_NAME, "2", "840.00"]


def test_a_report_with_a_rare_character_prints_it_with_the_fallback_font(
    poppler: None, tmp_path: Path
) -> None:
    sheet = render.ReportSheet(
        title="特困人员供养情况统计表",
        subtitle="填报单位：𡘙村",
        groups=(("特困人员", ("人数",)),),
        rows=(("集中供养", ("1",)), ("合计", ("1",))),
        footer="填表人：𡘙琳",
    )
    path = tmp_path / "form.pdf"
    path.write_bytes(render.render_report(sheet))
    assert "填报单位：𡘙村" in _compact(_text(path)) and "填表人：𡘙琳" in _compact(_text(path))
    assert "HanaMinB" in {name.split("+")[-1] for name, _e, _s in _fonts(path)}


def test_every_fixed_string_of_the_layout_is_in_the_font() -> None:
    # fpdf2 drops characters the font lacks without an error, so a rare character in a label would vanish.
    tree = ast.parse(Path(render.__file__).read_text(encoding="utf-8"))
    fixed = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
    assert len(fixed) > 10
    assert {text: unprintable_characters(text) for text in fixed if unprintable_characters(text)} == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"size": "A5"}, "poster size"), ({"ends_on": date(2026, 11, 27)}, "before it starts")],
)
def test_poster_with_an_unknown_size_or_a_reversed_period_is_refused(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        replace(POSTER, **changes)  # type: ignore[arg-type]


def test_closing_punctuation_never_starts_a_line_and_opening_never_ends_one() -> None:
    sheet = render._Sheet(size="A4", margins=(20, 20, 20, 20), title="t", author="a")
    sheet.use_font(14)
    width = sheet.get_string_width("字" * 10)
    assert render._break_lines(sheet, "一二三四五六七八九十，再来。", width) == [
        "一二三四五六七八九十，",
        "再来。",
    ]
    assert render._break_lines(sheet, "一二三四五六七八九（十）", width) == ["一二三四五六七八九", "（十）"]
    # a phone number is not split between lines
    assert render._break_lines(sheet, "一二三四五六七八电话0833-5201234", width) == [
        "一二三四五六七八电话",
        "0833-5201234",
    ]


def test_a_report_form_wraps_long_labels_and_headers_inside_their_boxes(
    poppler: None, tmp_path: Path
) -> None:
    """A category name longer than the label column and a column header of three lines stay inside their cells:
    cropping the page to the label column (A4 at 72 dpi: the left margin of 20 mm plus at most 56 mm) still
    reads every label whole, and the crop of the values area holds none of the labels' characters."""
    long_label = "1954年10月31日之前入伍后经批准退出现役的人员"
    sheet = render.ReportSheet(
        title="优抚对象抚恤补助发放情况统计表",
        subtitle="填报单位：泸县",
        groups=(("优抚对象", ("人数",)), ("供养形式(人)", ("集中供养(供养服务机构)", "分散供养(在家)"))),
        rows=((long_label, ("1", "2", "3")), ("参战退役军人", ("4", "5", "6")), ("合计", ("5", "7", "9"))),
        footer="填表人：王审批",
    )
    path = tmp_path / "form.pdf"
    path.write_bytes(render.render_report(sheet))
    label_column = _run("pdftotext", "-x", "0", "-y", "0", "-W", "216", "-H", "842", path, "-")
    values_area = _run("pdftotext", "-x", "217", "-y", "0", "-W", "400", "-H", "842", path, "-")
    assert long_label in _compact(label_column) and "参战退役军人" in _compact(label_column)
    assert "人员" not in values_area and "退役" not in values_area
    assert "集中供养(供养服务机构)" in _compact(values_area)
