"""Shared test settings: hypothesis profiles ("ci", the default, and "dev" for a deeper search),
and the `engine` fixture that runs a test once per Graphviz engine.

Pick a profile with HYPOTHESIS_PROFILE=dev python -m pytest tests.
"""

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

from tinygraph.draw.render import ENV_VAR, find_engine

settings.register_profile("ci", deadline=None, max_examples=100, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=1000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(params=["dot", "graphviz-pure"])
def engine(request, monkeypatch, tmp_path):
    """Each engine, found the way a user's machine would find it (dot hidden from PATH for pure)."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    if request.param == "dot":
        if shutil.which("dot") is None:
            pytest.skip("system Graphviz `dot` is not installed (apt-get install graphviz)")
    else:
        empty = tmp_path / "empty-bin"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
    assert find_engine().kind == request.param
    return request.param
