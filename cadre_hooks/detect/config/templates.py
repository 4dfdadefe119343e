"""Templated YAML (Helm charts' `templates/`, Jinja in Ansible or cookiecutter files): the
`{{ ... }}` and `{% ... %}` actions make a file that is not YAML until it is rendered. They are
blanked out here, keeping every other character where it was, so that the rest parses and keeps
its positions:
- an action alone on its line (`{{- if .Values.enabled }}`, `{{- toYaml .Values.env | nindent 8 }}`,
  `{{- end }}`) becomes blanks: the structure it would render is unknown, not an error;
- an action inside a value (`value: {{ .Values.baseUrl | quote }}`, `https://{{ .Values.host }}/v1`)
  becomes underscores: an unresolved value, which no rule takes for an endpoint or a provider.
"""

from __future__ import annotations

import re

_ACTION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def has_templates(text: str) -> bool:
    return "{{" in text or "{%" in text


def blank_templates(text: str) -> str:
    """The text with template actions blanked, every line and column unchanged."""
    out: list[str] = []
    last = 0
    for match in _ACTION.finditer(text):
        out.append(text[last:match.start()])
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        alone = not text[line_start:match.start()].strip() and not _ACTION.sub("", text[match.end():line_end]).strip()
        filler = " " if alone else "_"
        out.append("".join(c if c == "\n" else filler for c in match.group(0)))
        last = match.end()
    out.append(text[last:])
    return "".join(out)
