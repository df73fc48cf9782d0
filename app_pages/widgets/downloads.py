"""A document's downloads side by side (Markdown, PDF), each built only when it is clicked."""

from collections.abc import Callable

import streamlit as st

MIME = {"md": "text/markdown", "pdf": "application/pdf"}


def document_downloads(
    stem: str, files: list[tuple[str, str, Callable[[], str | bytes]]], key: str
) -> None:
    """One column per (suffix, label, render) in the given order; `key`_suffix keys them."""
    for column, (suffix, label, render) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            label,
            data=render,
            file_name=f"{stem}.{suffix}",
            mime=MIME[suffix],
            key=f"{key}_{suffix}",
        )
