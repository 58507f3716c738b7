"""Shared helpers: run a JobManager's loop for the length of a test, and wait for job states."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from tui.domain.futures.exports import ExportJob
from tui.exchange.futures.jobs import JobManager


@contextlib.asynccontextmanager
async def running(manager: JobManager) -> AsyncIterator[JobManager]:
    task = asyncio.create_task(manager.run())
    try:
        yield manager
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await manager.aclose()


async def wait_for_job(
    manager: JobManager, job_id: str, predicate: Callable[[ExportJob], bool], timeout: float = 5.0
) -> ExportJob:
    async def poll() -> ExportJob:
        while True:
            job = manager.get(job_id)
            if job is not None and predicate(job):
                return job
            await asyncio.sleep(0.01)

    try:
        return await asyncio.wait_for(poll(), timeout)
    except TimeoutError:
        raise AssertionError(f"job never reached the wanted state; it is {manager.get(job_id)}") from None


def in_state(*states: str) -> Callable[[ExportJob], bool]:
    return lambda job: job.state in states
