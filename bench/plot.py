#!/usr/bin/env python3
"""bench/plot.py: bench/throughput.png (CPU per recorded hour against the peers) and
bench/capacity.png (daemon CPU and STOP latency against recordings running, per source and
format, failed counts marked) from bench/results/*.json."""
import json, os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = os.path.dirname(os.path.abspath(__file__))
R = os.path.join(HERE, "results")

def load(name):
    p = os.path.join(R, name + ".json")
    return json.load(open(p)) if os.path.exists(p) else None

t = load("throughput")
if t:
    items = sorted(t["results"].items(), key=lambda kv: kv[1]["cpu_s_per_recorded_hour"])
    names = [k for k, _ in items]
    vals = [v["cpu_s_per_recorded_hour"] for _, v in items]
    colors = ["tab:blue" if n.startswith("tapedeck") else "tab:gray" for n in names]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.barh(names, vals, color=colors)
    for i, v in enumerate(vals):
        ax.text(v, i, f" {v:.1f}", va="center", fontsize=8)
    ax.set_xlabel("CPU seconds per recorded hour (user+sys, lower is better)")
    ax.set_title(f"8 kHz, {t['audio_seconds']} s of two-leg audio, median of {t['reps']} runs")
    fig.tight_layout()
    fig.savefig(os.path.join(HERE, "throughput.png"), dpi=110)

c = load("capacity")
if c:
    runs = [r for r in c["runs"] if "source" in r]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    styles = {"mp3": "o-", "wav": "s-"}
    colors = {"virtual": "tab:blue", "jack": "tab:gray", "jack-speech": "tab:green"}
    for src in sorted({r["source"] for r in runs}):
        for fmt in sorted({r["format"] for r in runs if r["source"] == src}):
            rs = sorted((r for r in runs if r["source"] == src and r["format"] == fmt), key=lambda r: r["recordings"])
            n = [r["recordings"] for r in rs]
            col = colors.get(src, "k")
            ax.plot(n, [r["daemon_cpu_fraction_of_one_core"] for r in rs], styles.get(fmt, "o-"), color=col,
                    label=f"tapedeckd, {fmt}, {src}")
            if src != "virtual":
                ax.plot(n, [r.get("load_generator_cpu_fraction_of_one_core", 0) for r in rs], ":", color=col, lw=1)
            ax2.plot(n, [max(r["stop_to_final_ms"]["p99"], 0.1) for r in rs], styles.get(fmt, "o-"), color=col,
                     label=f"{fmt}, {src}")
            for r in rs:
                if not r.get("ok"):
                    ax.plot(r["recordings"], r["daemon_cpu_fraction_of_one_core"], "rx", ms=12, mew=2)
                    ax2.plot(r["recordings"], max(r["stop_to_final_ms"]["p99"], 0.1), "rx", ms=12, mew=2)
                elif not r.get("load_generator_clean", True):
                    ax.plot(r["recordings"], r["daemon_cpu_fraction_of_one_core"], "^", color="tab:orange", ms=10, mfc="none", mew=2)
    ax.axhline(2.0, color="k", lw=0.8, ls="--", label="2 cores")
    ax.set_xlabel("recordings running at once (one per station)")
    ax.set_ylabel("CPU (cores, user+sys)")
    ax.set_title(f"tapedeckd CPU, {c['hold_s']} s hold (red x: writers behind or frames lost;\n"
                 "orange triangle: jackd xrun during the hold; dotted: jackd + jackgen)", fontsize=9)
    ax.legend(fontsize=7)
    ax2.axhline(100, color="k", lw=0.8, ls="--", label="target 100 ms")
    ax2.set_yscale("log")
    ax2.set_xlabel("recordings running at once")
    ax2.set_ylabel("STOP → final file, p99 (ms)")
    ax2.set_title("STOP latency, all N stopped one after another", fontsize=9)
    ax2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(HERE, "capacity.png"), dpi=110)
