"""The load test: c2c serve under a bounded load on loopback, for a bounded time.

Both loads run at once for DURATION seconds: wrk on GET /token, and wrk on POST /voice signed as
Twilio signs it, coming "from outside" (X-Forwarded-For). Meanwhile 1,000 idle connections and
200 that trickle a body one byte a second are held open (each reopened when c2c closes it), and
the local page is fetched every 50 ms on a fresh connection. After a warm-up (20 s: two rounds of
the connections c2c cuts off at 10 s), it passes when no request failed, the page always
answered within 10 ms, and c2c's memory shows no trend: its highest RSS in the last third of the
run is at most 1 MB over its highest in the first third. Prints a Markdown table of the figures; exits 1 on any failure."""
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
WARM_UP = float(os.environ.get("C2C_LOAD_WARM_UP", "20"))
AUTH_TOKEN = "load-test-auth-token"
PUBLIC = "https://c2c.example.test"
IDLE, SLOW = 1000, 200
PAGE_BUDGET = 0.010

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

env = {
    "PATH": os.environ["PATH"],
    "HOME": tempfile.mkdtemp(),
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_API_KEY": "SK" + "0" * 32,
    "TWILIO_API_SECRET": "loadSecret0123456789abcdefghijkl",
    "TWILIO_TWIML_APP_SID": "AP" + "0" * 32,
    "TWILIO_CALLER_ID": "+14155550100",
    "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
}
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


page_times = []


def probe_page():
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    while not stop.is_set():
        began = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(request)
                reply = s.recv(16)
            took = time.perf_counter() - began
            if not reply.startswith(b"HTTP/1.1 200"):
                failures.append(f"the page answered {reply!r}")
            page_times.append(took)
        except OSError as err:
            failures.append(f"the page did not answer: {err}")
        time.sleep(0.05)


def signature(url, params):
    text = url + "".join(k + v for k, v in sorted(params))
    digest = hmac.new(AUTH_TOKEN.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


params = [("CallSid", "CA" + "1" * 32), ("From", "client:load"), ("To", "+14155552671")]
body = "&".join(f"{k}={v.replace(':', '%3A').replace('+', '%2B')}" for k, v in params)
lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
lua.write(f"""wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Forwarded-For"] = "203.0.113.9"
wrk.headers["X-Twilio-Signature"] = "{signature(PUBLIC + '/voice', params)}"
""")
lua.close()


def wrk(path, script=None):
    argv = ["wrk", "-t1", "-c4", f"-d{int(DURATION + WARM_UP)}s"]
    if script:
        argv += ["-s", script]
    return subprocess.Popen(argv + [f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True)


loads = {"/token": wrk("/token"), "/voice (signed)": wrk("/voice", lua.name)}
threads = [threading.Thread(target=f, daemon=True) for f in (hold_idle, trickle, probe_page)]
for t in threads:
    t.start()
time.sleep(WARM_UP)
# Memory moves with the connections that come and go; a leak is a trend. So the growth is the
# highest RSS of the last third of the run over the highest of the first third.
samples = []
deadline = time.time() + DURATION
while time.time() < deadline:
    time.sleep(1)
    samples.append(rss_mb())
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
rss_early, rss_late = max(samples[:third]), max(samples[-third:])
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
    print(f"| {name} with wrk -t1 -c4 | {rate:,.0f} requests/s, 0 failed | 0 failed |" if not failures else f"| {name} | {rate:,.0f} requests/s | 0 failed |")
print(f"| the local page, fetched every 50 ms ({len(page_times)} times) | slowest {worst * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms | 10 ms |")
print(f"| RSS, highest in the first and in the last third | {rss_early:.1f} MB, {rss_late:.1f} MB | growth 1 MB at most |")
if worst > PAGE_BUDGET:
    failures.append(f"the page took {worst * 1000:.1f} ms at worst (budget {PAGE_BUDGET * 1000:.0f} ms)")
if growth > 1.0:
    failures.append(f"RSS grew by {growth:.2f} MB after warm-up")
if failures:
    print("\nload: FAILED")
    for failure in failures[:20]:
        print(f"- {failure}")
    sys.exit(1)
print("\nload: passed")
