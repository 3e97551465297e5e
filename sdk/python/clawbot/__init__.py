"""ClawBot Coordinator's Python bot SDK: a bot in a few lines.

    import clawbot

    bot = clawbot.Bot(token="cbt_...", urls="ws://localhost:8080/api/v1/ws/control", slots=2)

    @bot.task("echo")
    async def echo(task):
        task.progress(50, "halfway")
        return {"echo": task.payload}

    bot.run()
"""

from .bot import Bot, BotStopped, Task, TaskFailure

__all__ = ["Bot", "BotStopped", "Task", "TaskFailure"]
__version__ = "0.1.0"
