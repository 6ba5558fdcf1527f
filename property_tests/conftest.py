"""Hypothesis profiles, chosen with the ``HYPOTHESIS_PROFILE`` environment variable.

- ``dev`` (the default, what ``python -m pytest`` runs): 100 examples per property
  with a fresh random seed each run, so the whole suite stays well under two minutes
  and repeated local runs keep exploring new inputs.
- ``ci`` (``.ci/run`` sets ``HYPOTHESIS_PROFILE=ci``): derandomized, so a red run
  replays the same examples, and 1,000 examples per property.

Both print a reproduction blob on failure, have no per-example deadline and do not
fail a run because input generation was slow on a busy machine.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEFAULT_PROFILE = "dev"

_SHARED = settings(
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

settings.register_profile("dev", _SHARED, max_examples=100)
settings.register_profile("ci", _SHARED, derandomize=True, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", DEFAULT_PROFILE))
