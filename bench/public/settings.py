"""Benchmark-only settings: the product's settings with one extra address, /bench/minimal.

Used only by the scripts in this folder, so that the public pages can be compared with the
smallest Django view served by the same server, the same middleware and the same settings.
"""

from donghanh.settings import *  # noqa: F403

ROOT_URLCONF = "bench.public.urls"
