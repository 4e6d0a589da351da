"""Shared settings for edgegrad's Python tests.

Hypothesis runs ``HYPOTHESIS_PROFILE``: ``default``, 300 examples per property, or ``thorough``,
3000. The tests run against the installed package (``pip install ./python``), never the source
folder: run them from the repository root (``pytest python/tests``).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
