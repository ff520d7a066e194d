"""Build, navigate and execute the notebooks.

The notebooks are written as plain-text sources in ``tools/notebooks/NN_name.py``
(cells start with ``# %%``; markdown cells are ``# %% [markdown]`` with every
line commented), which diff and review well. This script turns them into
``notebooks/NN_name.ipynb``:

    python tools/nbtools.py              # build, navigation, execute: everything
    python tools/nbtools.py build        # sources -> notebooks (keeps nothing stale)
    python tools/nbtools.py nav          # navigation cells and the README's contents
    python tools/nbtools.py execute [NN ...]   # run on a fresh kernel, store outputs
    python tools/nbtools.py check        # exit 1 if anything above is stale

Every step is safe to re-run. Cells whose output is a live widget are tagged
``nbval-ignore-output`` (they still run under nbval); no other cell is. Their
stored output is the widget's static picture (see ``store_widget_outputs``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "notebooks"
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
NAV_TAG = "navigation"
IGNORE_TAG = "nbval-ignore-output"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_FLAG = "cnnviz_widget"  # output metadata: this output was a live widget
README_START = "<!-- notebooks:start -->"
README_END = "<!-- notebooks:end -->"
KERNEL = "python3"


# ---------------------------------------------------------------------------- sources
def source_files():
    return sorted(SOURCES.glob("[0-9][0-9]_*.py"))


def parse_source(text):
    """Split a percent-format source into (kind, source, tags) cells."""
    cells = []
    for block in re.split(r"^# %%", text, flags=re.M)[1:]:
        header, _, body = block.partition("\n")
        kind = "markdown" if "[markdown]" in header else "code"
        tags = re.findall(r"tags=\[([^\]]*)\]", header)
        tags = [t.strip(" '\"") for t in tags[0].split(",")] if tags else []
        lines = body.rstrip("\n").split("\n")
        if kind == "markdown":
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in lines]
        cells.append((kind, "\n".join(lines).strip("\n"), [t for t in tags if t]))
    return cells


def notebook_path(source):
    return NOTEBOOKS / (source.stem + ".ipynb")


def built_cells(source):
    """The notebook cells a source describes, without navigation."""
    cells = []
    for kind, text, tags in parse_source(source.read_text()):
        cell = nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text)
        if tags:
            cell.metadata["tags"] = tags
        cells.append(cell)
    return cells


def _content(cells):
    """What a cell list says (type, source, tags), ignoring outputs and navigation."""
    return [
        (c.cell_type, c.source, [t for t in c.metadata.get("tags", []) if t != IGNORE_TAG])
        for c in cells if NAV_TAG not in c.metadata.get("tags", [])
    ]


def build(sources=None):
    """Write notebooks whose cells differ from their sources (outputs are dropped then)."""
    changed = []
    for source in sources or source_files():
        path = notebook_path(source)
        cells = built_cells(source)
        if path.exists():
            nb = nbformat.read(path, as_version=4)
            if _content(nb.cells) == _content(cells):
                continue
        nb = nbformat.v4.new_notebook()
        nb.metadata = {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": KERNEL},
            "language_info": {"name": "python"},
        }
        nb.cells = cells
        nbformat.write(nb, path)
        changed.append(path)
    return changed


# ------------------------------------------------------------------------- navigation
def title_of(nb):
    first = nb.cells[0].source.split("\n")[0] if nb.cells else ""
    return first.lstrip("# ").strip()


def summary_of(nb):
    """The first paragraph after the title: one line for the README's contents."""
    lines = nb.cells[0].source.split("\n")[1:]
    text = " ".join(ln.strip() for ln in lines if ln.strip())
    return text


def notebook_files():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def nav_line(paths, i):
    nbs = [nbformat.read(p, as_version=4) for p in paths]
    parts = []
    if i > 0:
        parts.append(f"[← {title_of(nbs[i - 1])}]({paths[i - 1].name})")
    parts.append("[Contents](../README.md#notebooks)")
    if i + 1 < len(paths):
        parts.append(f"[{title_of(nbs[i + 1])} →]({paths[i + 1].name})")
    return " · ".join(parts)


def _nav_cell(text):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [NAV_TAG]
    return cell


def expected_navigation(paths):
    return {p: nav_line(paths, i) for i, p in enumerate(paths)}


def readme_block(paths):
    rows = ["| # | Notebook | What you do |", "|---|---|---|"]
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        rows.append(f"| {p.name[:2]} | [{title_of(nb)}](notebooks/{p.name}) | {summary_of(nb)} |")
    return "\n".join([README_START, *rows, README_END])


