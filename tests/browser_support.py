"""Helpers for the browser tests in ``test_browser.py``.

They start a private JupyterLab server, open notebooks in headless Chromium
through Playwright, run them, and move their widgets the way a learner would.
Nothing here imports Playwright or JupyterLab at module level, so this module
(and the test module) import cleanly on a machine that has neither.

Environment variables understood here:

``CNNVIZ_NOTEBOOK_DIR``
    folder holding the ``NN_*.ipynb`` notebooks (default: ``notebooks/``).
``CNNVIZ_CHROMIUM``
    Chromium executable (default: ``/usr/bin/chromium``, then ``$PATH``).
``CNNVIZ_SCREENSHOT_DIR``
    where screenshots go (default: ``artifacts/screenshots/``).
``CNNVIZ_RUN_TIMEOUT``
    seconds allowed for "Run All" of one notebook (default 240).
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
VIEWPORT = {"width": 1440, "height": 960}

# User settings for the private JupyterLab: no news pop-up, no update check,
# and no autosave, so running a notebook in the browser never rewrites it.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}


# --------------------------------------------------------------------------
# Locating things
# --------------------------------------------------------------------------


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def notebook_dir() -> Path:
    """The folder whose ``NN_*.ipynb`` notebooks are tested."""
    override = os.environ.get("CNNVIZ_NOTEBOOK_DIR", "").strip()
    return Path(override).expanduser().resolve() if override else REPO_ROOT / "notebooks"


def list_notebooks(folder: Path) -> list[Path]:
    """Notebooks named like ``01_intro.ipynb``, in order.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for name in ["02_b.ipynb", "01_a.ipynb", "scratch.ipynb", "1_c.ipynb"]:
    ...         _ = (Path(tmp) / name).write_text("{}")
    ...     [p.name for p in list_notebooks(Path(tmp))]
    ['01_a.ipynb', '02_b.ipynb']
    """
    return sorted(p for p in folder.glob(NOTEBOOK_GLOB) if p.is_file())


def screenshot_dir() -> Path:
    override = os.environ.get("CNNVIZ_SCREENSHOT_DIR", "").strip()
    return Path(override).expanduser() if override else REPO_ROOT / "artifacts" / "screenshots"


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None when there is none."""
    override = os.environ.get("CNNVIZ_CHROMIUM", "").strip()
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# Reading cell outputs
# --------------------------------------------------------------------------

_ERROR_LINE = re.compile(
    r"^(?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception|Interrupt|Exit)\b(?::|$)",
    re.MULTILINE,
)


def looks_like_error(text: str) -> bool:
    """Whether the text of a stderr-style output is an error (not a warning).

    JupyterLab shows tracebacks and warnings alike as red stderr text.

    >>> looks_like_error("ZeroDivisionError   Traceback (most recent call last)")
    True
    >>> looks_like_error("  Cell In[3], line 1\\n    1 +\\n       ^\\nSyntaxError: invalid syntax")
    True
    >>> looks_like_error("/tmp/x.py:1: UserWarning: careful\\n  warnings.warn('careful')")
    False
    """
    return "Traceback (most recent call last)" in text or bool(_ERROR_LINE.search(text))


def last_lines(text: str, n: int = 4) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-n:])


# --------------------------------------------------------------------------
# The JupyterLab server
# --------------------------------------------------------------------------


