""".NET configuration: `appsettings*.json` (and Azure Functions' `local.settings.json`), where a
section named after a provider (`"AzureOpenAI": {"Endpoint": ..., "DeploymentName": ...}`, the
registry's `[settings] dotnet`) configures its client, at any depth (`"SemanticKernel":
{"OpenAI": {...}}`). .NET's flattened key forms count too: `"AzureOpenAI:Endpoint"` and the
environment-variable form `AzureOpenAI__Endpoint`.

An endpoint URL in the section decides the destination of the whole section, as the generic rule
does for any URL; the section's keys, model or deployment names are then usages at their lines.
A section named otherwise (`SemanticKernel`, `Llm`) is left to the generic rule, where a URL or a
provider's variable still counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cadre_hooks.detect.config.jsonfile import Finder, JsonObject
from cadre_hooks.detect.config.settings import Setting, group_detections
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Detection, ModelRef

_SETTINGS_FILE = re.compile(r"(?:appsettings(?:\.[^/]*)?|local\.settings)\.json\Z", re.IGNORECASE)
_SEPARATOR = re.compile(r":|__")


def is_settings_file(path: str) -> bool:
    return _SETTINGS_FILE.match(path.rsplit("/", 1)[-1]) is not None


def _leaves(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """(path of words, key as written, string value) of every string leaf, in document order."""
    if not isinstance(node, JsonObject):
        return
    for key, value in node:
        words = (*path, *(w for w in _SEPARATOR.split(key) if w))
        if isinstance(value, str):
            yield words, key, value
        elif isinstance(value, JsonObject):
            yield from _leaves(value, words)


def dotnet_detections(ctx: DetectContext, path: str, document: Any, text: str,
                      models: list[ModelRef] | None = None) -> list[Detection]:
    finder = Finder(text)
    groups: dict[tuple[tuple[str, ...], str], list[Setting]] = {}
    for words, key, value in _leaves(document, ()):
        section = next((i for i, w in enumerate(words[:-1]) if ctx.registry.dotnet_section(w)), None)
        if section is None:
            continue
        provider = ctx.registry.dotnet_section(words[section])
        assert provider is not None
        key_at = finder.find(key, key=True)
        value_at = finder.find(value, key=False)
        line, column = key_at or value_at or (1, 1)
        value_line, value_column = value_at or (line, column)
        groups.setdefault((words[:section + 1], provider), []).append(
            Setting(":".join(words), words[-1], value, line, column, value_line, value_column))
    out: list[Detection] = []
    for (_, provider), settings in groups.items():
        out += group_detections(ctx, path, provider, settings, models=models)
    return out
