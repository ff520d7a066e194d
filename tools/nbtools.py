"""Build, navigate and execute the notebooks.

Each notebook ``notebooks/NN_name.ipynb`` has a plain-text source
``tools/notebooks/NN_name.py`` in jupytext's percent format (cells start with
``# %%``; markdown cells are ``# %% [markdown]`` with every line commented), which
diffs and reviews well. The source holds everything but the outputs, navigation
cells and tags included, and ``jupytext.toml`` pairs the two files: a notebook
saved in JupyterLab (jupytext is in the requirements) writes its source too, so an
edit made there is kept. This script does the rest:

    python tools/nbtools.py              # build, navigation, execute: everything
    python tools/nbtools.py build        # sources -> notebooks (keeps nothing stale)
    python tools/nbtools.py nav          # navigation cells and the README's contents
    python tools/nbtools.py execute [NN ...]   # run on a fresh kernel, store outputs
    python tools/nbtools.py check        # exit 1 if anything above is stale
    python tools/nbtools.py keep NN      # a notebook edited by hand -> its source

Every step is safe to re-run. A notebook saved more recently than its source (an
edit made without jupytext) is never overwritten: ``build`` refuses and names it,
and ``keep`` copies its cells into the source. Cells whose output is a live widget are tagged
``nbval-ignore-output`` (they still run under nbval); no other cell is. Their
stored output is the widget's static picture (see ``store_widget_outputs``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import jupytext
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
#: the sources' format, as jupytext names it; jupytext.toml says the same
FORMAT = "py:percent"
#: no header of notebook metadata in a source: the kernel is fixed, the rest is noise
SOURCE_METADATA = {"jupytext": {"notebook_metadata_filter": "-all", "cell_metadata_filter": "tags"}}


# ---------------------------------------------------------------------------- sources
def source_files():
    return sorted(SOURCES.glob("[0-9][0-9]_*.py"))


def notebook_path(source):
    return NOTEBOOKS / (source.stem + ".ipynb")


def source_path(notebook):
    return SOURCES / (Path(notebook).stem + ".py")


def read_source(source):
    """The cells of a source, as jupytext reads them (no outputs)."""
    return jupytext.read(source, fmt=FORMAT).cells


def write_source(cells, source):
    """Write cells (their inputs and tags only) as a percent-format source."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = SOURCE_METADATA
    nb.cells = [_input_cell(c) for c in cells]
    text = jupytext.writes(nb, fmt=FORMAT)
    if not source.exists() or source.read_text() != text:
        source.write_text(text)
        return True
    return False


def _input_cell(cell):
    """A new cell with the same type, source and tags, and nothing else."""
    new = (nbformat.v4.new_markdown_cell(cell.source) if cell.cell_type == "markdown"
           else nbformat.v4.new_code_cell(cell.source))
    tags = list(cell.metadata.get("tags", []))
    if tags:
        new.metadata["tags"] = tags
    return new


def inputs(cells):
    """What a list of cells says, outputs aside: (type, source, tags) per cell."""
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in cells]


def _new_notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": KERNEL},
        "language_info": {"name": "python"},
    }
    nb.cells = [_input_cell(c) for c in cells]
    return nb


class EditedNotebook(Exception):
    """A notebook was edited after its source: building would throw the edit away."""


def build(sources=None):
    """Write notebooks whose inputs differ from their sources (their outputs are dropped).

    A notebook whose inputs differ and which is newer than its source was edited by
    hand (without jupytext): it is left alone and named in an :class:`EditedNotebook`
    raised at the end, so the edit is never lost. ``keep NN`` copies it into the source.
    """
    changed, edited = [], []
    for source in sources or source_files():
        path = notebook_path(source)
        cells = read_source(source)
        if path.exists():
            nb = nbformat.read(path, as_version=4)
            if inputs(nb.cells) == inputs(cells):
                continue
            if path.stat().st_mtime > source.stat().st_mtime:
                edited.append(path)
                continue
        nbformat.write(_new_notebook(cells), path)
        changed.append(path)
    if edited:
        names = " ".join(p.name[:2] for p in edited)
        raise EditedNotebook(
            "edited after its source, so not rebuilt: "
            + ", ".join(str(p.relative_to(ROOT)) for p in edited)
            + f". Keep the notebook's edit with `python tools/nbtools.py keep {names}`, "
            "or discard it by saving the source again (it is then the newer file)."
        )
    return changed


def keep(paths):
    """Copy each notebook's inputs into its source: the notebook's edit wins."""
    changed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if write_source(nb.cells, source_path(path)):
            changed.append(source_path(path))
    return changed


# ------------------------------------------------------------------------- navigation
def title_of(cells):
    first = cells[0].source.split("\n")[0] if cells else ""
    return first.lstrip("# ").strip()


