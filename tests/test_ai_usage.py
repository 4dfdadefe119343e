"""AI_USAGE.md (charter commitments 6, 13 and 2): CDR201-CDR205 and the declared side of CDR302,
through the real command line on real git repositories, with French and English files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import make_repo, write_files

from cadre_hooks.report import formats

CASES = Path("/work/shared/acceptance/cases")
MISTRAL = ('from mistralai import Mistral\n\nclient = Mistral(api_key="x")\n'
           'reply = client.chat.complete(model="mistral-small-2409", messages=[])\n')
TODAY = ("--today", "2026-12-01")

FRONT = """\
---
cadre: 1
project: {project}
owner: {owner}
contact: ia@example.org
last_review: 2026-10-01
user_facing: false
providers:
  - id: mistral
    purpose: {purpose}
    personal_data: false
    hosting: eu
models:
  - mistral-small-2409
---
"""
SECTIONS = {
    "fr": ["Finalité et plus-value", "Interaction avec les usagers", "Supervision humaine", "Données personnelles",
           "Biais et non-discrimination", "Transparence", "Conditions de travail des agents", "Travail du clic",
           "Souveraineté et maîtrise", "Impact environnemental", "Réversibilité"],
    "en": ["Purpose and added value", "Interaction with the public", "Human oversight", "Personal data",
           "Bias and non-discrimination", "Transparency", "Working conditions of the agents", "Click-work",
           "Sovereignty and control", "Environmental impact", "Reversibility"],
}
ANSWER = {"fr": "Réponse écrite et relue par l'équipe du projet.", "en": "Answer written and reviewed by the team."}


def declaration(lang: str, *, sections: list[str] | None = None, body: dict[str, str] | None = None,
                **front: str) -> str:
    """A complete AI_USAGE.md in `lang`; `body` replaces the text of some sections, `front` some fields."""
    values = {"project": "Synthèse" if lang == "fr" else "Summaries", "owner": "Direction du numérique",
              "purpose": "Résumer les comptes rendus" if lang == "fr" else "Summarise the minutes"}
    head = FRONT.format(**values)
    for key, value in front.items():
        lines, skipping = [], False
        for line in head.split("\n"):
            if skipping and line.startswith(" "):
                continue  # the old value's nested lines
            skipping = line.startswith(f"{key}:")
            lines.append(f"{key}: {value}" if skipping else line)
        head = "\n".join(lines)
    parts = [head, "# Usage de l'IA\n" if lang == "fr" else "# Use of AI\n"]
    for title in sections if sections is not None else SECTIONS[lang]:
        parts.append(f"\n## {title}\n{(body or {}).get(title, ANSWER[lang])}\n")
    return "".join(parts)


def findings(result: Any, rule: str) -> list[dict[str, Any]]:
    return [f for f in result.json["findings"] if f["rule"] == rule and not f["suppressed"]]


def scan(cadre: Any, repo: Path, *extra: str) -> Any:
    return cadre("scan", "--format", "json", ".", *TODAY, *extra, cwd=repo)


# --- acceptance cases 25 and 26 -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["25-ai-usage-missing", "26-ai-usage-complete"])
def test_acceptance_case(tmp_path: Path, cadre, name: str) -> None:  # type: ignore[no-untyped-def]
    case = CASES / name
    if not case.is_dir():
        pytest.skip("acceptance cases not available")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    repo = tmp_path / "repo"
    shutil.copytree(case, repo, ignore=shutil.ignore_patterns("expected.json"))
    make_repo(repo, {})
    result = cadre("scan", "--format", "json", ".", *expected.get("args", []), cwd=repo)
    assert result.status == expected["exit"], result.out
    rules = result.rules()
    for want in expected["findings"]:
        assert want["rule"] in rules
    for banned in expected["forbid_findings"]:
        assert banned["rule"] not in rules


# --- CDR201 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_missing_declaration(tmp_path: Path, cadre, lang: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL})
    result = scan(cadre, repo, "--lang", lang)
    [found] = findings(result, "CDR201")
    assert (found["path"], found["line"], found["severity"]) == ("AI_USAGE.md", 1, "error")
    assert "cadre init" in found["message"] and "app.py:1" in found["message"]
    assert ("n'existe pas" if lang == "fr" else "does not exist") in found["message"]
    assert result.status == 1


def test_local_ai_needs_a_declaration_too(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "import ollama\n\nollama.chat(model='llama3.2', messages=[])\n"})
    assert [f["path"] for f in findings(scan(cadre, repo), "CDR201")] == ["AI_USAGE.md"]


def test_no_ai_no_declaration_needed(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "print('hello')\n"})
    result = scan(cadre, repo)
    assert result.json["findings"] == [] and result.status == 0


def test_configured_path_and_rename_hint(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, ".cadre.toml": 'ai_usage = "docs/AI_USAGE.md"\n',
                                      "docs/ai_usage.md": declaration("en")})
    [found] = findings(scan(cadre, repo), "CDR201")
    assert found["path"] == "docs/AI_USAGE.md"
    assert "rename it to AI_USAGE.md" in found["message"]
    (repo / "docs/ai_usage.md").rename(repo / "docs/AI_USAGE.md")
    assert scan(cadre, repo).json["findings"] == []


def test_path_outside_the_repository_is_a_config_error(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, ".cadre.toml": 'ai_usage = "../AI_USAGE.md"\n'})
    result = scan(cadre, repo)
    assert result.status == 2 and "ai_usage" in result.err and "Traceback" not in result.err


# --- CDR202 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_complete_declaration_passes(tmp_path: Path, cadre, lang: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": declaration(lang)})
    result = scan(cadre, repo)
    assert result.json["findings"] == [] and result.status == 0


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_missing_empty_and_guidance_sections(tmp_path: Path, cadre, lang: str) -> None:  # type: ignore[no-untyped-def]
    titles = SECTIONS[lang]
    guidance = "> **À compléter :** qui relit ?" if lang == "fr" else "> **To complete:** who reviews?"
    text = declaration(lang, sections=titles[1:], body={titles[3]: "", titles[2]: guidance,
                                                        titles[4]: "<!-- to be written -->\n- \n"})
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text})
    lines = text.split("\n")
    result = scan(cadre, repo, "--lang", lang)
    got = {(f["line"], f["message"].split(":")[0]) for f in findings(result, "CDR202")}
    first_heading = lines.index("# Usage de l'IA" if lang == "fr" else "# Use of AI") + 1
    assert {line for line, _ in got} == {first_heading, lines.index(f"## {titles[3]}") + 1,
                                         lines.index(guidance) + 1, lines.index(f"## {titles[4]}") + 1}
    messages = " ".join(f["message"] for f in findings(result, "CDR202"))
    assert f"## {titles[0]}" in messages  # says which heading to add, in the file's language
    assert result.status == 1


@pytest.mark.parametrize("heading", ["1. FINALITE ET PLUS-VALUE", "Finalité & plus‑value (engagement 1)",
                                     "Purpose", "Objectifs du projet", "**Finalité**"])
def test_heading_variants(tmp_path: Path, cadre, heading: str) -> None:  # type: ignore[no-untyped-def]
    titles = [heading, *SECTIONS["fr"][1:]]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": declaration("fr", sections=titles)})
    assert findings(scan(cadre, repo), "CDR202") == []


def test_setext_headings_and_code_blocks(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    text = declaration("en").replace("## Transparency\n", "Transparency\n------------\n")
    text = text.replace("## Reversibility\nAnswer", "```\n## Reversibility\n```\nAnswer")
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text})
    messages = [f["message"] for f in findings(scan(cadre, repo), "CDR202")]
    assert len(messages) == 1 and '"Reversibility" is missing' in messages[0]


def test_title_naming_a_section_does_not_answer_it(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    text = declaration("fr", body={"Transparence": "> **À compléter :** comment informer ?"})
    text = text.replace("# Usage de l'IA\n", "# Transparence budgétaire\n\nUn outil pour les agents.\n")
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text})
    [found] = findings(scan(cadre, repo), "CDR202")
    assert "Transparence" in found["message"]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("owner", '""', "the field owner is empty"),
    ("owner", '"To complete: the department"', "the field owner still holds the template's guidance"),
    ("project", "2026", "the field project must be text, not a number"),
    ("user_facing", "oui", "the field user_facing must be true or false"),
    ("cadre", "2", "the field cadre must be 1"),
    ("last_review", "2026-13-45", "the field last_review cannot be read"),
    ("last_review", "last spring", "the field last_review must be a date written YYYY-MM-DD"),
    ("last_review", "2027-01-01", "last_review (2027-01-01) is after today (2026-12-01)"),
    ("providers", "mistral", "the field providers must be a list"),
    ("models", "[1]", "each entry of models must be text, not a number"),
])
def test_wrong_fields(tmp_path: Path, cadre, field: str, value: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    text = declaration("en", **{field: value})
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text})
    result = scan(cadre, repo, "--lang", "en")
    [found] = findings(result, "CDR202")
    assert expected in found["message"]
    assert found["line"] == text.split("\n").index(next(l for l in text.split("\n") if l.startswith(f"{field}:"))) + 1
    assert result.status == 1 and "Traceback" not in result.err


def test_missing_unknown_and_duplicate_fields(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    text = declaration("fr").replace("owner: Direction du numérique\n", "ownr: Direction du numérique\n")
    text = text.replace("    hosting: eu\n", "    hosting: eu\n    hosting: fr\n    personal_data: false\n")
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text})
    messages = {(f["line"], f["message"]) for f in findings(scan(cadre, repo, "--lang", "fr"), "CDR202")}
    assert (1, ("AI_USAGE.md est incomplet : le champ owner manque : y écrire la direction ou le service responsable "
                "du projet")) in messages
    assert any(line == 4 and "voulait-on dire owner" in m for line, m in messages)
    assert sum("écrit deux fois" in m for _, m in messages) == 2


@pytest.mark.parametrize(("content", "line", "expected"), [
    (b"---\ncadre: 1\nproject: [unclosed\n---\n# x\n", 3, "not valid YAML"),
    (b"---\ncadre: 1\n  project: x\n---\n", 3, "not valid YAML"),
    (b"---\ncadre: 1\nproject: x\n", 1, "never closed"),
    (b"# Use of AI\n\nWe use Mistral.\n", 1, "front matter is missing"),
    (b"---\n- a\n---\n", 2, "'key: value'"),
    (b"\x00\x89PNG\r\n\x1a\n\x00\x00junk", 1, "not UTF-8 text"),
    (b"---\nproject: caf\xe9\n---\n", 1, "not UTF-8 text"),
    (b"---\ncadre: 1\nproject: a\x07b\n---\n", 3, "not valid YAML"),
    (b"---\nx: " + b"[" * 3000 + b"]" * 3000 + b"\n---\n", 2, "not valid YAML"),
])
def test_malformed_files(tmp_path: Path, cadre, content: bytes, line: int, expected: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": content})
    result = scan(cadre, repo, "--lang", "en")
    assert result.status == 1 and "Traceback" not in result.err + result.out
    assert any(f["line"] == line and expected in f["message"] for f in findings(result, "CDR202")), result.out


def test_mangled_declarations_never_raise() -> None:
    """Random edits of a complete file: every one gives findings, none an exception."""
    import datetime as dt
    import random

    from cadre_hooks.transparency import document
    from cadre_hooks.transparency.spec import load_spec

    spec, today, rng = load_spec(), dt.date(2026, 12, 1), random.Random(6)
    original = declaration("fr")
    pieces = ["\n", ":", "-", " ", "\t", "#", "---", "[", "{", "&a", "*a", "!!python/object:os.system", "\x00",
              "2026-02-30", "\u2028", "<!--", "```", "'", '"', "? ", "|"]
    for _ in range(1500):
        text = original
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text))
            if rng.random() < 0.5:
                text = text[:at] + rng.choice(pieces) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 20):]
        result = document.read(text, spec, today)
        for problem in result.problems:
            assert problem.line >= 1 and document.describe(problem, spec, "fr", result.lang)


def test_unreadable_declarations(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL})
    (tmp_path / "elsewhere.md").write_text(declaration("en"), encoding="utf-8")
    os.symlink(tmp_path / "elsewhere.md", repo / "AI_USAGE.md")
    assert "outside the repository" in findings(scan(cadre, repo), "CDR202")[0]["message"]
    (repo / "AI_USAGE.md").unlink()
    (repo / "AI_USAGE.md").mkdir()
    assert "cannot be read" in findings(scan(cadre, repo), "CDR202")[0]["message"]


# --- CDR203, CDR204 ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_undeclared_and_stale_providers(tmp_path: Path, cadre, lang: str) -> None:  # type: ignore[no-untyped-def]
    code = "import ollama\n\nollama.chat(model='llama3.2', messages=[])\n"
    text = declaration(lang)
    repo = make_repo(tmp_path / "r", {"app.py": code, "AI_USAGE.md": text})
    result = scan(cadre, repo, "--lang", lang)
    [undeclared] = findings(result, "CDR203")
    [stale] = findings(result, "CDR204")
    lines = text.split("\n")
    assert (undeclared["provider"], undeclared["line"]) == ("ollama", lines.index("providers:") + 1)
    assert "app.py:1" in undeclared["message"]
    assert (stale["provider"], stale["line"], stale["severity"]) == ("mistral", lines.index("  - id: mistral") + 1,
                                                                     "warning")
    assert result.status == 1


def test_unknown_provider_id_gets_a_suggestion(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    text = declaration("en").replace("id: mistral", "id: mistrall")
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text})
    result = scan(cadre, repo, "--lang", "en")
    assert "did you mean mistral?" in findings(result, "CDR204")[0]["message"]
    assert [f["provider"] for f in findings(result, "CDR203")] == ["mistral"]


def test_file_scans_skip_repository_checks(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL})
    result = cadre("scan", "--format", "json", "app.py", cwd=repo)
    assert result.rules() == [] and result.status == 0


# --- CDR205 --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("last_review", "config", "severity"), [
    ("2026-01-15", "", None),
    ("2025-11-15", "", "warning"),
    ("2025-08-01", "", "error"),
    ("2025-08-01", "review_months = 24\n", None),
    ("2025-11-15", "review_months = 6\nreview_grace_months = 0\n", "error"),
    ("2024-01-01", "[severity]\nCDR205 = \"warning\"\n", "warning"),
])
def test_review_overdue(tmp_path: Path, cadre, last_review: str, config: str, severity: str | None) -> None:  # type: ignore[no-untyped-def]
    text = declaration("fr", last_review=last_review)
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text, ".cadre.toml": config})
    result = scan(cadre, repo)
    found = findings(result, "CDR205")
    assert [f["severity"] for f in found] == ([severity] if severity else [])
    if found:
        assert found[0]["line"] == 6 and last_review in found[0]["message"]
    assert result.status == (1 if severity == "error" else 0)


def test_review_date_from_source_date_epoch(tmp_path: Path, cadre, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": declaration("en")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1924992000")  # 2031-01-01
    assert [f["severity"] for f in findings(cadre("scan", "--format", "json", ".", cwd=repo), "CDR205")] == ["error"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21: before last_review
    assert "after today" in findings(cadre("scan", "--format", "json", ".", cwd=repo), "CDR202")[0]["message"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    bad = cadre("scan", "--format", "json", ".", cwd=repo)
    assert bad.status == 2 and "SOURCE_DATE_EPOCH" in bad.err


@pytest.mark.parametrize("command", ["scan", "ai-usage"])
@pytest.mark.parametrize("today", ["2026-13-01", "01/12/2026", "tomorrow"])
def test_malformed_today_is_a_usage_error(tmp_path: Path, cadre, command: str, today: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": declaration("en")})
    result = cadre(command, "--today", today, cwd=repo)
    assert result.status == 2 and "--today" in result.err and "Traceback" not in result.err


# --- CDR302 on the declaration -------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_user_facing_declaration(tmp_path: Path, cadre, lang: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": declaration(lang, user_facing="true")})
    result = scan(cadre, repo, "--lang", lang)
    [found] = findings(result, "CDR302")
    assert (found["path"], found["line"], found["severity"]) == ("AI_USAGE.md", 7, "error")
    assert "user_facing: true" in found["message"] and ("engagement 2" if lang == "fr" else "commitment 2") in \
        found["message"]
    assert result.status == 1


# --- outputs and the ai-usage command ------------------------------------------------------------
def test_every_format_reports_the_declaration_path(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"src/app.py": MISTRAL})
    for name in formats():
        result = cadre("scan", "--format", name, ".", cwd=repo)
        assert "AI_USAGE.md" in result.out and "CDR201" in result.out, name


def test_ai_usage_command_reports_repository_findings_only(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"src/app.py": "from openai import OpenAI\n\nclient = OpenAI()\n"})
    result = cadre("ai-usage", "--format", "json", *TODAY, cwd=repo / "src")
    assert result.rules() == ["CDR201"] and result.status == 1
    assert result.usages() == [("src/app.py", 1, "openai", "non-eu"), ("src/app.py", 3, "openai", "non-eu")]
    assert cadre("ai-usage", "--exit-zero", cwd=repo).status == 0
    text = cadre("ai-usage", "--lang", "fr", cwd=repo).out
    assert text.startswith("AI_USAGE.md:1:1: CDR201 l'IA est utilisée")


def test_ai_usage_command_clean_repository(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": declaration("fr")})
    result = cadre("ai-usage", "--format", "json", *TODAY, cwd=repo)
    assert result.json["findings"] == [] and result.status == 0


def test_fingerprints_survive_edits_elsewhere(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    text = declaration("en", body={"Human oversight": ""})
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text})
    before = {f["fingerprint"] for f in findings(scan(cadre, repo), "CDR202")}
    write_files(repo, {"AI_USAGE.md": text.replace("# Use of AI\n", "# Use of AI\n\nIntroduction.\n\n")})
    after = findings(scan(cadre, repo), "CDR202")
    assert {f["fingerprint"] for f in after} == before and after[0]["line"] > 0


@pytest.mark.slow
def test_pre_commit_hook(tmp_path: Path) -> None:
    """The real pre-commit runs `cadre-ai-usage` once, with no file names, over the whole repository."""
    import subprocess

    from conftest import GIT_ENV

    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    project = Path(__file__).resolve().parent.parent
    repo = make_repo(tmp_path / "repo", {"src/app.py": MISTRAL, "README.md": "Meeting minutes.\n"})
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "CADRE_LANG": "en",
           "SOURCE_DATE_EPOCH": "1796083200"}  # 2026-12-01: reviews are checked against a pinned date
    env.pop("CADRE_CACHE_DIR", None)

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        selection = ["--files", *files] if files else ["--all-files"]
        return subprocess.run([pre_commit, "try-repo", str(project), "cadre-ai-usage", *selection, "--verbose"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)

    missing = hook("README.md")  # a commit touching no code still checks the whole repository
    assert missing.returncode == 1, missing.stdout + missing.stderr
    assert "AI_USAGE.md:1:1: CDR201" in missing.stdout and "Traceback" not in missing.stdout
    write_files(repo, {"AI_USAGE.md": declaration("fr")})
    done = hook()
    assert done.returncode == 0, done.stdout + done.stderr


# --- CDR206 --------------------------------------------------------------------------------------
def test_models_used_and_declared(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    code = MISTRAL.replace("mistral-small-2409", "mistral-large-2411")
    text = declaration("en")
    repo = make_repo(tmp_path / "r", {"app.py": code, "AI_USAGE.md": text})
    result = scan(cadre, repo, "--lang", "en")
    lines = text.split("\n")
    found = sorted((f["line"], f["severity"], f["message"]) for f in findings(result, "CDR206"))
    assert [(line, severity) for line, severity, _ in found] == [(lines.index("models:") + 1, "warning"),
                                                                (lines.index("  - mistral-small-2409") + 1, "warning")]
    assert "'mistral-large-2411' is used (app.py:" in found[0][2]
    assert "'mistral-small-2409' is listed under models" in found[1][2]
    assert result.status == 0  # warnings only
    french = scan(cadre, repo, "--lang", "fr")
    assert any("le modèle « mistral-large-2411 » est utilisé" in f["message"] for f in findings(french, "CDR206"))


@pytest.mark.parametrize(("used", "declared"), [("mistral/mistral-small-2409", "mistral-small-2409"),
                                                ("mistral/mistral-small-2409", "Mistral-Small-2409")])
def test_model_names_match_without_prefix_or_case(tmp_path: Path, cadre, used: str, declared: str) -> None:  # type: ignore[no-untyped-def]
    code = f"import litellm\n\nreply = litellm.completion(model={used!r}, messages=[])\n"
    text = declaration("en").replace("  - mistral-small-2409", f"  - {declared}")
    repo = make_repo(tmp_path / "r", {"app.py": code, "AI_USAGE.md": text})
    assert findings(scan(cadre, repo), "CDR206") == []


def test_near_miss_model_names_do_not_match(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    code = "import litellm\n\nreply = litellm.completion(model='mistral/mistral-small-2501', messages=[])\n"
    repo = make_repo(tmp_path / "r", {"app.py": code, "AI_USAGE.md": declaration("en")})
    assert len(findings(scan(cadre, repo), "CDR206")) == 2



def test_inventory_alone_is_not_a_provider_to_declare(tmp_path: Path) -> None:
    """A lock file lists what is installed: it never asks for a declaration (CDR203), but keeps a declared
    provider from being stale (CDR204)."""
    import dataclasses

    from cadre_hooks.scan import ScanOptions, run
    from cadre_hooks.transparency import checks

    text = declaration("en").replace("id: mistral", "id: albert")
    repo = make_repo(tmp_path / "r", {"app.py": MISTRAL, "AI_USAGE.md": text})
    report, sc = run(ScanOptions(targets=(str(repo),), cwd=repo, jobs=1, today="2026-12-01"))
    assert [f.rule for f in checks.run(sc, report.usages) if f.rule in ("CDR203", "CDR204")] == ["CDR203", "CDR204"]
    inventory = [dataclasses.replace(u, kind="lockfile") for u in report.usages]
    albert = dataclasses.replace(inventory[0], provider="albert", jurisdiction="eu")
    assert [f.rule for f in checks.run(sc, [*inventory, albert]) if f.rule in ("CDR203", "CDR204")] == []
