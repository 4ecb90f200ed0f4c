"""What the server does for as long as it runs: sign tree heads while the log grows, and once
more when it stops (``services/transparency``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import structlog
from fastapi import FastAPI

from readmit.services.context import App
from readmit.services.transparency import sign_tree_head

_log = structlog.get_logger("readmit.server")


def _sign(app: App, reason: str) -> None:
    try:
        sign_tree_head(app, reason=reason)
    except Exception as error:  # a head missed is logged, never fatal to the server
        _log.warning("tree_head_not_signed", reason=reason, error=str(error))


async def _every(app: App, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        await asyncio.to_thread(_sign, app, "periodic")


def lifespan(app: App) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The server's lifespan: a task that signs a head every ``tree_head_interval_seconds``
    (when the log has grown), and a last head when the server stops."""

    @asynccontextmanager
    async def run(_: FastAPI) -> AsyncIterator[None]:
        interval = app.settings.tree_head_interval_seconds
        task = asyncio.create_task(_every(app, interval)) if interval > 0 else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
            await asyncio.to_thread(_sign, app, "server stopped")

    return run
