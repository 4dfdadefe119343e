""".NET package manifests: `*.csproj` (and `.fsproj`, `.vbproj`) `<PackageReference Include="...">`,
central package management's `Directory.Packages.props` (`<GlobalPackageReference>`, which every
project gets), `Directory.Build.props`, and the older `packages.config` (`<package id="...">`). A
`<PackageVersion>` of central package management only pins the version of a package that a
project declares with `<PackageReference>`: the declaration is reported, not the pin (as for a
Maven `<dependencyManagement>`). A package's own `.nuspec` declares its dependencies with
`<dependency id="...">`. Each NuGet id of an AI SDK is a `dependency` usage of its provider at the
line of its element.

Read with the stdlib expat parser, which gives line numbers and never fetches external entities;
an XML comment is not an element, so a commented-out reference is nothing. NuGet ids are
case-insensitive, and only the ids of the provider data count (`Microsoft.OpenApi` is not OpenAI).
"""

from __future__ import annotations

from xml.parsers import expat

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan, Notice

# element (lower case) -> the attribute (lower case) that names the package
PACKAGE_ELEMENTS = {
    "packagereference": ("include", "update"),
    "globalpackagereference": ("include",),
    "package": ("id",),
    "dependency": ("id",),  # a .nuspec's <dependencies>
}


def references(data: bytes) -> list[tuple[str, str, int, int]]:
    """(package id, version, line, column) of every package element; raises expat.ExpatError."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    found: list[tuple[str, str, int, int]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        keys = PACKAGE_ELEMENTS.get(name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower())
        if keys is None:
            return
        lowered = {key.lower(): value for key, value in attrs.items()}
        package = next((lowered[key].strip() for key in keys if lowered.get(key, "").strip()), "")
        if package:
            found.append((package, lowered.get("version", "").strip(), parser.CurrentLineNumber,
                          parser.CurrentColumnNumber + 1))

    parser.StartElementHandler = start
    parser.Parse(data, True)
    return found


def scan_nuget(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    suppressions = scan_lines(path, text)
    try:
        found = references(data)
    except expat.ExpatError as err:
        return FileScan(path, suppressions=suppressions, notices=(
            *notices, Notice(path, f"not valid XML ({expat.ErrorString(err.code)} at line {err.lineno}); not scanned")))
    detections = []
    for package, version, line, column in found:
        provider = ctx.registry.nuget(package)
        if provider:
            detections.append(Detection(path, line, column, "dependency", f"{package} {version}".strip(),
                                        provider_hint=provider, statement_line=line))
    return FileScan(path, detections=tuple(detections), suppressions=suppressions, notices=notices)
