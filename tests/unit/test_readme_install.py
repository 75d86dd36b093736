"""The install instructions work here: stigg-portal is not on PyPI, so README.md and docs/python.md
install it from a checkout (``pip install .`` / ``pip install -e .``), never by its PyPI name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("doc", ["README.md", "docs/python.md"])
def test_pip_install_names_the_checkout_not_pypi(doc):
    text = (ROOT / doc).read_text()
    commands = re.findall(r"pip install[^`\n#]*", text)
    assert commands
    by_name = [c for c in commands if re.search(r"pip install (-e )?\"?stigg-portal", c)]
    assert not by_name, by_name
    assert "pip install ." in text
