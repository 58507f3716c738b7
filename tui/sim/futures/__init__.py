"""The simulator's USD-M futures venue (`fapi` host): account history and its asynchronous CSV exports."""

from .jobs import DownloadJob, ExportKind
from .venue import FuturesVenue

__all__ = ["DownloadJob", "ExportKind", "FuturesVenue"]
