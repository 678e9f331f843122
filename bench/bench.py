#!/usr/bin/env python3
"""Tapedeck benchmark suite (issue 7). Run through bench/run; see bench/RESULTS.md.

Figures: throughput (whole path vs bare libmp3lame, lame CLI, the VICIdial-style
pipeline, ffmpeg), memory (RSS per station / per recording), capacity (stations
recording at once in real time, zero frames lost), latency (STOP→final, request
percentiles under load). Writes bench/results/<figure>.json and prints a table.
"""
import argparse, json, os, platform, resource, shutil, signal, socket, sqlite3, statistics
import subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
RESULTS = os.environ.get("TAPEDECK_BENCH_RESULTS", os.path.join(BENCH, "results"))
BUILD = os.environ.get("TAPEDECK_BENCH_BUILD", os.path.join(ROOT, ".build-bench", "release"))
TAPEDECK = os.path.join(BUILD, "tapedeck")
TAPEDECKD = os.path.join(BUILD, "tapedeckd")
RATE = 8000


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(int(mem) / 2**20, 1),
            "kernel": platform.release(), "loadavg_at_start": os.getloadavg(),
            "swift": subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
            if shutil.which("swift") else None,
            "lame": subprocess.run(["lame", "--version"], capture_output=True, text=True).stdout.split("\n")[0],
            "ffmpeg": subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0],
            "sox": subprocess.run(["sox", "--version"], capture_output=True, text=True).stdout.strip()}


