"""`cadre report`: the yearly public report from a real audit, in both languages, opened in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from estate import ai_usage, make_history

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
MISTRAL = "from mistralai import Mistral\nMistral(api_key='x').chat.complete(model='mistral-small-2409', messages=[])\n"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from cadre_hooks.cli import main

    root = tmp_path_factory.mktemp("estate")
    make_history(root / "portal", [
        ("2024-02-01T10:00:00", {"AI_USAGE.md": ai_usage("mistral", "mistral-small-2409"), "app.py": MISTRAL}),
        ("2025-03-01T10:00:00", {"chat.py": "import openai  # cadre: ignore[CDR101] ok per jane.doe@example.org\n"}),
    ])
    make_history(root / "web", [("2024-05-01T10:00:00", {"main.py": """
        from fastapi import FastAPI
        import anthropic
        app = FastAPI()
        client = anthropic.Anthropic()
        @app.post("/ask")
        def ask(q: str):
            return client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=10, messages=[])
        """})])
    (root / "broken").mkdir()
    (root / "broken" / ".git").write_text("gitdir: /nowhere\n")
    now, before = root / "now", root / "before"
    for out, extra in ((now, []), (before, ["--at", "2025-01-01"])):
        main(["audit", str(root / "portal"), str(root / "web"), str(root / "broken"), "--out", str(out),
              "--today", "2026-11-01", *extra])
    return {"now": now / "inventory.json", "before": before / "inventory.json", "root": root}


def report(audited: dict[str, Path], tmp_path: Path, lang: str, previous: bool = True) -> tuple[str, str]:
    from cadre_hooks.cli import main

    args = ["report", str(audited["now"]), "--out", str(tmp_path / lang), "--lang", lang]
    assert main(args + (["--previous", str(audited["before"])] if previous else [])) == 0
    return ((tmp_path / lang / "report.md").read_text(encoding="utf-8"),
            (tmp_path / lang / "report.html").read_text(encoding="utf-8"))


def test_report_in_french_and_english(audited: dict[str, Path], tmp_path: Path) -> None:
    fr_md, fr_html = report(audited, tmp_path, "fr")
    en_md, en_html = report(audited, tmp_path, "en")
    assert fr_md.startswith("# Usage de l'intelligence artificielle") and '<html lang="fr">' in fr_html
    assert en_md.startswith("# Use of artificial intelligence") and '<html lang="en">' in en_html
    assert "| Repositories using AI | 2 |" in en_md
    assert "| Repositories using AI with a complete AI_USAGE.md | 50 % (1/2) |" in en_md
    assert re.search(r"^\| Anthropic Claude API \(`anthropic`\) \| Outside the EU \| 1 \| [1-9]\d* \|$", en_md, re.M)
    assert "- web" in en_md.split("## AI facing the public")[1].split("##")[0]  # CDR302: a route returns model output
    assert "- broken" in en_md.split("## Sources not audited")[1]
    # The trend against the inventory at 2025-01-01: OpenAI came later.
    assert "New providers: openai" in en_md and "Nouveaux fournisseurs : openai" in fr_md
    # No person: not the AI_USAGE.md contact, not the suppression's reason, not the commits' authors.
    for text in (fr_md, fr_html, en_md, en_html):
        assert not EMAIL.search(text), EMAIL.search(text)
        assert "builder" not in text and "jane" not in text


def test_report_without_previous_has_no_trend(audited: dict[str, Path], tmp_path: Path) -> None:
    md, html = report(audited, tmp_path, "en", previous=False)
    assert "Trend since" not in md and "Trend since" not in html


def test_report_refuses_what_is_not_an_inventory(cadre: Any, tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "sarif"}')
    result = cadre("report", str(bad), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert result.status == 2 and "not a cadre inventory" in result.err
    assert cadre("report", str(tmp_path / "none.json"), "--out", str(tmp_path / "o"), cwd=tmp_path).status == 2


def test_html_is_self_contained(audited: dict[str, Path], tmp_path: Path) -> None:
    _, html = report(audited, tmp_path, "fr")
    assert html.count("<svg") == 3
    assert not re.search(r"<(?:script|link|img|iframe)\b", html)  # nothing to fetch, nothing to run
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", html)
    assert "url(http" not in html and "@import" not in html


def _browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_browser() is None, reason="no Chromium (the CI installs it with apt-get)")
def test_html_renders_in_a_real_browser_without_network(audited: dict[str, Path], tmp_path: Path) -> None:
    report(audited, tmp_path, "fr")
    page = (tmp_path / "fr" / "report.html").as_uri()
    offline = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
               "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
               f"--user-data-dir={tmp_path / 'profile'}"]
    browser = _browser()
    assert browser is not None
    dom = subprocess.run([browser, *offline, "--dump-dom", page], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for chart in ("chart-jurisdictions", "chart-transparency", "chart-commitments"):
        match = re.search(rf'<figure class="chart" id="{chart}">\s*<svg', dom.stdout)
        assert match, chart
    assert "Fournisseurs par juridiction" in dom.stdout
    png = tmp_path / "report.png"
    shot = subprocess.run([browser, *offline, "--window-size=1100,1600", f"--screenshot={png}", page],
                          capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
