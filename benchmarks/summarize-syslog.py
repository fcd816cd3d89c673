#!/usr/bin/env python3
"""Turns SourceBenchmark's JSON (benchmarks/run-syslog.sh) into markdown tables: UDP rate steps and
the highest zero-loss rate per source, TCP events/s per source and connection count, the
Sluice/Flume ratios, and the issue's targets.

    python3 benchmarks/summarize-syslog.py results/X-syslog.json [results/X-syslog-r2.json ...]

Several files are rounds of the same run (ROUNDS=n): a value is the median of the rounds (with the
lowest and highest beside it when they differ), a ratio the median of the rounds' own ratios.
"""
import json
import statistics
import sys

from summary_format import rate

UDP = [("flume-udp", "Flume `syslogudp`"), ("sluice-udp", "Sluice `SyslogUdpSource`")]
TCP = [("flume-multiport", "Flume `multiport_syslogtcp` (LF)"),
       ("flume-syslogtcp", "Flume `syslogtcp` (LF)"),
       ("sluice-tcp-lf", "Sluice `SyslogTcpSource` (LF)"),
       ("sluice-tcp-octet", "Sluice `SyslogTcpSource` (octet counting)")]
DEFAULTS = [("flume-multiport-defaults", "Flume `multiport_syslogtcp` (LF)"),
            ("sluice-tcp-defaults", "Sluice `SyslogTcpSource` (LF)")]
UDP_TARGET = 3.0
TCP_TARGET = 1.5


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs, fmt=rate, suffix=""):
    """median (lowest–highest) of the rounds, or the one value."""
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a"
    m = fmt(statistics.median(xs)) + suffix
    if len(xs) > 1 and fmt(min(xs)) != fmt(max(xs)):
        return f"{m} ({fmt(min(xs))}–{fmt(max(xs))})"
    return m


def ratio(x):
    return f"{x:.2f}×"


def subjects(rounds, sid):
    return [next((s for s in r.get("subjects", []) if s["id"] == sid), None) for r in rounds]


def step_key(step):
    return 10**12 if step["rate"] == "max" else int(step["rate"])


def udp_section(rounds, out):
    have = {sid: subjects(rounds, sid) for sid, _ in UDP}
    if not any(any(have[sid]) for sid, _ in UDP):
        return
    senders = [r.get("udpSenderMax", {}).get("rate") for r in rounds]
    setup = rounds[0]["setup"]
    out.append("### UDP")
    out.append("")
    out.append(
        f"Each step sends {setup['udpSeconds']:g} s of datagrams at the given rate ({setup['udpSenders']} "
        f"sender sockets, one thread, bursts of {setup['udpBurst']}); `max` sends as fast as the sender "
        f"goes. A step passes when every datagram sent was put into the channel. The sender alone, "
        f"into a socket nobody reads: {spread(senders)} datagrams/s.")
    out.append("")
    # Steps table
    rates = sorted({step_key(st): st["rate"] for sid, _ in UDP for s in have[sid] if s
                    for st in s.get("steps", [])}.items())
    head = "| offered (datagrams/s) |"
    sep = "|---:|"
    for _, label in UDP:
        head += f" {label}: sent/s | delivered | lost | µs CPU/event |"
        sep += "---:|---:|---:|---:|"
    out.append(head)
    out.append(sep)
    for key, shown in rates:
        row = f"| {rate(key) if shown != 'max' else 'max'} |"
        for sid, _ in UDP:
            steps = [next((st for st in s.get("steps", []) if step_key(st) == key), None)
                     if s else None for s in have[sid]]
            steps = [st for st in steps if st]
            if not steps:
                row += " | | | |"
                continue
            lost = [st["lost"] for st in steps]
            lost_txt = " / ".join(
                ("**0**" if st["pass"] else f"{st['lost']:,} ({100.0 * st['lost'] / max(1, st['sent']):.1f}%)")
                for st in steps)
            row += (f" {spread([st['sentRate'] for st in steps])} |"
                    f" {spread([st['delivered'] for st in steps], fmt=lambda v: f'{v:,.0f}')} |"
                    f" {lost_txt} |"
                    f" {spread([st['agentCpuMicrosPerEvent'] for st in steps], fmt=lambda v: f'{v:.1f}')} |")
        out.append(row)
    out.append("")
    out.append("Lost datagrams were all dropped by the kernel for a full receive buffer unless the "
               "notes below say otherwise. sent/s below the offered rate: the sender could go no faster "
               "beside the agent (they share the machine's cores). µs CPU/event: the agent JVM's CPU "
               "time over the step and its settling, per event delivered.")
    out.append("")
    # Summary per source
    out.append("| source | zero loss up to (datagrams/s) | most delivered (datagrams/s) | receive buffer | agent CPU per event at 50k/s |")
    out.append("|---|---:|---:|---|---:|")
    best = {}
    for sid, label in UDP:
        ss = [s for s in have[sid] if s and "steps" in s]
        if not ss:
            continue
        best[sid] = [s["zeroLossUpToRate"] for s in ss]
        rb = sorted({b for s in ss for b in s.get("receiveBuffers", [])})
        socks = max(len(s.get("receiveBuffers", [])) for s in ss)
        at50 = [st["agentCpuMicrosPerEvent"] for s in ss for st in s["steps"] if st["rate"] == 50000]
        most = spread([s["maxDeliveredRate"] for s in ss])
        if all(all(st["pass"] for st in s["steps"]) for s in ss):
            most = f"≥ {most} (lost none: the sender's limit)"
        out.append(f"| {label} | {spread(best[sid])} | {most} |"
                   f" {socks} socket(s) × {', '.join(f'{b:,}' for b in rb)} B |"
                   f" {spread(at50, fmt=lambda v: f'{v:.1f} µs')} |")
    out.append("")
    if "flume-udp" in best and "sluice-udp" in best:
        rs = [s / f if f else None for s, f in zip(best["sluice-udp"], best["flume-udp"])]
        out.append(f"Zero-loss rate, Sluice / Flume: **{spread(rs, fmt=ratio)}**"
                   + (" (Flume lost datagrams at every step)" if not any(best["flume-udp"]) else ""))
        out.append("")
    return best, senders


