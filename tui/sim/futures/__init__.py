"""The simulator's USD-M futures venue (`fapi` host): account history and its asynchronous CSV exports."""

from tui.sim.futures.jobs import DownloadJob, ExportKind
from tui.sim.futures.venue import FuturesVenue

__all__ = ["DownloadJob", "ExportKind", "FuturesVenue"]
