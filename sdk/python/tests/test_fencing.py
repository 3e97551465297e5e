"""The SDK's fencing on its own, frame by frame: an attempt already run is never run again."""
import asyncio
import json

import clawbot


class Socket:
    """Records what the bot sends."""

    def __init__(self):
        self.sent = []

    async def send(self, text):
        self.sent.append(json.loads(text))

    def types(self):
        return [frame["type"] for frame in self.sent]


def _echo_bot():
    """A bot whose "echo" handler returns {"n": 1}, wired to the running loop and a recording socket."""
    bot = clawbot.Bot("cbt_test", "ws://unused")

    @bot.task("echo")
    def echo(task):
        return {"n": 1}

    bot._loop = asyncio.get_running_loop()
    bot._stopping = asyncio.Event()
    bot._connected = asyncio.Event()
    socket = bot._socket = Socket()
    return bot, socket


def test_an_assignment_sent_again_is_accepted_once_run_once_and_answered_by_its_completion():
    async def scenario():
        bot = clawbot.Bot("cbt_test", "ws://unused", slots=2)
        runs = []

        @bot.task("echo")
        async def echo(task):
            runs.append((task.id, task.attempt))
            await asyncio.sleep(0.05)
            return {"ok": True}

        bot._loop = asyncio.get_running_loop()
        bot._stopping = asyncio.Event()
        bot._connected = asyncio.Event()
        socket = bot._socket = Socket()
        frame = lambda kind, payload: json.dumps({"type": kind, "payload": payload})  # noqa: E731
        bot._on_frame(frame("connected", {"bot_id": "b", "heartbeat_interval_seconds": 30, "slots": 2}))
        assigned = frame("task_assigned", {"task_id": "t1", "attempt": 1, "type": "echo", "task_payload": {}})
        bot._on_frame(assigned)
        bot._on_frame(assigned)  # again while it runs (a reconnect re-sent it): accepted again, not run again
        await asyncio.sleep(0.2)
        assert runs == [("t1", 1)]
        assert socket.types() == ["task_accepted", "task_accepted", "task_complete"]

        bot._on_frame(assigned)  # again after it ran, before the completion's ack: the completion answers it
        await asyncio.sleep(0.05)
        assert runs == [("t1", 1)]
        assert socket.types()[-1] == "task_complete"

        bot._on_frame(frame("task_ack", {"task_id": "t1", "attempt": 1, "status": "completed"}))
        count = len(socket.sent)
        bot._on_frame(assigned)  # and after the ack: still never run twice
        await asyncio.sleep(0.05)
        assert runs == [("t1", 1)] and len(socket.sent) == count

        bot._on_frame(frame("task_assigned", {"task_id": "t1", "attempt": 2, "type": "echo"}))
        await asyncio.sleep(0.2)
        assert runs == [("t1", 1), ("t1", 2)]  # a new attempt is new work

    asyncio.run(scenario())


def test_a_completion_unacknowledged_when_the_session_breaks_goes_out_again_on_the_next_one():
    async def scenario():
        bot, _ = _echo_bot()
        bot._on_frame(json.dumps({"type": "connected", "payload": {"bot_id": "b", "slots": 1}}))
        bot._on_frame(json.dumps({"type": "task_assigned", "payload": {"task_id": "t", "attempt": 3,
                                                                       "type": "echo"}}))
        await asyncio.sleep(0.2)
        bot._socket = None  # the session broke before the ack
        bot._connected.clear()
        second = bot._socket = Socket()
        bot._on_frame(json.dumps({"type": "connected", "payload": {"bot_id": "b", "slots": 1}}))
        await asyncio.sleep(0.05)
        assert second.sent == [{"type": "task_complete", "payload": {"task_id": "t", "attempt": 3,
                                                                     "success": True, "result": {"n": 1}}}]

    asyncio.run(scenario())


def test_a_completion_the_coordinator_could_not_take_for_now_goes_out_again_until_acknowledged():
    async def scenario():
        bot, socket = _echo_bot()
        bot._resend_unavailable_seconds = 0.05
        frame = lambda kind, payload: json.dumps({"type": kind, "payload": payload})  # noqa: E731
        bot._on_frame(frame("connected", {"bot_id": "b", "slots": 1}))
        bot._on_frame(frame("task_assigned", {"task_id": "t", "attempt": 2, "type": "echo"}))
        await asyncio.sleep(0.2)
        completion = {"type": "task_complete", "payload": {"task_id": "t", "attempt": 2, "success": True,
                                                           "result": {"n": 1}}}
        assert socket.sent[-1] == completion

        bot._on_frame(frame("error", {"code": "unavailable", "message": "database", "task_id": "t"}))
        await asyncio.sleep(0.02)
        assert socket.sent.count(completion) == 1  # not at once: the database needs a moment
        await asyncio.sleep(0.1)
        assert socket.sent.count(completion) == 2

        bot._on_frame(frame("error", {"code": "unavailable", "message": "database", "task_id": "other"}))
        bot._on_frame(frame("task_ack", {"task_id": "t", "attempt": 2, "status": "completed"}))
        bot._on_frame(frame("error", {"code": "unavailable", "message": "database", "task_id": "t"}))
        await asyncio.sleep(0.15)
        assert socket.sent.count(completion) == 2  # acknowledged: nothing more goes out

    asyncio.run(scenario())
