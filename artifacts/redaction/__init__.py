"""Redaction drawn on the image: a curator's boxes, rendered by the archive as solid fills
on a new copy made from the sealed original (services.redact_photo), with face boxes
suggested by OpenCV for a person to confirm (faces.suggest_faces). pixels.py is the
pixel work, with no Django model in it, so that imaging.make_derivatives can use it."""
