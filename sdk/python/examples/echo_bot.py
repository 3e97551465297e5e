"""The README's example bot: echoes each task's payload back as its result.

    BOT_TOKEN=<token> python3 sdk/python/examples/echo_bot.py

COORDINATOR_URL (default ws://localhost:8080/api/v1/ws/control; several comma-separated) and BOT_SLOTS (1)
are read from the environment. A payload with "sleep_ms" takes that long; one with "fail": true fails.
"""
import asyncio
import logging
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import clawbot  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
bot = clawbot.Bot(token=os.environ["BOT_TOKEN"],
                  urls=os.environ.get("COORDINATOR_URL", "ws://localhost:8080/api/v1/ws/control"),
                  slots=int(os.environ.get("BOT_SLOTS", "1")))


@bot.task()  # any task type this bot was registered for
async def echo(task):
    if task.payload.get("fail"):
        raise clawbot.TaskFailure("asked to fail", task.payload.get("error_code", "asked_to_fail"))
    await asyncio.sleep(task.payload.get("sleep_ms", 0) / 1000)
    task.progress(100, "echoed")
    return {"echo": task.payload, "handled_by": bot.bot_id}


if __name__ == "__main__":
    bot.run()
