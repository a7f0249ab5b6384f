"""The measuring half of scripts/bench: start each server, time it to its first answer, read its
idle memory, load it with wrk, and print one Markdown table."""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

BASELINE = os.path.abspath(sys.argv[1])
ENV = {
    "PATH": os.environ["PATH"],
    "HOME": os.environ.get("HOME", "/tmp"),
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_API_KEY": "SK" + "0" * 32,
    "TWILIO_API_SECRET": "benchSecret0123456789abcdefghijk",
    "TWILIO_TWIML_APP_SID": "AP" + "0" * 32,
    "TWILIO_CALLER_ID": "+14155550100",
}
LOAD = ["wrk", "-t2", "-c32", "-d5s"]
STARTS = 5
# Throughput is measured in rounds that take turns between the servers, and the median kept: on
# a 2-core VM one run of the ceiling alone varies by 20%.
ROUNDS = 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port, path="/"):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
            return s.recv(16).startswith(b"HTTP/1.")
    except OSError:
        return False


def start(argv, port, cwd=None):
    """Starts a server; returns it and the seconds from exec to its first answered GET /."""
    began = time.perf_counter()
    proc = subprocess.Popen(argv, env=ENV | {"PORT": str(port)}, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not answers(port):
        if proc.poll() is not None or time.perf_counter() - began > 30:
            raise RuntimeError(f"{argv[0]} did not start")
        time.sleep(0.0005)
    return proc, time.perf_counter() - began


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) / 1024


