#!/usr/bin/env python3
"""Merges JMH JSON results (an avgt pass and a thrpt pass) into one markdown table.

    python3 benchmarks/summarize.py results/X-avgt.json results/X-thrpt.json
"""
import json
import math
import sys


def num(v):
    """JMH writes "NaN" (a string) for an error it cannot compute."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def fmt(v, digits=1):
    if v is None or math.isnan(v):
        return "n/a"
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.2f} M"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def main(paths):
    rows = {}
    order = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for r in data:
            name = r["benchmark"].rsplit(".", 2)
            short = ".".join(name[-2:])
            params = ",".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
            key = (short, params, r["threads"])
            if key not in rows:
                rows[key] = {}
                order.append(key)
            row = rows[key]
            pm = r["primaryMetric"]
            unit = pm["scoreUnit"]
            score, err = num(pm["score"]), num(pm["scoreError"])
            if r["mode"] == "avgt":
                scale = {"ns/op": 1, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}.get(unit)
                if scale:
                    row["ns"] = (score * scale, err * scale)
                sm = r.get("secondaryMetrics") or {}
                if "gc.alloc.rate.norm" in sm:
                    row["bop"] = num(sm["gc.alloc.rate.norm"]["score"])
                if "gc.alloc.rate" in sm:
                    row["mbs"] = num(sm["gc.alloc.rate"]["score"])
                if "gc.count" in sm:
                    row["gcs"] = num(sm["gc.count"]["score"])
                if "gc.time" in sm:
                    row["gct"] = num(sm["gc.time"]["score"])
            elif r["mode"] == "thrpt":
                scale = {"ops/s": 1, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}.get(unit)
                if scale:
                    row["ops"] = (score * scale, err * scale)
    print("| benchmark | params | threads | ns/op (± 99.9% CI) | ops/s (± 99.9% CI) "
          "| alloc B/op | alloc MB/s | GCs | GC ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in order:
        short, params, threads = key
        row = rows[key]
        ns = row.get("ns")
        ops = row.get("ops")
        print(f"| {short} | {params or '-'} | {threads} "
              f"| {fmt(ns[0]) + ' ± ' + fmt(ns[1]) if ns else 'n/a'} "
              f"| {fmt(ops[0]) + ' ± ' + fmt(ops[1]) if ops else 'n/a'} "
              f"| {fmt(row.get('bop'), 0)} | {fmt(row.get('mbs'))} "
              f"| {fmt(row.get('gcs'), 0)} | {fmt(row.get('gct'), 0)} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
