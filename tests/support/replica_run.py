"""What the tests that run mtpipe replicas as processes share: a temporary directory, child processes that are
always cleaned up, a redis-server, an out-of-process `mtpipe sim` whose stats file is the referee, logged-in
accounts, and the lease events each replica logs (which accounts it drives, from its own log lines)."""
import datetime
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


LOG_LINE = re.compile(r"^(\S+Z) \S+ leases: (driving account|handed account|stopped driving account) ([A-Za-z0-9_.-]+)")


def lease_events(log):
    """(time, event, account) from a replica's log."""
    events = []
    with open(log) as f:
        for line in f:
            m = LOG_LINE.match(line)
            if m:
                when = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ")
                when = when.replace(tzinfo=datetime.timezone.utc).timestamp()
                events.append((when, m.group(2), m.group(3)))
    return events


def driven(log):
    """The accounts a replica drives now, by its log."""
    held = set()
    for _, event, account in lease_events(log):
        (held.add if event == "driving account" else held.discard)(account)
    return held


def shared_fairly(logs, accounts, shares):
    """Every account driven, and the replicas at these fair shares."""
    held = [driven(log) for log in logs]
    return sorted(len(h) for h in held) == sorted(shares) and set().union(*held) == set(accounts)


class Run:
    """One test run: its name (in messages and the temporary directory) and the processes it started."""

    def __init__(self, name, binary):
        self.name = name
        self.bin = binary
        self.tmp = tempfile.mkdtemp(prefix=f"mtpipe-{name}-")
        self.children = []

    def fail(self, message):
        print(f"{self.name}: {message}", file=sys.stderr)
        sys.exit(1)

    def say(self, message):
        print(f"{self.name}: {message}", flush=True)

    def spawn(self, args, env=None, log=None):
        out = open(log, "w") if log else subprocess.DEVNULL
        p = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=out)
        self.children.append(p)
        return p

    def cleanup(self):
        for p in self.children:
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGCONT)  # a paused process dies only once it runs
                except ProcessLookupError:
                    pass
                p.kill()
                p.wait()

    def wait_for(self, what, check, seconds=30.0):
        """Polls `check` until it holds; fails the run after `seconds`."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            if check():
                return
            time.sleep(0.05)
        self.fail(f"gave up waiting for {what}")

    def start_sim(self, latency_ms=5):
        self.spawn([self.bin, "sim", "--dcs", "3", "--latency", str(latency_ms), "--ready-file", f"{self.tmp}/ready.json",
                    "--rsa-key", f"{self.tmp}/key.pem", "--stats-file", f"{self.tmp}/stats.json", "--log-level", "warn"],
                   log=f"{self.tmp}/sim.log")
        self.wait_for("the sim", lambda: os.path.exists(f"{self.tmp}/ready.json") and
                      os.path.exists(f"{self.tmp}/stats.json"))

    def sim_stats(self):
        with open(f"{self.tmp}/stats.json") as f:
            return json.load(f)

    def stats_after(self, second):
        """The stats file once the sim wrote it after `second` ended (it rewrites it every second)."""
        found = {}

        def fresh():
            try:
                found["s"] = self.sim_stats()
            except (OSError, ValueError):
                return False
            return found["s"]["now_s"] > second

        self.wait_for("fresh sim stats", fresh, 10)
        return found["s"]

    def log_in(self, accounts, env, series):
        """Logs each account in with one of the sim's test numbers (`series`: a digit that keeps runs apart)."""
        for i, account in enumerate(accounts):
            dc = 1 + i % 3
            login = env(MTPIPE_PHONE=f"+99966{dc}{series}00{i}", MTPIPE_LOGIN_CODE=str(dc) * 5)
            if subprocess.run([self.bin, "login", "--account", account], env=login, stdin=subprocess.DEVNULL,
                              capture_output=True).returncode != 0:
                self.fail(f"login {account}")

    def main(self, body):
        try:
            body()
        finally:
            self.cleanup()


class RedisServer:
    """A throw-away redis-server on a fixed port, so it can be killed and started again empty where it was."""

    def __init__(self, run):
        self.run = run
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = self.run.spawn(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no"], log=f"{self.run.tmp}/redis.log")
        self.run.wait_for("redis-server", lambda: redis_answers(self.port))

    def kill(self):
        self.process.kill()
        self.process.wait()
