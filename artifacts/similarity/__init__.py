"""The same object photographed elsewhere: perceptual fingerprints of every photo, and the
search for photos whose fingerprints lie within a Hamming distance of another's."""
