"""`go.mod`: the modules a Go program requires (`require path version`, or a `require ( ... )`
block), each a `dependency` usage of its provider (`github.com/openai/openai-go/v2` belongs to
`github.com/openai/openai-go`). A line format: `//` comments are cut, `// indirect` included.
"""

from __future__ import annotations

import re

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan

_SINGLE = re.compile(r"^\s*require\s+(?P<path>[^\s(]+)\s+(?P<version>\S+)")
_BLOCK_START = re.compile(r"^\s*require\s*\(\s*$")
_IN_BLOCK = re.compile(r"^\s*(?P<path>[^\s)]+)\s+(?P<version>\S+)")


def module_provider(ctx: DetectContext, module: str) -> str | None:
    module = module.strip('"')
    found = ctx.registry.go_module(module)
    if found is None:  # major version suffix: github.com/openai/openai-go/v2
        base, _, last = module.rpartition("/")
        if base and re.fullmatch(r"v\d+", last):
            found = ctx.registry.go_module(base)
    return found


def scan_go_mod(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    found = []
    in_block = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("//", 1)[0]
        if in_block:
            if line.strip().startswith(")"):
                in_block = False
                continue
            match = _IN_BLOCK.match(line)
        elif _BLOCK_START.match(line):
            in_block = True
            continue
        else:
            match = _SINGLE.match(line)
        if match:
            provider = module_provider(ctx, match.group("path"))
            if provider:
                found.append(Detection(path, number, match.start("path") + 1, "dependency",
                                       f"{match.group('path')} {match.group('version')}", provider_hint=provider,
                                       statement_line=number))
    return FileScan(path, detections=tuple(found), suppressions=scan_lines(path, text), notices=notices)
