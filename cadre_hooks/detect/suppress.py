"""Inline suppressions: `# cadre: ignore[CDR101] reason` (or `// cadre: ignore[...]`, and
`<!-- cadre: ignore[...] reason -->` in XML manifests).

The rule codes are required, like ruff's `noqa: CODE` and unlike a blanket `nosec`, so that a
new finding on the same line still shows; the reason is required by the charter (CDR901).
"""

from __future__ import annotations

import re

from cadre_hooks.model import Suppression

SUPPRESSION = re.compile(r"cadre:\s*ignore\[(?P<codes>[A-Za-z0-9_,\s-]*)\]\s*(?P<reason>.*)$")


def parse_comment(path: str, line: int, comment: str) -> Suppression | None:
    """The suppression a comment carries, if any (`comment` may include its `#` or `//`)."""
    m = SUPPRESSION.search(comment)
    if not m:
        return None
    codes = tuple(c.strip().upper() for c in m.group("codes").split(",") if c.strip())
    reason = m.group("reason").strip().removesuffix("-->").strip().rstrip("*/").strip()
    return Suppression(path=path, line=line, codes=codes, reason=reason)


def scan_lines(path: str, text: str) -> tuple[Suppression, ...]:
    """Suppressions in a file whose comments cannot be told apart by a parser (config, manifests)."""
    found = []
    if "cadre:" not in text:
        return ()
    for number, line in enumerate(text.splitlines(), start=1):
        if "cadre:" in line:
            for marker in ("#", "//", ";", "<!--"):  # `<!--`: XML manifests (pom.xml, *.csproj)
                idx = line.find(marker)
                if idx >= 0 and "cadre:" in line[idx:]:
                    sup = parse_comment(path, number, line[idx:])
                    if sup:
                        found.append(sup)
                    break
    return tuple(found)
