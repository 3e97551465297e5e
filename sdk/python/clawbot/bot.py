"""A bot's end of the coordinator's WebSocket protocol (docs/bot-protocol.md).

One session at a time; tasks run by handlers registered per task type, sync or async, at most ``slots`` at once;
heartbeats naming the attempts the bot holds; the session kept alive across network failures and coordinator
restarts with exponential backoff, trying each coordinator address in turn; and the same fencing as the Java SDK:
an attempt already run here is never run again, and its completion is sent until the coordinator acknowledges it.
"""

import asyncio
import collections
import inspect
import json
import logging
import random
import signal
import threading
import time

try:  # websockets >= 13: the asyncio client
    from websockets.asyncio.client import connect as _connect

    _HEADERS_ARG = "additional_headers"
except ImportError:  # websockets 10-12 (Debian bookworm ships 10.4)
    from websockets.client import connect as _connect

    _HEADERS_ARG = "extra_headers"

from websockets.exceptions import ConnectionClosed, InvalidStatusCode

try:
    from websockets.exceptions import InvalidStatus
except ImportError:  # websockets < 13
    InvalidStatus = InvalidStatusCode

log = logging.getLogger("clawbot")

#: Closes after which the bot stops for good: another process took over this bot (4001), or its token is no
#: longer valid (4003).
REPLACED = 4001
REVOKED = 4003
#: How many finished attempts a bot remembers so that an assignment sent again is not run twice.
_DONE_REMEMBERED = 10000


