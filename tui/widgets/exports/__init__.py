"""Widgets of the futures history export screen: the job table."""