def write_json(name, obj):
    os.makedirs(RESULTS, exist_ok=True)
    obj = dict(obj, machine=machine(), written_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    with open(os.path.join(RESULTS, name + ".json"), "w") as f:
        json.dump(obj, f, indent=2)


def timed(cmd, env=None, **kw):
    """Runs cmd; returns (user+sys CPU seconds of it and its children, wall seconds, max RSS KiB)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    out, err = p.communicate()
    wall = time.monotonic() - t0
    # communicate() reaped it through waitpid: take the rusage from RUSAGE_CHILDREN deltas instead.
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({p.returncode}): {err.decode()[-2000:]}")
    return out.decode(), err.decode(), wall


class ChildCPU:
    """CPU of the children reaped between enter and exit (getrusage(RUSAGE_CHILDREN) delta)."""
    def __enter__(self):
        self.r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(self, *a):
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.user = r1.ru_utime - self.r0.ru_utime
        self.sys = r1.ru_stime - self.r0.ru_stime
        self.cpu = self.user + self.sys
        self.maxrss_kib = r1.ru_maxrss   # high-water mark over all children so far


# ---------------------------------------------------------------- test audio

def make_audio(work, seconds):
    """Speech-like two-leg test audio: modulated brown/pink noise at syllable rate, the legs
    taking turns every ~6 s (the agent 'louder' while the customer is quieter and back),
    -12 dBFS peaks so a summed mix never clips. Legs as raw 2-channel S16_LE, each leg as
    its own WAV (what Asterisk's MixMonitor leaves on a VICIdial box), and the mono sum."""
    legs = os.path.join(work, "legs.raw")
    if os.path.exists(legs) and os.path.getsize(legs) == seconds * RATE * 4:
        return
    log(f"generating {seconds} s of test audio in {work}")
    a, c = os.path.join(work, "agent-in.wav"), os.path.join(work, "customer-out.wav")
    # One minute of each leg (fixed gain, one pass), repeated to the length asked for.
    s = "60"
    a1, c1 = os.path.join(work, "agent-1min.wav"), os.path.join(work, "customer-1min.wav")
    subprocess.run(["sox", "-n", "-r", "8000", "-b", "16", "-c", "1", a1, "synth", s, "brownnoise",
                    "synth", s, "sine", "amod", "3.1", "70", "synth", s, "square", "amod", "0.083", "60", "0",
                    "gain", "-14"], check=True)
    subprocess.run(["sox", "-n", "-r", "8000", "-b", "16", "-c", "1", c1, "synth", s, "pinknoise",
                    "synth", s, "sine", "amod", "4.3", "70", "synth", s, "square", "amod", "0.083", "60", "50",
                    "lowpass", "3400", "gain", "-8"], check=True)
    reps = str(max(0, seconds // 60 - 1))
    subprocess.run(["sox", a1, a, "repeat", reps], check=True)
    subprocess.run(["sox", c1, c, "repeat", reps], check=True)
    subprocess.run(["sox", "-M", a, c, "-t", "raw", "-e", "signed", "-b", "16", legs], check=True)
    # The mono sum (what tapedeck's mono mix produces: agent + customer, saturated).
    subprocess.run(["sox", "-m", "-v", "1", a, "-v", "1", c, "-t", "raw", "-e", "signed", "-b", "16",
                    os.path.join(work, "mono.raw")], check=True)


AGENT_LINES = [
    "Good morning, thank you for calling the service desk, my name is Daniel, how can I help you today?",
    "I can certainly look into that for you. Could you give me the account number on your last letter?",
    "Thank you. I can see the order here, it was sent on the fourteenth and should have arrived by now.",
    "I am sorry to hear that. I will open a claim with the courier and send you a replacement at no charge.",
    "It should reach you within three working days. Is the delivery address still the same as before?",
    "Perfect. Is there anything else I can help you with while I have you on the line?",
]
CUSTOMER_LINES = [
    "Hello, yes, I ordered a kettle two weeks ago and it still has not arrived.",
    "Yes, it is four seven one, nine nine two, three zero five.",
    "Well it has not. I have been at home every day and nobody came to the door.",
    "Oh that would be great, thank you. How long will the replacement take?",
    "Yes, same address, flat two, twenty one Station Road.",
    "No, that is everything. Thanks for your help, goodbye.",
]
SPEECH_SECONDS = 60


def make_speech(work, seconds=SPEECH_SECONDS):
    """Recorded speech for the capacity benchmark: a call-centre conversation spoken by
    espeak-ng (agent: en-us male, customer: en-gb female), the legs taking turns with
    0.4 s of overlap at each change of speaker, repeated to `seconds` (a whole number of
    50 ms bins) at 8 kHz. Writes speech.wav (2 channels, 16 bit: the virtual device's
    `speech` file), legs.raw (the same, raw, for jackgen) and returns their path."""
    import numpy as np, wave
    out = os.path.join(work, "speech.wav")
    raw = os.path.join(work, "legs.raw")
    if os.path.exists(out) and os.path.exists(raw) and os.path.getsize(raw) == seconds * RATE * 4:
        return out
    if not shutil.which("espeak-ng"):
        raise SystemExit("espeak-ng is needed for the speech signal (apt-get install espeak-ng)")
    os.makedirs(work, exist_ok=True)
    log(f"generating {seconds} s of espeak-ng speech in {work}")

    def speak(text, voice, k):
        w22, w8 = os.path.join(work, f"utt{k}.22k.wav"), os.path.join(work, f"utt{k}.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", w22, text], check=True)
        subprocess.run(["sox", w22, "-r", str(RATE), "-b", "16", "-c", "1", w8, "gain", "-n", "-6"], check=True)
        with wave.open(w8) as f:
            return np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(np.float64)

    turns = []
    for i, (a, c) in enumerate(zip(AGENT_LINES, CUSTOMER_LINES)):
        turns.append((0, speak(a, "en-us+m3", 2 * i)))
        turns.append((1, speak(c, "en-gb+f3", 2 * i + 1)))
    total = seconds * RATE
    legs = np.zeros((total, 2))
    t, k, overlap = int(0.3 * RATE), 0, int(0.4 * RATE)
    while True:
        leg, x = turns[k % len(turns)]
        if t + len(x) > total - int(0.3 * RATE):
            break
        legs[t:t + len(x), leg] += x
        t += len(x) - overlap
        k += 1
    pcm = np.clip(legs, -32768, 32767).astype("<i2")
    with wave.open(out, "wb") as f:
        f.setnchannels(2)
        f.setsampwidth(2)
        f.setframerate(RATE)
        f.writeframes(pcm.tobytes())
    pcm.tofile(raw)
    return out


def envelope(x, hop, window=400):
    """RMS in `window`-frame windows every `hop` frames (50 ms windows at 8 kHz)."""
    import numpy as np
    x = np.asarray(x, dtype=np.float64)
    n = (len(x) - window) // hop + 1
    if n <= 0:
        return np.zeros(0)
    c = np.concatenate([[0.0], np.cumsum(x * x)])
    starts = np.arange(n) * hop
    return np.sqrt((c[starts + window] - c[starts]) / window)


class SpeechReference:
    """The speech every virtual station plays, as its mono mix's 50 ms RMS envelope at a
    5 ms hop around the loop: a file's envelope is found in it by correlation."""
    WINDOW, HOP, FINE = 400, 400, 40

    def __init__(self, wav):
        import numpy as np, wave
        with wave.open(wav) as f:
            legs = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").reshape(-1, 2).astype(np.float64)
        self.mono = np.clip(legs[:, 0] + legs[:, 1], -32768, 32767)
        self.frames = len(self.mono)
        looped = np.concatenate([self.mono, self.mono[:self.WINDOW]])
        self.fine = envelope(looped, self.FINE, self.WINDOW)[:self.frames // self.FINE]

    def check(self, samples, block=200):
        """Where in the loop the file's envelope fits (searched on its first 10 s: at 50 ms
        steps, then 5 ms around the best), and there the Pearson correlation of the envelopes
        in every 10 s block (a shorter last block of 5 s or more counts): (lowest block's r,
        whole file's r, offset in frames)."""
        import numpy as np
        env = envelope(samples, self.HOP, self.WINDOW)
        if len(env) < 20:
            return None, None, None
        step, m = self.HOP // self.FINE, len(self.fine)
        head = env[:block] - env[:block].mean()

        def corr(offsets):
            idx = (np.asarray(offsets)[:, None] + step * np.arange(len(head))[None, :]) % m
            cand = self.fine[idx]
            cc = cand - cand.mean(axis=1, keepdims=True)
            return (cc @ head) / (np.sqrt((cc * cc).sum(axis=1) * (head * head).sum()) + 1e-9)

        coarse = np.arange(0, m, step)
        best = int(coarse[int(np.argmax(corr(coarse)))])
        fine = (best + np.arange(-step, step + 1)) % m
        best = int(fine[int(np.argmax(corr(fine)))])
        ref = self.fine[(best + step * np.arange(len(env))) % m]

        def r(a, b):
            return float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else 0.0
        blocks = [r(env[i:i + block], ref[i:i + block]) for i in range(0, len(env), block)
                  if len(env[i:i + block]) >= block // 2 or i == 0]
        return min(blocks), r(env, ref), best * self.FINE


def decode_mono(path):
    """A recording decoded to 8 kHz mono S16 (ffmpeg: MP3 and WAV alike), as numpy."""
    import numpy as np
    r = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-f", "s16le", "-ac", "1",
                        "-ar", str(RATE), "-"], capture_output=True)
    if r.returncode != 0:
        return None
    return np.frombuffer(r.stdout, dtype="<i2")


def slope(ts, ys):
    """Least-squares slope of ys over ts (None with fewer than 3 samples)."""
    n = len(ts)
    if n < 3:
        return None
    mt, my = sum(ts) / n, sum(ys) / n
    den = sum((t - mt) ** 2 for t in ts)
    return sum((t - mt) * (y - my) for t, y in zip(ts, ys)) / den if den > 0 else None


def alsa_file_device(work):
    d = os.path.join(work, "alsa")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "asoundrc"), "w") as f:
        f.write(f'pcm.benchin {{\n type file\n slave.pcm "null"\n file "/dev/null"\n'
                f' infile "{work}/legs.raw"\n format "raw"\n}}\n')
    return dict(os.environ, XDG_CONFIG_HOME=work)


# ---------------------------------------------------------------- figure 1: throughput

def throughput(args):
    work = args.work
    os.makedirs(work, exist_ok=True)
    seconds = args.seconds
    make_audio(work, seconds)
    assert seconds % 60 == 0, "whole minutes"
    env = alsa_file_device(work)
    out = os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)
    lame_bare = os.path.join(work, "lame_bare")
    subprocess.run(["gcc", "-O2", "-o", lame_bare, os.path.join(BENCH, "lame_bare.c"), "-lmp3lame"], check=True)
    a, c = os.path.join(work, "agent-in.wav"), os.path.join(work, "customer-out.wav")
    mono_raw, legs = os.path.join(work, "mono.raw"), os.path.join(work, "legs.raw")
    raw = ["-r", "-s", "8", "--bitwidth", "16", "--signed", "--little-endian"]

    def p(name):
        path = os.path.join(out, name)
        for x in (path, path + ".part"):
            if os.path.exists(x):
                os.remove(x)
        return path

    def td(mode, name, period=100):
        # 100 ms capture periods: one station alone on its device pays a device's per-period
        # cost (ALSA calls, the file plugin's read and write) by itself; the "20 ms" rows
        # show the default period (RESULTS.md, section 1).
        return lambda: [[TAPEDECK, "record", "--offline", "--device", "benchin", "--duration", str(seconds),
                         "--period", str(period), "--mode", mode, p(name)]]

    cases = {
        # name: lambda returning [commands]; the files each writes are in `disk`
        "tapedeck mp3 mono": td("mono", "td-mono.mp3"),
        "tapedeck mp3 stereo": td("stereo", "td-stereo.mp3"),
        "tapedeck mp3 mono, 20 ms periods": td("mono", "td-mono-20.mp3", period=20),
        "tapedeck mp3 stereo, 20 ms periods": td("stereo", "td-stereo-20.mp3", period=20),
        "tapedeck wav mono": td("mono", "td-mono.wav"),
        "tapedeck wav stereo": td("stereo", "td-stereo.wav"),
        "bare libmp3lame mono": lambda: [[lame_bare, "8000", "1", "16", mono_raw, p("bare-mono.mp3")]],
        "bare libmp3lame stereo": lambda: [[lame_bare, "8000", "2", "32", legs, p("bare-stereo.mp3")]],
        "lame CLI mono": lambda: [["lame", "--quiet", *raw, "-m", "m", "-b", "16", mono_raw, p("lame-mono.mp3")]],
        "lame CLI stereo": lambda: [["lame", "--quiet", *raw, "-m", "j", "-b", "32", legs, p("lame-stereo.mp3")]],
        # VICIdial: AST_CRON_audio_1_move_mix.pl `sox -m in.wav out.wav mix.wav`, then
        # AST_CRON_audio_2_compress.pl `lame -b 16 -m m mix.wav mix.mp3`.
        "VICIdial sox+lame mono": lambda: [["sox", "-m", a, c, p("vici-mix.wav")],
                                          ["lame", "--quiet", "-b", "16", "-m", "m", os.path.join(out, "vici-mix.wav"),
                                           p("vici-mix.mp3")]],
        # ffmpeg reads the same two-leg audio as raw S16_LE (fallback: ffmpeg's ALSA input on
        # the file device is paced by wall time and mis-sized here, see RESULTS.md).
        "ffmpeg mp3 mono": lambda: [["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "s16le", "-ar", "8000", "-ac", "2",
                                     "-i", legs, "-ac", "1", "-c:a", "libmp3lame", "-b:a", "16k", "-y", p("ff-mono.mp3")]],
        "ffmpeg mp3 stereo": lambda: [["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "s16le", "-ar", "8000", "-ac", "2",
                                       "-i", legs, "-ac", "2", "-c:a", "libmp3lame", "-b:a", "32k", "-y", p("ff-stereo.mp3")]],
    }
    disk = {  # bytes each pipeline writes (final sizes of every file it leaves or writes on the way)
        "tapedeck mp3 mono": ["td-mono.mp3"], "tapedeck mp3 stereo": ["td-stereo.mp3"],
        "tapedeck mp3 mono, 20 ms periods": ["td-mono-20.mp3"], "tapedeck mp3 stereo, 20 ms periods": ["td-stereo-20.mp3"],
        "tapedeck wav mono": ["td-mono.wav"], "tapedeck wav stereo": ["td-stereo.wav"],
        "bare libmp3lame mono": ["bare-mono.mp3"], "bare libmp3lame stereo": ["bare-stereo.mp3"],
        "lame CLI mono": ["lame-mono.mp3"], "lame CLI stereo": ["lame-stereo.mp3"],
        "VICIdial sox+lame mono": ["@agent-in.wav", "@customer-out.wav", "vici-mix.wav", "vici-mix.mp3"],
        "ffmpeg mp3 mono": ["ff-mono.mp3"], "ffmpeg mp3 stereo": ["ff-stereo.mp3"],
    }
    only = set(args.only.split(",")) if args.only else None
    results = {}
    for rep in range(args.reps):
        for name, make in cases.items():
            if only and not any(o in name for o in only):
                continue
            cmds = make()
            with ChildCPU() as cpu:
                t0 = time.monotonic()
                msgs = [timed(cmd, env=env) for cmd in cmds]
                wall = time.monotonic() - t0
            files = [os.path.join(work, f[1:]) if f.startswith("@") else os.path.join(out, f) for f in disk[name]]
            r = results.setdefault(name, {"runs": []})
            r["runs"].append({"cpu_s": cpu.cpu, "user_s": cpu.user, "sys_s": cpu.sys, "wall_s": wall,
                              "loadavg_1min_after": os.getloadavg()[0]})
            r["bytes_written"] = sum(os.path.getsize(f) for f in files)
            r["commands"] = [" ".join(c) for c in cmds]
            if name.startswith("tapedeck"):
                r["tapedeck_says"] = msgs[0][0].strip()
            log(f"  rep {rep + 1} {name:34s} cpu {cpu.cpu:7.2f} s  wall {wall:7.2f} s")
    for name, r in results.items():
        cpu = statistics.median(x["cpu_s"] for x in r["runs"])
        r["cpu_s_median"] = cpu
        r["audio_s"] = seconds
        r["audio_s_per_cpu_s"] = seconds / cpu if cpu > 0 else None
        r["cpu_s_per_recorded_hour"] = cpu * 3600 / seconds
    # Ratios to the peers (same channel count).
    def ratio(a, b):
        if a in results and b in results:
            return results[a]["audio_s_per_cpu_s"] / results[b]["audio_s_per_cpu_s"]
    ratios = {
        "mono mp3: tapedeck / bare libmp3lame": ratio("tapedeck mp3 mono", "bare libmp3lame mono"),
        "stereo mp3: tapedeck / bare libmp3lame": ratio("tapedeck mp3 stereo", "bare libmp3lame stereo"),
        "mono mp3, 20 ms periods: tapedeck / bare libmp3lame": ratio("tapedeck mp3 mono, 20 ms periods",
                                                                     "bare libmp3lame mono"),
        "stereo mp3, 20 ms periods: tapedeck / bare libmp3lame": ratio("tapedeck mp3 stereo, 20 ms periods",
                                                                       "bare libmp3lame stereo"),
        "mono mp3: tapedeck / lame CLI": ratio("tapedeck mp3 mono", "lame CLI mono"),
        "mono mp3: tapedeck / VICIdial sox+lame": ratio("tapedeck mp3 mono", "VICIdial sox+lame mono"),
        "mono mp3: tapedeck / ffmpeg": ratio("tapedeck mp3 mono", "ffmpeg mp3 mono"),
        "stereo mp3: tapedeck / ffmpeg": ratio("tapedeck mp3 stereo", "ffmpeg mp3 stereo"),
    }
    if "tapedeck mp3 mono" in results and "VICIdial sox+lame mono" in results:
        ratios["disk bytes: VICIdial / tapedeck mp3 mono"] = (results["VICIdial sox+lame mono"]["bytes_written"]
                                                             / results["tapedeck mp3 mono"]["bytes_written"])
    write_json("throughput", {"audio_seconds": seconds, "reps": args.reps, "results": results,
                              "ratios": {k: v for k, v in ratios.items() if v is not None}})
    print(f"\nThroughput: {seconds} s of 8 kHz audio, median of {args.reps} run(s); CPU = user+sys of the process tree")
    print(f"{'pipeline':36s} {'CPU s':>8s} {'audio s/CPU s':>14s} {'CPU s/rec. h':>13s} {'bytes written':>14s}")
    for name, r in results.items():
        print(f"{name:36s} {r['cpu_s_median']:8.2f} {r['audio_s_per_cpu_s']:14.0f} {r['cpu_s_per_recorded_hour']:13.2f} "
              f"{r['bytes_written']:14d}")
    for k, v in ratios.items():
        if v is not None:
            print(f"  {k}: {v:.3f}")


