"""Fixtures for the SDK's tests against a real coordinator: CLAWBOT_URL (http://...) and CLAWBOT_KEY (an admin
key) name it; scripts/test-python-sdk.sh starts one and sets them."""
import asyncio
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import clawbot  # noqa: E402


class Coordinator:
    def __init__(self, url, key):
        self.url = url.rstrip("/")
        self.key = key
        self.ws_url = self.url.replace("http://", "ws://").replace("https://", "wss://") + "/api/v1/ws/control"

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": "Bearer " + self.key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            raise AssertionError("%s %s answered %d: %s" % (method, path, e.code, e.read().decode())) from e

    def register(self, *capabilities):
        bot = self.call("POST", "/api/v1/bots", {"name": unique("py-bot"), "capabilities": list(capabilities)})
        return bot["id"], bot["token"]

    def submit(self, task_type, payload=None, **fields):
        return self.call("POST", "/api/v1/tasks", dict(type=task_type, payload=payload or {}, **fields))["id"]

    def task(self, task_id):
        return self.call("GET", "/api/v1/tasks/" + task_id)

    def wait_for(self, task_id, *statuses, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            task = self.call("GET", "/api/v1/tasks/%s?wait=5" % task_id) if not statuses else self.task(task_id)
            if task["status"] in (statuses or ("completed", "failed", "timed_out", "cancelled")):
                return task
            if time.monotonic() > deadline:
                raise AssertionError("task %s is %s after %s s" % (task_id, task["status"], timeout))
            time.sleep(0.1)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture(scope="session")
def coordinator():
    url, key = os.environ.get("CLAWBOT_URL"), os.environ.get("CLAWBOT_KEY")
    if not url or not key:
        pytest.fail("CLAWBOT_URL and CLAWBOT_KEY must name a running coordinator (scripts/test-python-sdk.sh)")
    return Coordinator(url, key)


class Running:
    """A bot serving in a thread of its own, as a program's main thread would run it."""

    def __init__(self, bot):
        self.bot = bot
        self.error = None
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        try:
            asyncio.run(self.bot.serve())
        except BaseException as e:  # noqa: B902 - kept for the test to look at
            self.error = e

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.bot.connected:
            if self.error or time.monotonic() > deadline:
                raise AssertionError("the bot did not connect: %r" % (self.error,))
            time.sleep(0.02)
        return self

    def stop(self, timeout=30):
        self.bot.stop()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the bot did not stop"


@pytest.fixture
def run_bot():
    started = []

    def start(bot):
        running = Running(bot).start()
        started.append(running)
        return running

    yield start
    for running in started:
        if running.thread.is_alive():
            running.stop()