def tcp_section(rounds, out):
    have = {sid: subjects(rounds, sid) for sid, _ in TCP}
    if not any(any(have[sid]) for sid, _ in TCP):
        return {}
    setup = rounds[0]["setup"]
    out.append("### TCP")
    out.append("")
    out.append(f"Each case: the connections write pre-framed messages as fast as the source reads "
               f"for {setup['tcpSeconds']:g} s; events/s = events sent / seconds until all of them "
               f"were in the channel. Flume's sources cannot read octet counting: Sluice's octet case "
               f"is set against Flume's multiport source with LF framing.")
    out.append("")
    conns = sorted({c["connections"] for sid, _ in TCP for s in have[sid] if s for c in s.get("cases", [])})
    head = "| connections |" + "".join(f" {label} |" for _, label in TCP) + \
        " **Sluice LF / multiport** | **Sluice octet / multiport LF** |"
    out.append(head)
    out.append("|---:|" + "---:|" * (len(TCP) + 2))
    ratios = {}

    def case(s, n):
        return next((c for c in s.get("cases", []) if c["connections"] == n), None) if s else None

    for n in conns:
        row = f"| {n} |"
        for sid, _ in TCP:
            cs = [case(s, n) for s in have[sid]]
            cs = [c for c in cs if c]
            if not cs:
                row += " |"
                continue
            lost = sum(c["lost"] for c in cs)
            row += f" {spread([c['rate'] for c in cs])}" + (f" (**{lost:,} lost**)" if lost else "") + " |"
        for num in ("sluice-tcp-lf", "sluice-tcp-octet"):
            rs = []
            for a, b in zip(have[num], have["flume-multiport"]):
                ca, cb = case(a, n), case(b, n)
                if ca and cb and cb["rate"]:
                    rs.append(ca["rate"] / cb["rate"])
            ratios[(num, n)] = rs
            row += f" **{spread(rs, fmt=ratio)}** |" if rs else " n/a |"
        out.append(row)
    out.append("")
    out.append("Agent CPU per event (µs; the agent JVM's CPU time over the case, per event):")
    out.append("")
    out.append("| connections |" + "".join(f" {label} |" for _, label in TCP))
    out.append("|---:|" + "---:|" * len(TCP))
    for n in conns:
        row = f"| {n} |"
        for sid, _ in TCP:
            cs = [case(s, n) for s in have[sid]]
            row += f" {spread([c['agentCpuMicrosPerEvent'] for c in cs if c], fmt=lambda v: f'{v:.2f}')} |"
        out.append(row)
    out.append("")
    return ratios


def defaults_section(rounds, out):
    """Both TCP sources with nothing set but where to listen, as users have them."""
    have = {sid: subjects(rounds, sid) for sid, _ in DEFAULTS}
    if not all(any(have[sid]) for sid, _ in DEFAULTS):
        return {}
    out.append("### TCP at default settings")
    out.append("")
    out.append("Both sources with only `host` and `port(s)` set (`batchSize` 100 for both; multiport's "
               "`readBufferBytes` 1024; Sluice's connection limits on). Events/s, then agent CPU per "
               "event.")
    out.append("")
    out.append("| connections |" + "".join(f" {label} |" for _, label in DEFAULTS)
               + " **Sluice / multiport** |" + "".join(f" CPU/event, {label} |" for _, label in DEFAULTS))
    out.append("|---:|" + "---:|" * (2 * len(DEFAULTS) + 1))

    def case(s, n):
        return next((c for c in s.get("cases", []) if c["connections"] == n), None) if s else None

    conns = sorted({c["connections"] for sid, _ in DEFAULTS for s in have[sid] if s for c in s.get("cases", [])})
    ratios = {}
    for n in conns:
        row = f"| {n} |"
        for sid, _ in DEFAULTS:
            cs = [c for c in (case(s, n) for s in have[sid]) if c]
            lost = sum(c["lost"] for c in cs)
            row += f" {spread([c['rate'] for c in cs])}" + (f" (**{lost:,} lost**)" if lost else "") + " |"
        rs = []
        for a, b in zip(have["sluice-tcp-defaults"], have["flume-multiport-defaults"]):
            ca, cb = case(a, n), case(b, n)
            if ca and cb and cb["rate"]:
                rs.append(ca["rate"] / cb["rate"])
        ratios[n] = rs
        row += f" **{spread(rs, fmt=ratio)}** |" if rs else " n/a |"
        for sid, _ in DEFAULTS:
            cs = [c for c in (case(s, n) for s in have[sid]) if c]
            row += f" {spread([c['agentCpuMicrosPerEvent'] for c in cs], fmt=lambda v: f'{v:.2f}')} µs |"
        out.append(row)
    out.append("")
    return ratios


