#!/usr/bin/env python3
"""Tapedeck benchmark suite (issue 7). Run through bench/run; see bench/RESULTS.md.

Figures: throughput (whole path vs bare libmp3lame, lame CLI, the VICIdial-style
pipeline, ffmpeg), memory (RSS per station / per recording), capacity (stations
recording at once in real time, zero frames lost), latency (STOP→final, request
percentiles under load). Writes bench/results/<figure>.json and prints a table.
"""
import argparse, json, os, platform, resource, shutil, socket, sqlite3, statistics
import subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
RESULTS = os.path.join(BENCH, "results")
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

    cases = {
        # name: (fmt, channels, peer, [commands], [files written to disk])
        "tapedeck mp3 mono": lambda: [[TAPEDECK, "record", "--offline", "--device", "benchin", "--duration", str(seconds),
                                       "--mode", "mono", p("td-mono.mp3")]],
        "tapedeck mp3 stereo": lambda: [[TAPEDECK, "record", "--offline", "--device", "benchin", "--duration", str(seconds),
                                         "--mode", "stereo", p("td-stereo.mp3")]],
        "tapedeck wav mono": lambda: [[TAPEDECK, "record", "--offline", "--device", "benchin", "--duration", str(seconds),
                                       "--mode", "mono", p("td-mono.wav")]],
        "tapedeck wav stereo": lambda: [[TAPEDECK, "record", "--offline", "--device", "benchin", "--duration", str(seconds),
                                         "--mode", "stereo", p("td-stereo.wav")]],
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
            r["runs"].append({"cpu_s": cpu.cpu, "user_s": cpu.user, "sys_s": cpu.sys, "wall_s": wall})
            r["bytes_written"] = sum(os.path.getsize(f) for f in files)
            r["commands"] = [" ".join(c) for c in cmds]
            if name.startswith("tapedeck"):
                r["tapedeck_says"] = msgs[0][0].strip()
            log(f"  rep {rep + 1} {name:26s} cpu {cpu.cpu:7.2f} s  wall {wall:7.2f} s")
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
    print(f"{'pipeline':28s} {'CPU s':>8s} {'audio s/CPU s':>14s} {'CPU s/rec. h':>13s} {'bytes written':>14s}")
    for name, r in results.items():
        print(f"{name:28s} {r['cpu_s_median']:8.2f} {r['audio_s_per_cpu_s']:14.0f} {r['cpu_s_per_recorded_hour']:13.2f} "
              f"{r['bytes_written']:14d}")
    for k, v in ratios.items():
        if v is not None:
            print(f"  {k}: {v:.3f}")


# ---------------------------------------------------------------- the daemon

class Daemon:
    def __init__(self, work, devices, stations, history=30):
        self.work = work
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(os.path.join(work, "spool"))
        self.sock = os.path.join(work, "control.sock")
        self.db = os.path.join(work, "recordings.sqlite")
        toml = [f'server_ip = "10.0.0.5"', f'spool = "{work}/spool"', f'database = "{self.db}"',
                "[control]", f'socket = "{self.sock}"', 'mode = "0600"',
                "[recording]", f"history_seconds = {history}", "limit_minutes = 1440"]
        for d in devices:
            toml += ["[[device]]", f'name = "{d["name"]}"', f'pcm = "{d["pcm"]}"', f'channels = {d["channels"]}',
                     f'period_ms = {d.get("period_ms", 20)}']
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

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def rows(self):
        con = sqlite3.connect(self.db)
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("select * from recording_log")]


def proc_cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rb")

    def req(self, obj):
        self.s.sendall((json.dumps(obj) + "\n").encode())
        line = self.f.readline()
        return json.loads(line)


