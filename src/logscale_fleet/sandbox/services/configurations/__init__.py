"""Collector configurations: versions, drafts, tests, the merged view, deletion rules."""
