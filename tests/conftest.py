"""Shared fixtures: the sample graph is built once per test session."""
from __future__ import annotations

import os
import shutil

import pytest

import kg

REQUIRE_REAL_PARTS = os.environ.get("KG_REQUIRE_REAL_PARTS") == "1"


def require_binary(name: str) -> str:
    """The path of an external program a test needs (a browser, a triple store).

    Where it is missing the test is skipped with the reason, except under
    KG_REQUIRE_REAL_PARTS=1 (set by .ci/run, which installs them), where it fails.
    """
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (bash .ci/setup installs it)"
        if REQUIRE_REAL_PARTS:
            pytest.fail(message + " and KG_REQUIRE_REAL_PARTS=1")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def sample_graph() -> kg.KnowledgeGraph:
    return kg.sample_graph()
