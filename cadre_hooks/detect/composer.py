"""`composer.json`: the Composer packages a PHP project requires (`require`, `require-dev`), each
a `dependency` usage of its provider at the line of its key; the other fields are read as JSON
configuration. Only the `vendor/package` names of the provider data count (`openai-php/client`
is OpenAI's SDK, `acme/openai-helpers` is nothing).
"""

from __future__ import annotations

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.json_manifest import scan_json_manifest
from cadre_hooks.model import FileScan

DEPENDENCY_FIELDS = ("require", "require-dev")


def scan_composer_json(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    return scan_json_manifest(path, data, ctx, DEPENDENCY_FIELDS, ctx.registry.composer)