def virtual_layout(n, per_device=32):
    devices, stations = [], []
    for d in range((n + per_device - 1) // per_device):
        k = min(per_device, n - d * per_device)
        devices.append({"name": f"v{d}", "pcm": "virtual", "channels": 2 * k})
        for i in range(k):
            stations.append({"name": f"st{d * per_device + i + 1}", "device": f"v{d}", "agent": 2 * i, "customer": 2 * i + 1})
    return devices, stations


def jack_env(work, n_devices, channels=64):
    """ALSA devices j0, j1, … reading jackd's dummy capture ports through the jack plugin,
    wrapped in `plug` (the jack plugin only speaks FLOAT_LE; Tapedeck captures S16_LE)."""
    d = os.path.join(work, "alsa")
    os.makedirs(d, exist_ok=True)
    ports = " ".join(f"{i} system:capture_{i + 1}" for i in range(channels))
    with open(os.path.join(d, "asoundrc"), "w") as f:
        for k in range(n_devices):
            f.write(f"pcm.j{k} {{ type plug\n slave {{ pcm {{ type jack\n capture_ports {{ {ports} }} }} }} }}\n")
    return dict(os.environ, XDG_CONFIG_HOME=work)


def jack_layout(n, per_device=32):
    devices, stations = [], []
    for d in range((n + per_device - 1) // per_device):
        k = min(per_device, n - d * per_device)
        devices.append({"name": f"j{d}", "pcm": f"j{d}", "channels": 64})
        for i in range(k):
            stations.append({"name": f"st{d * per_device + i + 1}", "device": f"j{d}", "agent": 2 * i, "customer": 2 * i + 1})
    return devices, stations


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else None


def daemon_run(work, n_stations, n_rec, fmt, hold, layout=virtual_layout, env=None, prober=True):
    """Starts tapedeckd with n_stations, logs in n_rec agents and STARTs a recording each,
    holds, STOPs them all; returns the measurements."""
    devices, stations = layout(n_stations)
    d = Daemon(work, devices, stations)
    c = d.start(env=env)
    res = {"stations": n_stations, "recordings": n_rec, "format": fmt, "hold_s": hold}
    time.sleep(2)
    res["rss_kib_idle"] = d.rss_kib()
    for i in range(n_rec):
        r = c.req({"function": "login", "agent_user": f"a{i + 1}", "station": f"st{i + 1}", "session_id": str(8600000 + i)})
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
    cpu0, w0 = d.cpu_s(), time.monotonic()
    th0 = d.threads_cpu()
    # Request latency under load: a prober asks STATUS as fast as it can on its own connection.
    lat = []
    stop_probe = threading.Event()

    def probe():
        pc = Client(d.sock)
        k = 0
        while not stop_probe.is_set():
            t0 = time.monotonic()
            pc.req({"function": "recording", "agent_user": f"a{(k % max(1, n_rec)) + 1}", "value": "STATUS"})
            lat.append(time.monotonic() - t0)
            k += 1
            time.sleep(0.005)
    th = threading.Thread(target=probe, daemon=True)
    if prober and n_rec:
        th.start()
    rss = []
    end = time.monotonic() + hold
    while time.monotonic() < end:
        time.sleep(1)
        rss.append(d.rss_kib())
    stop_probe.set()
    if th.is_alive():
        th.join()
    cpu1, w1 = d.cpu_s(), time.monotonic()
    th1 = d.threads_cpu()
    res["daemon_cpu_fraction_of_one_core"] = (cpu1 - cpu0) / (w1 - w0)
    res["threads_cpu_fraction"] = {k: round((th1.get(k, 0) - th0.get(k, 0)) / (w1 - w0), 4) for k in th1}
    res["rss_kib_recording_max"] = max(rss) if rss else None
    res["start_reply_ms"] = {"p50": pct(t_start, 50) * 1e3, "p99": pct(t_start, 99) * 1e3} if t_start else None
    res["status_requests"] = len(lat)
    if lat:
        res["status_reply_ms"] = {p: pct(lat, p) * 1e3 for p in (50, 90, 99, 99.9)} | {"max": max(lat) * 1e3}
        res["status_requests_per_s"] = len(lat) / hold
    stops = []
    walls = {}
    for i in range(n_rec):
        t0 = time.monotonic()
        r = c.req({"function": "recording", "agent_user": f"a{i + 1}", "value": "STOP"})
        t1 = time.monotonic()
        assert "data" in r, r
        stops.append(t1 - t0)
        walls[f"a{i + 1}"] = t0 - starts[i]
    res["stop_to_final_ms"] = {"p50": pct(stops, 50) * 1e3, "p99": pct(stops, 99) * 1e3, "max": max(stops) * 1e3} if stops else None
    d.stop()
    rows = d.rows()
    lost = sum((r.get("frames_lost") or 0) for r in rows)
    res["frames_lost_total"] = lost
    res["recordings_completed"] = sum(1 for r in rows if r.get("status") == "completed" or r.get("status") is None)
    res["rows"] = len(rows)
    # Each file's duration against the wall time between START's reply and STOP's request.
    durations = []
    for r in rows:
        dur = None
        for key in ("duration_seconds", "length_in_sec"):
            if r.get(key) is not None:
                dur = float(r[key])
                break
        if dur is not None and r.get("user") in walls:
            durations.append(dur - walls[r["user"]])
    if durations:
        res["duration_minus_wall_s"] = {"min": min(durations), "max": max(durations)}
    res["daemon_log_tail"] = open(os.path.join(work, "tapedeckd.log")).read()[-1500:]
    return res


# ---------------------------------------------------------------- figure 4: memory

def memory(args):
    out = {}
    base = daemon_run(os.path.join(args.work, "mem1"), 1, 0, "mp3", 3, prober=False)
    big = daemon_run(os.path.join(args.work, "memN"), args.stations, 0, "mp3", 3, prober=False)
    rec = daemon_run(os.path.join(args.work, "memR"), args.stations, args.stations, "mp3", 10, prober=False)
    recw = daemon_run(os.path.join(args.work, "memW"), args.stations, args.stations, "wav", 10, prober=False)
    n = args.stations
    out = {"stations": n,
           "rss_kib_1_station_idle": base["rss_kib_idle"],
           "rss_kib_N_stations_idle": big["rss_kib_idle"],
           "kib_per_station": (big["rss_kib_idle"] - base["rss_kib_idle"]) / (n - 1),
           "rss_kib_N_mp3_recordings": rec["rss_kib_recording_max"],
           "kib_per_mp3_recording": (rec["rss_kib_recording_max"] - rec["rss_kib_idle"]) / n,
           "rss_kib_N_wav_recordings": recw["rss_kib_recording_max"],
           "kib_per_wav_recording": (recw["rss_kib_recording_max"] - recw["rss_kib_idle"]) / n,
           "device": "virtual (tapedeckd's built-in clock-paced source), 32 stations per 64-channel device"}
    write_json("memory", out)
    print(f"\nMemory (RSS of tapedeckd, {n} stations on virtual devices)")
    for k, v in out.items():
        print(f"  {k}: {v if not isinstance(v, float) else round(v, 1)}")


# ---------------------------------------------------------------- figure 2/3: capacity and latency

def capacity(args):
    runs = []
    fmts = args.formats.split(",")
    for fmt in fmts:
        for n in [int(x) for x in args.counts.split(",")]:
            log(f"capacity: {n} {fmt} recordings for {args.hold} s on {args.source} devices")
            work = os.path.join(args.work, f"cap-{args.source}-{fmt}-{n}")
            if args.source == "jack":
                jwork = os.path.join(args.work, "jackenv")
                env = jack_env(jwork, (n + 31) // 32)
                jlog = open(os.path.join(args.work, f"jackd-{fmt}-{n}.log"), "w")
                jack = subprocess.Popen(["jackd", "--no-realtime", "-p", "8192", "-d", "dummy", "-r", "8000", "-p", "160",
                                         "-C", "64", "-P", "0"], stdout=jlog, stderr=jlog, env=env)
                time.sleep(2)
                jcpu0 = proc_cpu(jack.pid)
                t0 = time.monotonic()
                try:
                    r = daemon_run(work, n, n, fmt, args.hold, layout=jack_layout, env=env)
                finally:
                    r_j = (proc_cpu(jack.pid) - jcpu0) / (time.monotonic() - t0)
                    jack.terminate()
                    jack.wait()
                r["load_generator_cpu_fraction_of_one_core"] = r_j
                r["jackd_xruns_logged"] = open(jlog.name).read().lower().count("xrun")
            else:
                r = daemon_run(work, n, n, fmt, args.hold)
            r["ok"] = (r["frames_lost_total"] == 0 and r["recordings_completed"] == n
                       and (r.get("duration_minus_wall_s") or {}).get("min", -1) > -0.1)
            log(f"  cpu {r['daemon_cpu_fraction_of_one_core']:.2f} cores, lost {r['frames_lost_total']}, "
                f"dur-wall {r.get('duration_minus_wall_s')}, stop p50 {r['stop_to_final_ms']}, ok {r['ok']}")
            runs.append(r)
    write_json("capacity", {"source": args.source, "hold_s": args.hold, "runs": runs})
    print(f"\nCapacity / latency ({args.source} devices, {args.hold} s hold)")
    print(f"{'fmt':4s} {'N':>5s} {'daemon cores':>12s} {'lost':>6s} {'dur-wall min/max s':>20s} "
          f"{'STOP p50/max ms':>16s} {'STATUS p50/p99 ms':>18s} {'RSS MiB':>8s} ok")
    for r in runs:
        dw = r.get("duration_minus_wall_s") or {}
        st = r.get("status_reply_ms") or {}
        print(f"{r['format']:4s} {r['recordings']:5d} {r['daemon_cpu_fraction_of_one_core']:12.2f} {r['frames_lost_total']:6d} "
              f"{dw.get('min', float('nan')):9.3f}/{dw.get('max', float('nan')):<9.3f} "
              f"{r['stop_to_final_ms']['p50']:7.1f}/{r['stop_to_final_ms']['max']:<7.1f} "
              f"{st.get(50, float('nan')):8.2f}/{st.get(99, float('nan')):<8.2f} "
              f"{(r['rss_kib_recording_max'] or 0) / 1024:8.1f} {r['ok']}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.environ.get("TAPEDECK_BENCH_WORK", "/tmp/tapedeck-bench"))
    sub = ap.add_subparsers(dest="figure", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--seconds", type=int, default=3600)
    t.add_argument("--reps", type=int, default=3)
    t.add_argument("--only", default="")
    m = sub.add_parser("memory")
    m.add_argument("--stations", type=int, default=256)
    c = sub.add_parser("capacity")
    c.add_argument("--counts", default="64,256,512,1024")
    c.add_argument("--formats", default="mp3,wav")
    c.add_argument("--hold", type=int, default=60)
    c.add_argument("--source", default="virtual")
    args = ap.parse_args()
    {"throughput": throughput, "memory": memory, "capacity": capacity}[args.figure](args)


if __name__ == "__main__":
    main()
