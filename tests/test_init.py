"""`cadre init`: a first AI_USAGE.md written from the scan, reported by CDR202 until a person has
written it, accepted once written; never overwriting an existing file without --force."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import make_repo

from cadre_hooks.transparency import markdown, template
from cadre_hooks.transparency.spec import load_spec

CODE = '''\
from mistralai import Mistral
from openai import OpenAI

client = Mistral(api_key="x")
reply = client.chat.complete(model="mistral-small-2409", messages=[])
local = OpenAI(base_url="http://localhost:11434/v1")
'''
TODAY = ("--today", "2026-12-01")
FILLED = {"owner": "Direction du numérique", "contact": "ia@example.org", "user_facing": "false",
          "purpose": "Résumer les comptes rendus", "personal_data": "false"}
GUIDANCE = re.compile(r'^(\s*)(- )?(\w+): "(?:À compléter|To complete)[^"]*"')


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def complete(text: str, answer: str) -> str:
    """What a person does: answer every guidance note, in the fields and in the sections."""
    out = []
    for line in text.split("\n"):
        field = GUIDANCE.match(line)
        if field:
            line = f"{field.group(1)}{field.group(2) or ''}{field.group(3)}: {FILLED[field.group(3)]}"
        elif line.startswith(("> **À compléter :**", "> **To complete:**")):
            line = answer
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize(("lang", "answer"), [("fr", "Réponse rédigée et relue par l'équipe."),
                                              ("en", "Answer written and reviewed by the team.")])
def test_round_trip(tmp_path: Path, cadre, lang: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": CODE})
    result = cadre("init", "--lang", lang, *TODAY, cwd=repo)
    assert result.status == 0 and "AI_USAGE.md" in result.out
    data = front_matter(repo / "AI_USAGE.md")
    assert data["cadre"] == 1 and data["project"] == "r" and str(data["last_review"]) == "2026-12-01"
    assert data["models"] == ["mistral-small-2409"]
    providers = {p["id"]: p for p in data["providers"]}  # type: ignore[attr-defined]
    assert sorted(providers) == ["mistral", "ollama"]
    assert providers["mistral"]["hosting"] == "eu"
    assert (providers["ollama"]["hosting"], providers["ollama"]["endpoints"]) == ("local", ["localhost"])

    unedited = cadre("ai-usage", "--format", "json", *TODAY, cwd=repo)
    problems = [f for f in unedited.json["findings"] if f["rule"] == "CDR202"]
    assert unedited.status == 1 and unedited.rules() == ["CDR202"] * len(problems)
    assert len(problems) == 11 + 3 + 2 * 2  # sections; owner, contact, user_facing; purpose, personal_data x2

    path = repo / "AI_USAGE.md"
    path.write_text(complete(path.read_text(encoding="utf-8"), answer), encoding="utf-8")
    done = cadre("ai-usage", "--format", "json", *TODAY, cwd=repo)
    assert done.json["findings"] == [] and done.status == 0
    assert cadre("scan", "--format", "json", ".", *TODAY, cwd=repo).rules() == []


def test_sections_only_is_not_enough(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    """Fields only a person knows (owner, contact, purpose, personal_data) are guidance too."""
    repo = make_repo(tmp_path / "r", {"app.py": CODE})
    cadre("init", "--lang", "en", *TODAY, cwd=repo)
    path = repo / "AI_USAGE.md"
    text = "\n".join("Answered." if line.startswith("> **To complete:**") else line
                     for line in path.read_text(encoding="utf-8").split("\n"))
    path.write_text(text, encoding="utf-8")
    result = cadre("ai-usage", "--format", "json", "--lang", "en", *TODAY, cwd=repo)
    messages = [f["message"] for f in result.json["findings"]]
    assert len(messages) == 7 and all("still holds the template's guidance" in m for m in messages)


def test_never_overwrites_without_force(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": CODE, "AI_USAGE.md": "# ours\n"})
    refused = cadre("init", cwd=repo)
    assert refused.status == 2 and "--force" in refused.err and "Traceback" not in refused.err
    assert (repo / "AI_USAGE.md").read_text(encoding="utf-8") == "# ours\n"
    forced = cadre("init", "--force", "--lang", "fr", cwd=repo)
    assert forced.status == 0 and "## Finalité et plus-value" in (repo / "AI_USAGE.md").read_text(encoding="utf-8")
    assert not list(repo.glob(".AI_USAGE.md.*"))


def test_init_from_a_subfolder_writes_at_the_root_and_honours_the_setting(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"src/app.py": CODE,
                                      "pyproject.toml": '[tool.cadre]\nai_usage = "docs/AI_USAGE.md"\n'})
    assert cadre("init", "src", cwd=repo).status == 0
    assert (repo / "docs" / "AI_USAGE.md").is_file() and not (repo / "src" / "AI_USAGE.md").exists()


def test_language_from_the_environment(tmp_path: Path, cadre, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": CODE})
    monkeypatch.setenv("CADRE_LANG", "fr")
    assert "écrit" in cadre("init", cwd=repo).out
    assert "## Réversibilité" in (repo / "AI_USAGE.md").read_text(encoding="utf-8")


def test_no_ai_and_unknown_providers(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "none", {"app.py": "print('hello')\n"})
    assert cadre("init", "--lang", "en", cwd=repo).status == 0
    assert front_matter(repo / "AI_USAGE.md")["providers"] == []
    code = "import os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url=os.environ['LLM_URL'])\n"
    repo = make_repo(tmp_path / "unknown", {"app.py": code})
    assert cadre("init", "--lang", "en", cwd=repo).status == 0
    text = (repo / "AI_USAGE.md").read_text(encoding="utf-8")
    assert "app.py:4" in text and "To complete" in text
    assert front_matter(repo / "AI_USAGE.md")["providers"] is None  # only the comment: nothing declared yet


def test_bad_arguments(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": CODE})
    for args in (("missing-folder",), ("app.py",), ("--today", "2026-02-30")):
        result = cadre("init", *args, cwd=repo)
        assert result.status == 2 and "Traceback" not in result.err, args
    assert not (repo / "AI_USAGE.md").exists()


@pytest.mark.parametrize("name", ["plain", "a: b", "#hash", "yes", "2026", " spaced", 'quo"te', "accentué é"])
def test_yaml_scalars_read_back(name: str) -> None:
    assert yaml.safe_load(f"k: {template.scalar(name)}") == {"k": name}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_templates_hold_every_section(lang: str) -> None:
    spec = load_spec()
    body = (template.templates_dir() / f"AI_USAGE.{lang}.md").read_text(encoding="utf-8").split("\n")
    answers = markdown.answers(body, 1, spec)
    assert sorted(a.section.id for a in answers) == sorted(s.id for s in spec.sections)
    assert all(a.state == "guidance" and a.lang == lang for a in answers)
    titles = {a.heading.text for a in answers}
    assert titles == {s.title[lang] for s in spec.sections}
