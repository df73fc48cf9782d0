"""The tree shows the architecture (issue 14): subpackages by job, small modules, pages apart."""

import ast
import re
import subprocess
import sys

from support import ROOT

KPI = ROOT / "kpi"
PAGES = ROOT / "app_pages"


def _python_files(folder):
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _lines(path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_core_top_level_holds_at_most_eight_modules():
    top = sorted(p.name for p in KPI.glob("*.py"))
    assert len(top) <= 8, top


def test_every_core_subpackage_has_its_line_in_the_readme_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme[readme.index("## How it is built") :].split("```")[1]
    listed = set(re.findall(r"^  (\w+)/ ", tree, flags=re.M))
    subpackages = {p.parent.name for p in KPI.glob("*/__init__.py")}
    assert subpackages <= listed, sorted(subpackages - listed)
    assert "widgets" in listed


def test_no_module_is_over_450_lines_and_pages_are_layout_sized():
    too_long = [
        f"{p.relative_to(ROOT)}: {_lines(p)}"
        for p in _python_files(KPI) + _python_files(PAGES)
        if _lines(p) > 450
    ]
    assert too_long == []
    long_pages = [f"{p.name}: {_lines(p)}" for p in PAGES.glob("*.py") if _lines(p) > 150]
    assert long_pages == []


def test_every_module_opens_with_a_docstring():
    missing = [
        str(p.relative_to(ROOT))
        for p in _python_files(KPI) + _python_files(PAGES)
        if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert missing == []


def test_the_core_imports_without_streamlit():
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in _python_files(KPI)
        if p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_no_page_stops_its_run_with_st_stop():
    """st.stop() skips the end of a run where Streamlit forgets the fragments of earlier runs: the
    meeting's one-second timer then went on drawing over the next page. Pages end with
    common.end_page(), which the router catches."""
    stopping = [
        str(path.relative_to(ROOT))
        for path in [ROOT / "app.py", *_python_files(PAGES)]
        if "st.stop()" in path.read_text(encoding="utf-8")
    ]
    assert stopping == []
