from __future__ import annotations

import functools

import pytest

from tests.hostile.limits import run_bounded


@pytest.fixture
def bounded(tmp_path):
    """bounded(*analyzer_args, stdin_path=…, stdin_from=[cmd…], timeout=…) -> limits.Run: the
    analyzer in a subprocess under a 400 MB address-space limit and a time bound."""
    return functools.partial(run_bounded, scratch=tmp_path)
