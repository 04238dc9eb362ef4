"""Sync: the operations a device sends, applied once each, and their conflicts."""
