"""pip requirements files (`requirements*.txt`, pip-tools `*.in`, `requirements/*.txt`): each
declared distribution that belongs to a provider is a `dependency` usage at its line.

Read as pip reads them: `#` comments (at the start of a line or after whitespace) and blank lines
are nothing, `\\` joins lines, options (`--hash`, `--index-url`...) are not requirements, extras and
environment markers are part of a declaration (`openai[datalib]>=1; python_version >= "3.9"`).
`-r`/`--requirement` includes are followed when the included file would not be scanned on its
own (`-r deps/common.txt`); what it declares is reported in that file, not in the includer.
`-c` constraint files only pin versions and declare nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan, Notice, Suppression
from cadre_hooks.safeio import Refused, read_in_root, transcode_bom

# PEP 508: a name, optional [extras], then nothing, a version specifier, a URL or a marker.
_REQUIREMENT = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(?P<rest>(?:[<>=!~(;@,].*)?)$",
    re.DOTALL,
)
_COMMENT = re.compile(r"(?:^|\s)#.*$")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=[^\s=]))(?P<file>\S+)")
_EDITABLE = re.compile(r"^(?:-e|--editable)\s+(?P<target>\S+)")
_EGG = re.compile(r"#egg=(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")
_OPTION_IN_LINE = re.compile(r"\s--?[a-zA-Z].*$")
MAX_INCLUDE_DEPTH = 8
MAX_INCLUDE_BYTES = 2_000_000  # an included requirements file; anything larger is not one


def requirement_name(text: str) -> str | None:
    """The distribution a PEP 508 requirement string declares (`langchain-openai>=0.2` → langchain-openai)."""
    match = _REQUIREMENT.match(text)
    return match.group("name") if match else None


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(1-based first line, text) of each line once comments are cut and `\\` continuations joined."""
    out: list[tuple[int, str]] = []
    pending = ""
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        code = _COMMENT.sub("", line)
        if not pending:
            start = number
        if code.rstrip().endswith("\\"):
            pending += code.rstrip()[:-1] + " "
            continue
        out.append((start, pending + code))
        pending = ""
    if pending:
        out.append((start, pending))
    return out


def _declaration(code: str) -> str | None:
    stripped = code.strip()
    if not stripped:
        return None
    editable = _EDITABLE.match(stripped)
    if editable:
        egg = _EGG.search(editable.group("target"))
        return egg.group("name") if egg else None
    if stripped.startswith("-"):
        return None
    if "://" in stripped.split("@", 1)[0] or stripped.startswith((".", "/")):
        egg = _EGG.search(stripped)
        return egg.group("name") if egg else None
    return requirement_name(_OPTION_IN_LINE.sub("", stripped))


def declarations(path: str, text: str, ctx: DetectContext) -> list[Detection]:
    found = []
    lines = text.splitlines()
    for number, code in logical_lines(text):
        name = _declaration(code)
        provider = ctx.registry.pypi(name) if name else None
        if name and provider:
            physical = lines[number - 1] if number <= len(lines) else code
            column = physical.find(name) + 1 or 1
            found.append(Detection(path, number, column, "dependency", " ".join(code.split())[:200],
                                   provider_hint=provider,
                                   statement_line=number))
    return found


def includes(text: str) -> list[str]:
    out = []
    for _, code in logical_lines(text):
        match = _INCLUDE.match(code.strip())
        if match:
            out.append(match.group("file"))
    return out


def _follow(path: str, text: str, ctx: DetectContext, seen: set[str], depth: int,
            detections: list[Detection], notices: list[Notice], suppressions: list[Suppression]) -> None:
    from cadre_hooks.detect.files import is_requirements_file

    root = ctx.root.resolve()
    for target in includes(text):
        if "://" in target:
            notices.append(Notice(path, f"-r {target}: remote requirements file not followed"))
            continue
        full = (root / path).parent / target
        try:
            rel = full.resolve().relative_to(root).as_posix()
        except ValueError:
            notices.append(Notice(path, f"-r {target}: outside the repository; not followed"))
            continue
        if rel in seen or is_requirements_file(rel):
            continue  # scanned on its own, or already followed
        seen.add(rel)
        if depth >= MAX_INCLUDE_DEPTH:
            notices.append(Notice(path, f"-r {target}: includes nested too deep; not followed"))
            continue
        try:
            data = transcode_bom(read_in_root(root, rel, MAX_INCLUDE_BYTES))
        except Refused as refused:
            notices.append(Notice(path, f"-r {target}: {refused.reason.split(';')[0]}; not followed",
                                  refused.kind))
            continue
        included, decode_notices = decode(rel, data)
        notices.extend(decode_notices)
        detections.extend(declarations(rel, included, ctx))
        suppressions.extend(scan_lines(rel, included))
        _follow(rel, included, ctx, seen, depth + 1, detections, notices, suppressions)


def scan_requirements(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, decode_notices = decode(path, data)
    detections = declarations(path, text, ctx)
    notices = list(decode_notices)
    suppressions = list(scan_lines(path, text))
    _follow(path, text, ctx, {path}, 1, detections, notices, suppressions)
    return FileScan(path, detections=tuple(detections), suppressions=tuple(suppressions), notices=tuple(notices))
