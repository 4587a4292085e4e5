#!/usr/bin/env python3
"""Statistics and the RESULTS.md table for bench/run.sh (stdlib only).

  report.py crash FILE SKIP_S DUR_S NWIN   mean restart interval (ms) per window of a crash record
  report.py report SAMPLES META OUT        write RESULTS.md from run.sh's samples.tsv and meta.tsv
"""
import statistics
import struct
import sys
from collections import defaultdict

TOOLS = ["tend", "pm2", "supervisord", "s6", "raw", "ps"]
NAMES = {"tend": "tend", "pm2": "PM2", "supervisord": "supervisord", "s6": "s6", "raw": "raw", "ps": "ps"}


def crash(path, skip_s, dur_s, nwin):
    """The crash program appends its start time (CLOCK_MONOTONIC ns) on every start. After SKIP_S seconds
    of warm-up, DUR_S seconds are cut into NWIN windows; for each window the mean interval between a start
    inside it and the next start."""
    data = open(path, "rb").read()
    ts = sorted(struct.unpack("<%dQ" % (len(data) // 8), data[: len(data) // 8 * 8]))
    if len(ts) < 2:
        return
    t0 = ts[0] + skip_s * 1e9
    width = dur_s * 1e9 / nwin
    for w in range(nwin):
        lo, hi = t0 + w * width, t0 + (w + 1) * width
        gaps = [b - a for a, b in zip(ts, ts[1:]) if lo <= a < hi]
        if gaps:
            print("%.4f" % (sum(gaps) / len(gaps) / 1e6))


def load(samples_path, meta_path):
    samples = defaultdict(list)  # (fig, tool, key) -> [float]
    for line in open(samples_path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 4:
            continue
        try:
            samples[(parts[0], parts[1], parts[2])].append(float(parts[3]))
        except ValueError:
            pass
    meta = {}
    notes = []
    for line in open(meta_path):
        k, _, v = line.rstrip("\n").partition("\t")
        if k == "note":
            notes.append(v)
        else:
            meta[k] = v
    return samples, meta, notes


def med(v):
    return statistics.median(v) if v else None


def fmt(x, digits=1):
    if x is None:
        return "n/a"
    if abs(x) >= 100:
        return "{:,.0f}".format(x)
    return "{:.{}f}".format(x, digits)


def fmtr(x):
    """a ratio: 3 significant digits below 10, so that 0.896 does not print as 0.90"""
    if x is None:
        return "n/a"
    if x < 10:
        return "{:.3g}".format(x)
    return fmt(x, 1)


def rng(v, digits=1, scale=1.0):
    if not v:
        return "n/a"
    if len(v) == 1:
        return "(1 run)"
    return "%s–%s" % (fmt(min(v) * scale, digits), fmt(max(v) * scale, digits))


def verdict(ok):
    if ok is None:
        return "n/a"
    return "PASS" if ok else "**MISS**"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def report(samples_path, meta_path, out_path):
    s, meta, notes = load(samples_path, meta_path)
    get = lambda fig, tool, key: s.get((fig, tool, key), [])
    n = meta.get("n", "100")
    nb = meta.get("n_big", "1000")
    summary = []  # (figure, target, value, ok)
    md = []
    md.append("# tend benchmarks\n")
    md.append("Written by `bench/run.sh` (overwritten on every run). Command: `%s`.\n" % meta.get("command", "make bench"))
    md.append("- date: %s" % meta.get("date", "?"))
    md.append("- machine: %s, %s cores (nproc), %s RAM, %s, %s" % (meta.get("cpu", "?"), meta.get("nproc", "?"),
              meta.get("mem", "?"), meta.get("kernel", "?"), meta.get("os", "?")))
    md.append("- versions: tend `%s`; PM2 %s (node %s); supervisord %s; s6 %s" % (
        meta.get("ver_tend", "n/a"), meta.get("ver_pm2", "?"), meta.get("ver_node", "?"),
        meta.get("ver_supervisord", "?"), meta.get("ver_s6", "?")))
    if meta.get("busy_before"):
        md.append("- machine state: %s before the run; %s" % (meta["busy_before"], meta.get("load_after", "")))
    if meta.get("tend_containment"):
        md.append("- tend %s" % meta["tend_containment"])
    if meta.get("quick") == "1":
        md.append("- **--quick run**: fewer repetitions, a %s s idle window and a %d MiB flood; not for the record"
                  % (meta.get("idle_secs"), int(meta.get("flood_bytes", 0)) // 1048576))
    md.append("- every tool ran from a private home under `bench/work/` (TEND_HOME, PM2_HOME, a private "
              "supervisord.conf and socket, a private s6 scan directory), all in the same sitting; repeated "
              "measurements are interleaved between tools. Wall times include the client's process start.")
    md.append("- anchors: the issue's numbers for the peers (same machine type, 2026-11-22), for comparison only; "
              "targets are ratios within this run.\n")

    # ---- figure 1
    md.append("## 1. Daemon memory (PSS)\n")
    md.append("Sum of `Pss` from `/proc/PID/smaps_rollup` of the daemon process(es) with %s `sleep` programs "
              "(tend: the daemon and its helper processes, %s; s6: s6-svscan + one s6-supervise per service = %s "
              "processes). Median of the samples.\n"
              % (n, meta.get("tend_pss_processes", "?"), meta.get("s6_pss_processes", "?")))
    for cnt in [n, nb]:
        d = med(get("pssdaemon", "tend", cnt))
        if d is not None:
            md.append("- tend with %s programs: the daemon process alone %.2f MiB" % (cnt, d / 1024))
    md.append("")
    anchors = {"pm2": "69.7 MiB", "supervisord": "26.1 MiB", "s6": "13.3 MiB"}
    rows = []
    for tool, cnt in [("tend", n), ("tend", nb), ("pm2", n), ("supervisord", n), ("s6", n)]:
        v = get("pss", tool, cnt)
        m = med(v)
        target, ok = "", None
        if tool == "tend":
            lim = 3 if cnt == n else 8
            target = "≤ %d MiB" % lim
            ok = None if m is None else m / 1024 <= lim
            summary.append(("1. PSS, %s programs" % cnt, target, "%s MiB" % fmt(m and m / 1024, 2), ok))
        rows.append([NAMES[tool], cnt, "%s MiB" % fmt(m and m / 1024, 2), rng(v, 2, 1 / 1024),
                     anchors.get(tool, ""), target, verdict(ok) if tool == "tend" else ""])
    md.append(table(["tool", "programs", "PSS", "min–max", "anchor", "target", "result"], rows) + "\n")

    # ---- figure 2
    md.append("## 2. Listing wall time\n")
    md.append("Whole client runs (process start included), %s interleaved rounds after 2 warm-up rounds, "
              "output to /dev/null: `tend ls --json`, `pm2 jlist`, `supervisorctl status`, "
              "`ps -e -o pid,stat,rss,time` (%s processes on the system at the %s-program point).\n"
              % (len(get("ls", "ps", n)), meta.get("ps_processes_at_ls", "?"), n))
    anchors = {"pm2": "228 ms", "supervisord": "233 ms"}
    rows = []
    for cnt in [n, nb]:
        ps = med(get("ls", "ps", cnt))
        for tool in ["tend", "pm2", "supervisord", "ps"]:
            v = get("ls", tool, cnt)
            if not v and cnt == nb and tool != "tend":
                continue
            m = med(v)
            ratio = m / ps if (m is not None and ps) else None
            target, ok = "", None
            if tool == "tend" and cnt == n:
                target = "≤ 5 ms and ≤ 1.5× ps"
                ok = None if m is None else (m <= 5 and ratio <= 1.5)
                summary.append(("2. `tend ls --json`, %s programs" % cnt, target,
                                "%s ms (%s× ps)" % (fmt(m, 2), fmtr(ratio)), ok))
            elif tool == "tend":
                target = "≤ 20 ms"
                ok = None if m is None else m <= 20
                summary.append(("2. `tend ls --json`, %s programs" % cnt, target, "%s ms" % fmt(m, 2), ok))
            rows.append([NAMES[tool], cnt, "%s ms" % fmt(m, 2), rng(v, 2), "%s×" % fmtr(ratio),
                         anchors.get(tool, "") if cnt == n else "", target, verdict(ok) if tool == "tend" else ""])
    md.append(table(["tool", "programs", "median", "min–max", "× ps", "anchor", "target", "result"], rows) + "\n")

    # ---- figure 3
    md.append("## 3. Start %s instances until all are running\n" % n)
    md.append("Median of %d interleaved repetitions (programs removed in between). How each tool was driven:\n"
              % len(get("start", "raw", n)))
    for tool in ["tend", "pm2", "supervisord", "s6", "raw"]:
        if meta.get("cmd_start_" + tool):
            md.append("- %s: `%s`" % (NAMES[tool], meta["cmd_start_" + tool]))
    md.append("")
    anchors = {"pm2": "782 ms", "supervisord": "1,358 ms", "s6": "226 ms", "raw": "62 ms"}
    raw = med(get("start", "raw", n))
    rows = []
    for tool in ["tend", "pm2", "supervisord", "s6", "raw"]:
        v = get("start", tool, n)
        m = med(v)
        ratio = m / raw if (m is not None and raw) else None
        target, ok = "", None
        if tool == "tend":
            target = "≤ 1.5× raw"
            ok = None if ratio is None else ratio <= 1.5
            summary.append(("3. start %s until running" % n, target, "%s ms (%s× raw)" % (fmt(m), fmtr(ratio)), ok))
        rows.append([NAMES[tool], "%s ms" % fmt(m), rng(v), "%s×" % fmtr(ratio), anchors.get(tool, ""), target,
                     verdict(ok) if tool == "tend" else ""])
    md.append(table(["tool", "median", "min–max", "× raw", "anchor", "target", "result"], rows) + "\n")

    # ---- figure 4
    md.append("## 4. Crash-restart interval, zero delays configured\n")
    md.append("The program exits 1 at once; it appends its own start time (CLOCK_MONOTONIC) to a file, so every "
              "tool is measured the same way: interval between consecutive starts, mean per window, median and "
              "min–max over the windows (1 s warm-up skipped).\n")
    for tool in ["tend", "pm2", "supervisord", "s6", "raw"]:
        if meta.get("cmd_crash_" + tool):
            md.append("- %s: `%s`" % (NAMES[tool], meta["cmd_crash_" + tool]))
    if meta.get("crash_tend_ls"):
        md.append("- cross-check from tend's own counter: %s" % meta["crash_tend_ls"])
    md.append("")
    anchors = {"pm2": "5.6 ms", "supervisord": "~1,000 ms", "s6": "~1,000 ms", "raw": "2.1 ms"}
    raw = med(get("crash", "raw", "-"))
    rows = []
    for tool in ["tend", "pm2", "supervisord", "s6", "raw"]:
        v = get("crash", tool, "-")
        m = med(v)
        ratio = m / raw if (m is not None and raw) else None
        target, ok = "", None
        if tool == "tend":
            target = "≤ 1.5× raw"
            ok = None if ratio is None else ratio <= 1.5
            summary.append(("4. crash-restart interval", target, "%s ms (%s× raw)" % (fmt(m, 2), fmtr(ratio)), ok))
        rows.append([NAMES[tool], "%s ms" % fmt(m, 2), rng(v, 2), "%s×" % fmtr(ratio), anchors.get(tool, ""),
                     target, verdict(ok) if tool == "tend" else ""])
    md.append(table(["tool", "interval", "min–max", "× raw", "anchor", "target", "result"], rows) + "\n")

    # ---- figure 5
    mib = int(meta.get("flood_bytes", 524288000)) / 1048576
    md.append("## 5. %d MiB of stdout into the log\n" % mib)
    md.append("Seconds from the flood program's own start (it records CLOCK_MONOTONIC first) until the log holds "
              "every byte (polled every 2 ms); throughput = %d MiB / that time; × raw = throughput ratio to raw "
              "`flood > file` with the same line length. %s.\n" % (mib, meta.get("cmd_flood", "")))
    for tool in ["raw", "tend", "pm2", "supervisord", "s6"]:
        if meta.get("cmd_flood_" + tool):
            md.append("- %s: `%s`" % (NAMES[tool], meta["cmd_flood_" + tool]))
    md.append("")
    anchors = {("raw", "2"): "0.86 s", ("supervisord", "2"): "0.99 s", ("pm2", "2"): "2.77 s", ("s6", "2"): "12.6 s"}
    rows = []
    order = [("tend", "2", "no timestamps"), ("tend", "100", "no timestamps"), ("tend", "100ts", "timestamps"),
             ("pm2", "2", ""), ("pm2", "100", ""), ("supervisord", "2", ""), ("supervisord", "100", ""),
             ("s6", "2", "s6-log"), ("s6", "100", "s6-log"), ("raw", "2", "`> file`"), ("raw", "100", "`> file`"),
             ("raw", "2bulk", "`> file`, 64 KiB writes"), ("raw", "100bulk", "`> file`, 64 KiB writes")]
    for tool, key, what in order:
        v = get("flood", tool, key)
        m = med(v)
        L = key.replace("ts", "").replace("bulk", "")
        base = med(get("flood", "raw", L))
        ratio = base / m if (m and base) else None
        target, ok = "", None
        if tool == "tend":
            lim = 0.66 if key.endswith("ts") else 0.9
            target = "≥ %s× raw" % lim
            ok = None if ratio is None else ratio >= lim
            summary.append(("5. log flood, %s-byte lines, %s" % (L, what), target,
                            "%s MiB/s (%s× raw)" % (fmt(m and mib / m, 0), fmtr(ratio)), ok))
        rows.append([NAMES[tool], L, what, "%s s" % fmt(m, 3), rng(v, 3), "%s MiB/s" % fmt(m and mib / m, 0),
                     "%s×" % fmtr(ratio) if tool != "raw" or "bulk" in key else "1×", anchors.get((tool, key), ""),
                     target, verdict(ok) if tool == "tend" else ""])
    md.append(table(["tool", "line bytes", "", "median", "min–max", "throughput", "× raw", "anchor", "target",
                     "result"], rows) + "\n")
    before, after = med(get("floodrss", "tend", "before")), med(get("floodrss", "tend", "after"))
    if before is not None and after is not None:
        grow = (after - before) / 1024
        ok = grow <= 1
        summary.append(("5. tend daemon RSS growth over the floods", "≤ 1 MiB", "%+.2f MiB" % grow, ok))
        md.append("tend daemon RSS: %.2f MiB before the floods, %.2f MiB after (%+.2f MiB; target ≤ 1 MiB: %s).\n"
                  % (before / 1024, after / 1024, grow, verdict(ok)))

    # ---- figure 6
    secs = float(meta.get("idle_secs", 60))
    md.append("## 6. Idle with %s sleeping programs\n" % n)
    md.append("CPU ticks (utime+stime from `/proc/PID/stat`, %s per second) and wakeups (voluntary + involuntary "
              "context switches of every thread, `/proc/PID/task/*/status`) over one %g s window, every daemon "
              "measured over the same window; tend = the daemon and its helper processes; s6 = s6-svscan + its s6-supervise "
              "processes.%s\n"
              % (meta.get("clk_tck", "100"), secs, "" if secs == 60 else " Scaled to 60 s in the last two columns."))
    anchors = {"pm2": "4 ticks", "supervisord": "6 ticks", "s6": "0"}
    rows = []
    for tool in ["tend", "pm2", "supervisord", "s6"]:
        t, w = med(get("idle", tool, "ticks")), med(get("idle", tool, "wakeups"))
        target, ok = "", None
        if tool == "tend":
            target = "0 ticks, 0 wakeups"
            ok = None if t is None else (t == 0 and w == 0)
            summary.append(("6. idle, %s programs" % n, target,
                            "%s ticks, %s wakeups per %g s" % (fmt(t, 0), fmt(w, 0), secs), ok))
        rows.append([NAMES[tool], fmt(t, 0), fmt(w, 0), fmt(t and t * 60 / secs, 1), fmt(w and w * 60 / secs, 1),
                     anchors.get(tool, ""), target, verdict(ok) if tool == "tend" else ""])
    md.append(table(["tool", "ticks", "wakeups", "ticks / 60 s", "wakeups / 60 s", "anchor", "target", "result"],
                    rows) + "\n")

    # ---- figure 7
    kt = float(meta.get("kill_timeout_ms", 1000))
    md.append("## 7. Stop of a program that ignores SIGTERM (kill timeout %g ms)\n" % kt)
    md.append("Wall time of the stop command (client start included) until it returned with the program gone, "
              "minus the kill timeout; median and min–max of the repetitions.\n")
    for tool in ["tend", "pm2", "supervisord", "s6"]:
        if meta.get("cmd_stop_" + tool):
            md.append("- %s: `%s`" % (NAMES[tool], meta["cmd_stop_" + tool]))
    md.append("")
    rows = []
    for tool in ["tend", "pm2", "supervisord", "s6"]:
        v = get("stop", tool, "-")
        m = med(v)
        over = [x - kt for x in v]
        mo = med(over)
        target, ok = "", None
        if tool == "tend":
            target = "≤ 20 ms over"
            ok = None if mo is None else mo <= 20
            summary.append(("7. stop, SIGTERM ignored", "kill timeout + ≤ 20 ms", "+%s ms" % fmt(mo, 1), ok))
        rows.append([NAMES[tool], "%s ms" % fmt(m), "%s ms" % fmt(mo, 1), rng(over, 1), target,
                     verdict(ok) if tool == "tend" else ""])
    md.append(table(["tool", "stop time", "over the timeout", "min–max over", "target", "result"], rows) + "\n")

    # ---- summary first
    head = ["## Summary: tend against the issue's targets\n",
            table(["figure", "target", "tend", "result"], [[a, b, c, verdict(d)] for a, b, c, d in summary]), ""]
    if notes:
        head.append("Notes from the run:\n")
        head += ["- " + x for x in notes]
        head.append("")
    i = md.index("## 1. Daemon memory (PSS)\n")
    md[i:i] = head
    open(out_path, "w").write("\n".join(md) + "\n")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "crash" and len(sys.argv) == 6:
        crash(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
    elif len(sys.argv) >= 2 and sys.argv[1] == "report" and len(sys.argv) == 5:
        report(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
