#!/usr/bin/env python3
"""Turns ChannelBenchmark's JMH JSON into a markdown table of events/s per channel, with the
DisruptorChannel/MemoryChannel ratio per producers x transaction size, and the issue's targets.

    python3 benchmarks/summarize-channel.py results/X-channel.json [results/X-channel-r2.json ...]

Several files (rounds of the same cases, e.g. run-channel.sh with ROUNDS=3) are merged: a score is
the mean of every measurement iteration of every round, with a 99.9% confidence interval over
them; a ratio is the median of the rounds' own ratios (each round measures both channels of a case
back to back), with the rounds' lowest and highest ratio beside it.
"""
import json
import math
import re
import statistics
import sys

from summary_format import rate

CHANNELS = ("memory", "disruptor", "disruptor-deferred")
# The targets: DisruptorChannel / MemoryChannel with 2 producers, by transaction size.
TARGETS = {1: 5.0, 100: 2.0}
# Student's t, two-sided 99.9%, by degrees of freedom (JMH's interval, without scipy).
T999 = [(1, 636.62), (2, 31.60), (3, 12.92), (4, 8.61), (5, 6.87), (6, 5.96), (7, 5.41),
        (8, 5.04), (9, 4.78), (10, 4.59), (12, 4.32), (15, 4.07), (20, 3.85), (25, 3.73),
        (30, 3.65), (40, 3.55), (60, 3.46), (120, 3.37)]


def t999(df):
    for d, t in T999:
        if df <= d:
            return t
    return 3.29


def mean_ci(xs):
    if not xs:
        return None
    m = statistics.fmean(xs)
    if len(xs) < 2:
        return (m, float("nan"))
    return (m, t999(len(xs) - 1) * statistics.stdev(xs) / math.sqrt(len(xs)))


def pm(score_err):
    if not score_err:
        return "n/a"
    s, e = score_err
    return f"{rate(s)} ± {rate(e)}"


def iterations(metric, scale):
    return [x * scale for fork in metric.get("rawData") or [] for x in fork]


def main(paths):
    # (producers, tx) -> channel -> {"put": [...], "taken": [...], "bop": [...], "rounds": [...]}
    cells = {}
    for round_no, path in enumerate(paths):
        with open(path) as f:
            data = json.load(f)
        for r in data:
            m = re.search(r"\.tx(\d+)_p(\d+)$", r["benchmark"])
            if not m or r["mode"] != "thrpt":
                continue
            tx, producers = int(m.group(1)), int(m.group(2))
            ch = (r.get("params") or {}).get("channel", "?")
            p = r["primaryMetric"]
            scale = {"ops/s": 1, "ops/ms": 1e3, "ops/us": 1e6}.get(p["scoreUnit"], 1)
            c = cells.setdefault((producers, tx), {}).setdefault(
                ch, {"put": [], "taken": [], "bop": [], "rounds": {}})
            its = iterations(p, scale)
            c["put"] += its
            c["rounds"][round_no] = statistics.fmean(its) if its else float(p["score"]) * scale
            sm = r.get("secondaryMetrics") or {}
            if "taken" in sm:
                c["taken"] += iterations(sm["taken"], scale)
            if "gc.alloc.rate.norm" in sm:
                c["bop"].append(float(sm["gc.alloc.rate.norm"]["score"]))

    def round_ratio(num, den):
        """Median, lowest and highest of the rounds' ratios num/den."""
        if not num or not den:
            return None
        rs = [num["rounds"][k] / den["rounds"][k] for k in num["rounds"]
              if k in den["rounds"] and den["rounds"][k]]
        return (statistics.median(rs), min(rs), max(rs), len(rs)) if rs else None

    def fmt_ratio(r, bold=False):
        if r is None:
            return "n/a"
        med = f"**{r[0]:.2f}×**" if bold else f"{r[0]:.2f}×"
        return med if r[3] == 1 else f"{med} ({r[1]:.2f}–{r[2]:.2f})"

    n_rounds = len(paths)
    print(f"Events per second put by all producers together, mean of every measurement iteration"
          f" of {n_rounds} round{'s' if n_rounds > 1 else ''} ± 99.9% interval."
          + (" Ratios: median of the rounds' ratios (lowest–highest round)." if n_rounds > 1 else "")
          + " B/event: heap allocated per event, producers and consumer together (`-prof gc`)."
          " taken/put: the consumer's rate over the producers' in the same iterations.")
    print()
    print("| producers | tx size | MemoryChannel | DisruptorChannel | **Disruptor / Memory** "
          "| DisruptorChannel, deferred lane | deferred / express | B/event (M / D / deferred) "
          "| taken / put |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (producers, tx) in sorted(cells):
        c = cells[(producers, tx)]
        mem, dis, dfr = (c.get(k) for k in CHANNELS)
        bops = " / ".join("n/a" if not c.get(k) or not c[k]["bop"]
                          else f"{statistics.fmean(c[k]['bop']):.0f}" for k in CHANNELS)
        checks = [statistics.fmean(c[k]["taken"]) / statistics.fmean(c[k]["put"])
                  for k in CHANNELS if c.get(k) and c[k]["taken"] and c[k]["put"]]
        check = "n/a" if not checks else f"{min(checks):.3f}–{max(checks):.3f}"
        print(f"| {producers} | {tx} "
              f"| {pm(mean_ci(mem['put'])) if mem else 'n/a'} "
              f"| {pm(mean_ci(dis['put'])) if dis else 'n/a'} "
              f"| {fmt_ratio(round_ratio(dis, mem), bold=True)} "
              f"| {pm(mean_ci(dfr['put'])) if dfr else 'n/a'} "
              f"| {fmt_ratio(round_ratio(dfr, dis))} | {bops} | {check} |")
    print()
    print("Targets (2 producers, DisruptorChannel / MemoryChannel):")
    print()
    for tx, target in sorted(TARGETS.items()):
        c = cells.get((2, tx), {})
        r = round_ratio(c.get("disruptor"), c.get("memory"))
        if r is None:
            print(f"- tx size {tx}: at least {target:g}×: not measured")
        else:
            verdict = "met" if r[0] >= target else "**missed**"
            print(f"- tx size {tx}: at least {target:g}×: {fmt_ratio(r)}, {verdict}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
