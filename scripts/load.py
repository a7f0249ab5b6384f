"""The load test: c2c serve under a bounded load on loopback, for a bounded time.

Both loads run at once for DURATION seconds, paced: wrk on GET /token, and wrk on POST /voice
signed as Twilio signs it, coming "from outside" (X-Forwarded-For). Meanwhile 1,000 idle
connections and 200 that trickle a body one byte a second are held open (each reopened when c2c
closes it), and the local page is fetched every 50 ms on a fresh connection. After a warm-up
(30 s: three rounds of the connections c2c cuts off at 10 s), it passes when no request failed,
the page answered within 25 ms (p99, and none over 100 ms), and c2c's memory shows no leak: from
the median RSS of the first third of the run to that of the last, it grows by less than 8 MB a
minute (a leak of 1 KB per connection). Prints a Markdown table of the figures; exits 1 on any failure."""
import atexit
import base64
import hashlib
import hmac
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

C2C = os.path.abspath(sys.argv[1])
DURATION = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
WARM_UP = float(os.environ.get("C2C_LOAD_WARM_UP", "30"))
AUTH_TOKEN = "load-test-auth-token"
PUBLIC = "https://c2c.example.test"
IDLE, SLOW = 1000, 200
# What the test guards against is c2c making its own page wait: a stall (a dropped SYN's
# one-second retry) or a queue behind the load. The budget must still hold on the slowest 2-core
# VMs the project runs on, whose scheduling alone gave a p99 of 3 to 10 ms in quiet runs on one
# of them (and 22 ms while a build ran beside it); a queue or a stall is far over it.
PAGE_BUDGET = 0.025
# One slow answer in thousands is this 2-core machine scheduling the probe late; a stall in c2c
# is far over this.
PAGE_WORST = 0.100
# About 140 connections a second come and go: a leak of 1 KB per connection would add 8 MB a
# minute. RSS also creeps by 1 to 3 MB a minute without any leak: valgrind's massif shows c2c's
# heap flat through the same churn, so the creep is glibc's allocator keeping pages it cannot
# hand back (see CONTRIBUTING.md, Reliability).
GROWTH_PER_MINUTE = 8.0

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

