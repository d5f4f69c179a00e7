"""Views of the archive, one module per concern (pages, media files, …)."""
