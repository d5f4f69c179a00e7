"""Face boxes suggested for redaction by OpenCV's bundled Haar cascade (frontal faces).

Suggestions only: a curator sees each box on the image and confirms, moves or removes
it before anything is rendered. The detector misses faces in profile, small or turned
away, and sometimes sees a face in a pattern; it never decides alone. (The cascade
ships with opencv-python-headless 4.x; 5.0 dropped it, hence the pin.)
"""

import functools

import cv2
import numpy as np
from PIL import Image

CASCADE = "haarcascade_frontalface_default.xml"
# Detection runs on a copy at most this many pixels on its longest side: enough for faces
# a few percent of the picture wide, and quick on a display image.
DETECT_PX = 1024
# A Haar box covers eyebrows to mouth; widened by this share of its size on every side it
# also covers the forehead, chin and ears that identify a person as much.
MARGIN = 0.2


@functools.cache
def _classifier() -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)
    if classifier.empty():
        raise RuntimeError(f"OpenCV could not load its bundled {CASCADE}")
    return classifier


def suggest_faces(image: Image.Image) -> list[tuple[float, float, float, float]]:
    """Boxes around the frontal faces found in `image`, each [left, top, width, height] as
    fractions of the image, from top left to bottom right."""
    gray = image.convert("L")
    scale = min(1.0, DETECT_PX / max(gray.size))
    if scale < 1.0:
        gray = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))))
    pixels = cv2.equalizeHist(np.asarray(gray))
    smallest = max(20, min(gray.size) // 40)
    found = _classifier().detectMultiScale(pixels, scaleFactor=1.1, minNeighbors=5, minSize=(smallest, smallest))
    width, height = gray.size
    boxes = []
    for x, y, w, h in sorted((tuple(int(v) for v in face) for face in found), key=lambda f: (f[1], f[0])):
        left, top = max(0.0, (x - MARGIN * w) / width), max(0.0, (y - MARGIN * h) / height)
        right, bottom = min(1.0, (x + w * (1 + MARGIN)) / width), min(1.0, (y + h * (1 + MARGIN)) / height)
        boxes.append((left, top, right - left, bottom - top))
    return boxes
