"""Typed async client for LogScale Fleet Management installation tokens."""

__version__ = "0.1.0"
