#!/usr/bin/env python3
"""Renders deploy/'s Grafana dashboard as an SVG picture from a Prometheus server's data.

Each panel's PromQL is evaluated over a time window with the Prometheus HTTP API (query_range), as Grafana
would, and drawn where the dashboard's grid puts it: time series as lines, stat panels as their last value.
Only the standard library is used. scripts/render-dashboard.sh runs it against a benchmark run.
"""
import argparse
import html
import json
import math
import urllib.parse
import urllib.request

COLORS = ["#73bf69", "#f2cc0c", "#5794f2", "#ff780a", "#b877d9", "#f2495c", "#37872d", "#8ab8ff", "#fade2a",
          "#ca95e5"]
CELL_W = 60  # pixels per grid column (24 columns)
CELL_H = 30  # pixels per grid row


def query_range(prometheus, expr, start, end, step):
    expr = expr.replace("$type", ".*").replace("${type}", ".*")
    params = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(prometheus + "/api/v1/query_range?" + params, timeout=30) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise SystemExit("query failed: " + expr + ": " + json.dumps(body))
    return body["data"]["result"]


def legend(fmt, metric):
    if not fmt:
        return ",".join(f"{k}={v}" for k, v in metric.items()) or "value"
    out = fmt
    for key, value in metric.items():
        out = out.replace("{{" + key + "}}", value)
    return out


def human(value, unit):
    if value is None or math.isnan(value):
        return "–"
    if unit == "s":
        if value < 1:
            return f"{value * 1000:.3g} ms"
        return f"{value:.3g} s"
    suffix = "/s" if unit == "ops" else ""
    for div, letter in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"{value / div:.3g}{letter}{suffix}"
    return f"{value:.3g}{suffix}"


def series_of(prometheus, panel, start, end, step):
    out = []
    for target in panel.get("targets", []):
        for result in query_range(prometheus, target["expr"], start, end, step):
            points = [(float(t), float(v)) for t, v in result["values"] if v not in ("NaN", "+Inf", "-Inf")]
            if points:
                out.append((legend(target.get("legendFormat"), result["metric"]), points))
    return out


def draw_panel(svg, panel, series, start, end):
    grid = panel["gridPos"]
    x, y = grid["x"] * CELL_W + 4, grid["y"] * CELL_H + 4
    w, h = grid["w"] * CELL_W - 8, grid["h"] * CELL_H - 8
    unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
    svg.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3" fill="#181b1f" stroke="#2c3235"/>')
    svg.append(f'<text x="{x + 8}" y="{y + 18}" class="title">{html.escape(panel["title"])}</text>')
    if panel["type"] == "stat":
        parts = []
        for name, points in series:
            parts.append((name, points[-1][1]))
        for i, (name, value) in enumerate(parts):
            cx = x + w * (i + 0.5) / max(1, len(parts))
            svg.append(f'<text x="{cx}" y="{y + h / 2 + 12}" class="stat" text-anchor="middle" '
                       f'fill="{COLORS[i % len(COLORS)]}">{html.escape(human(value, unit))}</text>')
            if len(parts) > 1:
                svg.append(f'<text x="{cx}" y="{y + h - 10}" class="legend" text-anchor="middle">'
                           f'{html.escape(name)}</text>')
        if not parts:
            svg.append(f'<text x="{x + w / 2}" y="{y + h / 2 + 12}" class="stat" text-anchor="middle">–</text>')
        return
    left, right, top, bottom = x + 52, x + w - 10, y + 28, y + h - 34
    values = [v for _, points in series for _, v in points]
    top_value = max(values) if values else 1
    top_value = top_value * 1.1 if top_value > 0 else 1
    for i in range(5):
        gy = bottom - (bottom - top) * i / 4
        svg.append(f'<line x1="{left}" x2="{right}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="#2c3235"/>')
        svg.append(f'<text x="{left - 6}" y="{gy + 4:.1f}" class="axis" text-anchor="end">'
                   f'{html.escape(human(top_value * i / 4, unit))}</text>')
    span = max(1.0, end - start)
    for i, (name, points) in enumerate(series[:10]):
        coords = " ".join(f"{left + (right - left) * (t - start) / span:.1f},"
                          f"{bottom - (bottom - top) * v / top_value:.1f}" for t, v in points)
        svg.append(f'<polyline points="{coords}" fill="none" stroke="{COLORS[i % len(COLORS)]}" '
                   f'stroke-width="1.6"/>')
    lx = left
    for i, (name, _) in enumerate(series[:10]):
        label = html.escape(name[:40])
        svg.append(f'<rect x="{lx}" y="{bottom + 16}" width="10" height="3" fill="{COLORS[i % len(COLORS)]}"/>')
        svg.append(f'<text x="{lx + 14}" y="{bottom + 21}" class="legend">{label}</text>')
        lx += 24 + 6.2 * len(name[:40])
        if lx > right - 40:
            break


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090")
    parser.add_argument("--dashboard", default="deploy/kubernetes/monitoring/dashboard.json")
    parser.add_argument("--start", type=float, required=True, help="epoch seconds")
    parser.add_argument("--end", type=float, required=True, help="epoch seconds")
    parser.add_argument("--step", default="5")
    parser.add_argument("--out", default="docs/dashboard.svg")
    parser.add_argument("--caption", default="")
    args = parser.parse_args()
    with open(args.dashboard) as f:
        dashboard = json.load(f)
    panels = dashboard["panels"]
    height = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels) * CELL_H + 40
    width = 24 * CELL_W
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">',
           '<style>text{font-family:Inter,Helvetica,Arial,sans-serif;fill:#ccccdc}'
           '.title{font-size:13px;font-weight:600}.axis{font-size:10px;fill:#8e8e8e}'
           '.legend{font-size:10px}.stat{font-size:30px;font-weight:600}.row{font-size:15px;font-weight:600}'
           '.caption{font-size:11px;fill:#8e8e8e}</style>',
           f'<rect width="{width}" height="{height}" fill="#111217"/>']
    for panel in panels:
        if panel["type"] == "row":
            y = panel["gridPos"]["y"] * CELL_H + 20
            svg.append(f'<text x="8" y="{y}" class="row">{html.escape(panel["title"])}</text>')
            continue
        draw_panel(svg, panel, series_of(args.prometheus, panel, args.start, args.end, args.step), args.start,
                   args.end)
    if args.caption:
        svg.append(f'<text x="8" y="{height - 14}" class="caption">{html.escape(args.caption)}</text>')
    svg.append("</svg>")
    with open(args.out, "w") as f:
        f.write("\n".join(svg) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
