"""The SDK against the real coordinator: handlers, progress, failures, slots, reconnection, stopping."""
import asyncio
import socket
import threading
import time

import clawbot
from conftest import Running, unique


def test_sync_and_async_handlers_run_their_types_and_report_results_and_progress(coordinator, run_bot):
    fast, slow = unique("py-async"), unique("py-sync")
    _, token = coordinator.register(fast, slow)
    bot = clawbot.Bot(token, coordinator.ws_url)

    @bot.task(fast)
    async def async_handler(task):
        task.progress(50, "halfway")
        await asyncio.sleep(0.3)  # the progress reaches the coordinator before the completion
        return {"echo": task.payload, "attempt": task.attempt}

    @bot.task(slow)
    def sync_handler(task):
        task.progress(percent=75, message="nearly", stage="copy")
        time.sleep(0.3)
        return {"sum": sum(task.payload["numbers"])}

    run_bot(bot)
    first = coordinator.submit(fast, {"hello": "world"})
    second = coordinator.submit(slow, {"numbers": [1, 2, 3]})

    done = coordinator.wait_for(first)
    assert done["status"] == "completed"
    assert done["result"] == {"echo": {"hello": "world"}, "attempt": 1}
    assert done["progress"]["percent"] == 50 and done["progress"]["message"] == "halfway"
    other = coordinator.wait_for(second)
    assert other["status"] == "completed" and other["result"] == {"sum": 6}
    assert other["progress"]["data"]["stage"] == "copy"


def test_a_failure_with_a_code_is_retried_by_the_policy_then_dead_lettered(coordinator, run_bot):
    kind = unique("py-fail")
    _, token = coordinator.register(kind)
    bot = clawbot.Bot(token, coordinator.ws_url)
    calls = []

    @bot.task(kind)
    def failing(task):
        calls.append(task.attempt)
        raise clawbot.TaskFailure("the input is bad", "bad_input")

    run_bot(bot)
    task_id = coordinator.submit(kind, retry={"max_attempts": 2, "backoff_seconds": 0.1})
    ended = coordinator.wait_for(task_id)
    assert ended["status"] == "failed"
    assert ended["error_code"] == "bad_input" and ended["error"] == "the input is bad"
    assert ended["attempts_made"] == 2 and calls == [1, 2]
    dead = coordinator.call("GET", "/api/v1/tasks/dead-letters?type=" + kind)
    assert [t["id"] for t in dead] == [task_id]

    untyped = unique("py-nohandler")
    _, token = coordinator.register(untyped)
    bare = clawbot.Bot(token, coordinator.ws_url)
    run_bot(bare)
    ended = coordinator.wait_for(coordinator.submit(untyped, retry={"max_attempts": 1}))
    assert ended["status"] == "failed" and ended["error_code"] == "no_handler"


def test_a_bot_runs_as_many_tasks_at_once_as_it_has_slots_and_heartbeats_keep_it_online(coordinator, run_bot):
    kind = unique("py-slots")
    bot_id, token = coordinator.register(kind)
    bot = clawbot.Bot(token, coordinator.ws_url, slots=3)
    lock = threading.Lock()
    now, peak = [0], [0]

    @bot.task(kind)
    def slow(task):
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(1.0)
        with lock:
            now[0] -= 1
        return {}

    run_bot(bot)
    ids = [coordinator.submit(kind) for _ in range(6)]
    for task_id in ids:
        assert coordinator.wait_for(task_id)["status"] == "completed"
    assert peak[0] == 3
    shown = coordinator.call("GET", "/api/v1/bots/" + bot_id)
    assert shown["slots"] == 3 and shown["status"] == "online" and shown["last_heartbeat_at"]


