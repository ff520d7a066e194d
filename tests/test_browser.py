"""Open every notebook in a real JupyterLab, in headless Chromium, as a learner would.

For each ``notebooks/NN_*.ipynb``: Run All, check that no cell shows an
error, then move every slider (arrow keys on its handle), change every
dropdown (and toggle buttons, radio buttons, checkboxes, number boxes), and
check that the picture or text the control drives changes.  The time from a
key press on a slider to the new picture is printed per notebook, and a
screenshot per notebook goes to ``artifacts/screenshots/``.

Run only these:  ``pytest -m browser tests/test_browser.py``.
Without Chromium or Playwright the tests skip.  See DEVELOPERS.md.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pytest

import browser_support as bs

pytestmark = pytest.mark.browser

NOTEBOOK_DIR = bs.notebook_dir()
NOTEBOOKS = bs.list_notebooks(NOTEBOOK_DIR) if NOTEBOOK_DIR.is_dir() else []

# Floor for the median time from a key press on a slider to the new picture.
# It is always printed; it is asserted only when CNNVIZ_SLIDER_MEDIAN_MAX_MS
# is set (e.g. to 300): on a busy 2-core machine one notebook's median moved
# between 270 and 420 ms from run to run, so 300 ms is not a robust assert.
FLOOR_MS = 300.0
_LIMIT = os.environ.get("CNNVIZ_SLIDER_MEDIAN_MAX_MS", "").strip()
MEDIAN_LIMIT_MS = float(_LIMIT) if _LIMIT else 0.0
# Small notebooks get extra rounds of key presses until the median rests on this many.
MIN_SAMPLES = int(bs.env_float("CNNVIZ_MIN_LATENCY_SAMPLES", 6))


# CI sets CNNVIZ_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
REQUIRE_BROWSER = os.environ.get("CNNVIZ_REQUIRE_BROWSER", "").strip() not in ("", "0")


def _skip_or_fail(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (and CNNVIZ_REQUIRE_BROWSER is set)", pytrace=False)
    pytest.skip(reason)


def _params():
    if not NOTEBOOKS:
        reason = f"no notebooks matching {bs.NOTEBOOK_GLOB} in {NOTEBOOK_DIR}"
        return [pytest.param(None, id="no-notebooks", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(nb, id=nb.stem) for nb in NOTEBOOKS]


@pytest.fixture(scope="session")
def chromium_browser():
    chromium = bs.find_chromium()
    if chromium is None:
        override = os.environ.get("CNNVIZ_CHROMIUM", "").strip()
        where = f"CNNVIZ_CHROMIUM={override} is not executable" if override else (
            f"no {bs.DEFAULT_CHROMIUM}, no chromium on PATH"
        )
        _skip_or_fail(f"Chromium not found ({where}); install it with: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _skip_or_fail(f"Python playwright is not installed ({exc}); pip install playwright")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=chromium, args=bs.CHROMIUM_ARGS, headless=True)
    except Exception:
        manager.stop()
        raise
    yield browser
    browser.close()
    manager.stop()


@pytest.fixture(scope="session")
def lab_server(chromium_browser):
    # Depends on the browser so that a machine without Chromium skips
    # before paying for a server start.
    for module in ("jupyterlab", "ipywidgets"):
        if importlib.util.find_spec(module) is None:
            _skip_or_fail(f"{module} is not installed; pip install -r requirements.txt")
    work_dir = Path(tempfile.mkdtemp(prefix="cnnviz-lab-"))
    # Serve the folder above the notebooks, as a learner starting `jupyter lab`
    # at the top of the repository would.
    server = bs.LabServer(root_dir=NOTEBOOK_DIR.parent, work_dir=work_dir)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(work_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_context(chromium_browser, lab_server):
    # One context for the session keeps JupyterLab's scripts in the browser
    # cache; each notebook still gets a fresh page (and ?reset layout).
    context = chromium_browser.new_context(viewport=bs.VIEWPORT)
    yield context
    context.close()


@pytest.mark.parametrize("notebook", _params())
def test_notebook_in_jupyterlab(notebook: Path, browser_context, lab_server, capsys):
    started = time.monotonic()
    report = bs.NotebookReport(name=notebook.name)
    shots = bs.screenshot_dir()
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    driver = bs.NotebookDriver(page, lab_server, notebook, report)

    def phase(name, step):
        t0 = time.monotonic()
        try:
            return step()
        finally:
            report.phases[name] = time.monotonic() - t0

    try:
        phase("open", driver.open)
        phase("run all", driver.run_all)
        errors = driver.check_errors()
        if errors:
            report.problems += errors
        else:
            phase("widgets", driver.exercise_widgets)
            if not report.controls:
                report.notes.append("no sliders, dropdowns or other controls found")
            phase("more timing", lambda: driver.time_sliders(MIN_SAMPLES))
            over = report.slider_median_ms is not None and report.slider_median_ms > MEDIAN_LIMIT_MS > 0
            if over and not report.problems:
                # One slow round can be a busy machine: time a second round
                # and judge the better of the two.
                def second_round():
                    report.retry_latencies = driver.timing_round()

                phase("second timing round", second_round)
        phase("screenshots", lambda: driver.screenshots(shots, notebook.stem))
        report.problems += driver.check_log_console()
    except Exception:
        from playwright.sync_api import Error as PlaywrightError

        shots.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(shots / f"{notebook.stem}-failed.png"))
        except PlaywrightError as exc:  # the original error matters more
            report.notes.append(f"no screenshot of the failure: {exc.__class__.__name__}")
        raise
    finally:
        report.total_s = time.monotonic() - started
        report.notes += [f"page error: {e[:200]}" for e in page_errors]
        page.close()
        lab_server.shutdown_kernels_of(notebook)
        shots.mkdir(parents=True, exist_ok=True)
        (shots / f"{notebook.stem}.txt").write_text(report.details())
        median_ms = report.slider_median_ms
        verdict = "" if median_ms is None else (
            f" [median {'within' if median_ms <= FLOOR_MS else 'OVER'} the {FLOOR_MS:.0f} ms floor]"
        )
        with capsys.disabled():
            print(f"\n[browser] {report.summary()}{verdict}", flush=True)

    if report.problems:
        pytest.fail(f"{notebook.name}:\n" + "\n".join(report.problems), pytrace=False)

    medians = [m for m in (report.slider_median_ms, median_or_none(report.retry_latencies)) if m is not None]
    if medians and MEDIAN_LIMIT_MS > 0 and min(medians) > MEDIAN_LIMIT_MS:
        pytest.fail(
            f"{notebook.name}: median time from a slider key press to the new picture is "
            f"{' ms, then '.join(f'{m:.0f}' for m in medians)} ms: above {MEDIAN_LIMIT_MS:.0f} ms "
            "(unset CNNVIZ_SLIDER_MEDIAN_MAX_MS to only print it)",
            pytrace=False,
        )


def median_or_none(values):
    return statistics.median(values) if values else None


# ------------------------------------------------------------- notebook 10's live parts
_TRAINING = [nb for nb in NOTEBOOKS if nb.name.startswith("10_")]


def _picture_src(cell):
    """The src of the explorer picture in a cell's output (a data: URL or a blob)."""
    return cell.locator(".jp-OutputArea img").first.get_attribute("src")