def notes(rounds, out):
    lines = []
    for r_no, r in enumerate(rounds, 1):
        for s in r.get("subjects", []):
            tag = f"{s['id']}" + (f" (round {r_no})" if len(rounds) > 1 else "")
            if s.get("error"):
                lines.append(f"- {tag}: **failed**: {s['error'].splitlines()[0]}")
            for st in s.get("steps", []) + s.get("cases", []):
                where = f"{st['rate'] if 'steps' in s else str(st['connections']) + ' connection(s)'}"
                unexplained = st["lost"] - st.get("kernelDrops", 0)
                if st["lost"] and unexplained:
                    lines.append(f"- {tag} at {where}: {unexplained:,} lost beyond the kernel's drops")
                for k in ("sluiceDroppedChannel", "sluiceInvalid", "sluiceIncomplete", "softnetDrops"):
                    if st.get(k):
                        lines.append(f"- {tag} at {where}: {k} = {st[k]:,}")
            others = [st["othersCores"] for st in s.get("steps", []) + s.get("cases", [])]
            if others and max(others) > 0.25:
                lines.append(f"- {tag}: other work used up to {max(others):.2f} cores during a step "
                             f"(median {statistics.median(others):.2f})")
            peak = max([st["peakChannelSize"] for st in s.get("steps", []) + s.get("cases", [])] or [0])
            if peak > 200_000:
                lines.append(f"- {tag}: the channel held up to {peak:,} events (the sink fell behind)")
    if lines:
        out.append("Notes:")
        out.append("")
        out.extend(lines)
        out.append("")


def main(paths):
    rounds = []
    for p in paths:
        with open(p) as f:
            rounds.append(json.load(f))
    out = []
    n = len(rounds)
    out.append(f"Syslog sources, Sluice vs Flume: {n} round{'s' if n > 1 else ''}"
               + (" (medians of the rounds, lowest–highest in brackets)" if n > 1 else "") + ".")
    out.append("")
    udp = udp_section(rounds, out)
    tcp = tcp_section(rounds, out)
    defaults = defaults_section(rounds, out)
    notes(rounds, out)
    out.append("Targets:")
    out.append("")
    if udp:
        best, senders = udp
        if "flume-udp" in best and "sluice-udp" in best:
            rs = [s / f if f else float("inf") for s, f in zip(best["sluice-udp"], best["flume-udp"])]
            r = med(rs)
            verdict = "met" if r is not None and r >= UDP_TARGET else "**missed**"
            out.append(f"- UDP, zero-loss rate at least {UDP_TARGET:g}× Flume's: "
                       f"{spread(best['sluice-udp'])} vs {spread(best['flume-udp'])} datagrams/s, "
                       f"{'∞' if r == float('inf') else ratio(r)}: {verdict}")
            sl = [s for s in subjects(rounds, "sluice-udp") if s and "steps" in s]
            clean = [all(st["pass"] for st in s["steps"]) for s in sl]
            reached = [max(st["sentRate"] for st in s["steps"]) for s in sl]
            alone = med(senders)
            limited = alone is not None and med(reached) < 0.9 * alone
            if all(clean) and not limited:
                verdict = "met"
            elif all(clean):
                verdict = ("met as far as this machine can test: the sender, sharing its cores with "
                           "the agent, reached no more")
            else:
                verdict = (f"**missed** in {clean.count(False)} of {len(clean)} round(s) "
                           f"(zero loss up to {spread(best['sluice-udp'])}/s)")
            out.append(f"- UDP, zero loss up to what one sender core pushes (alone: {spread(senders)}/s; "
                       f"beside the agent it reached {spread(reached)}/s): {verdict}")
    for num, what in (("sluice-tcp-lf", "LF"), ("sluice-tcp-octet", "octet counting (vs multiport LF)")):
        for (k, n_), rs in sorted(tcp.items()):
            if k != num or not rs:
                continue
            r = med(rs)
            out.append(f"- TCP {what}, {n_} connection(s), at least {TCP_TARGET:g}× the multiport source: "
                       f"{spread(rs, fmt=ratio)}: {'met' if r >= TCP_TARGET else '**missed**'}")
    for n_, rs in sorted(defaults.items()):
        if rs:
            r = med(rs)
            out.append(f"- TCP at default settings, {n_} connection(s), at least {TCP_TARGET:g}× the "
                       f"multiport source: {spread(rs, fmt=ratio)}: {'met' if r >= TCP_TARGET else '**missed**'}")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1:])
