"""`pom.xml`: Maven `<dependency>` elements, each `groupId:artifactId` a `dependency` usage of its
provider at the line of its `<artifactId>`. Read with the stdlib expat parser, which gives line
numbers and never fetches external entities; comments are not elements, so a commented-out
dependency is nothing. A `<dependencyManagement>` entry only pins a version (a BOM such as
`spring-ai-bom` lists every module it could pin): the usage is the `<dependencies>` entry that
declares the artifact, in this pom or in a module's.
"""

from __future__ import annotations

from xml.parsers import expat

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan, Notice


class _Dependencies:
    def __init__(self) -> None:
        self.stack: list[str] = []
        self.text: list[str] = []
        self.current: dict[str, str] = {}
        self.artifact_at = (0, 0)
        self.current_at = (0, 0)
        self.found: list[tuple[str, int, int]] = []  # (group:artifact, line, column)
        self.parser = expat.ParserCreate()
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text.append

    @staticmethod
    def _local(name: str) -> str:
        return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = self._local(name)
        self.stack.append(local)
        self.text.clear()
        if local == "dependency":
            self.current = {}
        elif local == "artifactId":
            self.artifact_at = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)

    def end(self, name: str) -> None:
        local = self._local(name)
        parent = self.stack[-2] if len(self.stack) > 1 else ""
        if parent == "dependency" and local in ("groupId", "artifactId"):
            self.current[local] = "".join(self.text).strip()
            if local == "artifactId":
                self.current_at = self.artifact_at
        elif local == "dependency" and "groupId" in self.current and "artifactId" in self.current \
                and "dependencyManagement" not in self.stack:
            line, column = self.current_at
            self.found.append((f"{self.current['groupId']}:{self.current['artifactId']}", line, column))
        self.stack.pop()
        self.text.clear()


def scan_pom(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    reader = _Dependencies()
    try:
        reader.parser.Parse(data, True)
    except expat.ExpatError as err:
        return FileScan(path, suppressions=scan_lines(path, text), notices=(
            *notices, Notice(path, f"not valid XML ({expat.ErrorString(err.code)} at line {err.lineno}); not scanned")))
    found = []
    for coordinate, line, column in reader.found:
        provider = ctx.registry.maven(coordinate)
        if provider:
            found.append(Detection(path, line, column, "dependency", coordinate, provider_hint=provider,
                                   statement_line=line))
    return FileScan(path, detections=tuple(found), suppressions=scan_lines(path, text), notices=notices)
