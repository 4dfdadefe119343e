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
from collections.abc import Iterator

_PAIRS = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))


def actions(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each template action, in order, in one pass over the text (every str.find
    only moves forward). `${{ ... }}` is a GitHub Actions expression, read as written
    (`${{ secrets.MISTRAL_API_KEY }}`): it is skipped."""
    position = 0
    following = {opening: text.find(opening) for opening, _ in _PAIRS}
    while True:
        for opening, _ in _PAIRS:
            if 0 <= following[opening] < position:
                following[opening] = text.find(opening, position)
        found = [(following[opening], opening, closing) for opening, closing in _PAIRS if following[opening] >= 0]
        if not found:
            return
        start, opening, closing = min(found)
        end = text.find(closing, start + len(opening))
        if end < 0:
            return  # no closing at all after it: nothing more can be an action
        end += len(closing)
        if not (opening == "{{" and start > 0 and text[start - 1] == "$"):
            yield start, end
        position = end


_PLACEHOLDER = re.compile(r"\$\{|\{\{|\{%|\A\s*\$[A-Za-z_]|_{5,}")


def is_unresolved(value: str) -> bool:
    """A value set by a placeholder or a template, as written (`${LLM_URL}`, `$LLM_URL`,
    `{{ .Values.url }}`) or once blanked here (a run of underscores)."""
    return _PLACEHOLDER.search(value) is not None


def has_templates(text: str) -> bool:
    return next(actions(text), None) is not None


def blank_templates(text: str) -> str:
    """The text with template actions blanked, every line and column unchanged: blanks for the
    actions of a line that holds nothing else, underscores for those inside a value."""
    spans = list(actions(text))
    if not spans:
        return text
    marked: list[str] = []
    last = 0
    for start, end in spans:
        marked.append(text[last:start])
        marked.append("".join(c if c == "\n" else "\0" for c in text[start:end]))
        last = end
    marked.append(text[last:])
    out = []
    for line in "".join(marked).split("\n"):
        alone = "\0" in line and not line.replace("\0", "").strip()
        out.append(line.replace("\0", " " if alone else "_"))
    return "\n".join(out)
