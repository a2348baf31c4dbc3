"""The bulletin as a Word document (.docx, python-docx): the form staff edit, sign and send.

Why Word: a bulletin (定期通报) is circulated as an editable document, signed and stamped; staff add
the next steps (下步要求) before sending. The layout follows the bureau's usual form: a centred title,
numbered section headings (一、二、...), tables with the flags' colours, the body in 仿宋 and headings
in 黑体 (a machine without these fonts shows its own Chinese font), A4 landscape for the wide tables.
"""

from __future__ import annotations

import io
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .build import Bulletin
from .document import Block, blocks, footer
from .townmap import map_png

__all__ = ["write_docx"]

# the usual fonts of Chinese official documents (GB/T 9704): body 仿宋_GB2312, headings 黑体, title 方正小标宋
_BODY_FONT, _HEAD_FONT, _TITLE_FONT = "FangSong_GB2312", "SimHei", "FZXiaoBiaoSong-B05S"


def _font(run, east_asian: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _shade(cell, colour: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shd)


def _table(doc, block: Block) -> None:
    df = block.table
    table = doc.add_table(rows=1, cols=len(df.columns))
    table.style = "Table Grid"
    for i, c in enumerate(df.columns):
        cell = table.rows[0].cells[i]
        _font(cell.paragraphs[0].add_run(str(c)), _HEAD_FONT, 8, bold=True)
        _shade(cell, "#E8E8E8")
    for j, row in enumerate(df.itertuples(index=False)):
        cells = table.add_row().cells
        for i, v in enumerate(row):
            _font(cells[i].paragraphs[0].add_run(str(v)), _BODY_FONT, 8)
            fill = block.fills.iloc[j, i] if block.fills is not None else ""
            if fill:
                _shade(cells[i], fill)
    doc.add_paragraph()


def _map(doc, b: Bulletin, block: Block, lang: str) -> None:
    """The township map as a picture, its caption under it."""
    doc.add_picture(io.BytesIO(map_png(b, lang)), width=Cm(24))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(doc.add_paragraph().add_run(block.text), _BODY_FONT, 10)


def write_docx(b: Bulletin, fh: IO[bytes], lang: str) -> None:
    """Write the bulletin's Word document into ``fh``."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.8))
    _font(sec.footer.paragraphs[0].add_run(footer(b, lang)), _BODY_FONT, 8)
    doc.core_properties.author = "vetsim"
    shown = blocks(b, lang, editable=True)
    doc.core_properties.title = shown[0].text
    for block in shown:
        if block.kind == "table":
            _table(doc, block)
            continue
        if block.kind == "map":
            _map(doc, b, block, lang)
            continue
        p = doc.add_paragraph()
        if block.kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(block.text), _TITLE_FONT, 18, bold=True)
        elif block.kind == "subtitle":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(block.text), _BODY_FONT, 10)
        elif block.kind == "heading":
            _font(p.add_run(block.text), _HEAD_FONT, 14, bold=True)
        else:
            if block.kind == "bullet":
                p.paragraph_format.first_line_indent = Pt(24)
            _font(p.add_run(block.text), _BODY_FONT, 12)
    doc.save(fh)