def summary_of(cells):
    """The first paragraph after the title: one line for the README's contents."""
    lines = cells[0].source.split("\n")[1:]
    return " ".join(ln.strip() for ln in lines if ln.strip())


def notebook_files():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def nav_line(names, titles, i):
    parts = []
    if i > 0:
        parts.append(f"[← {titles[i - 1]}]({names[i - 1]})")
    parts.append("[Contents](../README.md#notebooks)")
    if i + 1 < len(names):
        parts.append(f"[{titles[i + 1]} →]({names[i + 1]})")
    return " · ".join(parts)


def _nav_cell(text):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [NAV_TAG]
    return cell


def _sources_by_notebook(sources=None):
    return {notebook_path(s).name: read_source(s) for s in (sources or source_files())}


def expected_navigation(cells_by_name):
    names = sorted(cells_by_name)
    titles = [title_of(cells_by_name[n]) for n in names]
    return {n: nav_line(names, titles, i) for i, n in enumerate(names)}


def with_navigation(cells, line):
    """The cells with one navigation cell after the title and one at the end."""
    body = [c for c in cells if NAV_TAG not in c.metadata.get("tags", [])]
    return [body[0], _nav_cell(line), *body[1:], _nav_cell(line)]


def readme_block(cells_by_name):
    rows = ["| # | Notebook | What you do |", "|---|---|---|"]
    for name in sorted(cells_by_name):
        cells = cells_by_name[name]
        rows.append(f"| {name[:2]} | [{title_of(cells)}](notebooks/{name}) | {summary_of(cells)} |")
    return "\n".join([README_START, *rows, README_END])


def navigate(*, write=True):
    """Put the navigation cells into every source, and the notebooks' table into the README.

    Returns the files that changed (or, with ``write=False``, would change). Run
    ``build`` afterwards to carry the cells into the notebooks.
    """
    by_name = _sources_by_notebook()
    changed = []
    for name, line in expected_navigation(by_name).items():
        source = source_path(name)
        cells = with_navigation(by_name[name], line)
        if inputs(cells) != inputs(by_name[name]):
            if write:
                write_source(cells, source)
            changed.append(source)
    if README.exists():
        text = README.read_text()
        if README_START in text:
            block = readme_block(by_name)
            new = re.sub(re.escape(README_START) + ".*?" + re.escape(README_END),
                         lambda m: block, text, flags=re.S)
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
    """Run each notebook top to bottom on a fresh kernel, store its outputs, and carry
    the widget cells' tags into its source."""
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
        write_source(nb.cells, source_path(path))
        print(f"executed {path.relative_to(ROOT)}")


# ------------------------------------------------------------------------------ check
def stale():
    """Everything that `build`, `nav` or `execute` would change, as readable strings."""
    problems = []
    sources = source_files()
    by_name = _sources_by_notebook(sources)
    for source in sources:
        path = notebook_path(source)
        if not path.exists():
            problems.append(f"{path.name} is missing: run python tools/nbtools.py")
            continue
        nb = nbformat.read(path, as_version=4)
        if inputs(nb.cells) != inputs(by_name[path.name]):
            problems.append(f"{path.name} differs from tools/notebooks/{source.name}: rebuild it")
        if any(c.cell_type == "code" and c.get("execution_count") is None for c in nb.cells):
            problems.append(f"{path.name}: not executed (cell without execution count)")
    for path in notebook_files():
        if path.name not in by_name:
            problems.append(f"{path.name} has no source in tools/notebooks/")
    for name, line in expected_navigation(by_name).items():
        cells = by_name[name]
        where = [i for i, c in enumerate(cells) if NAV_TAG in c.metadata.get("tags", [])]
        if [cells[i].source for i in where] != [line, line] or where != [1, len(cells) - 1]:
            problems.append(f"{name}: navigation cells are stale")
    if README.exists() and by_name and readme_block(by_name) not in README.read_text():
        problems.append("README.md: the notebooks' contents table is stale")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="all",
                        choices=["all", "build", "nav", "execute", "check", "keep"])
    parser.add_argument("only", nargs="*", help="notebook numbers, e.g. 01 03 (default: all)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    pick = lambda paths: [p for p in paths if not args.only or p.name[:2] in args.only]  # noqa: E731
    if args.command == "keep":
        for p in keep(pick(notebook_files())):
            print(f"kept the notebook's edit in {p.relative_to(ROOT)}")
        return 0
    if args.command in ("all", "nav"):
        for p in navigate():
            print(f"navigation updated in {p.relative_to(ROOT)}")
    if args.command in ("all", "build", "nav"):
        try:
            for p in build(pick(source_files())):
                print(f"built {p.relative_to(ROOT)}")
        except EditedNotebook as err:
            print(err, file=sys.stderr)
            return 1
    if args.command in ("all", "execute"):
        execute(pick(notebook_files()))
    if args.command == "check":
        problems = stale()
        print("\n".join(problems) or "notebooks are up to date")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
