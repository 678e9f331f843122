#!/usr/bin/env python3
"""bench/plot.py: bench/throughput.png (CPU per recorded hour against the peers) and
bench/capacity.png (daemon CPU against recordings running) from bench/results/*.json."""
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
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for fmt in sorted({r["format"] for r in c["runs"]}):
        rs = sorted((r for r in c["runs"] if r["format"] == fmt), key=lambda r: r["recordings"])
        ax.plot([r["recordings"] for r in rs], [r["daemon_cpu_fraction_of_one_core"] for r in rs], "o-", label=f"tapedeckd, {fmt}")
        for r in rs:
            if not r.get("ok"):
                ax.plot(r["recordings"], r["daemon_cpu_fraction_of_one_core"], "rx", ms=12)
        if any("load_generator_cpu_fraction_of_one_core" in r for r in rs):
            ax.plot([r["recordings"] for r in rs], [r.get("load_generator_cpu_fraction_of_one_core", 0) for r in rs],
                    "s--", label=f"jackd (load generator), {fmt} run")
    ax.axhline(2.0, color="k", lw=0.8, ls=":", label="2 cores")
    ax.set_xlabel("recordings running at once (one per station)")
    ax.set_ylabel("CPU (cores)")
    ax.set_title(f"capacity on {c['source']} devices, {c['hold_s']} s hold (red x: frames lost)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(HERE, "capacity.png"), dpi=110)
