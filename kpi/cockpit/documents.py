"""A document outline (title, facts, sections) rendered as Markdown and as an A4 PDF."""

from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: tuple[int, ...]


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass
class Outline:
    title: str
    facts: list[tuple[str, str]]
    sections: list[Section]


def _cell(text: str) -> str:
    # A cell is one line; its pipes are escaped already (user text) or absent (ours).
    return str(text).replace("\r", " ").replace("\n", " ")


def outline_markdown(doc: Outline) -> str:
    """The outline as Markdown; user text must already be escaped by whoever built it."""
    lines = [f"# {doc.title}", ""]
    lines += [f"- **{label}:** {value}" for label, value in doc.facts]
    for section in doc.sections:
        lines += ["", f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        lines += [f"- {b}" for b in section.bullets]
        if section.table:
            lines.append("| " + " | ".join(section.table.header) + " |")
            lines.append("|" + "---|" * len(section.table.header))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in section.table.rows]
    return "\n".join(lines).rstrip() + "\n"


class _DocumentPdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def outline_pdf(doc: Outline) -> bytes:
    """The outline as an A4 PDF with an embedded Unicode font (accents, ñ, →, ✓ render)."""
    pdf = _DocumentPdf(format="A4")
    pdf.footer_text = doc.title
    pdf.set_title(doc.title)
    pdf.set_creator("Brújula")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(0, 9, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, value in doc.facts:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(42, 6, label)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    heading = FontFace(emphasis="BOLD", fill_color=(232, 234, 237))
    for section in doc.sections:
        # Keep a heading with the start of its content rather than alone at a page foot.
        if pdf.get_y() > pdf.h - 70:
            pdf.add_page()
        else:
            pdf.ln(4)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 7, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 5.5, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
        for bullet in section.bullets:
            pdf.multi_cell(0, 5.5, f"•  {bullet}", align="L", new_x="LMARGIN", new_y="NEXT")
        if section.table:
            pdf.ln(1)
            pdf.set_font(FONT, "", 9)
            with pdf.table(
                col_widths=section.table.widths,
                headings_style=heading,
                line_height=5,
                text_align="LEFT",
                padding=1.2,
            ) as table:
                for row in [section.table.header, *section.table.rows]:
                    cells = table.row()
                    for value in row:
                        cells.cell(value)
    return bytes(pdf.output())