class Proxy:
    """A TCP proxy on loopback to the coordinator, which can be cut and restored (a network failure)."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = []
        self.open = True
        self.server.listen()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.open = False
        for connection in self.connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            except OSError:
                pass
        self.connections = []

    def restore(self):
        self.open = True

    def close(self):
        self.cut()
        self.server.close()


def test_a_bot_tries_each_address_and_reconnects_after_the_network_fails(coordinator, run_bot):
    kind = unique("py-reconnect")
    _, token = coordinator.register(kind)
    port = int(coordinator.url.rsplit(":", 1)[1])
    proxy = Proxy(port)
    try:
        nowhere = "ws://127.0.0.1:1/api/v1/ws/control"
        via_proxy = "ws://127.0.0.1:%d/api/v1/ws/control" % proxy.port
        bot = clawbot.Bot(token, [nowhere, via_proxy], backoff_initial=0.1, backoff_max=0.5)

        @bot.task(kind)
        def echo(task):
            return {"n": task.payload["n"]}

        run_bot(bot)
        assert bot.sessions == 1
        assert coordinator.wait_for(coordinator.submit(kind, {"n": 1}))["result"] == {"n": 1}

        proxy.cut()
        deadline = time.monotonic() + 10
        while bot.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not bot.connected
        time.sleep(1.0)  # refused meanwhile: the bot backs off and keeps trying both addresses
        proxy.restore()
        deadline = time.monotonic() + 15
        while bot.sessions < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert bot.sessions == 2
        assert coordinator.wait_for(coordinator.submit(kind, {"n": 2}))["result"] == {"n": 2}
    finally:
        proxy.close()


def test_stopping_finishes_the_running_task_reports_it_and_closes(coordinator, run_bot):
    kind = unique("py-stop")
    bot_id, token = coordinator.register(kind)
    bot = clawbot.Bot(token, coordinator.ws_url)
    started = threading.Event()

    @bot.task(kind)
    def slow(task):
        started.set()
        time.sleep(1.5)
        return {"finished": True}

    running = run_bot(bot)
    task_id = coordinator.submit(kind)
    assert started.wait(15)
    running.stop()
    assert running.error is None
    ended = coordinator.task(task_id)
    assert ended["status"] == "completed" and ended["result"] == {"finished": True}
    assert not bot.connected


def test_a_cancelled_task_is_cancelled_in_its_handler_and_reports_nothing(coordinator, run_bot):
    kind = unique("py-cancel")
    _, token = coordinator.register(kind)
    bot = clawbot.Bot(token, coordinator.ws_url)
    started, cancelled = threading.Event(), threading.Event()

    @bot.task(kind)
    async def forever(task):
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return {}

    run_bot(bot)
    task_id = coordinator.submit(kind)
    assert started.wait(15)
    coordinator.call("POST", "/api/v1/tasks/%s/cancel" % task_id, {"reason": "not needed"})
    assert cancelled.wait(10)
    time.sleep(0.5)
    assert coordinator.task(task_id)["status"] == "cancelled"


def test_a_revoked_token_stops_the_bot_for_good(coordinator):
    kind = unique("py-revoked")
    bot_id, token = coordinator.register(kind)
    bot = clawbot.Bot(token, coordinator.ws_url, backoff_initial=0.1)
    running = Running(bot).start()
    coordinator.call("DELETE", "/api/v1/bots/%s/token" % bot_id)
    running.thread.join(15)
    assert not running.thread.is_alive()
    assert isinstance(running.error, clawbot.BotStopped)

    refused = Running(clawbot.Bot(token, coordinator.ws_url))
    refused.thread.start()
    refused.thread.join(15)
    assert isinstance(refused.error, clawbot.BotStopped) and "401" in str(refused.error)


def test_a_second_process_with_the_same_token_replaces_the_first_which_stops_for_good(coordinator, run_bot):
    kind = unique("py-replaced")
    _, token = coordinator.register(kind)
    first = Running(clawbot.Bot(token, coordinator.ws_url, backoff_initial=0.1)).start()
    second = run_bot(clawbot.Bot(token, coordinator.ws_url, backoff_initial=0.1))
    first.thread.join(15)
    assert not first.thread.is_alive()
    assert isinstance(first.error, clawbot.BotStopped) and "4001" in str(first.error)
    time.sleep(0.5)
    assert second.bot.connected and second.bot.sessions == 1
