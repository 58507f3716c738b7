"""The futures history export screen (request, watch, download) and the CSV table it opens files in."""
