"""The Markdown summary for merge-request comments."""

from __future__ import annotations

from pathlib import Path

from conftest import make_repo

from cadre_hooks.model import Finding, Report
from cadre_hooks.report import markdown


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The body rows of the table under `#### heading`."""
    lines = text.splitlines()
    start = lines.index(f"#### {heading}")
    rows = []
    for line in lines[start + 4:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return rows


def test_summary_tables(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {
        "app.py": "from openai import OpenAI\n",
        "two.py": "import anthropic\nimport anthropic as again\n",
        # (an openai client pointed at Mistral here would make app.py's bare import Mistral's: one resolution per SDK)
        "eu.py": 'from mistralai import Mistral\nMistral(api_key="x")\n',
        "ok.py": "import cohere  # cadre: ignore[CDR101] approved by the DPO on 2026-03-02\n",
    })
    result = cadre("scan", "--format", "markdown", "app.py", "two.py", "eu.py", "ok.py", cwd=repo)
    assert result.status == 1
    text = result.out
    assert text.startswith("### cadre-hooks")
    assert "**3 error(s)**, 0 warning(s), 1 suppressed" in text
    assert table_rows(text, "Findings by rule") == [
        ["[CDR101](https://github.com/cadre-hooks/cadre-hooks/blob/main/docs/rules.md#cdr101) non-eu-provider", "3"]]
    assert table_rows(text, "Findings by provider") == [["anthropic", "2", "0"], ["openai", "1", "0"]]
    findings = table_rows(text, "Findings")
    assert [row[2] for row in findings] == ["`app.py:1`", "`two.py:1`", "`two.py:2`"]
    usages = {(row[0], row[1]): int(row[2]) for row in table_rows(text, "AI usages by provider")}
    assert usages[("mistral", "eu")] >= 1 and usages[("openai", "non-eu")] >= 1 and ("cohere", "non-eu") in usages
    jurisdictions = dict(table_rows(text, "AI usages by jurisdiction"))
    assert set(jurisdictions) == {"eu", "non-eu"}


def test_long_lists_are_capped(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    files = {f"svc/m{i:02}.py": "import anthropic\n" for i in range(markdown.MAX_ROWS + 7)}
    repo = make_repo(tmp_path / "r", files)
    text = cadre("scan", "--format", "markdown", "svc", cwd=repo).out
    assert len(table_rows(text, "Findings")) == markdown.MAX_ROWS
    assert "… and 7 more (see the full report)." in text
    assert table_rows(text, "Findings by rule")[0][1] == str(markdown.MAX_ROWS + 7)


def test_clean_and_french(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    code = 'from openai import OpenAI\nOpenAI(base_url="https://api.mistral.ai/v1")\n'
    repo = make_repo(tmp_path / "r", {"app.py": code})
    text = cadre("scan", "--format", "markdown", "app.py", cwd=repo).out
    assert "No finding to fix." in text and "#### Findings" not in text
    text = cadre("scan", "--format", "markdown", "--lang", "fr", "app.py", cwd=repo).out
    assert "Aucun problème à corriger." in text and "#### Usages d'IA par fournisseur" in text


def test_text_from_the_code_cannot_inject_markdown() -> None:
    nasty = "see [here](https://evil.example) | <img src=x onerror=alert(1)> **bold** `code`\nnext"
    finding = Finding(rule="CDR104", name="unresolved-endpoint", severity="warning", path="a|b.py", line=3,
                      column=1, provider="x|y", message=nasty, commitments=(9,), fingerprint="f")
    text = markdown.render(Report(root="/r", usages=(), findings=(finding,), notices=()), "en")
    row = next(line for line in text.splitlines() if "evil" in line)
    assert "\\[here\\]" in row and "\\<img" in row and "\\*\\*bold" in row and "\\`code\\`" in row
    assert row.count(" | ") == 3  # the cell's pipe is escaped, so the row keeps its four columns
    assert "\n" not in markdown.escape("a\nb")
    assert "| x\\|y | 0 | 1 |" in text
