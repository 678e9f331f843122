#!/usr/bin/env python3
"""The daemon's own cost per MP3 recording against bare libmp3lame, on speech.

    python3 bench/cost.py [--counts 64,512] [--hold 120] [--warmup 10] [--limit 1.10]
                          [--callgrind] [--profile-daemon 16]

Speech: espeak-ng, two voices taking turns (with some overlap) for SPEECH_S seconds, on a
low noise floor, 8 kHz: legs.raw (agent, customer), mono.raw (their saturated sum, what
the daemon's mono mix writes). The daemon (release tapedeckd, .build-bench/release or
$TAPEDECK_BENCH_BUILD) records N stations in MP3 (16 kbit/s mono, the default) from
--source virtual (the default: its own clock-paced devices playing legs.raw, no other
process) or --source jack (jackd's dummy driver with bench/jackgen.c playing legs.raw on
16 port pairs, as bench.py's jack-speech source); CPU = user+sys of the whole tapedeckd process
(/proc/PID/stat) over the hold, after a warm-up, per hour of audio the writers encoded
in it (the hold less how much further behind they fell: a saturated daemon, marked
`saturated` when it fell behind by over a second, encodes less than the wall time, and
per wall hour it would look cheaper than it is). Bare: bench/lame_bare.c on mono.raw
(median of --reps runs, CPU from getrusage of the child). Both as CPU-s per recorded
hour per recording; cost = daemon / bare. Each count runs --rounds times, every round
between two bare runs (the VM's speed drifts by tens of per cent within an hour): a
round's cost is its daemon figure over the mean of the bare runs either side, the count's
the median of its rounds (with their range). Exits 1 when a count's cost exceeds --limit.

bench/lame_paced.c (unless --paced-seconds 0): LAME alone, 16 encoders visited in turn,
offline and paced in real time with 160- and 1,152-frame visits: what being fed in real
time costs the encoder itself, apart from anything the daemon does. Beside each count
(unless --alike-seconds 0): LAME alone fed like the daemon at that count (N encoders
shared by as many processes as the daemon has writers, two MP3 frames per visit, in real
time): the daemon's cost if everything but the encoder were free; cost_vs_alike is the
daemon's CPU as a multiple of it; and alike again with four MP3 frames per visit (what
larger batches would save LAME).
--callgrind: instructions (valgrind's Ir) of `tapedeck record --offline` on the same
audio (ALSA `file` device, 100 ms periods, mono MP3) against lame_bare's: independent
of how busy the machine is. --profile-daemon N: tapedeckd under callgrind with N
stations for --profile-seconds, its top functions (where the daemon's time goes).
Writes bench/results/cost.json.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import (BENCH, RESULTS, TAPEDECK, TAPEDECKD, Client, ChildCPU, Daemon, Jack, alsa_env,  # noqa: E402
                   build_c, jack_layout, log, virtual_layout, machine, machine_busy_s, proc_cpu)

RATE = 8000
SPEECH_S = 180
# A jackd server of its own, apart from bench.py's capacity runs (which may run at the same time).
Jack.SERVER = "tapedeck-cost"
AGENT_LINES = [
    "Good morning, thank you for calling. My name is Sarah, how can I help you today?",
    "I am sorry to hear that. Could you give me your account number, please?",
    "Thank you. I can see the order here. It left our warehouse on Tuesday afternoon.",
    "It looks like the parcel was sent to your old address. Would you like me to redirect it?",
    "Of course. Can you confirm the new address for me, including the postcode?",
    "Perfect, I have updated that. The courier should deliver it within two working days.",
    "Is there anything else I can help you with today?",
    "You are very welcome. Thank you for your patience, and have a lovely afternoon.",
]
CUSTOMER_LINES = [
    "Hi, yes. I ordered a coffee machine two weeks ago and it still has not arrived.",
    "Sure, it is four seven one, nine nine two, three zero eight.",
    "Tuesday? Nobody has knocked on my door, and I have been at home all week.",
    "Oh, that would explain it. I moved house last month. Yes please, that would be great.",
    "It is twelve Orchard Lane, Milton, and the postcode is M K four, two B X.",
    "Two days is fine. Will I get a text message when it is on its way?",
    "No, that is everything. Thanks a lot for sorting it out so quickly.",
    "Bye now.",
]


def sox(*a):
    subprocess.run(["sox", *a], check=True, stderr=subprocess.DEVNULL)


def speech(work, seconds=SPEECH_S):
    """Two espeak-ng voices taking turns (a reply may start 0.3 s before the other ends),
    looped to `seconds`: work/legs.raw, work/mono.raw, work/agent.wav, work/customer.wav."""
    legs, mono = os.path.join(work, "legs.raw"), os.path.join(work, "mono.raw")
    if os.path.exists(legs) and os.path.getsize(legs) == seconds * RATE * 4 and os.path.exists(mono):
        return legs, mono
    os.makedirs(work, exist_ok=True)
    log(f"making {seconds} s of espeak-ng speech in {work}")
    lines = []
    for i, (a, c) in enumerate(zip(AGENT_LINES, CUSTOMER_LINES)):
        lines += [("agent", a, "en-gb+f3", 165), ("customer", c, "en-us+m3", 175)]
    clips = []
    for k, (who, text, voice, wpm) in enumerate(lines):
        raw = os.path.join(work, f"clip{k}.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", raw + ".22k.wav", text], check=True)
        sox(raw + ".22k.wav", "-r", str(RATE), "-b", "16", "-c", "1", raw, "highpass", "200", "lowpass", "3400",
            "gain", "-n", "-3")
        n = int(subprocess.run(["soxi", "-s", raw], capture_output=True, text=True, check=True).stdout)
        clips.append((who, raw, n))
    # Lay the clips on two tracks: each starts 0.3 s before the previous one ends (an
    # overlap) or, every third turn, 0.6 s after it (a pause).
    total = 0
    tracks = {"agent": [], "customer": []}
    for k, (who, raw, n) in enumerate(clips):
        start = max(0, total + (int(0.6 * RATE) if k % 3 == 2 else -int(0.3 * RATE)))
        tracks[who].append((raw, start))
        total = start + n
    conv = total + RATE
    out = {}
    for who, items in tracks.items():
        pads = []
        for j, (raw, start) in enumerate(items):
            p = os.path.join(work, f"{who}-pad{j}.wav")
            sox(raw, p, "pad", f"{start}s", "0")
            pads.append(p)
        mixed = os.path.join(work, f"{who}-conv.wav")
        sox("-m", *pads, mixed, "pad", "0", f"{conv}s", "trim", "0", f"{conv}s") if len(pads) > 1 else sox(pads[0], mixed)
        # A telephone line is never digital silence: a noise floor at about -60 dBFS.
        floor = os.path.join(work, f"{who}-floor.wav")
        sox("-n", "-r", str(RATE), "-b", "16", "-c", "1", floor, "synth", f"{conv}s", "pinknoise", "gain", "-60")
        both = os.path.join(work, f"{who}-line.wav")
        sox("-m", "-v", "1", mixed, "-v", "1", floor, both, "trim", "0", f"{conv}s")
        leg = os.path.join(work, f"{who}.wav")
        reps = str(seconds * RATE // conv)
        sox(both, leg, "repeat", reps, "trim", "0", f"{seconds * RATE}s")
        out[who] = leg
    sox("-M", out["agent"], out["customer"], "-t", "raw", "-e", "signed", "-b", "16", legs)
    sox("-m", "-v", "1", out["agent"], "-v", "1", out["customer"], "-t", "raw", "-e", "signed", "-b", "16", mono)
    assert os.path.getsize(legs) == seconds * RATE * 4, os.path.getsize(legs)
    return legs, mono


def bare(work, mono, reps):
    """lame_bare on mono.raw: median CPU-s per recorded hour over reps runs."""
    lame_bare = build_c(work, "lame_bare", ["-lmp3lame"])
    out = os.path.join(work, "bare.mp3")
    runs = []
    for _ in range(reps):
        with ChildCPU() as cpu:
            subprocess.run([lame_bare, str(RATE), "1", "16", mono, out], check=True)
        runs.append(cpu.cpu * 3600 / SPEECH_S)
    return {"cpu_s_per_recorded_hour": statistics.median(runs), "runs": runs}


PACED_CASES = [("offline, 160-frame visits", 160, 0), ("real time, 160-frame visits (a period)", 160, 1),
               ("real time, 1,152-frame visits (two MP3 frames)", 1152, 1)]


def paced(work, mono, seconds, streams=16):
    """bench/lame_paced.c: LAME alone, `streams` encoders visited in turn, offline and
    paced in real time at two visit sizes: what real-time feeding costs LAME itself."""
    prog = build_c(work, "lame_paced", ["-lmp3lame"])
    out = {}
    for label, chunk, is_paced in PACED_CASES:
        r = subprocess.run([prog, str(streams), str(chunk), str(is_paced), str(seconds), mono],
                           check=True, capture_output=True, text=True)
        out[label] = float(r.stdout.strip())
    return {"streams": streams, "seconds": seconds, "cpu_s_per_recorded_hour": out}


def alike(work, mono, n, writers, seconds, visit=1152):
    """LAME alone fed the way the daemon feeds it at n recordings: n encoders shared by as
    many processes as tapedeckd ran writer threads (`writers`, counted in its run), each
    visiting its encoders with two MP3 frames (1,152 frames; `visit`) every 144 ms of wall
    time (as long as a visit's audio). No capture, mixing, files or syncing: what the
    daemon's cost would be if its own work were free."""
    prog = build_c(work, "lame_paced", ["-lmp3lame"])
    procs = min(n, writers)
    r = subprocess.run([prog, str(n), str(visit), "1", str(seconds), mono, str(procs)],
                       check=True, capture_output=True, text=True)
    return {"encoders": n, "processes": procs, "seconds": seconds, "visit_frames": visit,
            "cpu_s_per_recorded_hour": float(r.stdout.strip())}


def speech_wav(work, legs):
    """legs.raw as a 2-channel WAV: the virtual devices' `speech` file (channel c of a
    device plays the file's channel c mod 2, so every station plays these two legs)."""
    out = os.path.join(work, "legs.wav")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(legs):
        sox("-t", "raw", "-r", str(RATE), "-e", "signed", "-b", "16", "-c", "2", legs, out)
    return out


def source(args, work, legs, n, alsa_dir):
    """The devices for n stations playing the speech, by --source: (jack or None, ALSA
    environment or None, devices, stations). "virtual": tapedeckd's own clock-paced
    devices playing legs.raw (no process but the daemon, like a card); "jack": jackd's
    dummy driver and jackgen (not started yet), whose ALSA plugin and client threads run
    inside the daemon and count in its CPU."""
    if args.source != "jack":
        return (None, None, *virtual_layout(n, speech=speech_wav(work, legs)))
    jwork = os.path.join(work, "jack")
    os.makedirs(jwork, exist_ok=True)
    shutil.copy(legs, os.path.join(jwork, "legs.raw"))
    jack = Jack(jwork, "silence", realtime=True)      # "silence": do not make bench.py's noise
    jack.signal, jack.jackgen = "speech", build_c(jwork, "jackgen", ["-l:libjack.so.0"])
    if n > jack.max_stations():
        raise SystemExit(f"at most {jack.max_stations()} stations on jackd")
    env = alsa_env(os.path.join(work, alsa_dir), jack.asoundrc((n + 31) // 32), {"JACK_DEFAULT_SERVER": Jack.SERVER})
    return (jack, env, *jack_layout(n))


def daemon(args, work, legs, n):
    """n stations recording MP3 from the source's speech (`source`); CPU-s per recorded
    hour per recording."""
    jack, env, devices, stations = source(args, work, legs, n, f"alsa-{n}")
    d = Daemon(os.path.join(work, f"daemon-{args.source}-{n}"), devices, stations)
    if jack:
        jack.start(f"cost-{n}")
    res = {"stations": n, "recordings": n, "source": args.source, "hold_s": args.hold, "warmup_s": args.warmup,
           "loadavg_before": os.getloadavg()}
    try:
        c = d.start(env=env)
        for i in range(n):
            r = c.req({"function": "login", "agent_user": f"a{i + 1}", "station": f"st{i + 1}",
                       "session_id": str(8600000 + i)})
            assert "data" in r, r
        for i in range(n):
            r = c.req({"function": "recording", "agent_user": f"a{i + 1}", "value": "START", "format": "mp3"})
            assert "data" in r, r
        time.sleep(args.warmup)
        lag0 = bench.metrics_sample(c)["writer_lag_s"]
        cpu0, th0, t0, busy0 = d.cpu_s(), d.threads_cpu(), time.monotonic(), machine_busy_s()
        j0 = {p: proc_cpu(p) for p in jack.pids()} if jack else {}
        stat0 = open(f"/proc/{d.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        time.sleep(args.hold)
        cpu1, th1, t1, busy1 = d.cpu_s(), d.threads_cpu(), time.monotonic(), machine_busy_s()
        stat1 = open(f"/proc/{d.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        lag = bench.metrics_sample(c)
        span = t1 - t0
        # The audio the writers encoded during the hold: the span less what they fell
        # further behind. A saturated daemon encodes less than the wall time, and its CPU
        # divided by the wall time would understate what a recorded hour costs it.
        encoded = span - max(0.0, lag["writer_lag_s"] - lag0)
        tck = os.sysconf("SC_CLK_TCK")
        res.update({
            "span_s": span,
            "encoded_s": encoded,
            "saturated": lag["writer_lag_s"] - lag0 > 1.0,
            "daemon_cpu_s": cpu1 - cpu0,
            "daemon_user_s": (int(stat1[11]) - int(stat0[11])) / tck,
            "daemon_sys_s": (int(stat1[12]) - int(stat0[12])) / tck,
            "cpu_s_per_recorded_hour": (cpu1 - cpu0) * 3600 / (n * encoded),
            "cpu_s_per_wall_hour": (cpu1 - cpu0) * 3600 / (n * span),
            "writer_lag_s_at_start": lag0,
            "threads_cpu_s": {k: round(th1.get(k, 0) - th0.get(k, 0), 2) for k in th1},
            "jack_cpu_s": sum(proc_cpu(p) - j0[p] for p in jack.pids()) if jack else 0,
            "machine_busy_cores": (busy1 - busy0) / span,
            "loadavg_after": os.getloadavg(),
            "writer_lag_s_at_end": lag["writer_lag_s"],
            "overruns": lag["overruns"],
        })
        for i in range(n):
            c.req({"function": "recording", "agent_user": f"a{i + 1}", "value": "STOP"})
        d.stop()
        rows = d.rows()
        res["recordings_completed"] = sum(1 for r in rows if r.get("status") == "completed")
        res["frames_lost"] = sum((r.get("frames_lost") or 0) for r in rows)
    finally:
        if d.proc.poll() is None:
            d.stop()
        if jack:
            res["jackd"] = jack.stop()
    return res


def nodebug(work, binary):
    """A copy of binary without its DWARF (Debian 12's valgrind 3.19 cannot read the DWARF 5
    Swift writes and gives up); the symbol table stays, so functions keep their names."""
    out = os.path.join(work, os.path.basename(binary) + ".nodebug")
    subprocess.run(["strip", "--strip-debug", "-o", out, binary], check=True)
    return out


def callgrind_ir(cmd, work, name, env=None):
    out = os.path.join(work, f"callgrind.{name}")
    r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    total = 0
    for line in open(out):   # one part per thread: add them up
        if line.startswith("summary:"):
            total += int(line.split()[1])
    if total:
        return total, out
    raise RuntimeError("no callgrind summary")


def instructions(work, legs, mono):
    env = dict(os.environ, XDG_CONFIG_HOME=work)
    os.makedirs(os.path.join(work, "alsa"), exist_ok=True)
    with open(os.path.join(work, "alsa", "asoundrc"), "w") as f:
        f.write(f'pcm.benchin {{\n type file\n slave.pcm "null"\n file "/dev/null"\n infile "{legs}"\n format "raw"\n}}\n')
    td_out = os.path.join(work, "td-offline.mp3")
    for p in (td_out, td_out + ".part"):
        if os.path.exists(p):
            os.remove(p)
    td, _ = callgrind_ir([nodebug(work, bench.TAPEDECK), "record", "--offline", "--device", "benchin", "--duration", str(SPEECH_S),
                          "--period", "100", "--mode", "mono", td_out], work, "tapedeck", env)
    lame_bare = build_c(work, "lame_bare", ["-lmp3lame"])
    bare_ir, _ = callgrind_ir([lame_bare, str(RATE), "1", "16", mono, os.path.join(work, "bare-cg.mp3")], work, "bare")
    return {"tapedeck_record_offline_ir": td, "lame_bare_ir": bare_ir, "cost": td / bare_ir}


def profile_daemon(args, work, legs):
    """tapedeckd under callgrind with N stations recording from --source: its top
    functions by Ir (instructions, so the machine's load does not matter)."""
    n = args.profile_daemon
    jack, env, devices, stations = source(args, work, legs, n, "alsa-prof")
    dwork = os.path.join(work, "daemon-prof")
    d = Daemon(dwork, devices, stations)
    out = os.path.join(work, "callgrind.tapedeckd")
    if jack:
        jack.start("prof")
    real = nodebug(work, bench.TAPEDECKD)
    wrapper = os.path.join(work, "tapedeckd-callgrind")
    with open(wrapper, "w") as f:
        f.write(f'#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file={out} {real} "$@"\n')
    os.chmod(wrapper, 0o755)
    bench.TAPEDECKD = wrapper
    try:
        c = d.start(env=env)
        for i in range(n):
            c.req({"function": "login", "agent_user": f"a{i + 1}", "station": f"st{i + 1}", "session_id": str(8600000 + i)})
            c.req({"function": "recording", "agent_user": f"a{i + 1}", "value": "START", "format": "mp3"})
        time.sleep(args.profile_seconds)
        for i in range(n):
            c.req({"function": "recording", "agent_user": f"a{i + 1}", "value": "STOP"})
        d.stop()
    finally:
        bench.TAPEDECKD = TAPEDECKD
        if jack:
            jack.stop()
    r = subprocess.run(["callgrind_annotate", "--inclusive=no", out], capture_output=True, text=True)
    top = [l for l in r.stdout.splitlines() if l.strip() and l.strip()[0].isdigit()][:25]
    return {"stations": n, "source": args.source, "seconds": args.profile_seconds, "top_self_ir": top}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.join(os.environ.get("TAPEDECK_BENCH_WORK", "/tmp/tapedeck-bench"), "cost"))
    ap.add_argument("--counts", default="64,512")
    ap.add_argument("--hold", type=int, default=120, help="seconds measured per count")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--reps", type=int, default=5, help="bare lame runs (median)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="daemon runs per count, each between two bare runs; the count's cost is their median")
    ap.add_argument("--limit", type=float, default=1.10)
    ap.add_argument("--callgrind", action="store_true")
    ap.add_argument("--profile-daemon", type=int, default=0, metavar="N")
    ap.add_argument("--profile-seconds", type=int, default=30)
    ap.add_argument("--paced-seconds", type=int, default=30,
                    help="audio per bench/lame_paced.c case (LAME alone, offline and in real time); 0 skips them")
    ap.add_argument("--alike-seconds", type=int, default=30,
                    help="audio of LAME alone fed like the daemon, beside each count; 0 skips it")
    ap.add_argument("--source", default="virtual", choices=["virtual", "jack"],
                    help="virtual: tapedeckd's own devices playing the speech (only the daemon runs); "
                         "jack: jackd's dummy driver and jackgen (their plugin threads count in the daemon)")
    ap.add_argument("--tag", default="", help="a label stored with the results (e.g. the commit)")
    args = ap.parse_args()
    legs, mono = speech(args.work)
    res = {"tag": args.tag, "source": args.source, "speech_s": SPEECH_S, "machine": machine(), "counts": {}}
    res["bare"] = bare(args.work, mono, args.reps)
    ok = True
    before = res["bare"]["cpu_s_per_recorded_hour"]
    for n in [int(x) for x in args.counts.split(",") if x]:
        # Rounds of the daemon, each between two runs of bare LAME (the machine's speed
        # drifts): a round's cost is its daemon figure over the mean of the bare runs either
        # side of it, the count's cost the median of its rounds.
        # (The bare run after a count's last round is the next count's first "before".)
        rounds = []
        for k in range(args.rounds):
            r = daemon(args, args.work, legs, n)
            after = bare(args.work, mono, args.reps)["cpu_s_per_recorded_hour"]
            r["bare_before"], r["bare_after"] = before, after
            r["bare_cpu_s_per_recorded_hour"] = (before + after) / 2
            r["cost"] = r["cpu_s_per_recorded_hour"] / r["bare_cpu_s_per_recorded_hour"]
            log(f"  {n} stations, round {k + 1}/{args.rounds}: daemon {r['cpu_s_per_recorded_hour']:.2f} CPU-s/h "
                f"per recording, bare {before:.2f} / {after:.2f}: cost {r['cost']:.2f}x"
                + (f" (saturated: writer lag {r['writer_lag_s_at_start']:.2f} -> {r['writer_lag_s_at_end']:.2f} s)"
                   if r["saturated"] else ""))
            rounds.append(r)
            before = after
        r = dict(sorted(rounds, key=lambda x: x["cost"])[len(rounds) // 2])   # the median round
        r["rounds"] = [{k: x[k] for k in ("cost", "cpu_s_per_recorded_hour", "bare_before", "bare_after",
                                          "daemon_user_s", "daemon_sys_s", "threads_cpu_s", "loadavg_before",
                                          "loadavg_after", "overruns", "frames_lost", "recordings_completed",
                                          "writer_lag_s_at_start", "writer_lag_s_at_end", "saturated")}
                      for x in rounds]
        r["cost_min"], r["cost_max"] = min(x["cost"] for x in rounds), max(x["cost"] for x in rounds)
        if args.alike_seconds:
            writers = sum(1 for k in r["threads_cpu_s"] if k.startswith("tapedeck-wr"))
            r["lame_alike"] = alike(args.work, mono, n, writers, args.alike_seconds)
            r["cost_vs_alike"] = r["cpu_s_per_recorded_hour"] / r["lame_alike"]["cpu_s_per_recorded_hour"]
            # Would larger visits (a ring that survives a kill -9) make LAME cheaper? Four
            # MP3 frames of 8 kHz per visit, 576 ms, against the daemon's two.
            r["lame_alike_4608"] = alike(args.work, mono, n, writers, args.alike_seconds, visit=4608)
        res["counts"][str(n)] = r
        ok = ok and r["cost"] <= args.limit
        log(f"  {n} stations: median of {args.rounds} rounds: cost {r['cost']:.2f}x "
            f"({r['cost_min']:.2f}-{r['cost_max']:.2f})"
            + (f"; LAME alone fed alike {r['lame_alike']['cpu_s_per_recorded_hour']:.2f}: "
               f"{r['cost_vs_alike']:.2f}x; with 4,608-frame visits "
               f"{r['lame_alike_4608']['cpu_s_per_recorded_hour']:.2f}" if "lame_alike" in r else ""))
    if args.paced_seconds:
        res["lame_paced"] = paced(args.work, mono, args.paced_seconds)
    if args.callgrind:
        res["instructions"] = instructions(args.work, legs, mono)
    if args.profile_daemon:
        res["daemon_profile"] = profile_daemon(args, args.work, legs)
    os.makedirs(RESULTS, exist_ok=True)
    res["written_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    with open(os.path.join(RESULTS, "cost.json" if not args.tag else f"cost-{args.tag}.json"), "w") as f:
        json.dump(res, f, indent=2)
    print(f"\nDaemon cost per MP3 recording (16 kbit/s mono) on {SPEECH_S} s of espeak-ng speech, "
          f"hold {args.hold} s after {args.warmup} s, {args.source} devices")
    print(f"{'stations':>8s} {'daemon CPU-s/h':>15s} {'bare CPU-s/h':>13s} {'cost':>7s} {'rounds':>11s} "
          f"{'alike CPU-s/h':>14s} {'vs alike':>9s} {'user s':>7s} {'sys s':>7s} {'load':>6s}")
    for n, r in res["counts"].items():
        a = r.get("lame_alike", {}).get("cpu_s_per_recorded_hour", float("nan"))
        print(f"{n:>8s} {r['cpu_s_per_recorded_hour']:15.2f} {r['bare_cpu_s_per_recorded_hour']:13.2f} "
              f"{r['cost']:6.2f}x {r['cost_min']:5.2f}-{r['cost_max']:4.2f} {a:14.2f} "
              f"{r.get('cost_vs_alike', float('nan')):8.2f}x "
              f"{r['daemon_user_s']:7.1f} {r['daemon_sys_s']:7.1f} {r['loadavg_after'][0]:6.1f}")
    if "lame_paced" in res:
        p = res["lame_paced"]
        print(f"LAME alone, {p['streams']} encoders visited in turn ({p['seconds']} s of audio):")
        for label, v in p["cpu_s_per_recorded_hour"].items():
            print(f"  {label}: {v:.2f} CPU-s/h per stream")
    if "instructions" in res:
        i = res["instructions"]
        print(f"instructions: tapedeck record --offline {i['tapedeck_record_offline_ir']:,} Ir, "
              f"lame_bare {i['lame_bare_ir']:,} Ir: cost {i['cost']:.3f}x")
    if "daemon_profile" in res:
        print("\n".join(res["daemon_profile"]["top_self_ir"]))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
