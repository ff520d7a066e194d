"""The maths behind every explorer imports without matplotlib or ipywidgets."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import cnnviz.lessons

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(f"cnnviz.lessons.{m.name}" for m in pkgutil.iter_modules(cnnviz.lessons.__path__))
#: modules that must import with no drawing library at all
NUMPY_ONLY = ["cnnviz", "cnnviz.errors", "cnnviz.lessons", *LESSONS]

BLOCKER = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("matplotlib", "ipywidgets", "IPython"):
            raise ImportError(f"{name} is not available here")
sys.meta_path.insert(0, Refuse())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print("imported", len(sys.argv) - 1)
"""


def test_state_modules_import_without_drawing_libraries():
    """Every lesson module (and the package itself) imports with matplotlib and ipywidgets refused."""
    result = subprocess.run([sys.executable, "-c", BLOCKER, *NUMPY_ONLY], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported {len(NUMPY_ONLY)}"


def test_the_blocker_refuses_matplotlib():
    """The check above can fail: the same child cannot import an explorer module."""
    result = subprocess.run([sys.executable, "-c", BLOCKER, "cnnviz.explorers.draw"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0 and "not available here" in result.stderr
