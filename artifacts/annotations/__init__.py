"""Transcriptions pinned to the page: a region of a photo with the transcription,
transliteration and translation of what is written there (W3C Web Annotation)."""
