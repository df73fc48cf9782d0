"""User text shown as text: the one escaping rule for every place that renders Markdown."""

import re

# Characters that start Markdown (or Streamlit's extensions: `:color[..]`, `:emoji:`, `$maths$`)
# anywhere in a line. A backslash in front of ASCII punctuation is always literal in CommonMark,
# so the escaped text shows exactly what was typed: no image, link, emphasis, HTML or entity.
ANYWHERE = re.compile(r"([\\`*_{}\[\]()#!|<>~$:&])")
# Characters that only mean something at the start of a line: list items ("- ", "+ ", "1. "),
# setext underlines ("===", "---"). Escaped only there, so ordinary text keeps its dashes and dots.
LINE_START = re.compile(r"(?:^|(?<=[\n\r]))([ \t]*)([-+=]|\d+\.)")
# GFM turns bare URLs and e-mail addresses into links after parsing, whatever the escapes; an
# invisible word joiner after "http"/"www" and before "@" keeps them plain text.
WORD_JOINER = "\u2060"
AUTOLINK_TRIGGERS = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?=@)")


def _escape_line_start(match: re.Match) -> str:
    indent, marker = match.groups()
    if marker[-1] == ".":
        return f"{indent}{marker[:-1]}\\."
    return f"{indent}\\{marker}"


def escape_markdown(text: object) -> str:
    """`text` as Markdown that renders literally: what a user typed, never markup or a link."""
    plain = AUTOLINK_TRIGGERS.sub(WORD_JOINER, "" if text is None else str(text))
    return LINE_START.sub(_escape_line_start, ANYWHERE.sub(r"\\\1", plain))
