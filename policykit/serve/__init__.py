"""The live preview: `policykit serve` (the server) over the preview pages (preview, pages)."""

from __future__ import annotations

from policykit.serve.preview import Preview, build_preview
from policykit.serve.server import PreviewServer

__all__ = ["Preview", "PreviewServer", "build_preview"]
