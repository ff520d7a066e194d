"""cnnviz installs from a wheel and works outside the checkout: photos and weights ship inside.

The full check (a fresh virtual environment from the wheel, every notebook copied to an
empty folder and run under nbval) is in ``.ci/run``; this test builds the wheel, unpacks
it far from the repository, and runs a notebook that needs the sample photo from there.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel, built from a copy of the sources (nothing is written into the checkout)."""
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(ROOT / "cnnviz", src / "cnnviz", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("cnnviz-*.whl")
    return path


def test_the_wheel_carries_photos_weights_and_exercises(wheel):
    """Everything the notebooks load from cnnviz is inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ["cnnviz/data/samples/chelsea.png", "cnnviz/data/shapes_cnn.npz",
                   "cnnviz/data/shapes_cnn.json", "cnnviz/exercises/nb01.py",
                   "cnnviz/explorers/_base.py", "cnnviz/lessons/__init__.py"]:
        assert needed in names, needed


def test_a_notebook_runs_from_the_unpacked_wheel(wheel, tmp_path, monkeypatch):
    """Notebook 01 (the photo, an explorer) runs in an empty folder with cnnviz from the wheel."""
    from nbclient import NotebookClient

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    check = subprocess.run([sys.executable, "-c", "import cnnviz; print(cnnviz.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path,
                           env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert check.returncode == 0, check.stderr
    assert Path(check.stdout.strip()).is_relative_to(site)
    room = tmp_path / "class"
    room.mkdir()
    notebook = sorted((ROOT / "notebooks").glob("01_*.ipynb"))[0]
    shutil.copy(notebook, room / notebook.name)
    monkeypatch.setenv("PYTHONPATH", str(site))
    nb = nbformat.read(room / notebook.name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(room)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "(300, 451)" in printed          # the sample photo was found inside the package
