"""stigg-portal: Stigg's self-service billing portal as embeddable web components, in Python."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "render", "render_async"]


def __getattr__(name: str):  # lazy, so importing the package stays cheap in the browser
    if name in {"render", "render_async"}:
        from . import server

        return getattr(server, name)
    raise AttributeError(name)
