"""How fast does each explorer answer a control? (python benchmarks/bench_explorers.py)

Builds every explorer of the notebooks at its default size, moves every control
through its range (about 8 values per slider, every option of a dropdown), and
prints the median and 95th percentile of one update: compute, redraw, and the PNG
the browser receives. The floor is a 100 ms median per explorer.

Also compares the picture pipeline the explorers use (Agg canvas -> Pillow PNG at
zlib level 1) with what the inline backend does for every redraw (savefig PNG).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time

import numpy as np

FLOOR_MS = 100.0


def explorers():
    """(notebook, name, factory) for every explorer the notebooks show: the catalog's entries,
    built from the inputs the notebooks use."""
    from cnnviz.explorers import catalog

    return [(entry.notebook, entry.title, entry.build) for entry in catalog.entries()]


def measure(explorer, points):
    """Move every control through its values; return the update times in seconds."""
    from cnnviz.explorers._base import control_values

    explorer.timings.clear()
    for control in explorer.controls.values():
        start = control.value
        for value in control_values(control, points):
            control.value = value
        control.value = start
    if explorer.last_error is not None:
        raise RuntimeError(f"explorer failed: {explorer.last_error!r}")
    return explorer.timings


def png_pipelines():
    """Time a typical three-panel figure through our encoder and through savefig."""
    from cnnviz.explorers._base import bare, new_figure, render_png

    rng = np.random.default_rng(0)
    fig = new_figure(9, 3.5)
    images = []
    for ax in fig.subplots(1, 3):
        images.append(ax.imshow(rng.random((256, 256)), cmap="gray"))
        bare(ax)

    def ours():
        for im in images:
            im.set_data(rng.random((256, 256)))
        render_png(fig)

    def inline():
        for im in images:
            im.set_data(rng.random((256, 256)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png")  # what the inline backend sends on every redraw

    out = {}
    for name, func in [("Agg + Pillow PNG (level 1)", ours), ("savefig PNG (inline backend)", inline)]:
        times = []
        for _ in range(15):
            t0 = time.perf_counter()
            func()
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times) * 1e3
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=8, help="values per slider")
    args = parser.parse_args(argv)

    rows, failed = [], []
    for notebook, name, factory in explorers():
        explorer = factory()
        measure(explorer, args.points)          # warm-up: caches, fonts
        times = np.array(measure(explorer, args.points)) * 1e3
        if times.size == 0:                     # no control to move (a fixed picture)
            continue
        median, p95 = float(np.median(times)), float(np.percentile(times, 95))
        rows.append((notebook, name, len(times), median, p95))
        if median > FLOOR_MS:
            failed.append(name)

    print("| Notebook | Explorer | Updates | Median (ms) | 95th pct (ms) |")
    print("|---|---|---:|---:|---:|")
    for notebook, name, n, median, p95 in rows:
        print(f"| {notebook} | {name} | {n} | {median:.1f} | {p95:.1f} |")
    print()
    print("| Picture pipeline, three 256x256 panels | Median (ms) |")
    print("|---|---:|")
    for name, ms in png_pipelines().items():
        print(f"| {name} | {ms:.1f} |")
    print()
    verdict = "PASS" if not failed else "FAIL: " + ", ".join(failed)
    print(f"floor: median update <= {FLOOR_MS:.0f} ms for every explorer: {verdict}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