@pytest.mark.skipif(not _TRAINING, reason="no notebook 10 in the notebook folder")
def test_training_panel_and_drawing_pad(browser_context, lab_server):
    """Notebook 10: Start moves the loss curve, Pause stops it; dragging on the drawing pad
    changes the probabilities."""
    notebook = _TRAINING[0]
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    report = bs.NotebookReport(name=notebook.name)
    driver = bs.NotebookDriver(page, lab_server, notebook, report)
    try:
        driver.open()
        driver.run_all()
        assert not driver.check_errors()
        panel = driver.cells().filter(has=page.locator("button", has_text=re.compile(r"^\s*Start\s*$"))).first
        panel.scroll_into_view_if_needed()
        before = _picture_src(panel)
        panel.locator("button", has_text=re.compile(r"^\s*Start\s*$")).first.click()
        driver.wait_until(lambda: "" if _picture_src(panel) != before else "the curve has not moved",
                          "the training picture to change after Start", 20)
        panel.locator("button", has_text=re.compile(r"^\s*Pause\s*$")).first.click()
        time.sleep(1.0)                                  # a redraw under way may still land
        paused = _picture_src(panel)
        time.sleep(2.0)
        assert _picture_src(panel) == paused, "the picture still changes after Pause"

        _stroke_changes_the_picture(page, driver, "probabilities")
    finally:
        page.close()
        lab_server.shutdown_kernels_of(notebook)


def _stroke_changes_the_picture(page, driver, what):
    """Drag a line across the first drawing pad; its cell's picture must change."""
    pad = driver.cells().filter(has=page.locator(".cnnviz-drawing-pad")).first
    canvas = pad.locator(".cnnviz-drawing-pad canvas").first
    before = _picture_src(pad)
    for attempt in range(3):   # the notebook may scroll under the mouse: draw again then
        pad.scroll_into_view_if_needed()
        canvas.scroll_into_view_if_needed()
        time.sleep(0.3)
        box = canvas.bounding_box()
        x0, y0 = box["x"] + 0.1 * box["width"], box["y"] + 0.5 * box["height"]
        page.mouse.move(x0, y0)
        page.mouse.down()
        for k in range(1, 21):                           # a line across what is drawn
            page.mouse.move(x0 + 0.8 * box["width"] * k / 20, y0 + 0.3 * box["height"] * k / 20)
        page.mouse.up()
        deadline = time.time() + 10
        while time.time() < deadline and _picture_src(pad) == before:
            time.sleep(0.25)
        if _picture_src(pad) != before:
            return
    raise AssertionError(f"no new {what} after three strokes on the drawing pad")


_EXPLAIN = [nb for nb in NOTEBOOKS if nb.name.startswith("12_")]


@pytest.mark.skipif(not _EXPLAIN, reason="no notebook 12 in the notebook folder")
def test_drawing_on_the_pad_redraws_the_explanations(browser_context, lab_server):
    """Notebook 12: a stroke on the drawing pad changes the prediction and its maps."""
    notebook = _EXPLAIN[0]
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    report = bs.NotebookReport(name=notebook.name)
    driver = bs.NotebookDriver(page, lab_server, notebook, report)
    try:
        driver.open()
        driver.run_all()
        assert not driver.check_errors()
        _stroke_changes_the_picture(page, driver, "maps")
    finally:
        page.close()
        lab_server.shutdown_kernels_of(notebook)
