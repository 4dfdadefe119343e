"""Line-based scan of a Python file that does not parse (half-written, Python 2, a template).

It only trusts what is unambiguous on one line: `import x` / `from x import y` statements and
quoted URLs, outside comments. The file gets a notice saying it was scanned this way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cadre_hooks.model import Detection
from cadre_hooks.registry import Registry

_IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s*,\s*[\w.]+)*)")
_FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?\s*([\w\s,]+)")
_URL = re.compile(r"""["']((?:https?|wss?)://[^"'\s]+)["']""")


def scan(path: str, text: str, registry: Registry, is_ai_url: Callable[[str], bool]) -> list[Detection]:
    found: list[Detection] = []
    in_doc = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0] if "'" not in raw and '"' not in raw else raw
        if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
            in_doc = not in_doc
            continue
        if in_doc:
            continue
        names: list[str] = []
        m = _IMPORT.match(line)
        if m:
            names = [n.strip() for n in m.group(1).split(",")]
        else:
            m = _FROM.match(line)
            if m:
                names = [f"{m.group(1)}.{n.strip()}" for n in m.group(2).split(",") if n.strip()] or [m.group(1)]
        for name in names:
            provider = registry.module_provider(name)
            if provider:
                found.append(Detection(path, number, raw.index(name.split(".")[0]) + 1, "import", raw.strip(),
                                       provider_hint=provider, statement_line=number))
                break
        for url in _URL.finditer(line):
            if is_ai_url(url.group(1)):
                found.append(Detection(path, number, url.start(1) + 1, "endpoint", f"hard-coded endpoint {url.group(1)}",
                                       endpoint=url.group(1), generic=True, statement_line=number))
    return found
