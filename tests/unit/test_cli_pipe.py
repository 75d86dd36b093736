"""`stigg-portal render ... | head`: when the reader closes the pipe early, the command ends
quietly (no Python traceback on the terminal), as other command-line tools do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_render_into_a_closed_pipe_prints_no_traceback():
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen([sys.executable, "-m", "stigg_portal.cli", "render", "stigg-customer-portal",
                             "client=demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader is gone before the HTML is written (what `| head -1` becomes)
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert proc.returncode == 141  # 128 + SIGPIPE, what a shell reports for `cmd | head`
