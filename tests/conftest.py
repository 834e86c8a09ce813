"""Shared test settings: hypothesis profiles ("ci", the default, and "dev" for a deeper search).

Pick one with HYPOTHESIS_PROFILE=dev python -m pytest tests.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, max_examples=100, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
