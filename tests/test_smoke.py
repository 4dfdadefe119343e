from __future__ import annotations

from pathlib import Path

from conftest import make_repo


def test_openai_default_is_non_eu(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "from openai import OpenAI\nclient = OpenAI()\n"})
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    assert result.status == 1
    assert result.usages() == [("app.py", 1, "openai", "non-eu"), ("app.py", 2, "openai", "non-eu")]
    assert "CDR101" in result.rules()
