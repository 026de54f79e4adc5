#!/usr/bin/python3
"""Replicas that never drive an account twice, whatever Redis does. Three `mtpipe load` replicas share eight accounts
through a real redis-server reached through a relay the test controls; an out-of-process `mtpipe sim` is the
referee. Several times each, Redis is
  - killed and started again empty (its data lost),
  - paused with SIGSTOP for longer than the lease TTL, then resumed,
  - slowed: the relay holds every byte longer than the Redis command timeout.
Afterwards:
  - the sim counts zero AUTH_KEY_DUPLICATED, and its high-water mark of live session ids per logged-in key is 1;
  - every request a replica started ended, answered or failed with a reason;
  - after each outage the replicas share all the accounts again (fair shares 3, 3, 2) within TTL + one round
    (+ 1 s for process scheduling on a busy machine).
Usage: redis_chaos_test.py MTPIPE_BINARY"""
import asyncio
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from replica_run import RedisServer, Run, driven, free_port, shared_fairly  # noqa: E402

BIN = sys.argv[1]
ACCOUNTS = [f"acc{i}" for i in range(8)]
SHARES = [2, 3, 3]
TTL_MS = 2000
ROUND_MS = min(TTL_MS // 4, 500)
COMMAND_TIMEOUT_S = 2.0  # RedisOptions::command_timeout
ROUNDS_OF_EACH = 3
run = Run("redis_chaos_test", BIN)
tmp = run.tmp
fail, say = run.fail, run.say


class Relay:
    """A TCP relay to Redis that can hold every byte `delay` seconds before passing it on, in order."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.delay = 0.0
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        started.wait()

    def _run(self, started):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        started.set()
        self.loop.run_forever()
        server.close()

    async def _pipe(self, reader, writer):
        queue = asyncio.Queue()

        async def deliver():
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                wait = due - self.loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                try:
                    await writer.drain()
                except OSError:
                    break
            writer.close()

        task = asyncio.ensure_future(deliver())
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                queue.put_nowait((self.loop.time() + self.delay, data))
        except OSError:
            pass
        queue.put_nowait((self.loop.time() + self.delay, None))
        await task

    async def _serve(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))


def main():
    redis = RedisServer(run)
    redis.start()
    relay = Relay(redis.port)
    run.start_sim()

    def env(**extra):
        e = dict(os.environ)
        e.update({"MTPIPE_SERVER": f"sim:{tmp}/ready.json", "MTPIPE_SESSIONS_DIR": f"{tmp}/sessions",
                  "MTPROTO_POOL_ENABLED": "true", "MTPROTO_ACCOUNTS": ",".join(ACCOUNTS),
                  "MTPROTO_GLOBAL_RPS": "200", "MTPROTO_RPS_PER_ACCOUNT": "0", "MTPIPE_CLASS_LIMITS": "other=100/10",
                  "MTPIPE_LEASE_TTL_MS": str(TTL_MS), "REDIS_URL": f"redis://127.0.0.1:{relay.port}/0"})
        e.update(extra)
        return e

    run.log_in(ACCOUNTS, env, 5)

    logs = [f"{tmp}/replica-{r}.log" for r in range(3)]
    replicas = [run.spawn([BIN, "load", "--requests", "0", "--concurrency", "4", "--timeout", "10",
                           "--report", f"{logs[r]}.json"], env(MTPIPE_REPLICA_ID=f"chaos-{r}"), logs[r])
                for r in range(3)]
    run.wait_for("the replicas to share the accounts", lambda: shared_fairly(logs, ACCOUNTS, SHARES), 60)
    say("the replicas share the accounts")

    def recovered(label, back_at):
        limit = (TTL_MS + ROUND_MS) / 1000 + 1
        run.wait_for(f"the accounts shared again after {label}", lambda: shared_fairly(logs, ACCOUNTS, SHARES), 60)
        took = time.time() - back_at
        say(f"{label}: shared again {took * 1000:.0f} ms after Redis was back")
        if took > limit + 0.5:  # + the polling of this test
            fail(f"{label}: the accounts were shared again only after {took:.2f} s, more than TTL + one round + 1 s")

    def dropped(label):
        """An outage longer than a lease lives: no replica may still drive an account it cannot renew."""
        still = {r: sorted(driven(log)) for r, log in enumerate(logs) if driven(log)}
        if still:
            fail(f"{label}: still driving accounts Redis could not renew: {still}")

    for n in range(ROUNDS_OF_EACH):
        redis.kill()
        time.sleep(TTL_MS / 1000 + 1)
        dropped(f"restart {n + 1}")
        redis.start()
        recovered(f"restart {n + 1} (data lost)", time.time())

        redis.process.send_signal(signal.SIGSTOP)
        time.sleep(TTL_MS / 1000 + 1)
        dropped(f"pause {n + 1}")
        redis.process.send_signal(signal.SIGCONT)
        recovered(f"pause {n + 1}", time.time())

        relay.delay = COMMAND_TIMEOUT_S + 0.5
        time.sleep(TTL_MS / 1000 + 2)
        dropped(f"slow Redis {n + 1}")
        relay.delay = 0.0
        recovered(f"slow Redis {n + 1}", time.time())

    for p in replicas:
        p.send_signal(signal.SIGTERM)
    for r, p in enumerate(replicas):
        code = p.wait()
        try:
            with open(logs[r] + ".json") as f:
                report = json.load(f)
        except (OSError, ValueError):
            fail(f"replica {r}: exit {code}, no report: {open(logs[r]).read()[-3000:]}")
        if code not in (0, 1):
            fail(f"replica {r}: exit {code}: {open(logs[r]).read()[-3000:]}")
        if report["started"] != report["requests"]:
            fail(f"replica {r}: {report['started']} requests started, {report['requests']} ended")
        say(f"replica {r}: {report['requests']} requests, {report['ok']} answered, failures {report['failures']}")
        if any(kind == "other" or kind.endswith(":unknown") for kind in report["failures"]):
            fail(f"replica {r}: failures without a reason: {report['failures']}")
    stats = run.stats_after(int(time.time()))
    duplicated = sum(dc["auth_key_duplicated"] for dc in stats["dcs"])
    sessions = stats["max_live_sessions_per_key"]
    say(f"AUTH_KEY_DUPLICATED: {duplicated}; most live session ids a logged-in key had at once: {sessions}")
    if duplicated != 0:
        fail("an account was driven by two replicas at once (AUTH_KEY_DUPLICATED)")
    if sessions != 1:
        fail(f"a logged-in key was live in {sessions} sessions at once")
    say("ok")


run.main(main)