# ---------------------------------------------------------------- the daemon

class Daemon:
    def __init__(self, work, devices, stations, history=30, control=(), recording=()):
        self.work = work
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(os.path.join(work, "spool"))
        # The socket's folder on a tmpfs, as /run/tapedeck is under systemd: the MP3
        # write-behind tails live beside it (docs/recording.md, "Checkpoints").
        self.rundir = f"/dev/shm/tapedeck-bench-{os.getpid()}-{os.path.basename(work)[:40]}"
        shutil.rmtree(self.rundir, ignore_errors=True)
        os.makedirs(self.rundir)
        self.sock = os.path.join(self.rundir, "control.sock")
        self.db = os.path.join(work, "recordings.sqlite")
        toml = [f'server_ip = "10.0.0.5"', f'spool = "{work}/spool"', f'database = "{self.db}"',
                "[control]", f'socket = "{self.sock}"', 'mode = "0600"', *control,
                "[recording]", f"history_seconds = {history}", "limit_minutes = 1440",
                # Every station may record at once (the default limit is 256 recordings).
                f"max_recordings = {min(4096, len(stations) + 8)}", *recording]
        for d in devices:
            toml += ["[[device]]", f'name = "{d["name"]}"', f'pcm = "{d["pcm"]}"', f'channels = {d["channels"]}',
                     f'period_ms = {d.get("period_ms", 20)}'] + ([f'speech = "{d["speech"]}"'] if d.get("speech") else [])
        for s in stations:
            toml += ["[[station]]", f'name = "{s["name"]}"', f'device = "{s["device"]}"',
                     f'agent_channel = {s["agent"]}', f'customer_channel = {s["customer"]}']
        self.config = os.path.join(work, "tapedeck.toml")
        open(self.config, "w").write("\n".join(toml) + "\n")

    def start(self, env=None):
        self.errlog = open(os.path.join(self.work, "tapedeckd.log"), "w")
        self.proc = subprocess.Popen([TAPEDECKD, "--config", self.config, "--log-level", "notice"],
                                     stdout=self.errlog, stderr=self.errlog, env=env)
        for _ in range(3000):
            if os.path.exists(self.sock):
                try:
                    return Client(self.sock)
                except OSError:
                    pass
            if self.proc.poll() is not None:
                raise RuntimeError("tapedeckd exited: " + open(os.path.join(self.work, "tapedeckd.log")).read()[-2000:])
            time.sleep(0.01)
        raise RuntimeError("tapedeckd did not open its socket")

    def cpu_s(self):
        f = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        tck = os.sysconf("SC_CLK_TCK")
        return (int(f[11]) + int(f[12])) / tck

    def rss_kib(self):
        for l in open(f"/proc/{self.proc.pid}/status"):
            if l.startswith("VmRSS"):
                return int(l.split()[1])

    def threads_cpu(self):
        tck = os.sysconf("SC_CLK_TCK")
        out = {}
        for t in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                name = open(f"/proc/{self.proc.pid}/task/{t}/comm").read().strip()
                f = open(f"/proc/{self.proc.pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()
                out.setdefault(name, 0.0)
                out[name] += (int(f[11]) + int(f[12])) / tck
            except OSError:
                pass
        return out

    def threads_runqueue_s(self):
        """Seconds each thread name spent runnable but waiting for a core (schedstat)."""
        out = {}
        for t in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                name = open(f"/proc/{self.proc.pid}/task/{t}/comm").read().strip()
                out[name] = out.get(name, 0.0) + int(open(f"/proc/{self.proc.pid}/task/{t}/schedstat").read().split()[1]) / 1e9
            except (OSError, IndexError):
                pass
        return out

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.rundir, ignore_errors=True)

    def rows(self):
        con = sqlite3.connect(self.db)
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("select * from recording_log")]


def proc_cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_s():
    """CPU seconds the whole machine has been busy (all cores; /proc/stat, idle and iowait excluded)."""
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (sum(f[:8]) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rb")

    def send(self, obj):
        self.s.sendall((json.dumps(obj) + "\n").encode())

    def reply(self):
        return json.loads(self.f.readline())

    def req(self, obj):
        self.send(obj)
        return self.reply()

    def close(self):
        self.f.close()
        self.s.close()


def build_c(work, name, libs=()):
    """Compiles bench/NAME.c into WORK/NAME (once per change of the source)."""
    out, src = os.path.join(work, name), os.path.join(BENCH, name + ".c")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(work, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-Wall", "-o", out, src, *libs], check=True)
    return out


def alsa_env(work, pcm_text, extra=None):
    """An environment whose ALSA configuration ($XDG_CONFIG_HOME/alsa/asoundrc) adds pcm_text."""
    d = os.path.join(work, "alsa")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "asoundrc"), "w") as f:
        f.write(pcm_text)
    return dict(os.environ, XDG_CONFIG_HOME=work, **(extra or {}))