class TaskFailure(Exception):
    """Raised by a handler to fail its task with an error code (a code in the task's ``non_retryable_errors``
    ends it at once instead of retrying)."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class BotStopped(Exception):
    """The coordinator ended this bot for good: its token was refused or revoked, or another process took over."""


class Task:
    """One assignment: what the handler gets. ``progress`` may be called from async and sync handlers alike."""

    def __init__(self, bot, frame):
        self._bot = bot
        self.id = frame["task_id"]
        self.attempt = frame["attempt"]
        self.type = frame.get("type")
        self.payload = frame.get("task_payload") or {}
        self.priority = frame.get("priority", 0)
        self.timeout_seconds = frame.get("timeout_seconds")
        self.workflow_id = frame.get("workflow_id")
        self.traceparent = frame.get("traceparent")
        self._cancelled = threading.Event()

    @property
    def cancelled(self):
        """True once the coordinator cancelled this attempt; a sync handler may check it and return early."""
        return self._cancelled.is_set()

    def progress(self, percent=None, message=None, **data):
        """Reports progress (``percent`` 0-100, a ``message``, any other JSON fields); it also renews the lease."""
        progress = dict(data)
        if percent is not None:
            progress["percent"] = percent
        if message is not None:
            progress["message"] = message
        self._bot._send_threadsafe("task_progress",
                                   {"task_id": self.id, "attempt": self.attempt, "progress": progress})

    def __repr__(self):
        return "Task(%s, attempt %d, type %s)" % (self.id, self.attempt, self.type)


class Bot:
    """A bot: ``@bot.task("echo")`` registers a handler, ``bot.run()`` connects and works until stopped.

    ``urls`` is one coordinator address or several (a list, or comma-separated), tried in turn;
    ``slots`` how many tasks run at once. A handler takes a :class:`Task` and returns a dict (the result) or
    ``None``; raising :class:`TaskFailure` (or anything else) fails the attempt.
    """

    def __init__(self, token, urls="ws://localhost:8080/api/v1/ws/control", slots=1, backoff_initial=0.5,
                 backoff_max=30.0, stop_grace=30.0):
        if not token:
            raise ValueError("a bot token is needed (POST /api/v1/bots, or `clawbot bots register`)")
        if isinstance(urls, str):
            urls = [u.strip() for u in urls.split(",") if u.strip()]
        if not urls:
            raise ValueError("at least one coordinator address is needed")
        if not 1 <= slots <= 256:
            raise ValueError("slots must be between 1 and 256")
        self.token = token
        self.urls = list(urls)
        self.slots = slots
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.stop_grace = stop_grace
        self.bot_id = None
        self.sessions = 0
        self._handlers = {}
        self._default = None
        self._loop = None
        self._socket = None
        self._stopping = None
        self._connected = None
        # (task id, attempt) -> the running handler's asyncio task
        self._running = {}
        # (task id, attempt) -> its task_complete frame, until the coordinator acknowledges it
        self._completions = {}
        self._done = collections.OrderedDict()
        self._heartbeat_seconds = 30.0
        self._ack_timeout_seconds = 10.0
        self._lease_seconds = 60.0
        self._last_frame = 0.0
        # how long a completion the coordinator could not take ("unavailable") waits before it goes out again
        self._resend_unavailable_seconds = 2.0

    # ---- registration

    def task(self, task_type=None):
        """Decorator: the handler for tasks of ``task_type``; without one, for any type no other handler takes."""

        def register(handler):
            if task_type is None:
                self._default = handler
            else:
                self._handlers[task_type] = handler
            return handler

        return register

    # ---- running

    def run(self):
        """Connects and works until :meth:`stop`, SIGINT or SIGTERM; then finishes the running tasks (up to
        ``stop_grace`` seconds), reports them and closes the session. Raises :class:`BotStopped` if the
        coordinator ends the bot for good."""
        asyncio.run(self._run_until_signalled())

    async def _run_until_signalled(self):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.stop)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread, or not a Unix loop: stop() still works
        await self.serve()

    async def serve(self):
        """The bot's life in an already running event loop (``await bot.serve()``); :meth:`stop` ends it."""
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._connected = asyncio.Event()
        attempt = 0
        index = 0
        try:
            while not self._stopping.is_set():
                url = self.urls[index % len(self.urls)]
                sessions = self.sessions
                try:
                    await self._session(url)
                except BotStopped:
                    raise
                except (InvalidStatusCode, InvalidStatus) as e:
                    status = _status_of(e)
                    if status in (401, 403):
                        raise BotStopped("the coordinator refused the bot's token (%d)" % status) from e
                    log.info("%s refused the connection: %s", url, e)
                except (OSError, asyncio.TimeoutError, ConnectionClosed) as e:
                    log.info("connection to %s failed or was lost: %s", url, e)
                except Exception as e:  # a handshake the library could not read, and the like: try again
                    log.warning("connection to %s failed: %r", url, e)
                if self._stopping.is_set():
                    break
                if self.sessions > sessions:
                    attempt = 0  # the session worked: start the backoff over
                index += 1
                delay = min(self.backoff_max, self.backoff_initial * (2 ** min(attempt, 10)))
                attempt += 1
                delay = delay * (0.5 + random.random() / 2)
                log.info("reconnecting in %.2f s to %s", delay, self.urls[index % len(self.urls)])
                try:
                    await asyncio.wait_for(self._stopping.wait(), timeout=delay)
                except asyncio.TimeoutError:
                    pass
        finally:
            for running in list(self._running.values()):
                running.cancel()
            self._running.clear()

    def stop(self):
        """Asks the bot to stop (thread-safe): running tasks get ``stop_grace`` seconds to finish and report."""
        if self._loop is None or self._stopping is None:
            return
        self._loop.call_soon_threadsafe(self._begin_stop)

    def _begin_stop(self):
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._loop.create_task(self._drain_and_close())

    async def _drain_and_close(self):
        deadline = time.monotonic() + self.stop_grace
        while self._running and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        for running in list(self._running.values()):
            running.cancel()
        # The completions go out on the open session before it closes; the coordinator acknowledges them.
        deadline = time.monotonic() + min(5.0, self.stop_grace)
        while self._completions and self._socket is not None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self._socket is not None:
            await self._socket.close(code=1000, reason="bot stopping")

    @property
    def connected(self):
        return self._connected is not None and self._connected.is_set()

    async def wait_connected(self, timeout=10.0):
        """Waits until a session is open (for tests and supervisors)."""
        while self._connected is None:
            await asyncio.sleep(0.01)
        await asyncio.wait_for(self._connected.wait(), timeout)

    # ---- one session

    async def _session(self, url):
        kwargs = {_HEADERS_ARG: {"Authorization": "Bearer " + self.token}, "open_timeout": 10,
                  "close_timeout": 2, "max_size": 2 ** 20, "ping_interval": 20, "ping_timeout": 20}
        async with _connect(url, **kwargs) as socket:
            self._socket = socket
            self._last_frame = time.monotonic()
            keepalive = asyncio.ensure_future(self._heartbeats())
            try:
                async for text in socket:
                    self._last_frame = time.monotonic()
                    self._on_frame(text)
            except ConnectionClosed:
                pass  # its close code says what to do next
            finally:
                keepalive.cancel()
                self._socket = None
                self._connected.clear()
            code = socket.close_code
            if code in (REPLACED, REVOKED):
                raise BotStopped("the coordinator closed the session with %d: %s" % (
                    code, "another process runs as this bot" if code == REPLACED else "the token was revoked"))
            log.info("session on %s closed (%s)", url, code)

    async def _heartbeats(self):
        while True:
            await asyncio.sleep(self._heartbeat_seconds if self.connected else 0.5)
            if not self.connected:
                continue
            silent = time.monotonic() - self._last_frame
            if silent > self._heartbeat_seconds + self._ack_timeout_seconds:
                log.info("no frame from the coordinator for %.1f s; reconnecting", silent)
                await self._socket.close(code=1001, reason="coordinator silent")
                return
            held = [{"task_id": t, "attempt": a} for (t, a) in self._running]
            self._send("heartbeat", {"running": held})

    def _on_frame(self, text):
        try:
            frame = json.loads(text)
            kind, payload = frame["type"], frame.get("payload") or {}
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable frame from the coordinator: %.200s", text)
            return
        if kind == "connected":
            self._on_connected(payload)
        elif kind == "task_assigned":
            self._on_assigned(payload)
        elif kind == "task_cancel":
            self._on_cancel(payload)
        elif kind == "task_ack":
            # The answer to a completion: the attempt left the bot (completed, failed, retried, ...).
            if payload.get("status") not in ("assigned", "in_progress"):
                self._completions.pop((payload.get("task_id"), payload.get("attempt")), None)
        elif kind == "error":
            log.warning("coordinator error %s: %s", payload.get("code"), payload.get("message"))
            task_id = payload.get("task_id")
            # A completion the coordinator can no longer take (stale attempt, no longer assigned) is moot.
            if payload.get("code") in ("stale_attempt", "not_assigned", "invalid_transition", "task_not_found"):
                for pending in [k for k in self._completions if k[0] == task_id]:
                    self._completions.pop(pending, None)
            # One it could not take for now (its database cannot serve) goes out again shortly, on this session or,
            # if it ends meanwhile, on the next; without it the task's lease would lapse and the work run again.
            elif payload.get("code") == "unavailable" and any(k[0] == task_id for k in self._completions):
                self._loop.call_later(self._resend_unavailable_seconds, self._resend_completion, task_id)

    def _resend_completion(self, task_id):
        for key, frame in list(self._completions.items()):
            if key[0] == task_id:
                self._send("task_complete", frame)

    def _on_connected(self, payload):
        self.bot_id = payload.get("bot_id")
        self.sessions += 1
        self._heartbeat_seconds = float(payload.get("heartbeat_interval_seconds", 30))
        self._ack_timeout_seconds = float(payload.get("ack_timeout_seconds", 10))
        self._lease_seconds = float(payload.get("lease_seconds", 60))
        self._connected.set()
        if payload.get("slots") != self.slots:
            self._send("slots", {"slots": self.slots})
        # Reports the coordinator never acknowledged go out again; a repeat is answered as a duplicate.
        for frame in list(self._completions.values()):
            self._send("task_complete", frame)
        log.info("connected as bot %s (session %d)", self.bot_id, self.sessions)

    def _on_assigned(self, payload):
        key = (payload["task_id"], payload["attempt"])
        if self._stopping.is_set():
            return  # not accepted: the assignment lapses and goes to another bot
        if key in self._completions or key in self._done:
            # The same attempt again after it ran here: the coordinator lost the acceptance with a session; the
            # completion (sent again on this session) answers it. Running it again would not.
            if key in self._completions:
                self._send("task_complete", self._completions[key])
            return
        self._send("task_accepted", {"task_id": key[0], "attempt": key[1]})
        if key in self._running:
            return  # the same attempt again while it runs: accepted again, run once
        task = Task(self, payload)
        self._running[key] = self._loop.create_task(self._run_task(key, task))

    def _on_cancel(self, payload):
        task_id, attempt = payload.get("task_id"), payload.get("attempt")
        for key in [k for k in self._running if k[0] == task_id and (attempt is None or k[1] == attempt)]:
            running = self._running.pop(key)
            running.cancel()
            log.info("cancelled %s attempt %s: %s", task_id, key[1], payload.get("reason"))
        for key in [k for k in self._completions if k[0] == task_id and (attempt is None or k[1] == attempt)]:
            self._completions.pop(key, None)

    async def _run_task(self, key, task):
        handler = self._handlers.get(task.type, self._default)
        renew = asyncio.ensure_future(self._renew_lease(task))
        report = {"task_id": task.id, "attempt": task.attempt}
        try:
            if handler is None:
                raise TaskFailure("no handler for task type %r on this bot" % task.type, "no_handler")
            if inspect.iscoroutinefunction(handler):
                result = await handler(task)
            else:
                result = await asyncio.get_running_loop().run_in_executor(None, handler, task)
            if result is None:
                result = {}
            if not isinstance(result, dict):
                raise TaskFailure("a handler returns a dict (the result) or None, not %s" % type(result).__name__,
                                  "invalid_result")
            json.dumps(result)
            report.update(success=True, result=result)
        except asyncio.CancelledError:
            task._cancelled.set()
            return
        except TaskFailure as e:
            report.update(success=False, error=str(e) or "failed", **({"error_code": e.code} if e.code else {}))
        except (TypeError, ValueError) as e:
            report.update(success=False, error="%s: %s" % (type(e).__name__, e))
        except Exception as e:  # anything a handler raises fails the attempt rather than leaving it to its lease
            report.update(success=False, error="%s: %s" % (type(e).__name__, e))
        finally:
            renew.cancel()
        if self._running.pop(key, None) is None:
            return  # cancelled while it ran: the coordinator wants no report
        self._remember_done(key)
        self._completions[key] = report
        self._send("task_complete", report)

    def _remember_done(self, key):
        # The attempts that ran here, so that one sent again is not run twice; the oldest are forgotten.
        self._done[key] = True
        while len(self._done) > _DONE_REMEMBERED:
            self._done.popitem(last=False)

    async def _renew_lease(self, task):
        # A long task keeps its lease with an empty progress report every third of the lease.
        while True:
            await asyncio.sleep(max(1.0, self._lease_seconds / 3))
            self._send("task_progress", {"task_id": task.id, "attempt": task.attempt})

    # ---- sending

    def _send(self, kind, payload):
        socket = self._socket
        if socket is None:
            return  # completions stay queued for the next session; other frames are moot
        text = json.dumps({"type": kind, "payload": payload})
        self._loop.create_task(self._send_text(socket, text))

    @staticmethod
    async def _send_text(socket, text):
        try:
            await socket.send(text)
        except ConnectionClosed:
            pass  # completions stay queued for the next session; other frames are moot

    def _send_threadsafe(self, kind, payload):
        if self._loop is None:
            return
        if _in_loop(self._loop):
            self._send(kind, payload)
        else:
            self._loop.call_soon_threadsafe(self._send, kind, payload)


def _in_loop(loop):
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _status_of(error):
    # websockets < 13 carries the status on the error, later versions on its response
    if hasattr(error, "status_code"):
        return error.status_code
    return getattr(getattr(error, "response", None), "status_code", None)
