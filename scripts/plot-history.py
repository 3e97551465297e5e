#!/usr/bin/env python3
"""Plots the benchmark history (one JSON report per line, as the benchmarks append them) as an SVG picture.

Four panels, each run a numbered point in the order the runs were appended: the throughput of runs that finish
tasks (submit, paced, burn-down), the enqueue rate of creations (batches, or single POSTs), the dispatch latency p99 of submit and paced
runs, and the database commits per task. A key under the panels names each number's version and label. Only the
standard library is used.

    scripts/plot-history.py docs/benchmark-history.jsonl docs/benchmark-history.svg
"""
import argparse
import html
import json
import math

PANELS = [
    ("Task lifecycles per second", "throughput_tasks_per_second", ("submit", "paced", "burn-down"), False),
    ("Enqueue: tasks created per second (batches; single POSTs where the label says)", "enqueue_tasks_per_second", ("burn-down", "enqueue"), False),
    ("Dispatch latency p99 (ms, log scale)", "dispatch_latency_ms_p99", ("submit", "paced"), True),
    ("Database commits per task", "database_commits_per_task", ("submit", "paced", "burn-down"), False),
]
COLORS = {"submit": "#5794f2", "paced": "#73bf69", "burn-down": "#ff780a", "enqueue": "#b877d9"}
WIDTH = 1000
PANEL_H = 200
KEY_LINE = 15
MARGIN_L = 80
MARGIN_R = 20


def load(path):
    runs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                runs.append(json.loads(line))
    # Runs made before the reports named their mode were submit runs. The file's order is the order of the runs.
    for run in runs:
        run.setdefault("mode", "submit")
    return [r for r in runs if any(r.get("mode") in modes and isinstance(r.get(field), (int, float))
                                   for _, field, modes, _ in PANELS)]


def nice_max(value):
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def panel(runs, title, field, modes, log, top):
    points = [(i, r) for i, r in enumerate(runs) if r.get("mode") in modes and isinstance(r.get(field), (int, float))]
    out = ['<text x="%d" y="%d" font-size="15" font-weight="bold">%s</text>' % (MARGIN_L, top + 18, html.escape(title))]
    plot_top, plot_bottom = top + 30, top + PANEL_H - 50
    left, right = MARGIN_L, WIDTH - MARGIN_R
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="#fafafa" stroke="#ccc"/>'
               % (left, plot_top, right - left, plot_bottom - plot_top))
    if not points:
        out.append('<text x="%d" y="%d" font-size="12" fill="#888">no runs</text>' % (left + 10, plot_top + 20))
        return out
    if log:
        values = [max(r[field], 0.01) for _, r in points]
        low = math.floor(math.log10(min(values)))
        high = max(low + 1, math.ceil(math.log10(max(values))))

        def scale(v):
            return (math.log10(max(v, 0.01)) - low) / (high - low)

        ticks = [10 ** e for e in range(low, high + 1)]
    else:
        ymax = nice_max(max(r[field] for _, r in points) * 1.1)

        def scale(v):
            return v / ymax

        ticks = [ymax * k / 4 for k in range(5)]
    for value in ticks:
        y = plot_bottom - (plot_bottom - plot_top) * scale(value)
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e5e5e5"/>' % (left, right, y, y))
        out.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#555">%s</text>'
                   % (left - 6, y + 4, ("%g" % value) if value < 1000 else "{:,.0f}".format(value)))
    n = max(1, len(runs) - 1)
    for i, run in points:
        x = left + 20 + (right - left - 40) * i / n
        y = plot_bottom - (plot_bottom - plot_top) * scale(run[field])
        color = COLORS.get(run["mode"], "#888")
        tip = "%s %s: %s" % (run.get("version") or "", run.get("label") or "", run[field])
        out.append('<circle cx="%.1f" cy="%.1f" r="5" fill="%s"><title>%s</title></circle>'
                   % (x, y, color, html.escape(tip)))
        out.append('<text x="%.1f" y="%d" font-size="10" fill="#555" text-anchor="middle">%d</text>'
                   % (x, plot_bottom + 14, i + 1))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("history")
    parser.add_argument("svg")
    args = parser.parse_args()
    runs = load(args.history)
    key_top = 30 + PANEL_H * len(PANELS)
    height = key_top + KEY_LINE * (len(runs) + 1) + 10
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">' % (WIDTH, height),
             '<rect width="100%" height="100%" fill="white"/>']
    legend_x = MARGIN_L
    for mode, color in COLORS.items():
        parts.append('<circle cx="%d" cy="16" r="5" fill="%s"/><text x="%d" y="20" font-size="12">%s</text>'
                     % (legend_x, color, legend_x + 9, mode))
        legend_x += 110
    for k, (title, field, modes, log) in enumerate(PANELS):
        parts.extend(panel(runs, title, field, modes, log, 30 + k * PANEL_H))
    parts.append('<text x="%d" y="%d" font-size="13" font-weight="bold">Runs</text>' % (MARGIN_L, key_top))
    for i, run in enumerate(runs):
        text = "%d. %s%s (%s)%s" % (i + 1, run.get("version") + ": " if run.get("version") else "",
                                    run.get("label") or run.get("run", ""), run["mode"],
                                    ", " + run["started_at"][:10] if run.get("started_at") else "")
        parts.append('<text x="%d" y="%d" font-size="11" fill="#333">%s</text>'
                     % (MARGIN_L, key_top + KEY_LINE * (i + 1), html.escape(text)))
    parts.append("</svg>")
    with open(args.svg, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")
    print("%d runs plotted to %s" % (len(runs), args.svg))


if __name__ == "__main__":
    main()
