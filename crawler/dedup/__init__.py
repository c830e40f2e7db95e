"""Copies of one story: exact copies, fingerprints of a text, and the near-duplicate finder."""
