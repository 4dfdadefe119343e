"""`package.json`: the npm packages a JavaScript project declares (`dependencies`,
`devDependencies`, `peerDependencies`, `optionalDependencies`), each a `dependency` usage of its
provider at the line of its key; the other fields (`config`, scripts' environment...) are read
as JSON configuration. A package named like a provider but not registered (`openai-utils`,
`ai`) is not a usage: only the registry's npm names count.
"""

from __future__ import annotations

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.json_manifest import scan_json_manifest
from cadre_hooks.model import FileScan

DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def scan_package_json(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    return scan_json_manifest(path, data, ctx, DEPENDENCY_FIELDS, ctx.registry.npm)
