"""The scan cache: a re-run reuses unchanged files, and never serves a stale answer."""

from __future__ import annotations

import os
from pathlib import Path

from cadre_hooks.scan import ScanOptions, run
from conftest import write_files


def _scan(root: Path, **options: object) -> list[tuple[str, int, str | None]]:
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1, **options))  # type: ignore[arg-type]
    return [(u.path, u.line, u.provider) for u in report.usages]


def test_rerun_reuses_and_edits_invalidate(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    write_files(root, {
        "settings.py": "URL = 'https://api.mistral.ai/v1'\n",
        "client.py": "from openai import OpenAI\nfrom settings import URL\nc = OpenAI(base_url=URL)\n",
        "other.py": "import anthropic\n",
    })
    first = _scan(root)
    assert ("client.py", 3, "mistral") in first
    # A second run answers from the cache without calling any detector.
    import cadre_hooks.scan as scan_module

    def boom(rel: str, entry: object, box: object) -> None:
        raise AssertionError(f"{rel} analysed again")

    monkeypatch.setattr(scan_module, "_read_and_detect", boom)
    assert _scan(root) == first
    monkeypatch.undo()
    # A module the client imports from changes: the client's cached answer is stale.
    (root / "settings.py").write_text("URL = 'https://api.scaleway.ai/v1'\n")
    os.utime(root / "settings.py", ns=(1, 1))
    assert ("client.py", 3, "scaleway") in _scan(root)
    # The file itself changes.
    (root / "other.py").write_text("import groq\n")
    assert ("other.py", 1, "groq") in _scan(root)
    # --no-cache analyses everything and gives the same answer.
    assert _scan(root, use_cache=False) == _scan(root)


def test_a_module_that_appears_later_invalidates(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, {"client.py": "from openai import OpenAI\nfrom settings import URL\nc = OpenAI(base_url=URL)\n"})
    assert _scan(root) == [("client.py", 3, None)]
    write_files(root, {"settings.py": "URL = 'https://api.mistral.ai/v1'\n"})
    assert ("client.py", 3, "mistral") in _scan(root)


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, {"a.py": "import openai\n"})
    assert _scan(root) == [("a.py", 1, "openai")]
    for pickle_file in Path(os.environ["CADRE_CACHE_DIR"]).glob("scans/*.json"):
        pickle_file.write_bytes(b"not a pickle")
    assert _scan(root) == [("a.py", 1, "openai")]