def virtual_layout(n, per_device=32, speech=None):
    devices, stations = [], []
    for d in range((n + per_device - 1) // per_device):
        k = min(per_device, n - d * per_device)
        devices.append({"name": f"v{d}", "pcm": "virtual", "channels": 2 * k, "speech": speech})
        for i in range(k):
            stations.append({"name": f"st{d * per_device + i + 1}", "device": f"v{d}", "agent": 2 * i, "customer": 2 * i + 1})
    return devices, stations


def jack_layout(n, per_device=32):
    devices, stations = [], []
    for d in range((n + per_device - 1) // per_device):
        k = min(per_device, n - d * per_device)
        devices.append({"name": f"j{d}", "pcm": f"j{d}", "channels": 64})
        for i in range(k):
            stations.append({"name": f"st{d * per_device + i + 1}", "device": f"j{d}", "agent": 2 * i, "customer": 2 * i + 1})
    return devices, stations


class Jack:
    """The jackd load generator: jackd's dummy driver (paced by its own clock, 64 capture
    ports, 8 kHz, 160-frame periods) under a private server name, and for signal "speech"
    bench/jackgen.c playing the speech-like test audio on PAIRS port pairs. ALSA devices
    j0, j1, … (64 channels each) are jack clients wrapped in `plug` (the jack plugin only
    speaks FLOAT_LE; Tapedeck captures S16_LE); station s reads pair s mod PAIRS, or for
    "silence" jackd's own capture ports, which the dummy driver fills with zeros."""
    SERVER = "tapedeck-bench"
    PAIRS = 16
    # Debian's jackd2 is built for at most 64 clients (one is jackd's own "system") and
    # 4096 ports: at most 62 devices of 64 channels with jackgen, 1,984 stations.
    MAX_CLIENTS, MAX_PORTS = 64, 4096

    def max_stations(self):
        devices = self.MAX_CLIENTS - 1 - (1 if self.signal == "speech" else 0)
        system_ports = 2 if self.signal == "speech" else 64
        devices = min(devices, (self.MAX_PORTS - system_ports - 2 * self.PAIRS) // 64)
        return 32 * devices

    def __init__(self, work, signal, realtime=True):
        self.work, self.signal, self.realtime = work, signal, realtime
        os.makedirs(work, exist_ok=True)
        self.env = dict(os.environ, JACK_DEFAULT_SERVER=self.SERVER, JACK_NO_AUDIO_RESERVATION="1")
        self.gen = None
        self.marks = {}
        if signal == "speech":
            make_speech(work)
            self.jackgen = build_c(work, "jackgen", ["-l:libjack.so.0"])

    def asoundrc(self, n_devices, channels=64):
        text = ""
        for k in range(n_devices):
            if self.signal == "speech":
                ports = " ".join(f'{c} "jackgen:{"agent" if c % 2 == 0 else "customer"}_{(k * channels // 2 + c // 2) % self.PAIRS}"'
                                 for c in range(channels))
            else:
                ports = " ".join(f'{c} "system:capture_{c + 1}"' for c in range(channels))
            text += f"pcm.j{k} {{ type plug\n slave {{ pcm {{ type jack\n capture_ports {{ {ports} }} }} }} }}\n"
        return text

    def ports(self):
        r = subprocess.run(["jack_lsp"], env=self.env, capture_output=True, text=True)
        return r.stdout.split() if r.returncode == 0 else []

    def start(self, tag):
        self.log = open(os.path.join(self.work, f"jackd-{tag}.log"), "w")
        rt = ["--realtime", "-P", "70"] if self.realtime else ["--no-realtime"]
        self.jackd = subprocess.Popen(["jackd", "-n", self.SERVER, *rt, "-p", str(self.MAX_PORTS), "-d", "dummy",
                                       "-r", "8000", "-p", "160", "-C", "2" if self.signal == "speech" else "64", "-P", "0"],
                                      stdout=self.log, stderr=self.log, env=self.env)
        for _ in range(100):
            if any(p.startswith("system:capture_") for p in self.ports()):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("jackd did not start: " + open(self.log.name).read()[-1000:])
        if self.signal == "speech":
            self.gen = subprocess.Popen([self.jackgen, os.path.join(self.work, "legs.raw"), str(self.PAIRS)],
                                        stdout=self.log, stderr=self.log, env=self.env)
            for _ in range(100):
                if f"jackgen:customer_{self.PAIRS - 1}" in self.ports():
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError("jackgen did not start: " + open(self.log.name).read()[-1000:])

    def pids(self):
        return [p.pid for p in (self.jackd, self.gen) if p]

    def xruns(self):
        """jackd's xrun reports so far: (events, clients reported late, clock restarts)."""
        text = open(self.log.name).read()
        late = text.count("JackEngine::XRun: client")
        restarts = text.count("JackTimedDriver::Process XRun")
        # One event is a run of "client … was not finished" lines (every later client in the chain).
        events = sum(1 for a, b in zip([""] + text.splitlines(), text.splitlines())
                     if b.startswith("JackEngine::XRun") and not a.startswith("JackEngine::XRun"))
        return events, late, restarts

    def mark(self, name):
        self.marks[name] = self.xruns()

    def stop(self):
        for p in (self.gen, self.jackd):
            if p:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.gen = None
        self.log.close()
        out = {"realtime": self.realtime, "log_tail": open(self.log.name).read()[-600:]}
        # Over the whole run and during the hold: xrun events (late clients: the graph's cycle
        # was not done in time), client-late lines, and restarts of the dummy driver's clock
        # after a late cycle (time it never delivers: the files come out shorter than the wall).
        for key, (a, b) in (("run", ((0, 0, 0), self.xruns())),
                            ("hold", (self.marks.get("hold start"), self.marks.get("hold end")))):
            if a and b:
                out[f"xrun_events_{key}"], out[f"late_client_lines_{key}"], out[f"clock_restarts_{key}"] = (
                    b[0] - a[0], b[1] - a[1], b[2] - a[2])
        return out


class Clicker:
    """START latency by click: station `stclick` on an ALSA `file` device whose infile is a
    named pipe fed in real time by bench/clickgen.c (a period at a time, each when its last
    sample 'has happened', like a sound card). At the moment the benchmark sends START it
    takes the time and has clickgen put a click at the sample of that moment; the START asks
    for a pre-roll, so the recording begins before the click and holds it, and the click's
    offset in the file says where the recording's START mark fell:
    mark − click = preroll − offset (frames; > 0: the recording misses audio after START)."""
    RATE, PERIOD, PREROLL = 8000, 160, 0.5

    def __init__(self, work):
        self.work = work
        os.makedirs(work, exist_ok=True)
        self.bin = build_c(work, "clickgen")
        self.fifo = os.path.join(work, "click.fifo")
        if os.path.exists(self.fifo):
            os.remove(self.fifo)
        os.mkfifo(self.fifo)
        self.pcm_text = (f'pcm.clickin {{\n type file\n slave.pcm "null"\n file "/dev/null"\n'
                         f' infile "{self.fifo}"\n format "raw"\n}}\n')
        self.device = {"name": "click", "pcm": "clickin", "channels": 2, "period_ms": 1000 * self.PERIOD // self.RATE}
        self.station = {"name": "stclick", "device": "click", "agent": 0, "customer": 1}
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([self.bin, self.fifo, str(self.RATE), str(self.PERIOD)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def click(self, t_ns):
        self.proc.stdin.write(f"{t_ns}\n")
        self.proc.stdin.flush()

    def finish(self):
        """Stops clickgen; returns its clicks [(requested sample, placed sample)] and its lateness line."""
        if not self.proc:
            return [], None
        self.proc.stdin.close()
        out = self.proc.stdout.read()
        self.proc.wait()
        clicks, lateness = [], None
        for l in out.splitlines():
            w = l.split()
            if w[0] == "click":
                clicks.append((int(w[1]), int(w[2])))
            elif w[0] == "lateness":
                lateness = {"periods": int(w[1]), "mean_us": float(w[2]), "max_us": float(w[3])}
        return clicks, lateness

    @staticmethod
    def offset_in(path):
        """Frame index of the first click sample in a mono 16-bit WAV, or None."""
        import array, struct
        b = open(path, "rb").read()
        i = 12   # RIFF/WAVE header; then chunks (JUNK, fmt  (WAVE_FORMAT_EXTENSIBLE), data)
        while i + 8 <= len(b):
            cid, size = b[i:i + 4], struct.unpack("<I", b[i + 4:i + 8])[0]
            if cid == b"data":
                a = array.array("h")
                a.frombytes(b[i + 8:i + 8 + (len(b) - i - 8) // 2 * 2])
                return next((k for k, x in enumerate(a) if abs(x) > 16000), None)
            i += 8 + size + (size & 1)
        return None


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else None


def pcts(xs, scale=1e3):
    return {"n": len(xs), "p50": pct(xs, 50) * scale, "p90": pct(xs, 90) * scale, "p99": pct(xs, 99) * scale,
            "max": max(xs) * scale} if xs else None


def metrics_sample(c):
    """Writer lag, device overruns and device frames lost from function=metrics."""
    text = c.req({"function": "metrics"})["data"]["metrics"]
    out = {"writer_lag_s": 0.0, "overruns": 0, "device_frames_lost": 0}
    for l in text.splitlines():
        if l.startswith("tapedeck_writer_lag_seconds "):
            out["writer_lag_s"] = float(l.split()[-1])
        elif l.startswith("tapedeck_device_overruns_total"):
            out["overruns"] += int(float(l.split()[-1]))
        elif l.startswith("tapedeck_device_frames_lost_total"):
            out["device_frames_lost"] += int(float(l.split()[-1]))
    return out


CONTENT_R_MIN = 0.8


def spread_requests(sock, requests, seconds=1.0, conns=8):
    """Sends `requests` spread evenly over `seconds` on `conns` connections (request k at
    k/len × seconds); returns [(latency s, reply, monotonic time sent)] in request order."""
    out = [None] * len(requests)
    t_base = time.monotonic() + 0.1

    def worker(k):
        cl = Client(sock)
        for i in range(k, len(requests), conns):
            wait = t_base + seconds * i / max(1, len(requests)) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            t0 = time.monotonic()
            r = cl.req(requests[i])
            out[i] = (time.monotonic() - t0, r, t0)
        cl.close()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def hammer(args):
    """Hidden figure `_hammer`: one control connection asking STATUS back to back for
    --seconds; prints the reply latencies (JSON list of seconds; with --stamped, of
    [send time (CLOCK_MONOTONIC), latency] pairs; with --interval, one request due every
    interval seconds, its latency counted from when it was due). A reply that is no
    success ends it with exit status 1."""
    c = Client(args.sock)
    lat = []
    begin = time.monotonic()
    end = begin + args.seconds
    k = 0
    while True:
        t0 = time.monotonic()
        if args.interval:
            # Open loop: request k is due at begin + k * interval, and its latency counts
            # from then, so a reply held up is not hidden by the requests it held back.
            due = begin + k * args.interval
            if due > t0:
                time.sleep(due - t0)
            t0 = due
        if t0 >= end:
            break
        r = c.req({"function": "recording", "agent_user": f"a{k % max(1, args.agents) + 1}", "value": "STATUS"})
        if "data" not in r:
            log(f"_hammer: STATUS failed: {r}")
            sys.exit(1)
        lat.append([t0, time.monotonic() - t0] if args.stamped else time.monotonic() - t0)
        k += 1
    print(json.dumps(lat))


def daemon_run(work, n_stations, n_rec, fmt, hold, layout=virtual_layout, env=None, prober=True,
               clicker=None, burst=0, burst_conns=4, load_pids=(), load_threads=None, mark=None,
               speech_ref=None, storms=True, freeze_at=None):
    """Starts tapedeckd with n_stations, logs in n_rec agents and STARTs a recording each,
    holds, STOPs them all; returns the measurements. During the hold (its first hold − burst
    seconds): a prober asks STATUS every 5 ms on its own connection, a sampler reads the
    metrics every 5 s, and with a clicker, station stclick is recorded for 0.5 s every 1.5 s
    (START latency by click, STOP→final with everything running). Then for `burst` seconds
    burst_conns processes ask STATUS back to back (control-socket throughput)."""
    devices, stations = layout(n_stations)
    if clicker:
        devices.append(clicker.device)
        stations.append(clicker.station)
    d = Daemon(work, devices, stations)
    if clicker:
        clicker.start()
    c = d.start(env=env)
    res = {"stations": n_stations, "recordings": n_rec, "format": fmt, "hold_s": hold, "loadavg_before": os.getloadavg()}
    time.sleep(2)
    res["rss_kib_idle"] = d.rss_kib()
    for i in range(n_rec):
        r = c.req({"function": "login", "agent_user": f"a{i + 1}", "station": f"st{i + 1}", "session_id": str(8600000 + i)})
        assert "data" in r, r
    if clicker:
        r = c.req({"function": "login", "agent_user": "aclick", "station": "stclick", "session_id": "8699999"})
        assert "data" in r, r
    starts = {}
    t_start = []
    for i in range(n_rec):
        t0 = time.monotonic()
        r = c.req({"function": "recording", "agent_user": f"a{i + 1}", "value": "START", "format": fmt})
        t1 = time.monotonic()
        assert "data" in r, r
        starts[i] = t1
        t_start.append(t1 - t0)
    # The hold. CPU and metrics over its quiet part (before the burst).
    quiet_end = time.monotonic() + max(1, hold - burst)
    cpu0, w0, th0, busy0, rq0 = d.cpu_s(), time.monotonic(), d.threads_cpu(), machine_busy_s(), d.threads_runqueue_s()
    load0 = {p: proc_cpu(p) for p in load_pids}
    if mark:
        mark("hold start")
    stop_bg = threading.Event()
    lat, samples, clicks, bg_errors = [], [], [], []

    def guarded(f):
        def g():
            try:
                f()
            except Exception as e:   # reported in the results, never silently
                bg_errors.append(f"{f.__name__}: {e!r}")
        return g

    def probe():
        pc = Client(d.sock)
        k = 0
        while not stop_bg.is_set():
            t0 = time.monotonic()
            pc.req({"function": "recording", "agent_user": f"a{(k % max(1, n_rec)) + 1}", "value": "STATUS"})
            lat.append(time.monotonic() - t0)
            k += 1
            time.sleep(0.005)

    def sample():
        mc = Client(d.sock)
        while True:
            s = metrics_sample(mc)
            s["t"] = time.monotonic() - w0
            samples.append(s)
            if stop_bg.wait(5):
                break

    def click_once(cc):
        t_ns = time.monotonic_ns()
        cc.send({"function": "recording", "agent_user": "aclick", "value": "START", "format": "wav",
                 "preroll": str(clicker.PREROLL)})
        clicker.click(t_ns)
        r = cc.reply()
        t1 = time.monotonic_ns()
        assert "data" in r, r
        time.sleep(0.5)
        t2 = time.monotonic()
        r = cc.req({"function": "recording", "agent_user": "aclick", "value": "STOP"})
        t3 = time.monotonic()
        assert "data" in r, r
        return {"path": r["data"]["recordings"][0]["file_path"] if "recordings" in r["data"] else None,
                "start_reply_s": (t1 - t_ns) / 1e9, "stop_s": t3 - t2}

    def click_loop():
        cc = Client(d.sock)
        while not stop_bg.wait(0.5):
            clicks.append(click_once(cc))
            stop_bg.wait(0.5)

    bg = [threading.Thread(target=guarded(f), daemon=True) for f, on in
          ((probe, prober and n_rec), (sample, True), (click_loop, clicker is not None)) if on]
    for t in bg:
        t.start()
    rss = []
    frozen = False
    while time.monotonic() < quiet_end:
        time.sleep(1)
        rss.append(d.rss_kib())
        if freeze_at is not None and not frozen and time.monotonic() - w0 >= freeze_at:
            # The failing case on purpose: tapedeckd frozen for 3 s (its devices overrun).
            os.kill(d.proc.pid, signal.SIGSTOP)
            time.sleep(3)
            os.kill(d.proc.pid, signal.SIGCONT)
            frozen = True
            res["frozen_at_s"] = freeze_at
    stop_bg.set()
    for t in bg:
        t.join()
    cpu1, w1, th1, busy1, rq1 = d.cpu_s(), time.monotonic(), d.threads_cpu(), machine_busy_s(), d.threads_runqueue_s()
    # The STARTs' connection sat idle through the hold: past the daemon's idle_timeout_seconds
    # (300 s by default) it has been closed, as any idle client's is. A new one for the rest.
    c = Client(d.sock)
    if mark:
        mark("hold end")
    span = w1 - w0
    res["loadavg_after_hold"] = os.getloadavg()
    res["quiet_hold_s"] = span
    res["daemon_cpu_fraction_of_one_core"] = (cpu1 - cpu0) / span
    res["threads_cpu_fraction"] = {k: round((th1.get(k, 0) - th0.get(k, 0)) / span, 4) for k in th1}
    # Per writer: on a core, waiting for one, and the rest (blocked: fsync, write, the 20 ms tick).
    res["writers_time_fraction"] = {k: {"cpu": res["threads_cpu_fraction"][k], "runqueue": round((rq1[k] - rq0.get(k, 0)) / span, 4)}
                                    for k in th1 if k.startswith("tapedeck-wr") and k in rq1}
    if load_threads:
        res["load_generator_cpu_fraction_of_one_core"] = sum(v for k, v in res["threads_cpu_fraction"].items()
                                                             if k.startswith(load_threads))
        res["load_generator"] = f"tapedeckd threads {load_threads}* (included in tapedeckd's CPU)"
    if load_pids:
        res["load_generator_cpu_fraction_of_one_core"] = sum(proc_cpu(p) - load0[p] for p in load_pids) / span
    res["machine_cpu_busy_cores"] = (busy1 - busy0) / span
    res["others_cpu_cores"] = res["machine_cpu_busy_cores"] - res["daemon_cpu_fraction_of_one_core"] - (
        res.get("load_generator_cpu_fraction_of_one_core", 0) if load_pids else 0)
    res["rss_kib_recording_max"] = max(rss) if rss else None
    res["start_reply_ms"] = {"p50": pct(t_start, 50) * 1e3, "p99": pct(t_start, 99) * 1e3} if t_start else None
    res["status_requests"] = len(lat)
    if lat:
        res["status_reply_ms"] = {p: pct(lat, p) * 1e3 for p in (50, 90, 99, 99.9)} | {"max": max(lat) * 1e3}
        res["status_requests_per_s"] = len(lat) / span
    # Control-socket throughput: burst_conns processes asking STATUS back to back.
    if burst:
        procs = [subprocess.Popen([sys.executable, os.path.abspath(__file__), "_hammer", "--sock", d.sock,
                                   "--seconds", str(burst), "--agents", str(n_rec)], stdout=subprocess.PIPE)
                 for _ in range(burst_conns)]
        bcpu0, bw0 = d.cpu_s(), time.monotonic()
        outs = [json.loads(p.communicate()[0] or b"[]") for p in procs]
        bw1 = time.monotonic()
        allat = [x for o in outs for x in o]
        res["burst"] = {"connections": burst_conns, "seconds": burst, "requests": len(allat),
                        "requests_per_s": len(allat) / burst, "reply_ms": pcts(allat),
                        "daemon_cpu_fraction_of_one_core": (d.cpu_s() - bcpu0) / (bw1 - bw0)}
    # Real time is judged on the quiet hold: the burst takes both cores from the writers on
    # purpose. After it, wait (up to 60 s) for them to catch up before the STOPs.
    quiet = samples + [dict(metrics_sample(c), t=time.monotonic() - w0)] if not burst else list(samples)
    res["writer_lag_max_s"] = max(s["writer_lag_s"] for s in quiet)
    # Steady state: from 10 s into the hold (the STARTs of N recordings in a row leave the
    # writers a few seconds behind at first at the largest N; the ring absorbs 32 s).
    res["writer_lag_steady_max_s"] = max([s["writer_lag_s"] for s in quiet if s["t"] >= 10] or [res["writer_lag_max_s"]])
    if burst:
        after = [dict(metrics_sample(c), t=time.monotonic() - w0)]
        res["burst"]["writer_lag_after_s"] = after[0]["writer_lag_s"]
        t_b = time.monotonic()
        while after[-1]["writer_lag_s"] > 0.5 and time.monotonic() - t_b < 60:
            time.sleep(0.5)
            after.append(dict(metrics_sample(c), t=time.monotonic() - w0))
        res["burst"]["writers_caught_up_after_s"] = time.monotonic() - t_b
        samples = quiet + after
    else:
        samples = quiet
    res["metrics_samples"] = samples
    res["device_overruns"] = samples[-1]["overruns"]
    res["device_frames_lost"] = samples[-1]["device_frames_lost"]
    # Writer lag's trend over the quiet hold from 10 s on (least squares): a positive slope
    # means the writers fall behind, however small any one sample is.
    steady = [x for x in quiet if x["t"] >= 10] or quiet
    res["writer_lag_slope_s_per_s"] = slope([x["t"] for x in steady], [x["writer_lag_s"] for x in steady])
    period_s = 0.02
    # STOP storm: every recording stopped within one second, on 8 connections, while
    # another client asks STATUS every 5 ms.
    probe_lat, stop_probe = [], threading.Event()

    def storm_probe():
        pc = Client(d.sock)
        while not stop_probe.is_set():
            t0 = time.monotonic()
            pc.req({"function": "recording", "agent_user": "a1", "value": "STATUS"})
            probe_lat.append(time.monotonic() - t0)
            time.sleep(0.005)
        pc.close()
    prober_t = threading.Thread(target=guarded(storm_probe), daemon=True)
    prober_t.start()
    stop_out = spread_requests(d.sock, [{"function": "recording", "agent_user": f"a{i + 1}", "value": "STOP"} for i in range(n_rec)])
    time.sleep(0.2)
    stop_probe.set()
    prober_t.join()
    res["stop_to_final_ms"] = pcts([x[0] for x in stop_out])
    res["stop_storm"] = {"spread_s": 1.0, "connections": 8, "stop_to_final_ms": res["stop_to_final_ms"],
                         "status_reply_ms": pcts(probe_lat), "errors": sum(1 for x in stop_out if "data" not in x[1])}
    # The wall time a file must match: its marks fall between a request's sending and its
    # reply, so from (STOP sent − START's reply) to (STOP's reply − START sent).
    walls, wall_max, files = {}, {}, {}
    for i, (lat, r, t0) in enumerate(stop_out):
        walls[f"a{i + 1}"] = t0 - starts[i]
        wall_max[f"a{i + 1}"] = t0 + lat - (starts[i] - t_start[i])
        recs = (r.get("data") or {}).get("recordings") or []
        files[i] = recs[0]["file_path"] if recs else None
    # Each file decoded (ffmpeg): its length against the wall time of the recording (within
    # one period of the window above), and its speech envelope found where it was played.
    checks = []
    for i in range(n_rec):
        x = decode_mono(files[i]) if files[i] and os.path.exists(files[i]) else None
        ck = {"agent": f"a{i + 1}", "file": files[i], "decoded_s": None if x is None else len(x) / RATE}
        if x is not None:
            a = f"a{i + 1}"
            ck["wall_s"] = [walls[a], wall_max[a]]
            # 0 inside the window, else how far outside it (negative: shorter).
            ck["decoded_minus_wall_s"] = (ck["decoded_s"] - walls[a] if ck["decoded_s"] < walls[a] else
                                          ck["decoded_s"] - wall_max[a] if ck["decoded_s"] > wall_max[a] else 0.0)
            if speech_ref is not None:
                ck["envelope_r_min_block"], ck["envelope_r"], ck["offset_frames"] = speech_ref.check(x)
        checks.append(ck)
    res["file_checks"] = checks
    dm = [ck["decoded_minus_wall_s"] for ck in checks if ck.get("decoded_minus_wall_s") is not None]
    res["decoded_minus_wall_s"] = {"n": len(dm), "min": min(dm), "max": max(dm)} if dm else None
    res["files_undecodable"] = sum(1 for ck in checks if ck["decoded_s"] is None)
    res["files_length_off_by_more_than_a_period"] = sum(1 for v in dm if abs(v) > period_s)
    if speech_ref is not None:
        rs = [ck.get("envelope_r_min_block") for ck in checks]
        res["content_check"] = {"envelope": "mono mix, 50 ms RMS, Pearson r per 10 s block at the best offset",
                                "r_min_block_min": min((v for v in rs if v is not None), default=None),
                                "files_below": sum(1 for v in rs if v is None or v < CONTENT_R_MIN),
                                "threshold": CONTENT_R_MIN}
    # START storm: every recording started again within one second (STATUS asked meanwhile);
    # recorded for a few seconds, then stopped. START→first frame: with speech, each storm
    # recording's offset in the loop against its quiet-hold recording's offset and the time
    # between the two STARTs gives how much later (frames) its mark fell than the quiet one
    # (±5 ms); with a clicker, one click at the storm's middle, absolute.
    if storms:
        probe_lat.clear()
        stop_probe.clear()
        prober_t = threading.Thread(target=guarded(storm_probe), daemon=True)
        prober_t.start()
        click_res = {}
        if clicker:
            def mid_click():
                time.sleep(0.55)
                click_res.update(click_once(Client(d.sock)), during="start storm")
            ct = threading.Thread(target=guarded(mid_click), daemon=True)
            ct.start()
        start_out = spread_requests(d.sock, [{"function": "recording", "agent_user": f"a{i + 1}", "value": "START", "format": fmt}
                                   for i in range(n_rec)])
        if clicker:
            ct.join()
            clicks.append(click_res)
        time.sleep(0.2)
        stop_probe.set()
        prober_t.join()
        res["start_storm"] = {"spread_s": 1.0, "connections": 8, "start_reply_ms": pcts([x[0] for x in start_out]),
                              "status_reply_ms": pcts(probe_lat), "errors": sum(1 for x in start_out if "data" not in x[1])}
        time.sleep(12)
        again = spread_requests(d.sock, [{"function": "recording", "agent_user": f"a{i + 1}", "value": "STOP"} for i in range(n_rec)])
        if speech_ref is not None:
            late = []
            for i, (lat, r, t0) in enumerate(again):
                recs = (r.get("data") or {}).get("recordings") or []
                x = decode_mono(recs[0]["file_path"]) if recs else None
                o0 = checks[i].get("offset_frames")
                if x is None or o0 is None:
                    continue
                _, _, o1 = speech_ref.check(x)
                # From START sent to its mark: the storm's against the quiet one's (sent at
                # starts[i] − t_start[i]; the storm's at start_out[i][2]).
                expected = round((start_out[i][2] - (starts[i] - t_start[i])) * RATE)
                d_f = (o1 - o0 - expected) % speech_ref.frames
                late.append(d_f - speech_ref.frames if d_f > speech_ref.frames // 2 else d_f)
            if late:
                res["start_storm"]["mark_later_than_quiet_start_periods"] = {
                    "n": len(late), "p50": pct(late, 50) / 160, "p99": pct(late, 99) / 160, "max": max(late) / 160,
                    "min": min(late) / 160}
        if click_res.get("path"):
            res["start_storm"]["click"] = click_res
    d.stop()
    if bg_errors:
        res["background_errors"] = bg_errors
    if clicker:
        placed, lateness = clicker.finish()
        res["clickgen_lateness"] = lateness
        marks, starts_ms = [], []
        for k, ck in enumerate(clicks):
            off = Clicker.offset_in(ck["path"]) if ck.get("path") and os.path.exists(ck["path"]) else None
            if off is None or k >= len(placed):
                continue
            req, at = placed[k]
            # The click sits at sample `at` (= `req` unless clickgen got the request late); the
            # recording began PREROLL before its mark, so mark − START's sample:
            ck["mark_minus_click_frames"] = round(clicker.PREROLL * clicker.RATE) - off + (at - req)
            if not ck.get("during"):
                marks.append(ck["mark_minus_click_frames"])
        res["clicks"] = clicks
        res["start_latency_click"] = {
            "clicks": len(marks), "unfound": sum(1 for ck in clicks if not ck.get("during")) - len(marks),
            "mark_minus_click_periods": {"min": min(marks) / clicker.PERIOD, "p50": pct(marks, 50) / clicker.PERIOD,
                                         "p99": pct(marks, 99) / clicker.PERIOD, "max": max(marks) / clicker.PERIOD}
            if marks else None,
            "start_reply_ms": pcts([x["start_reply_s"] for x in clicks]),
            "stop_to_final_ms": pcts([x["stop_s"] for x in clicks])}
    rows = d.rows()
    hold_files = {f for f in files.values() if f}
    mine = [r for r in rows if r.get("location") in hold_files]   # the hold's recordings, not the storm's
    lost = sum((r.get("frames_lost") or 0) for r in rows)
    res["frames_lost_total"] = lost
    res["recordings_completed"] = sum(1 for r in mine if r.get("status") == "completed")
    res["rows"] = len(rows)
    # Each file's duration against the wall time between START's reply and STOP's request.
    durations = []
    for r in mine:
        dur = None
        for key in ("duration_seconds", "length_in_sec"):
            if r.get(key) is not None:
                dur = float(r[key])
                break
        if dur is not None:
            durations.append(dur - walls[r["user"]])
    if durations:
        res["duration_minus_wall_s"] = {"min": min(durations), "max": max(durations)}
    res["daemon_log_tail"] = open(os.path.join(work, "tapedeckd.log")).read()[-1500:]
    return res


# ---------------------------------------------------------------- figure 4: memory

def pss_kib(pid):
    """Proportional set size of a process (/proc/PID/smaps_rollup), KiB."""
    for l in open(f"/proc/{pid}/smaps_rollup"):
        if l.startswith("Pss:"):
            return int(l.split()[1])


def heap_kib(c):
    """The daemon's heap in use (tapedeck_heap_in_use_bytes from function=metrics), KiB."""
    for l in c.req({"function": "metrics"})["data"]["metrics"].splitlines():
        if l.startswith("tapedeck_heap_in_use_bytes "):
            return float(l.split()[-1]) / 1024


def memory(args):
    """PSS per station and per recording, and its growth over a START/STOP churn: one
    station idle, then N stations idle, then for --churn-minutes every station STARTs a
    recording, records --cycle seconds, STOPs, and the daemon idles --cycle / 2 seconds;
    PSS is sampled at the end of every recording phase and of every idle phase, with the
    heap in use (what the allocator handed out and was not given back). The slopes (least
    squares, KiB per minute) of either series show a leak; the heap's, unlike PSS's, leave
    out what the allocator keeps after a free."""
    n, fmt = args.stations, args.format
    speech = make_speech(os.path.join(args.work, "speech"))
    one = Daemon(os.path.join(args.work, "mem1"), *virtual_layout(1, speech=speech))
    c = one.start()
    time.sleep(3)
    pss_one = pss_kib(one.proc.pid)
    c.close()
    one.stop()
    d = Daemon(os.path.join(args.work, "memN"), *virtual_layout(n, speech=speech))
    c = d.start()
    time.sleep(3)
    pss_idle0 = pss_kib(d.proc.pid)
    for i in range(n):
        r = c.req({"function": "login", "agent_user": f"a{i + 1}", "station": f"st{i + 1}", "session_id": str(8600000 + i)})
        assert "data" in r, r
    t0 = time.monotonic()
    end = t0 + 60 * args.churn_minutes
    rec, idle, heap_rec, heap_idle, cycles, errors = [], [], [], [], 0, 0
    heap_idle0 = heap_kib(c)
    while time.monotonic() < end:
        for i in range(n):
            r = c.req({"function": "recording", "agent_user": f"a{i + 1}", "value": "START", "format": fmt})
            errors += "data" not in r
        time.sleep(args.cycle)
        rec.append((time.monotonic() - t0, pss_kib(d.proc.pid)))
        heap_rec.append((time.monotonic() - t0, heap_kib(c)))
        for i in range(n):
            r = c.req({"function": "recording", "agent_user": f"a{i + 1}", "value": "STOP"})
            errors += "data" not in r
        time.sleep(args.cycle / 2)
        idle.append((time.monotonic() - t0, pss_kib(d.proc.pid)))
        heap_idle.append((time.monotonic() - t0, heap_kib(c)))
        cycles += 1
        # Keep the spool from filling the disk: the files of finished cycles go.
        for f in os.listdir(os.path.join(d.work, "spool")):
            if not f.startswith(".") and not f.endswith(".part"):
                try:
                    os.remove(os.path.join(d.work, "spool", f))
                except OSError:
                    pass
    c.close()
    d.stop()
    per_min = lambda xs: (lambda k: None if k is None else k * 60)(slope([t for t, _ in xs], [v for _, v in xs]))
    out = {"stations": n, "format": fmt, "churn_minutes": args.churn_minutes, "cycle_s": args.cycle, "cycles": cycles,
           "request_errors": errors,
           "pss_kib_1_station_idle": pss_one, "pss_kib_N_stations_idle": pss_idle0,
           "kib_per_station": (pss_idle0 - pss_one) / (n - 1),
           # While recording, against idle before the first START; and what stays after
           # the STOPs (the allocator keeps freed memory: growth from cycle to cycle is the
           # leak test, the slopes below).
           "kib_per_recording": (rec[0][1] - pss_idle0) / n if rec else None,
           "kib_kept_after_first_stop_per_recording": (idle[0][1] - pss_idle0) / n if idle else None,
           "pss_kib_recording_samples": rec, "pss_kib_idle_samples": idle,
           "pss_slope_kib_per_min_recording": per_min(rec), "pss_slope_kib_per_min_idle": per_min(idle),
           # The heap in use: N stations idle before the first START, then at the same
           # moments as PSS; its slope from the second cycle on is the leak test that
           # fragmentation cannot blur (bytes per recording: the slope over recordings).
           "heap_kib_N_stations_idle": heap_idle0,
           "heap_kib_recording_samples": heap_rec, "heap_kib_idle_samples": heap_idle,
           "heap_slope_kib_per_min_recording": per_min(heap_rec[1:]), "heap_slope_kib_per_min_idle": per_min(heap_idle[1:]),
           "heap_bytes_per_recording_idle_slope": (lambda k: None if k is None else k * 1024 / n)(
               slope(list(range(1, len(heap_idle))), [v for _, v in heap_idle[1:]])),
           "device": "virtual (tapedeckd's built-in clock-paced source, espeak-ng speech), 32 stations per 64-channel device",
           "tree": tree()}
    write_json("memory", out)
    print(f"\nMemory (PSS of tapedeckd, {n} stations on virtual devices, {cycles} START/STOP cycles "
          f"over {args.churn_minutes} min)")
    for k, v in out.items():
        if not k.endswith("_samples"):
            print(f"  {k}: {v if not isinstance(v, float) else round(v, 2)}")


# ---------------------------------------------------------------- figure 6: a storm of STARTs and STOPs

def storm_burst(conns, requests):
    """Sends requests[i] on conns[i], all in one go (one thread, no waiting in between),
    then reads every reply as it comes. Returns (send time, latency, reply) per connection."""
    import selectors
    sel = selectors.DefaultSelector()
    sent, out, bufs = {}, {}, {}
    for i, (c, r) in enumerate(zip(conns, requests)):
        sent[i] = time.monotonic()
        c.s.sendall((json.dumps(r) + "\n").encode())
    for i, c in enumerate(conns):
        c.s.setblocking(False)
        sel.register(c.s, selectors.EVENT_READ, i)
        bufs[i] = b""
    while len(out) < len(conns):
        for key, _ in sel.select(timeout=120):
            i = key.data
            chunk = key.fileobj.recv(65536)
            if not chunk:
                raise RuntimeError(f"storm: connection {i} closed by tapedeckd")
            bufs[i] += chunk
            if b"\n" in bufs[i]:
                out[i] = (sent[i], time.monotonic() - sent[i], json.loads(bufs[i].split(b"\n", 1)[0]))
                sel.unregister(key.fileobj)
                key.fileobj.setblocking(True)
    sel.close()
    return [out[i] for i in range(len(conns))]


def storm(args):
    """`storm`: tapedeckd on --agents virtual stations, an agent logged in at each with a
    control connection of its own; each round, every connection sends START at the same
    instant, the recordings run 1 s, then every connection sends STOP at the same instant.
    Meanwhile another process asks STATUS every 5 ms on its own connection (open loop:
    each latency counts from when the request was due). Reports p50/p99 of START, STOP
    and STATUS (the STATUS requests due during the storms); exits 1
    when a request fails or a p99 exceeds --max-p99-ms."""
    n = args.agents
    bounds = {k: float(v) for k, v in (x.split("=") for x in args.max_p99_ms.split(","))}
    work = os.path.join(args.work, "storm")
    devices, stations = virtual_layout(n)
    # (Daemon sets max_recordings above the station count.)
    d = Daemon(work, devices, stations, control=[f"max_connections = {n + 16}"])
    env = alsa_env(os.path.join(args.work, "alsa-virtual"), "")
    c = d.start(env=env)
    failures = []
    try:
        for i in range(n):
            r = c.req({"function": "login", "agent_user": f"a{i + 1}", "station": f"st{i + 1}", "session_id": str(8600000 + i)})
            if "data" not in r:
                raise SystemExit(f"storm: login a{i + 1}: {r}")
        conns = [Client(d.sock) for _ in range(n)]
        hold = args.rounds * 8 + 5
        prober = subprocess.Popen([sys.executable, os.path.abspath(__file__), "_hammer", "--sock", d.sock,
                                   "--seconds", str(hold), "--agents", str(n), "--stamped",
                                   "--interval", "0.005"], stdout=subprocess.PIPE)
        time.sleep(1)
        windows, lat = [], {"start": [], "stop": []}
        load = [os.getloadavg()[0]]
        for rnd in range(args.rounds):
            for verb, word in (("start", "START"), ("stop", "STOP")):
                reqs = [{"function": "recording", "agent_user": f"a{i + 1}", "value": word, "format": args.format}
                        if word == "START" else {"function": "recording", "agent_user": f"a{i + 1}", "value": word}
                        for i in range(n)]
                res = storm_burst(conns, reqs)
                windows.append((min(t for t, _, _ in res), max(t + l for t, l, _ in res)))
                lat[verb] += [l for _, l, _ in res]
                failures += [f"{word} a{i + 1}: {r}" for i, (_, _, r) in enumerate(res) if "data" not in r]
                time.sleep(1)
            load.append(os.getloadavg()[0])
        out, _ = prober.communicate(timeout=hold + 60)
        if prober.returncode != 0:
            failures.append(f"the STATUS client exited with {prober.returncode}")
        stamped = json.loads(out or b"[]")
        lat["status"] = [l for t, l in stamped if any(a <= t <= b for a, b in windows)]
        for cc in conns:
            cc.close()
    finally:
        d.stop()
    rows = d.rows()
    if len(rows) != n * args.rounds or any(r["status"] != "completed" for r in rows):
        failures.append(f"log: {len(rows)} rows, {sum(r['status'] != 'completed' for r in rows)} not completed "
                        f"(expected {n * args.rounds} completed)")
    figures = {k: pcts(v) for k, v in lat.items()}
    for k, bound in bounds.items():
        if not figures.get(k):
            failures.append(f"{k}: no samples")
        elif figures[k]["p99"] > bound:
            failures.append(f"{k} p99 {figures[k]['p99']:.1f} ms > {bound:.0f} ms")
    write_json(args.name, {"agents": n, "rounds": args.rounds, "format": args.format, "bounds_p99_ms": bounds,
                           "latency_ms": figures, "loadavg": load, "failures": failures[:50], "tree": tree()})
    print(f"\nStorm: {n} agents, {args.rounds} rounds of START then STOP from {n} connections at once, "
          f"STATUS on another (load {load[0]:.1f} → {max(load):.1f})")
    print(f"{'request':8s} {'n':>6s} {'p50 ms':>9s} {'p99 ms':>9s} {'max ms':>9s} {'bound':>7s}")
    for k in ("start", "stop", "status"):
        f = figures.get(k) or {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
        print(f"{k:8s} {f['n']:6d} {f['p50']:9.1f} {f['p99']:9.1f} {f['max']:9.1f} {bounds.get(k, float('nan')):7.0f}")
    for f in failures[:20]:
        print("FAILED:", f)
    if failures:
        sys.exit(1)


# ---------------------------------------------------------------- figure 2/3: capacity and latency

SOURCES = {
    "virtual": "tapedeckd's built-in clock-paced devices (overrun like a card when served late) playing espeak-ng speech "
               "(bench.py make_speech, the device's `speech` file; every station the same conversation)",
    "jack": "jackd's dummy driver (paced by jackd's clock), ALSA jack plugin devices; the dummy driver's capture ports carry silence",
    "jack-speech": "jackd's dummy driver, ALSA jack plugin devices connected to bench/jackgen.c playing the espeak-ng speech",
}


def capacity_run(args, source, fmt, n):
    work = os.path.join(args.work, f"cap-{source}-{fmt}-{n}")
    clicker = Clicker(os.path.join(args.work, "click")) if args.clicks else None
    pcm = clicker.pcm_text if clicker else ""
    speech = make_speech(os.path.join(args.work, "speech"))
    kw = dict(prober=True, clicker=clicker, burst=args.burst, burst_conns=args.burst_conns,
              speech_ref=SpeechReference(speech), storms=args.storms, freeze_at=args.freeze_at)
    if source == "virtual":
        return daemon_run(work, n, n, fmt, args.hold, env=alsa_env(os.path.join(args.work, "alsa-virtual"), pcm),
                          layout=lambda k: virtual_layout(k, speech=speech), load_threads="cap-v", **kw)
    jack = Jack(os.path.join(args.work, "jack"), "speech" if source == "jack-speech" else "silence", args.jack_realtime)
    if n > jack.max_stations():
        raise SystemExit(f"capacity: {source} takes at most {jack.max_stations()} stations (jackd's client and port limits)")
    env = alsa_env(os.path.join(args.work, f"alsa-{source}"), jack.asoundrc((n + 31) // 32) + pcm,
                   {"JACK_DEFAULT_SERVER": Jack.SERVER})
    jack.start(f"{fmt}-{n}")
    try:
        r = daemon_run(work, n, n, fmt, args.hold, layout=jack_layout, env=env, load_pids=jack.pids(), mark=jack.mark, **kw)
        r["load_generator"] = "jackd" + (" + jackgen" if jack.gen else "")
    finally:
        r_j = jack.stop()
    r["jackd"] = r_j
    return r


def tree():
    """The source tree measured: HEAD and the files changed in the working tree."""
    git = lambda *a: subprocess.run(["git", "-C", ROOT, *a], capture_output=True, text=True).stdout.strip()
    modified = git("status", "--short", "--untracked-files=no").splitlines()
    return {"head": git("rev-parse", "--short", "HEAD"), "modified": modified, "clean_commit": not modified,
            "binary": TAPEDECKD, "binary_mtime": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(os.path.getmtime(TAPEDECKD)))}


MAX_LAG_SLOPE = 0.0005   # s of writer lag per s of hold: 30 ms a minute, a 30 s ring lapped in ~17 h


def run_failures(r):
    """Why a capacity run fails the criterion (empty: it passes). Runs stored before the
    criterion had its lag trend, decoded lengths and content check fail for want of them."""
    f = []
    if r["frames_lost_total"] or r["device_frames_lost"] or r["device_overruns"]:
        f.append(f"lost {r['frames_lost_total']}+{r['device_frames_lost']} frames, {r['device_overruns']} overruns")
    if r["recordings_completed"] != r["recordings"]:
        f.append(f"{r['recordings_completed']} of {r['recordings']} completed")
    if r.get("writer_lag_steady_max_s", r["writer_lag_max_s"]) > 1.0:
        f.append(f"writer lag {r.get('writer_lag_steady_max_s', r['writer_lag_max_s']):.2f} s")
    # A trend, not noise: the slope above MAX_LAG_SLOPE and the fitted rise over the hold
    # more than two periods (the lag moves in 20 ms steps; binding only on short holds).
    sl, span = r.get("writer_lag_slope_s_per_s"), max(0, r.get("quiet_hold_s", r.get("hold_s", 0)) - 10)
    if sl is None:
        f.append("no writer-lag trend (fewer than 3 samples, or a run from before the criterion)")
    elif sl > MAX_LAG_SLOPE and sl * span > 0.04:
        f.append(f"writer lag rising: slope {round(sl * 60e3, 1)} ms/min")
    if "files_length_off_by_more_than_a_period" not in r:
        f.append("no decoded-length check")
    elif r["files_length_off_by_more_than_a_period"] or r.get("files_undecodable"):
        f.append(f"{r['files_length_off_by_more_than_a_period']} files' decoded length off by > 1 period, "
                 f"{r.get('files_undecodable')} undecodable")
    cc = r.get("content_check")
    if not cc:
        f.append("no content check")
    elif cc["files_below"]:
        f.append(f"{cc['files_below']} files' speech envelope not found (r < {cc['threshold']})")
    if r.get("background_errors"):
        f.append("background errors")
    if r.get("hold_s", 0) < 600:
        f.append(f"hold {r.get('hold_s')} s < 600 s: a smoke run, not a capacity figure")
    return f


def run_ok(r):
    """The criterion, except the 10-minute hold (a short run that passes is ok as a smoke run)."""
    return not [x for x in run_failures(r) if not x.startswith("hold ")]


def storm_failures(r, period_ms=20.0):
    """The storm targets missed: STOP→final p99 ≤ 100 ms, START→first frame ≤ one period,
    STATUS p99 ≤ 20 ms during either storm."""
    f = []
    ss, st = r.get("stop_storm") or {}, r.get("start_storm") or {}
    p99 = (ss.get("stop_to_final_ms") or {}).get("p99")
    if p99 is None or p99 > 100:
        f.append(f"STOP→final p99 {p99 if p99 is None else round(p99, 1)} ms")
    late = (st.get("mark_later_than_quiet_start_periods") or {}).get("p99")
    quiet = ((r.get("start_latency_click") or {}).get("mark_minus_click_periods") or {}).get("p50") or 0
    if late is None or late + quiet > 1:
        f.append(f"START→first frame p99 {None if late is None else round(late + quiet, 2)} periods")
    for name, s_ in (("STOP", ss), ("START", st)):
        sp = (s_.get("status_reply_ms") or {}).get("p99")
        if sp is None or sp > 20:
            f.append(f"STATUS p99 during the {name} storm {sp if sp is None else round(sp, 1)} ms")
    return f


def generator_clean(r):
    """jackd kept its cycle during the hold: no late client (a cycle some devices did not
    get: 20 ms those stations' files miss) and no restart of the dummy driver's clock."""
    j = r.get("jackd") or {}
    return not j.get("xrun_events_hold") and not j.get("clock_restarts_hold")


def capacity(args):
    path = os.path.join(RESULTS, "capacity.json")
    old = json.load(open(path)) if os.path.exists(path) and not args.fresh else {}
    runs = [r for r in old.get("runs", []) if "source" in r]   # earlier runs of other sources/counts are kept
    for r in runs:   # judged again by the current rules
        r["ok"], r["load_generator_clean"] = run_ok(r), generator_clean(r)
        r["failures"], r["storm_failures"] = run_failures(r), storm_failures(r)
    if args.report:
        write_json("capacity", {"hold_s": args.hold, "sources": SOURCES, "runs": runs})
    for source in ([] if args.report else args.source.split(",")):
        assert source in SOURCES, f"--source: one of {', '.join(SOURCES)}"
        for fmt in args.formats.split(","):
            failed = 0
            for n in [int(x) for x in args.counts.split(",")]:
                if args.stop_after and failed >= args.stop_after:
                    break
                log(f"capacity: {n} {fmt} recordings for {args.hold} s on {source} devices (load {os.getloadavg()[0]:.2f})")
                r = capacity_run(args, source, fmt, n)
                r["source"] = source
                r["ok"] = run_ok(r)
                r["failures"], r["storm_failures"] = run_failures(r), storm_failures(r)
                r["load_generator_clean"] = generator_clean(r)
                r["written_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
                failed = 0 if r["ok"] and r["load_generator_clean"] else failed + 1
                log(f"  cpu {r['daemon_cpu_fraction_of_one_core']:.2f} cores, load gen "
                    f"{r.get('load_generator_cpu_fraction_of_one_core', 0):.2f}, others {r['others_cpu_cores']:.2f}, "
                    f"lost {r['frames_lost_total']}+{r['device_frames_lost']}, lag max {r['writer_lag_max_s']:.2f} s, "
                    f"STOP {r['stop_to_final_ms']}, click {(r.get('start_latency_click') or {}).get('mark_minus_click_periods')}, "
                    f"ok {r['ok']}; fails: {r['failures'] or 'none'}; storms: {r['storm_failures'] or 'targets met'}")
                r["tree"] = tree()
                runs = [x for x in runs if (x["source"], x["format"], x["recordings"]) != (source, fmt, n)] + [r]
                write_json("capacity", {"hold_s": args.hold, "sources": SOURCES, "runs": runs})
    print_capacity(runs)


def print_capacity(runs):
    print("\nCapacity / latency (lost = frames lost in files + on devices; lag = writer lag max during the quiet hold,\n"
          "from 10 s on / all of it (ok needs <= 1 s from 10 s on); "
          "click = START mark − click, periods; burst = back-to-back STATUS on 4 connections, lag after = writer lag after it;\n"
          "ok = tapedeckd recorded in real time with zero frames lost; gen = the load generator kept its clock (jackd: no xrun))")
    print(f"{'source':12s} {'fmt':4s} {'N':>5s} {'daemon':>6s} {'loadgen':>7s} {'others':>6s} {'lost':>6s} {'lag s':>9s} "
          f"{'STOP p50/p99/max ms':>22s} {'click min/p50/max':>18s} {'STATUS p50/p99':>15s} {'burst req/s':>11s} {'lag after':>9s} ok gen")
    for r in sorted(runs, key=lambda r: (r["source"], r["format"], r["recordings"])):
        st = {float(k): v for k, v in (r.get("status_reply_ms") or {}).items() if k != "max"}
        sp = r["stop_to_final_ms"] or {}
        ck = (r.get("start_latency_click") or {}).get("mark_minus_click_periods") or {}
        print(f"{r['source']:12s} {r['format']:4s} {r['recordings']:5d} {r['daemon_cpu_fraction_of_one_core']:6.2f} "
              f"{r.get('load_generator_cpu_fraction_of_one_core', float('nan')):7.2f} {r['others_cpu_cores']:6.2f} "
              f"{r['frames_lost_total'] + r['device_frames_lost']:6d} "
              f"{r.get('writer_lag_steady_max_s', float('nan')):4.2f}/{r['writer_lag_max_s']:<4.2f} "
              f"{sp.get('p50', float('nan')):6.1f}/{sp.get('p99', float('nan')):6.1f}/{sp.get('max', float('nan')):<7.1f} "
              f"{ck.get('min', float('nan')):5.2f}/{ck.get('p50', float('nan')):5.2f}/{ck.get('max', float('nan')):<5.2f} "
              f"{st.get(50, float('nan')):6.2f}/{st.get(99, float('nan')):<7.2f} "
              f"{(r.get('burst') or {}).get('requests_per_s', float('nan')):11.0f} "
              f"{(r.get('burst') or {}).get('writer_lag_after_s', float('nan')):9.2f} {r['ok']!s:5s} "
              f"{r.get('load_generator_clean', True)}")
    print("\nCriterion per run (slope = writer lag trend, ms per minute; len = decoded − wall, ms; env r = lowest 10 s block;\n"
          "storms: STOP→final p99 ms, START mark later than quiet (p99, periods), STATUS p99 ms during STOP / START storm)")
    for r in sorted(runs, key=lambda r: (r["source"], r["format"], r["recordings"])):
        sl = r.get("writer_lag_slope_s_per_s")
        dm = r.get("decoded_minus_wall_s") or {}
        cc = r.get("content_check") or {}
        ss, st = r.get("stop_storm") or {}, r.get("start_storm") or {}
        g = lambda d, *k: (lambda v: float("nan") if v is None else v)(
            __import__("functools").reduce(lambda a, b: (a or {}).get(b), k, d))
        print(f"{r['source']:12s} {r['format']:4s} {r['recordings']:5d} hold {r.get('hold_s', 0):4d} s "
              f"slope {float('nan') if sl is None else sl * 60e3:6.1f} len {g(dm, 'min') * 1e3:6.1f}..{g(dm, 'max') * 1e3:<6.1f} "
              f"env r {g(cc, 'r_min_block_min'):5.3f} | storms {g(ss, 'stop_to_final_ms', 'p99'):6.1f} "
              f"{g(st, 'mark_later_than_quiet_start_periods', 'p99'):5.2f} {g(ss, 'status_reply_ms', 'p99'):6.1f}/"
              f"{g(st, 'status_reply_ms', 'p99'):<6.1f} | fails: {'; '.join(r.get('failures') or []) or 'none'}"
              f" | storm targets: {'; '.join(r.get('storm_failures') or []) or 'met'}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.environ.get("TAPEDECK_BENCH_WORK", "/tmp/tapedeck-bench"))
    sub = ap.add_subparsers(dest="figure", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--seconds", type=int, default=3600)
    t.add_argument("--reps", type=int, default=3)
    t.add_argument("--only", default="")
    m = sub.add_parser("memory")
    m.add_argument("--stations", type=int, default=512)
    m.add_argument("--churn-minutes", type=float, default=30, help="length of the START/STOP churn (30 for a reported figure)")
    m.add_argument("--cycle", type=float, default=20, help="seconds recorded per cycle (then half as long idle)")
    m.add_argument("--format", default="mp3")
    c = sub.add_parser("capacity")
    c.add_argument("--counts", default="256,512,768,1024,1280,1536")
    c.add_argument("--formats", default="mp3,wav")
    c.add_argument("--hold", type=int, default=600,
                   help="seconds held at each count (600, the default, for a reported figure; less: a smoke run)")
    c.add_argument("--freeze-at", type=float, default=None,
                   help="SIGSTOP tapedeckd for 3 s this many seconds into the hold (a run that must fail)")
    c.add_argument("--no-storms", dest="storms", action="store_false", help="no START storm after the STOP storm")
    c.add_argument("--source", default="virtual", help="comma-separated: " + ", ".join(SOURCES))
    c.add_argument("--burst", type=int, default=5, help="seconds of back-to-back STATUS at the end of the hold (0: none)")
    c.add_argument("--burst-conns", type=int, default=4)
    c.add_argument("--no-clicks", dest="clicks", action="store_false", help="no START-latency click station")
    c.add_argument("--stop-after", type=int, default=2, help="stop raising N after this many failed counts in a row")
    c.add_argument("--fresh", action="store_true", help="forget the runs in results/capacity.json")
    c.add_argument("--report", action="store_true", help="run nothing: judge the stored runs again and print them")
    c.add_argument("--jack-no-realtime", dest="jack_realtime", action="store_false",
                   help="jackd --no-realtime (its dummy clock then slips whenever jackd waits for a core)")
    h = sub.add_parser("_hammer")
    h.add_argument("--sock")
    h.add_argument("--seconds", type=float)
    h.add_argument("--agents", type=int)
    h.add_argument("--stamped", action="store_true")
    h.add_argument("--interval", type=float, default=0)
    st = sub.add_parser("storm")
    st.add_argument("--agents", type=int, default=500)
    st.add_argument("--rounds", type=int, default=3)
    st.add_argument("--format", default="wav")
    st.add_argument("--max-p99-ms", default="start=8000,stop=5000,status=1000",
                    help="the run fails when a p99 exceeds its bound (ms)")
    st.add_argument("--name", default="storm", help="results/<name>.json")
    args = ap.parse_args()
    {"throughput": throughput, "memory": memory, "capacity": capacity, "_hammer": hammer, "storm": storm}[args.figure](args)


if __name__ == "__main__":
    main()
