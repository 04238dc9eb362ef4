"""Devices: the browsers that hold offline work, the key they open it with, their wipe."""