@dataclass
class LabServer:
    """A private ``jupyter lab`` on 127.0.0.1 with a free port and random token."""

    root_dir: Path
    work_dir: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "jupyter-lab.log"

    def notebook_url(self, notebook: Path) -> str:
        rel = notebook.resolve().relative_to(self.root_dir.resolve()).as_posix()
        quoted = urllib.parse.quote(rel)
        # ?reset: start from an empty layout instead of reopening earlier tabs.
        return f"{self.base_url}/lab/tree/{quoted}?reset&token={self.token}"

    def _environment(self) -> dict[str, str]:
        settings = self.work_dir / "settings"
        for plugin, values in LAB_SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=2))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TOKEN", "JUPYTER_PORT"))}
        dirs = {
            "JUPYTERLAB_SETTINGS_DIR": settings,
            "JUPYTERLAB_WORKSPACES_DIR": self.work_dir / "workspaces",
            "JUPYTER_CONFIG_DIR": self.work_dir / "config",
            "JUPYTER_DATA_DIR": self.work_dir / "data",
            "JUPYTER_RUNTIME_DIR": self.work_dir / "runtime",
        }
        for name, path in dirs.items():
            path.mkdir(parents=True, exist_ok=True)
            env[name] = str(path)
        self._write_token(dirs["JUPYTER_CONFIG_DIR"])
        # Kernels run the package from this working tree, as pytest itself does.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        return env

    def _write_token(self, config_dir: Path) -> Path:
        """The token goes into the server's config file, readable by this user only.

        On the command line it would show in /proc/PID/cmdline (and ps) to every local
        user while the tests run; a JUPYTER_TOKEN variable would be inherited by every
        kernel. jupyter_server reads jupyter_server_config.json from JUPYTER_CONFIG_DIR.
        """
        path = config_dir / "jupyter_server_config.json"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump({"IdentityProvider": {"token": self.token}}, handle)
        os.chmod(path, 0o600)  # also when the file was there before with other rights
        return path

    def command(self) -> list[str]:
        """The server's command line; it holds no secret."""
        return [
            sys.executable, "-m", "jupyter", "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--ServerApp.root_dir={self.root_dir}",
        ]  # fmt: skip

    def start(self, timeout: float = 90.0) -> None:
        with open(self.log_path, "wb") as log:  # the server keeps its own copy
            self.proc = subprocess.Popen(
                self.command(),
                env=self._environment(),
                cwd=self.work_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"jupyter lab exited early:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels_of(self, notebook: Path) -> None:
        """Shut down the kernel sessions of one notebook (frees CPU and memory)."""
        rel = notebook.resolve().relative_to(self.root_dir.resolve()).as_posix()
        try:
            for session in self.api("GET", "/api/sessions") or []:
                if session.get("path") == rel:
                    self.api("DELETE", f"/api/sessions/{session['id']}")
        except (OSError, urllib.error.URLError):
            pass

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                for session in self.api("GET", "/api/sessions", timeout=3) or []:
                    self.api("DELETE", f"/api/sessions/{session['id']}", timeout=5)
            except (OSError, urllib.error.URLError):
                pass
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        elif proc is not None:
            proc.wait()


# --------------------------------------------------------------------------
# In-page probe: snapshots of what a cell shows, and timing of new pictures
# --------------------------------------------------------------------------

# Widgets a learner changes; their own text (readouts, option labels,
# descriptions) does not count as "output".
CONTROL_SELECTOR = (
    ".widget-slider, .widget-dropdown, .widget-select, .widget-select-multiple, "
    ".widget-toggle-buttons, .widget-toggle-button, .widget-checkbox, "
    ".widget-radio, .widget-text, .widget-play, .widget-button, "
    ".widget-colorpicker, .widget-datepicker, .widget-upload, "
    ".widget-textarea, .widget-tagsinput, label.widget-label"
)

PROBE_JS = r"""
(controlSelector) => {
  if (window.__cnnviz) return;
  const now = () => performance.now();
  const P = window.__cnnviz = { events: [], hashes: new WeakMap() };

  // When the learner acted: key presses, clicks, and <select>/<input> changes.
  for (const type of ['keydown', 'mousedown', 'input', 'change']) {
    document.addEventListener(type, () => P.events.push({ kind: 'act', t: now() }), true);
  }

  // When a picture changed, and when the new one was decoded and painted.
  const watch = (img) => {
    if (img.closest(controlSelector)) return;
    P.events.push({ kind: 'src', t: now(), el: img });
    const ready = () => requestAnimationFrame(() => P.events.push({ kind: 'ready', t: now(), el: img }));
    const failed = () => P.events.push({ kind: 'failed', t: now(), el: img });
    (img.decode ? img.decode() : Promise.resolve()).then(ready, failed);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') {
        if (m.target.tagName === 'IMG') watch(m.target);
        else if (m.attributeName === 'data-status' && m.target.classList.contains('jp-Notebook-ExecutionIndicator')) {
          P.events.push({ kind: 'kernel', t: now(), status: m.target.dataset.status });
        }
        continue;
      }
      for (const node of m.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.tagName === 'IMG') watch(node);
        else node.querySelectorAll('img').forEach(watch);
      }
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['src', 'data-status'] });

  // Fingerprint of the pixels of an <img> or <canvas>.
  P.pixels = (el) => {
    let w, h;
    if (el.tagName === 'IMG') {
      if (!el.complete || !el.naturalWidth) return null;
      const cached = P.hashes.get(el);
      if (cached && cached.src === el.currentSrc) return cached.hash;
      w = el.naturalWidth; h = el.naturalHeight;
    } else {
      w = el.width; h = el.height;
      if (!w || !h) return 'empty';
    }
    let hash = 0x811c9dc5;
    try {
      const canvas = document.createElement('canvas');
      canvas.width = w; canvas.height = h;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(el, 0, 0);
      const words = new Uint32Array(ctx.getImageData(0, 0, w, h).data.buffer);
      for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i], 16777619) >>> 0;
    } catch (err) {
      return 'src:' + (el.currentSrc || el.src || '').slice(-64);
    }
    const result = `${w}x${h}:${hash.toString(16)}`;
    if (el.tagName === 'IMG') P.hashes.set(el, { src: el.currentSrc, hash: result });
    return result;
  };

  // What a cell's output area shows, apart from the controls themselves.
  P.snapshot = (cell) => {
    const area = cell.querySelector('.jp-Cell-outputWrapper') || cell;
    const pictures = [...area.querySelectorAll('img, canvas')].filter((el) => !el.closest(controlSelector));
    const images = pictures.map(P.pixels);
    const texts = [];
    const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest(controlSelector) || parent.closest('.jp-OutputArea-prompt, style, script')) continue;
      const text = node.textContent.trim();
      if (text) texts.push(text);
    }
    return { images, text: texts.join(' '), pending: images.some((h) => h === null) };
  };

  P.mark = () => P.events.length;
  P.begin = (cell) => ({ before: P.snapshot(cell), mark: P.mark() });

  // A slider handle's value as shown (aria-valuenow is rounded to 0.1).
  P.sliderState = (handle) => {
    if (!handle || !handle.classList || !handle.classList.contains('noUi-handle')) return null;
    const widget = handle.closest('.widget-slider');
    const readout = widget && widget.querySelector('.widget-readout');
    return {
      text: `${handle.getAttribute('aria-valuetext')}|${readout ? readout.textContent : ''}`,
      min: parseFloat(handle.getAttribute('aria-valuemin')),
      max: parseFloat(handle.getAttribute('aria-valuemax')),
      now: parseFloat(handle.getAttribute('aria-valuenow')),
    };
  };

  // Wait until the cell's output differs from `before` and then stays the
  // same: the kernel has gone busy and back to idle (it handled the change),
  // every new picture is decoded, and nothing moved for `quietMs` (each key
  // press may cause its own redraw).  Without a busy kernel, or without a
  // change, give up after `noChangeMs`.  Reports when the last new picture of
  // this cell was painted, relative to the first user action after `mark`.
  P.settle = async (cell, { before, mark, quietMs, noChangeMs, maxMs }) => {
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const key = (s) => JSON.stringify([s.images, s.text]);
    const t0 = now();
    const beforeKey = before ? key(before) : null;
    let cur = P.snapshot(cell), curKey = key(cur), lastChange = t0;
    const mine = () => P.events.slice(mark).filter((e) => e.kind === 'act' || e.kind === 'kernel' || cell.contains(e.el));
    const indicator = () => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    for (;;) {
      await sleep(20);
      const snap = P.snapshot(cell), k = key(snap);
      if (k !== curKey) { cur = snap; curKey = k; lastChange = now(); }
      const evs = mine();
      const pics = evs.filter((e) => e.kind === 'src' || e.kind === 'ready' || e.kind === 'failed');
      const lastPic = pics.length ? pics[pics.length - 1].t : 0;
      const inFlight = pics.filter((e) => e.kind === 'src').length > pics.filter((e) => e.kind !== 'src').length;
      const kernel = evs.filter((e) => e.kind === 'kernel');
      const wentBusy = kernel.some((e) => e.status === 'busy');
      const el = indicator();
      const idle = !el || el.dataset.status === 'idle';
      const lastKernel = kernel.length ? kernel[kernel.length - 1].t : 0;
      const quietFor = now() - Math.max(lastChange, lastPic, lastKernel, t0);
      const changed = beforeKey !== null && curKey !== beforeKey;
      const elapsed = now() - t0;
      if (elapsed > maxMs) break;
      if (cur.pending || inFlight || !idle) continue;
      const handled = wentBusy && quietFor >= quietMs;          // kernel busy -> idle, then calm
      const calm = quietFor >= Math.max(quietMs, 400);           // no kernel involvement seen
      if (beforeKey === null) { if (calm) break; continue; }
      if (changed && (handled || (calm && elapsed >= 1000))) break;
      if (!changed && (handled ? quietFor >= 400 : elapsed >= noChangeMs && calm)) break;
    }
    const evs = mine();
    const act = evs.find((e) => e.kind === 'act');
    const ready = evs.filter((e) => e.kind === 'ready');
    const src = evs.filter((e) => e.kind === 'src');
    const imagesChanged = before !== null && JSON.stringify(cur.images) !== JSON.stringify(before.images);
    const textChanged = before !== null && cur.text !== before.text;
    return {
      snapshot: cur,
      changed: imagesChanged || textChanged,
      imagesChanged,
      textChanged,
      redraws: src.length,
      kernelBusy: evs.some((e) => e.kind === 'kernel' && e.status === 'busy'),
      latencyMs: act && imagesChanged && ready.length ? ready[ready.length - 1].t - act.t : null,
      firstPictureMs: act && src.length ? src[0].t - act.t : null,
      focused: P.sliderState(document.activeElement),
      waitedMs: now() - t0,
    };
  };
}
"""

# Controls of one cell, in page order, with how to describe them.
LIST_CONTROLS_JS = r"""
(cell) => {
  const label = (el, fallback) => {
    const roots = ['.widget-slider', '.widget-dropdown', '.widget-select', '.widget-toggle-buttons',
                   '.widget-radio', '.widget-checkbox', '.widget-text', '.jupyter-widgets'];
    const widget = roots.map((r) => el.closest(r)).find(Boolean) || el;
    const candidates = [...widget.querySelectorAll('label.widget-label, .widget-label-basic span')];
    if (el.matches('button.widget-toggle-button')) candidates.unshift(el);
    for (const lab of candidates) {
      const text = lab.textContent.replace(/\u200b/g, '').trim();
      if (text) return text;
    }
    return fallback;
  };
  const out = [];
  const add = (kind, selector, fn) => {
    cell.querySelectorAll(selector).forEach((el, index) => {
      const extra = fn ? fn(el) : {};
      if (extra === null) return;
      const box = (el.closest('.jupyter-widgets, .widget-toggle-buttons') || el).getBoundingClientRect();
      const hidden = !el.getClientRects().length || box.width === 0 || getComputedStyle(el).visibility === 'hidden';
      out.push({ kind, selector, index, hidden, label: label(el, `${kind} #${index + 1}`), ...extra });
    });
  };
  const area = '.jp-Cell-outputWrapper ';
  add('slider', area + '.widget-slider .noUi-handle', (el) => {
    const target = el.closest('.noUi-target');
    if (target && target.hasAttribute('disabled')) return null;
    return {};
  });
  add('dropdown', area + '.widget-dropdown select, ' + area + '.widget-select select:not([multiple])',
      (el) => (el.disabled || el.options.length < 2 ? null : {}));
  add('toggle-buttons', area + '.widget-toggle-buttons', (el) => (el.querySelector('button:not([disabled])') ? {} : null));
  add('radio-buttons', area + '.widget-radio-box', (el) => (el.querySelector('input:not([disabled])') ? {} : null));
  add('checkbox', area + '.widget-checkbox input[type=checkbox]', (el) => (el.disabled ? null : {}));
  add('toggle-button', area + 'button.widget-toggle-button', (el) => (el.closest('.widget-toggle-buttons') || el.disabled ? null : {}));
  add('number', area + '.widget-text input[type=number]', (el) => (el.disabled ? null : {}));
  const sorted = out.map((c) => ({ c, el: cell.querySelectorAll(c.selector)[c.index] }));
  sorted.sort((a, b) => (a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  return sorted.map((x) => x.c);
}
"""

KERNEL_READY_JS = r"""
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return 'no notebook panel';
  const name = panel.querySelector('.jp-Toolbar-kernelName');
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const kernel = name ? name.textContent.trim() : '';
  // The indicator says "idle" before any kernel exists: the kernel name must be there too.
  if (!kernel || /no kernel/i.test(kernel)) return `kernel name is "${kernel}"`;
  const status = indicator ? indicator.dataset.status : 'missing';
  return status === 'idle' ? '' : `kernel status is ${status}`;
}
"""

RUN_STATE_JS = r"""
() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')];
  return cells.map((cell, i) => {
    const code = cell.classList.contains('jp-CodeCell');
    const prompt = code ? (cell.querySelector('.jp-InputPrompt') || {}).textContent || '' : '';
    const source = code ? ((cell.querySelector('.cm-content') || {}).textContent || '') : '';
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')].map((o) => ({
      mime: o.dataset.mimeType || '',
      text: o.innerText || o.textContent || '',
    }));
    return { index: i + 1, code, prompt: prompt.trim(), hasSource: source.trim().length > 0, outputs };
  });
}
"""


OUTPUT_SIGNATURE_JS = r"""
() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return 'none';
  const count = (sel) => nb.querySelectorAll(sel).length;
  const loading = [...nb.querySelectorAll('img')].filter((i) => !i.complete).length;
  return [count('.jp-OutputArea-output'), count('.jupyter-widgets'), count('img'), count('canvas'), loading].join('/');
}
"""


# --------------------------------------------------------------------------
# Driving one notebook
# --------------------------------------------------------------------------


@dataclass
class ControlResult:
    cell: int
    kind: str
    label: str
    changed: bool
    note: str = ""
    skipped: bool = False
    latencies_ms: list[float] = field(default_factory=list)
    arrivals_ms: list[float] = field(default_factory=list)
    locator: tuple[str, int] = ("", -1)  # CSS selector within the cell, and index


@dataclass
class NotebookReport:
    name: str
    run_all_s: float = 0.0
    total_s: float = 0.0
    controls: list[ControlResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    extra_latencies: list[float] = field(default_factory=list)
    retry_latencies: list[float] = field(default_factory=list)

    @property
    def slider_latencies(self) -> list[float]:
        return [ms for c in self.controls if c.kind == "slider" for ms in c.latencies_ms] + self.extra_latencies

    @property
    def slider_median_ms(self) -> float | None:
        values = self.slider_latencies
        return median(values) if values else None

    def summary(self) -> str:
        values = self.slider_latencies
        if values:
            lat = (
                f"slider key->picture median {median(values):.0f} ms "
                f"(n={len(values)}, min {min(values):.0f}, max {max(values):.0f})"
            )
            if self.retry_latencies:
                lat += f", second round median {median(self.retry_latencies):.0f} ms (n={len(self.retry_latencies)})"
        else:
            lat = "no slider redrew a picture"
        return (
            f"{self.name}: {len(self.controls)} controls, {lat}; "
            f"Run All {self.run_all_s:.1f} s, total {self.total_s:.1f} s"
        )

    def details(self) -> str:
        lines = [self.summary()]
        if self.phases:
            lines.append("phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.phases.items()))
        lines.append("")
        for c in self.controls:
            state = "skipped" if c.skipped else "changed" if c.changed else "NO CHANGE"
            lat = ", ".join(f"{ms:.0f}" for ms in c.latencies_ms)
            arr = ", ".join(f"{ms:.0f}" for ms in c.arrivals_ms)
            lines.append(
                f"cell {c.cell} {c.kind} '{c.label}': {state}"
                + (f"; new picture painted after ms [{lat}]" if lat else "")
                + (f"; first new src after ms [{arr}]" if arr else "")
                + (f"; {c.note}" if c.note else "")
            )
        if self.notes:
            lines += ["", "notes:"] + [f"  {n}" for n in self.notes]
        if self.problems:
            lines += ["", "problems:"] + [f"  {p}" for p in self.problems]
        return "\n".join(lines) + "\n"


class NotebookDriver:
    """Open one notebook on a fresh page, Run All, check it, move its widgets."""

    def __init__(self, page, server: LabServer, notebook: Path, report: NotebookReport):
        self.page = page
        self.server = server
        self.notebook = notebook
        self.report = report
        self.quiet_ms = env_float("CNNVIZ_QUIET_MS", 150)
        self.no_change_ms = env_float("CNNVIZ_NO_CHANGE_MS", 4000)
        self.max_wait_ms = env_float("CNNVIZ_MAX_WAIT_MS", 30000)
        self.presses = int(env_float("CNNVIZ_SLIDER_PRESSES", 1))

    # -- opening and running ------------------------------------------------

    def cells(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")

    def accept_dialogs(self) -> None:
        """Answer a modal dialog (e.g. "Select Kernel") with its default button."""
        dialog = self.page.locator(".jp-Dialog")
        if dialog.count():
            text = " ".join(dialog.first.inner_text().split())
            self.report.notes.append(f"dialog answered with its default: {text[:160]}")
            dialog.first.locator(".jp-Dialog-button.jp-mod-accept").first.click()

    def wait_until(self, check, what: str, timeout_s: float, settle_s: float = 0.0) -> None:
        """Poll ``check()`` (returns '' when satisfied, else why not)."""
        deadline = time.monotonic() + timeout_s
        ok_since = None
        why = "not checked"
        while time.monotonic() < deadline:
            self.accept_dialogs()
            why = check()
            if not why:
                ok_since = ok_since or time.monotonic()
                if time.monotonic() - ok_since >= settle_s:
                    return
            else:
                ok_since = None
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}: {why}")

    def open(self) -> None:
        page = self.page
        t0 = time.monotonic()
        page.goto(self.server.notebook_url(self.notebook), wait_until="domcontentloaded")
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
        t1 = time.monotonic()
        self.wait_until(lambda: page.evaluate(KERNEL_READY_JS), "the kernel to start", 90)
        self.report.notes.append(
            f"page showed the notebook after {t1 - t0:.1f} s, kernel ready {time.monotonic() - t1:.1f} s later"
        )
        # Collapse the file browser so that screenshots show the notebook wide.
        open_tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if open_tab.count():
            open_tab.first.click()

    def run_all(self) -> None:
        page = self.page
        start = time.monotonic()
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).first.click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).first.click()

        def finished() -> str:
            why = page.evaluate(KERNEL_READY_JS)
            if why:
                return why
            busy = [c["index"] for c in page.evaluate(RUN_STATE_JS) if "*" in c["prompt"]]
            return f"cells {busy} still queued or running" if busy else ""

        timeout = env_float("CNNVIZ_RUN_TIMEOUT", 240)
        self.wait_until(finished, "Run All to finish", timeout, settle_s=0.5)
        self.report.run_all_s = time.monotonic() - start

        # Widget views render after the kernel is idle: wait until the outputs stop growing.
        seen = {"signature": None}

        def outputs_stable() -> str:
            signature = page.evaluate(OUTPUT_SIGNATURE_JS)
            if signature != seen["signature"]:
                seen["signature"] = signature
                return "outputs still changing"
            return ""

        self.wait_until(outputs_stable, "the outputs to render", 60, settle_s=1.0)

    def check_errors(self) -> list[str]:
        problems, not_run = [], []
        for cell in self.page.evaluate(RUN_STATE_JS):
            if not cell["code"]:
                continue
            if cell["hasSource"] and not re.search(r"\d", cell["prompt"]):
                not_run.append(str(cell["index"]))
            for out in cell["outputs"]:
                text = out["text"]
                if "Error displaying widget" in text or (
                    out["mime"] == "application/vnd.jupyter.stderr" and looks_like_error(text)
                ):
                    problems.append(f"cell {cell['index']} shows an error:\n{last_lines(text)}")
                elif out["mime"] == "application/vnd.jupyter.stderr":
                    self.report.notes.append(f"cell {cell['index']} wrote to stderr: {last_lines(text, 2)}")
        if not_run:
            problems.append(
                f"cell{'s' * (len(not_run) > 1)} {', '.join(not_run)} did not run "
                "(Run All stops at the first error)"
            )
        return problems

    def check_log_console(self) -> list[str]:
        """Tracebacks from widget callbacks land in JupyterLab's log console."""
        item = self.page.locator(".jp-LogConsoleStatusItem .jp-StatusBar-GroupItem")
        if not item.count():
            return []
        title = item.first.get_attribute("title") or ""
        match = re.search(r"(\d+) log entr", title)
        if not match or int(match.group(1)) == 0:
            return []
        item.first.click()
        panel = self.page.locator(".jp-LogConsolePanel")
        panel.first.wait_for(timeout=10_000)
        time.sleep(0.3)
        text = panel.first.inner_text()
        self.report.notes.append(f"log console: {last_lines(text, 6)}")
        return [f"the log console shows an error:\n{last_lines(text)}"] if looks_like_error(text) else []

    # -- widgets -------------------------------------------------------------

    def _settle(self, cell, before, mark) -> dict:
        return cell.evaluate(
            "(cell, arg) => window.__cnnviz.settle(cell, arg)",
            {
                "before": before,
                "mark": mark,
                "quietMs": self.quiet_ms,
                "noChangeMs": self.no_change_ms,
                "maxMs": self.max_wait_ms,
            },
        )

    def _act(self, cell, action) -> dict:
        """Do ``action()`` and wait until the cell's output is stable again."""
        start = cell.evaluate("(cell) => window.__cnnviz.begin(cell)")
        action()
        return self._settle(cell, start["before"], start["mark"])

    def exercise_widgets(self) -> None:
        self.page.evaluate(PROBE_JS, CONTROL_SELECTOR)
        cells = self.cells()
        for i in range(cells.count()):
            cell = cells.nth(i)
            controls = cell.evaluate(LIST_CONTROLS_JS)
            if controls:  # let the explorer finish drawing before touching it
                cell.scroll_into_view_if_needed()
                self._settle(cell, None, self.page.evaluate("() => window.__cnnviz.mark()"))
            for control in controls:
                result = ControlResult(
                    cell=i + 1, kind=control["kind"], label=control["label"], changed=False,
                    locator=(control["selector"], control["index"]),
                )
                self.report.controls.append(result)
                if control["hidden"]:
                    result.skipped, result.note = True, "hidden"
                    continue
                element = cell.locator(control["selector"]).nth(control["index"])
                element.scroll_into_view_if_needed()
                handler = getattr(self, "_move_" + control["kind"].replace("-", "_"))
                initial = cell.evaluate("(cell) => window.__cnnviz.snapshot(cell)")
                handler(cell, element, result)
                if cell.evaluate("(cell) => window.__cnnviz.snapshot(cell)") != initial:
                    self.report.notes.append(
                        f"cell {i + 1}: after moving {control['kind']} '{control['label']}' there and back, "
                        "the output is not the same as before"
                    )
                if not (result.changed or result.skipped):
                    self.report.problems.append(
                        f"cell {i + 1}: changing {control['kind']} '{control['label']}' did not change "
                        f"any figure or text in its output ({result.note or 'no change seen'})"
                    )

    def timing_round(self) -> list[float]:
        """Another round of key presses on every slider, for timing only."""
        latencies = []
        cells = self.cells()
        for control in self.report.controls:
            if control.kind != "slider" or not control.latencies_ms:
                continue  # only sliders that redrew a picture the first time
            cell = cells.nth(control.cell - 1)
            selector, index = control.locator
            result = ControlResult(cell=control.cell, kind="slider", label=control.label, changed=False)
            self._move_slider(cell, cell.locator(selector).nth(index), result, try_far_end=False)
            latencies += result.latencies_ms
        return latencies

    def time_sliders(self, min_samples: int, max_rounds: int = 4) -> None:
        """Extra rounds until the median rests on at least ``min_samples`` presses."""
        for _ in range(max_rounds):
            if not 0 < len(self.report.slider_latencies) < min_samples:
                return
            self.report.extra_latencies += self.timing_round()

    def _record(self, result: ControlResult, outcome: dict) -> None:
        if outcome["latencyMs"] is not None:
            result.latencies_ms.append(outcome["latencyMs"])
            result.arrivals_ms.append(outcome["firstPictureMs"])

    def _move_slider(self, cell, handle, result: ControlResult, try_far_end: bool = True) -> None:
        """Arrow keys on the handle: ``presses`` steps away from the start and
        as many back, so that the next control starts from the notebook's own
        settings.  Each press waits for a stable picture and is timed."""
        state = handle.evaluate("(h) => window.__cnnviz.sliderState(h)")
        start = state["text"]
        if state["min"] >= state["max"]:
            result.skipped = True
            result.note = f"the slider has a single value ({state['now']:g}): nothing to move"
            return
        forward, back = ("ArrowRight", "ArrowLeft") if state["now"] < state["max"] else ("ArrowLeft", "ArrowRight")
        moved, shown = 0, start
        for _ in range(max(1, self.presses)):
            outcome = self._act(cell, lambda: handle.press(forward))
            now = (outcome["focused"] or {}).get("text")
            if now == shown:
                break  # at the end of the range
            moved, shown = moved + 1, now
            self._record(result, outcome)
            result.changed = result.changed or outcome["changed"]
        if moved == 0:
            result.note = f"{forward} did not move the slider (value {state['now']:g})"
            return
        if not result.changed and try_far_end:
            # A step too small to show: try the far end of the slider once.
            far = "End" if forward == "ArrowRight" else "Home"
            outcome = self._act(cell, lambda: handle.press(far))
            result.changed = outcome["changed"]
            result.note = f"{moved} x {forward} changed nothing; {far} " + ("did" if result.changed else "did not either")
            self._restore_slider(cell, handle, start, back)
            return
        for _ in range(moved):
            outcome = self._act(cell, lambda: handle.press(back))
            self._record(result, outcome)
            result.changed = result.changed or outcome["changed"]
        if (outcome["focused"] or {}).get("text") != start:
            self._restore_slider(cell, handle, start, back)

    def _restore_slider(self, cell, handle, start: str, key: str, limit: int = 200) -> None:
        """Press ``key`` until the slider shows ``start`` again, then let it settle."""

        def press_back() -> None:
            shown = handle.evaluate("(h) => window.__cnnviz.sliderState(h).text")
            for _ in range(limit):
                if shown == start:
                    return
                handle.press(key)
                now = handle.evaluate("(h) => window.__cnnviz.sliderState(h).text")
                if now == shown:
                    return  # stuck: the range changed under us
                shown = now

        self._act(cell, press_back)

    def _move_dropdown(self, cell, select, result: ControlResult) -> None:
        count, current = select.evaluate("(s) => [s.options.length, s.selectedIndex]")
        for target in ((current + 1) % count, current):
            outcome = self._act(cell, lambda index=target: select.select_option(index=index))
            result.changed = result.changed or outcome["changed"]
            self._record(result, outcome)

    def _pick_other(self, group, items: str, selected: str) -> tuple[int, int]:
        """Indices (among ``items``) of the selected item (-1: none) and of another enabled one."""
        return group.evaluate(
            "(g, [items, selected]) => { const all = [...g.querySelectorAll(items)];"
            " const cur = all.findIndex((e) => e.matches(selected));"
            " return [cur, all.findIndex((e, i) => i !== cur && !e.disabled)]; }",
            [items, selected],
        )

    def _move_toggle_buttons(self, cell, group, result: ControlResult) -> None:
        current, other = self._pick_other(group, "button", ".mod-active")
        buttons = group.locator("button")
        result.changed = self._act(cell, lambda: buttons.nth(other).click())["changed"]
        if current >= 0:
            self._act(cell, lambda: buttons.nth(current).click())

    def _move_radio_buttons(self, cell, group, result: ControlResult) -> None:
        current, other = self._pick_other(group, "input[type=radio]", ":checked")
        radios = group.locator("input[type=radio]")
        result.changed = self._act(cell, lambda: radios.nth(other).check())["changed"]
        if current >= 0:
            self._act(cell, lambda: radios.nth(current).check())

    def _move_checkbox(self, cell, box, result: ControlResult) -> None:
        result.changed = self._act(cell, lambda: box.click())["changed"]
        self._act(cell, lambda: box.click())

    def _move_toggle_button(self, cell, button, result: ControlResult) -> None:
        result.changed = self._act(cell, lambda: button.click())["changed"]
        self._act(cell, lambda: button.click())

    def _move_number(self, cell, box, result: ControlResult) -> None:
        """Arrow key in a number box, Enter; then back."""
        value, maximum = box.evaluate("(b) => [b.valueAsNumber, parseFloat(b.max)]")
        at_max = not (math.isnan(value) or math.isnan(maximum)) and value >= maximum
        forward, back = ("ArrowDown", "ArrowUp") if at_max else ("ArrowUp", "ArrowDown")

        def type_key(key: str) -> None:
            box.press(key)
            box.press("Enter")

        result.changed = self._act(cell, lambda: type_key(forward))["changed"]
        self._act(cell, lambda: type_key(back))

    # -- pictures for a person -------------------------------------------------

    def screenshots(self, folder: Path, stem: str, max_height: int = 8000) -> list[Path]:
        """``<stem>.png``: the whole notebook in one tall page (up to
        ``max_height`` pixels); ``<stem>-cellNN.png``: each explorer cell."""
        from playwright.sync_api import Error as PlaywrightError
        folder.mkdir(parents=True, exist_ok=True)
        page = self.page
        saved = []
        # The notebook scrolls inside the page: make the page tall enough to show it all.
        content = page.evaluate(
            "() => { const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');"
            " return nb ? nb.scrollHeight : 0; }"
        )
        height = int(min(max(VIEWPORT["height"], content + 200), max_height))
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        try:
            page.evaluate(
                "() => { const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');"
                " if (nb) nb.scrollTop = 0; }"
            )
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-Notebook img')].every((i) => i.complete)", timeout=10_000
            )
            time.sleep(0.3)
            path = folder / f"{stem}.png"
            page.screenshot(path=str(path))
            saved.append(path)
            for n in sorted({c.cell for c in self.report.controls}):
                path = folder / f"{stem}-cell{n:02d}.png"
                try:
                    self.cells().nth(n - 1).screenshot(path=str(path), timeout=15_000)
                    saved.append(path)
                except PlaywrightError as exc:  # pictures for people only: never fail on them
                    self.report.notes.append(f"no screenshot of cell {n}: {exc.__class__.__name__}")
        finally:
            page.set_viewport_size(VIEWPORT)
        return saved
