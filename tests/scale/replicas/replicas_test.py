#!/usr/bin/python3
"""Replicas against a real redis-server and an out-of-process `mtpipe sim`:
  1. the global rate of one process stays within +-2% of MTPROTO_GLOBAL_RPS over a 60 s window;
  2. so does the rate of three replica processes sharing the limit through Redis;
  3. SIGKILL one of three replicas: each of its accounts is driven by another replica within TTL + 1 s, and
     the sim counts zero AUTH_KEY_DUPLICATED over the whole run.
The sim is the referee: rates come from its per-second histogram of API queries, duplicates from its DC counters.
Usage: replicas_test.py MTPIPE_BINARY [WINDOW_SECONDS]"""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from replica_run import RedisServer, Run, driven, lease_events, shared_fairly  # noqa: E402

BIN = sys.argv[1]
WINDOW = int(sys.argv[2]) if len(sys.argv) > 2 else 60
RATE = 40.0
ACCOUNTS = [f"acc{i}" for i in range(8)]
TTL_MS = 2000
run = Run("replicas_test", BIN)
tmp = run.tmp
fail = run.fail


def rate_over(stats, begin, seconds):
    per_second = dict((s, n) for s, n in stats["requests_per_second"])
    return sum(per_second.get(begin + k, 0) for k in range(seconds)) / seconds


def base_env(**extra):
    env = dict(os.environ)
    env.update({"MTPIPE_SERVER": f"sim:{tmp}/ready.json", "MTPIPE_SESSIONS_DIR": f"{tmp}/sessions",
                "MTPROTO_POOL_ENABLED": "true", "MTPROTO_ACCOUNTS": ",".join(ACCOUNTS),
                "MTPROTO_GLOBAL_RPS": str(RATE), "MTPROTO_RPS_PER_ACCOUNT": "0",
                "MTPIPE_CLASS_LIMITS": "other=100/10", "MTPIPE_LEASE_TTL_MS": str(TTL_MS)})
    env.update(extra)
    return env


def load(env, log, duration):
    # Four workers per process are enough to keep the limit saturated (the sim answers in 5 ms); more would only
    # make the queues longer.
    return run.spawn([BIN, "load", "--requests", "0", "--duration-s", str(duration), "--concurrency", "4",
                      "--report", log + ".json"], env, log)


def check_load(p, log):
    """A load run ends 0 (all answered) or 1 (some failed); at least 99% must have been answered."""
    code = p.wait()
    try:
        with open(log + ".json") as f:
            report = json.load(f)
    except (OSError, ValueError):
        fail(f"{log}: exit {code}, no report: {open(log).read()[-2000:]}")
    if report["failed"]:
        print(f"replicas_test: {os.path.basename(log)}: {report['failed']} of {report['requests']} failed: "
              f"{report['failures']}")
    if code not in (0, 1) or report["ok"] < 0.99 * report["requests"]:
        fail(f"{log}: exit {code}, {report['ok']} of {report['requests']} answered")


def check_rate(label, begin, stats):
    rate = rate_over(stats, begin, WINDOW)
    error = (rate - RATE) / RATE
    print(f"replicas_test: {label}: {rate:.3f} requests/s over {WINDOW} s against {RATE} ({error:+.2%})")
    if abs(error) > 0.02:
        fail(f"{label}: the achieved rate {rate:.3f}/s is not within 2% of {RATE}/s")


def main():
    redis_server = RedisServer(run)
    redis_server.start()
    run.start_sim()
    run.log_in(ACCOUNTS, base_env, 4)

    # 1. One process.
    duration = WINDOW + 4
    start = int(time.time())
    check_load(load(base_env(), f"{tmp}/single.log", duration), f"{tmp}/single.log")
    check_rate("one process", start + 2, run.stats_after(start + 2 + WINDOW))

    # 2. Three replicas sharing the limit through Redis.
    # A brand-new Redis grants no lease for one TTL (its data may be a lost one's successor): the window starts after.
    redis = {"REDIS_URL": f"redis://127.0.0.1:{redis_server.port}/0"}
    replicas = []
    settle = 2 + (TTL_MS + 999) // 1000
    for r in range(3):
        replicas.append(load(base_env(MTPIPE_REPLICA_ID=f"rate-{r}", **redis), f"{tmp}/rate-{r}.log",
                             duration + settle))
    start = int(time.time())
    for r, p in enumerate(replicas):
        check_load(p, f"{tmp}/rate-{r}.log")
    check_rate("three replicas", start + settle, run.stats_after(start + settle + WINDOW))

    # 3. SIGKILL one of three replicas.
    logs = [f"{tmp}/kill-{r}.log" for r in range(3)]
    replicas = [run.spawn([BIN, "load", "--requests", "0", "--concurrency", "8"],
                          base_env(MTPIPE_REPLICA_ID=f"kill-{r}", **redis), logs[r]) for r in range(3)]
    # Settled: every account driven, each replica at its fair share (3, 3, 2).
    run.wait_for("the replicas to share the accounts", lambda: shared_fairly(logs, ACCOUNTS, [2, 3, 3]), 60)
    victim = max(range(3), key=lambda r: len(driven(logs[r])))
    orphans = driven(logs[victim])
    replicas[victim].kill()
    killed_at = time.time()
    replicas[victim].wait()
    survivors = [logs[r] for r in range(3) if r != victim]

    def taken():
        return orphans <= set().union(*(driven(l) for l in survivors))

    run.wait_for("the survivors to take the killed replica's accounts", taken, 20)
    for account in sorted(orphans):
        when = min(t for l in survivors for t, e, a in lease_events(l) if a == account and e == "driving account"
                   and t >= killed_at - 0.05)
        took = when - killed_at
        print(f"replicas_test: {account} driven again {took * 1000:.0f} ms after the SIGKILL")
        if took > TTL_MS / 1000 + 1:
            fail(f"{account} was taken over after {took:.2f} s, more than TTL + 1 s")
    for r in range(3):
        if r != victim:
            replicas[r].send_signal(signal.SIGTERM)
    for r in range(3):
        if r != victim and replicas[r].wait() != 0:
            fail(f"replica {r} did not stop cleanly: {open(logs[r]).read()[-2000:]}")
    stats = run.stats_after(int(time.time()))
    duplicated = sum(dc["auth_key_duplicated"] for dc in stats["dcs"])
    print(f"replicas_test: AUTH_KEY_DUPLICATED seen by the sim: {duplicated}")
    if duplicated != 0:
        fail("an account was driven by two replicas at once")
    print("replicas_test: ok")


run.main(main)