def requests_per_second(port, path):
    out = subprocess.run(LOAD + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed responses on {path}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def median(values):
    return sorted(values)[len(values) // 2]


def start_and_memory(name, argv, path, cwd=None):
    times = []
    for _ in range(STARTS):
        port = free_port()
        proc, took = start(argv(port), port, cwd)
        times.append(took)
        proc.terminate()
        proc.wait()
    port = free_port()
    proc, _ = start(argv(port), port, cwd)
    time.sleep(0.5)
    rss = rss_mb(proc.pid)
    proc.terminate()
    proc.wait()
    return {"name": name, "argv": argv, "cwd": cwd, "path": path, "start": median(times), "rss": rss, "rps": []}


def load_once(row):
    port = free_port()
    proc, _ = start(row["argv"](port), port, row["cwd"])
    row["rps"].append(requests_per_second(port, row["path"]))
    proc.terminate()
    proc.wait()


def bring_up(c2c, stand_ins):
    """Seconds from exec to the "ready:" line of `c2c serve --tunnel`, against the stand-ins for
    Twilio's REST API and ngrok's edge (examples/stand_ins.rs), median of STARTS runs. Each run
    points the TwiML App at the tunnel and, on SIGTERM, puts it back, so the next starts alike."""
    helper = subprocess.Popen([stand_ins], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    settings = {}
    for line in helper.stdout:
        if not line.strip():
            break
        name, value = line.rstrip("\n").split("=", 1)
        settings[name] = value
    times = []
    try:
        with tempfile.TemporaryDirectory() as home:
            env = ENV | settings | {"HOME": home, "XDG_STATE_HOME": home}
            for _ in range(STARTS):
                began = time.perf_counter()
                proc = subprocess.Popen([c2c, "serve", "--tunnel", "--port", "0"], env=env, cwd=home,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                log = []
                for line in proc.stderr:
                    log.append(line)
                    if "ready:" in line:
                        times.append(time.perf_counter() - began)
                        break
                else:
                    raise RuntimeError("c2c serve --tunnel never got ready:\n" + "".join(log))
                proc.terminate()
                proc.stderr.read()
                if proc.wait() != 0:
                    raise RuntimeError(f"c2c serve --tunnel exited {proc.returncode} on SIGTERM")
    finally:
        helper.stdin.close()
        helper.wait()
    return median(times)


def first_voice(c2c):
    """POST /voice from the very first request after start: each of STARTS runs starts c2c, sends
    a call as soon as it answers GET /, then 199 more on the same connection. Returns the slowest
    first call, the p99 over all of them, and the largest RSS after the calls."""
    firsts, every, rss = [], [], 0.0
    body = "From=client%3Abench&To=%2B14155552671&CallSid=CA" + "0" * 32
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1"}
    for _ in range(STARTS):
        port = free_port()
        proc, _ = start([c2c, "-q", "serve", "--port", str(port)], port)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for i in range(200):
            began = time.perf_counter()
            conn.request("POST", "/voice", body, headers)
            reply = conn.getresponse().read()
            took = time.perf_counter() - began
            if b"<Number>+14155552671</Number>" not in reply:
                raise RuntimeError(f"/voice did not dial: {reply!r}")
            every.append(took)
            if i == 0:
                firsts.append(took)
        conn.close()
        rss = max(rss, rss_mb(proc.pid))
        proc.terminate()
        proc.wait()
    every.sort()
    return max(firsts), every[int(len(every) * 0.99)], rss


def call_to_invite(c2c):
    """Seconds from exec of `c2c call` to the SDK's invite reaching the stand-in voice edge
    (tests/edge/server.js), Chromium's start included, median of STARTS calls. Each call hangs up
    a second after the answer."""
    number = "+14155550123"
    edge = subprocess.Popen(["node", "tests/edge/server.js", "--phone", f"{number}=answer"],
                            env=ENV | {"TWILIO_AUTH_TOKEN": "benchAuthToken"}, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    ready = json.loads(edge.stdout.readline())["ready"]
    times = []
    try:
        with tempfile.TemporaryDirectory() as home:
            env = ENV | {"HOME": home, "TWILIO_AUTH_TOKEN": "benchAuthToken", "C2C_SIGNALLING": ready["signalling"]}
            for _ in range(STARTS):
                began = time.time()
                proc = subprocess.Popen([c2c, "-q", "call", number, "--hangup-after", "1s",
                                         f"--chrome-arg=--ignore-certificate-errors-spki-list={ready['spki']}"],
                                        env=env, cwd=home, stdout=subprocess.DEVNULL)
                for line in edge.stdout:
                    event = json.loads(line)
                    if "invite" in event:
                        times.append(event["invite"]["at"] / 1000 - began)
                        break
                if proc.wait() != 0:
                    raise RuntimeError(f"c2c call exited {proc.returncode}")
    finally:
        edge.stdin.close()
        edge.wait()
    return median(times)


c2c = os.path.abspath("target/release/c2c")
stand_ins = os.path.abspath("target/release/examples/stand_ins")
bare = os.path.abspath("target/release/examples/bare_hyper")
python = os.path.abspath(".venv-bench/bin/python")
gunicorn = os.path.abspath(".venv-bench/bin/gunicorn")
rows = [
    # The rate limit still runs, set high enough never to refuse the load.
    start_and_memory("c2c serve", lambda p: [c2c, "-q", "serve", "--port", str(p), "--token-rate", "1000000000"], "/token"),
    start_and_memory("bare hyper (ceiling)", lambda p: [bare, str(p)], "/"),
    start_and_memory("Flask dev server", lambda p: [python, "app.py"], "/token", cwd=BASELINE),
    start_and_memory("gunicorn, 2 workers", lambda p: [gunicorn, "-w", "2", "-b", f"127.0.0.1:{p}", "app:app"], "/token", cwd=BASELINE),
]
tunnel_ready = bring_up(c2c, stand_ins)
voice_first, voice_p99, voice_rss = first_voice(c2c)
call_invite = call_to_invite(c2c)
for _ in range(ROUNDS):
    for row in rows:
        load_once(row)
for row in rows:
    row["rps"] = median(row["rps"])
by = {row["name"]: row for row in rows}
print(f"| server | requests/s (wrk {' '.join(LOAD[1:])}, median of {ROUNDS}) | start (exec to first GET /, median of {STARTS}) | idle RSS |")
print("| --- | --- | --- | --- |")
for row in rows:
    print(f"| {row['name']} ({row['path']}) | {row['rps']:,.0f} | {row['start'] * 1000:.1f} ms | {row['rss']:.1f} MB |")
c, flask, gun, ceiling = by["c2c serve"], by["Flask dev server"], by["gunicorn, 2 workers"], by["bare hyper (ceiling)"]
print()
print(f"- start: {flask['start'] / c['start']:.0f}x faster than Flask (target 15x)")
print(f"- /token: {c['rps'] / gun['rps']:.1f}x gunicorn's (target 10x), {100 * c['rps'] / ceiling['rps']:.0f}% of bare hyper (target 60%)")
print(f"- idle RSS: {c['rss']:.1f} MB (target under 10 MB)")
print(f"- `serve --tunnel` bring-up (exec to ready: tunnel up, Voice URL set, against the stand-ins, median of {STARTS}): {tunnel_ready * 1000:.1f} ms (target 15 ms or less)")
print(f"- POST /voice from the first request after start ({STARTS} starts x 200 calls): first call {voice_first * 1000:.2f} ms at worst, p99 {voice_p99 * 1000:.2f} ms (target 1 ms or less); RSS after the calls {voice_rss:.1f} MB (target 10 MB or less)")
print(f"- `c2c call`, exec to the SDK's invite at the stand-in voice edge (Chromium's start included, median of {STARTS}): {call_invite * 1000:.0f} ms (target 1 s or less)")
print(f"- release binary: {os.path.getsize(c2c) / 1e6:.2f} MB (target 12 MB or less, the Voice SDK bundle included)")