# Everything this run writes (c2c's home, wrk's scripts) goes in one folder, removed at exit.
scratch = tempfile.TemporaryDirectory(prefix="c2c-load-")
atexit.register(scratch.cleanup)
env = {
    "PATH": os.environ["PATH"],
    "HOME": scratch.name,
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_API_KEY": "SK" + "0" * 32,
    "TWILIO_API_SECRET": "loadSecret0123456789abcdefghijkl",
    "TWILIO_TWIML_APP_SID": "AP" + "0" * 32,
    "TWILIO_CALLER_ID": "+14155550100",
    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
}
if os.environ.get("C2C_LOAD_MALLOC_ARENA_MAX"):
    env["MALLOC_ARENA_MAX"] = os.environ["C2C_LOAD_MALLOC_ARENA_MAX"]
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
# Its log (a line per call placed) goes nowhere: a reader that falls behind would stall c2c.
c2c = subprocess.Popen(
    [C2C, "serve", "--port", str(port), "--public-url", PUBLIC, "--token-rate", "0"],
    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
started = time.time()
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        if c2c.poll() is not None or time.time() - started > 20:
            sys.exit("load: c2c serve did not start")
        time.sleep(0.05)

stop = threading.Event()
failures = []


def rss_mb():
    with open(f"/proc/{c2c.pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) / 1024


def hold_idle():
    held = []
    while not stop.is_set():
        held = [s for s in held if s.fileno() != -1]
        # At most 50 new ones per round, so that they do not all time out at once.
        for _ in range(min(50, IDLE - len(held))):
            try:
                held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
            except OSError as err:
                failures.append(f"idle connection refused: {err}")
                time.sleep(0.1)
                break
        # c2c closes a connection that sent nothing after its header timeout: open another.
        for s in list(held):
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    s.close()
                    held.remove(s)
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                held.remove(s)
        time.sleep(0.5)
    for s in held:
        s.close()


def trickle():
    head = (f"POST /voice HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: "
            "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n").encode()
    slow = []
    while not stop.is_set():
        for _ in range(min(20, SLOW - len(slow))):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                s.sendall(head)
                s.setblocking(False)
                slow.append(s)
            except OSError as err:
                failures.append(f"slow connection refused: {err}")
                break
        for s in list(slow):
            try:
                answer = s.recv(64)
                # Cut off (408) as it should be: open another.
                if answer and not answer.startswith(b"HTTP/1.1 408"):
                    failures.append(f"a slow body got {answer[:20]!r}")
                s.close()
                slow.remove(s)
            except BlockingIOError:
                try:
                    s.send(b"x")
                except OSError:
                    s.close()
                    slow.remove(s)
            except OSError:
                s.close()
                slow.remove(s)
        time.sleep(1)
    for s in slow:
        s.close()


# The page is probed from a process of its own, so that this one's threads (holding 1,200
# sockets) cannot delay it: what it measures is c2c.
PROBE = """
import socket, sys, time
port, request = int(sys.argv[1]), sys.argv[2].encode()
while True:
    began = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(request)
            reply = s.recv(16)
        print(time.perf_counter() - began if reply.startswith(b"HTTP/1.1 200") else f"bad {reply!r}", flush=True)
    except OSError as err:
        print(f"error {err}", flush=True)
    time.sleep(0.05)
"""
page_times = []


def probe_page():
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    probe = subprocess.Popen([sys.executable, "-c", PROBE, str(port), request],
                             stdout=subprocess.PIPE, text=True)
    for line in probe.stdout:
        if stop.is_set():
            break
        try:
            page_times.append(float(line))
        except ValueError:
            failures.append(f"the page: {line.strip()}")
    probe.kill()


def signature(url, params):
    text = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(AUTH_TOKEN.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


params = [("CallSid", "CA" + "1" * 32), ("From", "client:load"), ("To", "+14155552671")]
body = "&".join(f"{k}={v.replace(':', '%3A').replace('+', '%2B')}" for k, v in params)
# Paced: each of wrk's 4 connections waits PACE_MS between requests, so the load is steady
# (about 2,000 requests a second per route) rather than whatever this 2-core machine can push:
# a generator that takes every core would measure its own scheduling, not c2c.
PACE_MS = 2
pace = os.path.join(scratch.name, "pace.lua")
with open(pace, "w") as script:
    script.write(f"function delay() return {PACE_MS} end\n")
lua = os.path.join(scratch.name, "voice.lua")
with open(lua, "w") as script:
    script.write(f"""function delay() return {PACE_MS} end
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Forwarded-For"] = "203.0.113.9"
wrk.headers["X-Twilio-Signature"] = "{signature(PUBLIC + '/voice', params)}"
""")


def wrk(path, script=None):
    argv = ["wrk", "-t1", "-c4", f"-d{int(DURATION + WARM_UP)}s"]
    if script:
        argv += ["-s", script]
    return subprocess.Popen(argv + [f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True)


loads = {"/token": wrk("/token", pace), "/voice (signed)": wrk("/voice", lua)}
threads = [threading.Thread(target=f, daemon=True) for f in (hold_idle, trickle, probe_page)]
for t in threads:
    t.start()
time.sleep(WARM_UP)
# Memory moves with the connections that come and go; a leak is a trend. So the growth is the
# median RSS of the last third of the run over the median of the first third.
samples = []
deadline = time.time() + DURATION
while time.time() < deadline:
    time.sleep(1)
    samples.append(rss_mb())
    if os.environ.get("C2C_LOAD_TRACE") and len(samples) % 10 == 0:
        print(f"{WARM_UP + len(samples):4.0f} s: {samples[-1]:.1f} MB", file=sys.stderr)
results = {}
for name, proc in loads.items():
    out = proc.communicate()[0]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    count = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    if count:
        failures.append(f"{name}: {count} failed requests\n{out}")
    results[name] = rate
third = max(1, len(samples) // 3)
rss_early = sorted(samples[:third])[third // 2]
rss_late = sorted(samples[-third:])[third // 2]
stop.set()
for t in threads:
    t.join(timeout=5)
c2c.terminate()
c2c.wait()

page_times.sort()
worst = page_times[-1] if page_times else float("inf")
p99 = page_times[int(len(page_times) * 0.99)] if page_times else float("inf")
growth = rss_late - rss_early
print(f"| load ({DURATION:.0f} s, after {WARM_UP:.0f} s of warm-up; {IDLE} idle and {SLOW} slow connections held) | measured | target |")
print("| --- | --- | --- |")
for name, rate in results.items():
    print(f"| {name}, wrk -t1 -c4 paced {PACE_MS} ms | {rate:,.0f} requests/s, {'0 failed' if not failures else 'see below'} | 0 failed |")
print(f"| the local page, fetched every 50 ms ({len(page_times)} times) | p99 {p99 * 1000:.1f} ms, slowest {worst * 1000:.1f} ms | p99 {PAGE_BUDGET * 1000:.0f} ms, none over {PAGE_WORST * 1000:.0f} ms |")
print(f"| RSS, median of the first and of the last third | {rss_early:.1f} MB, {rss_late:.1f} MB | growing under {GROWTH_PER_MINUTE:.0f} MB a minute |")
if p99 > PAGE_BUDGET or worst > PAGE_WORST:
    failures.append(f"the page took {p99 * 1000:.1f} ms (p99), {worst * 1000:.1f} ms at worst")
per_minute = growth * 60 / (DURATION * 2 / 3)
if per_minute > GROWTH_PER_MINUTE:
    failures.append(f"RSS grew by {growth:.2f} MB after warm-up ({per_minute:.1f} MB a minute)")
if failures:
    print("\nload: FAILED")
    for failure in failures[:20]:
        print(f"- {failure}")
    sys.exit(1)
print("\nload: passed")
