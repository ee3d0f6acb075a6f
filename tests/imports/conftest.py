"""Fixtures for imports: the network of tests/conftest.py plus a few catalogue services."""

from __future__ import annotations

import pytest


@pytest.fixture
def tmp_file(tmp_path):
    def write(name: str, data: bytes):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write
