"""The export screen's feed: the app's `JobManager` changes, as coalesced `ExportJobsChanged` messages.

The manager (a worker of the app) calls its subscribers on every change, several per second while a
file downloads; this feed keeps only the latest job list and posts it at most `PUBLISH_HZ` times a
second, for as long as the screen that runs it is open.
"""

from __future__ import annotations

import asyncio

from tui.domain.futures.exports import ExportJob
from tui.exchange.futures.jobs import JobChange, JobManager
from tui.feeds.coalesce import Coalescer, Post
from tui.messages import ExportJobsChanged


class ExportJobsFeed:
    """Subscribed to `manager` while `run()` runs; posts the whole job list after each change."""

    def __init__(self, manager: JobManager, post: Post) -> None:
        self.manager = manager
        self.post = post
        self.jobs: tuple[ExportJob, ...] = ()
        self.changes = Coalescer(self.publish)

    def on_change(self, change: JobChange) -> None:
        """The manager's subscriber: remember the latest list; `publish()` posts it."""
        self.jobs = change.jobs
        self.changes.mark("jobs")

    async def run(self) -> None:
        """Until cancelled (the screen's worker ends with the screen)."""
        unsubscribe = self.manager.subscribe(self.on_change)
        # Whatever changed before the subscription (between the screen's mount and this worker's start)
        # is in the current list: publish it once.
        self.jobs = self.manager.jobs
        self.changes.mark("jobs")
        try:
            async with self.changes.running():
                await asyncio.Event().wait()
        finally:
            unsubscribe()

    def publish(self) -> None:
        """Post the job list if it changed since the last call."""
        if self.changes.take():
            self.post(ExportJobsChanged(self.jobs))