def navigate(paths=None, *, write=True):
    """Put a navigation cell after the title and at the end of every notebook; update README.

    Returns the files that changed (or, with ``write=False``, would change).
    """
    paths = paths or notebook_files()
    changed = []
    for path, line in expected_navigation(paths).items():
        nb = nbformat.read(path, as_version=4)
        body = [c for c in nb.cells if NAV_TAG not in c.metadata.get("tags", [])]
        cells = [body[0], _nav_cell(line), *body[1:], _nav_cell(line)]
        if [(c.cell_type, c.source) for c in cells] != [(c.cell_type, c.source) for c in nb.cells]:
            nb.cells = cells
            if write:
                nbformat.write(nb, path)
            changed.append(path)
    if README.exists():
        text = README.read_text()
        if README_START in text:
            new = re.sub(re.escape(README_START) + ".*?" + re.escape(README_END),
                         lambda m: readme_block(paths), text, flags=re.S)
            if new != text:
                if write:
                    README.write_text(new)
                changed.append(README)
    return changed


# -------------------------------------------------------------------------- execution
def is_widget_output(output):
    """Did this output show a live widget when the notebook was executed?"""
    return WIDGET_MIME in output.get("data", {}) or output.get("metadata", {}).get(WIDGET_FLAG, False)


def store_widget_outputs(nb):
    """Keep a widget's static picture, drop its live view, and tag its cell.

    A stored widget view points at a model that exists only in the kernel that
    made it: JupyterLab would show "model not found" until the cell runs again,
    and the random model id would change on every execution. The static PNG the
    explorers add shows instead, in JupyterLab and on GitHub alike. Exactly these
    cells are tagged nbval-ignore-output.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = [t for t in cell.metadata.get("tags", []) if t != IGNORE_TAG]
        widget = False
        for out in cell.get("outputs", []):
            if is_widget_output(out):
                widget = True
                out.get("data", {}).pop(WIDGET_MIME, None)
                out.setdefault("metadata", {})[WIDGET_FLAG] = True
        if widget:
            tags.append(IGNORE_TAG)
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)


def execute(paths=None, timeout=600):
    """Run each notebook top to bottom on a fresh kernel and store its outputs."""
    from nbclient import NotebookClient

    for path in paths or notebook_files():
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb, timeout=timeout, kernel_name=KERNEL, resources={"metadata": {"path": str(NOTEBOOKS)}},
            record_timing=False, store_widget_state=False,
        )
        client.execute()
        nb.metadata.pop("widgets", None)
        store_widget_outputs(nb)
        nbformat.write(nb, path)
        print(f"executed {path.relative_to(ROOT)}")


# ------------------------------------------------------------------------------ check
def stale():
    """Everything that `build` or `nav` would change, as readable strings."""
    problems = []
    sources = source_files()
    for source in sources:
        path = notebook_path(source)
        if not path.exists():
            problems.append(f"{path.name} is missing: run python tools/nbtools.py")
            continue
        nb = nbformat.read(path, as_version=4)
        if _content(nb.cells) != _content(built_cells(source)):
            problems.append(f"{path.name} differs from tools/notebooks/{source.name}: rebuild it")
    paths = notebook_files()
    for path in paths:
        if path.stem not in {s.stem for s in sources}:
            problems.append(f"{path.name} has no source in tools/notebooks/")
    for path, line in expected_navigation(paths).items():
        nb = nbformat.read(path, as_version=4)
        navs = [c for c in nb.cells if NAV_TAG in c.metadata.get("tags", [])]
        where = [i for i, c in enumerate(nb.cells) if NAV_TAG in c.metadata.get("tags", [])]
        if [c.source for c in navs] != [line, line] or where != [1, len(nb.cells) - 1]:
            problems.append(f"{path.name}: navigation cells are stale")
        for cell in nb.cells:
            if cell.cell_type == "code":
                if cell.get("execution_count") is None:
                    problems.append(f"{path.name}: not executed (cell without execution count)")
                    break
    if README.exists() and paths and readme_block(paths) not in README.read_text():
        problems.append("README.md: the notebooks' contents table is stale")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="all",
                        choices=["all", "build", "nav", "execute", "check"])
    parser.add_argument("only", nargs="*", help="notebook numbers, e.g. 01 03 (default: all)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    pick = lambda paths: [p for p in paths if not args.only or p.name[:2] in args.only]  # noqa: E731
    if args.command in ("all", "build"):
        for p in build(pick(source_files())):
            print(f"built {p.relative_to(ROOT)}")
    if args.command in ("all", "nav"):
        for p in navigate():
            print(f"navigation updated in {p.relative_to(ROOT)}")
    if args.command in ("all", "execute"):
        execute(pick(notebook_files()))
    if args.command == "check":
        problems = stale()
        print("\n".join(problems) or "notebooks are up to date")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
