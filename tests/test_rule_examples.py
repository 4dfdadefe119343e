"""Every provider and every rule carries its own examples; this one parametrised test runs them all.

`invalid` examples must be reported exactly at their `expect` lines (a usage of that provider,
or a finding of that rule); `valid` examples (near misses) must give none.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from cadre_hooks.registry import rules_dir
from cadre_hooks.scan import ScanOptions, run
from conftest import make_repo, write_files

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RULES = rules_dir()


def _examples(kind: str) -> list[Any]:
    cases = []
    for path in sorted((RULES / kind).glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        key = data.get("id") or data.get("code")
        for verdict in ("invalid", "valid"):
            for index, example in enumerate(data.get("examples", {}).get(verdict, [])):
                cases.append(pytest.param(key, verdict, example, id=f"{key}-{verdict}-{index}"))
    return cases


def _scan(tmp_path: Path, example: dict[str, Any]) -> Any:
    files: dict[str, str] = {example.get("file", "app.py"): example["code"]}
    files.update(example.get("files", {}))
    if "config" in example:
        files[".cadre.toml"] = example["config"] + "\n"
    root = tmp_path / "example"
    if example.get("git"):
        make_repo(root, {})
    root.mkdir(exist_ok=True)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1, today="2026-12-01"))
    return report


@pytest.mark.parametrize(("provider", "verdict", "example"), _examples("providers"))
def test_provider_example(tmp_path: Path, provider: str, verdict: str, example: dict[str, Any]) -> None:
    report = _scan(tmp_path, example)
    lines = sorted({u.line for u in report.usages if u.provider == provider})
    if verdict == "invalid":
        assert lines == sorted({e[0] for e in example["expect"]}), report.usages
    else:
        assert lines == [], report.usages


@pytest.mark.parametrize(("code", "verdict", "example"), _examples("checks"))
def test_rule_example(tmp_path: Path, code: str, verdict: str, example: dict[str, Any]) -> None:
    report = _scan(tmp_path, example)
    found = [f for f in report.findings if f.rule == code and not f.suppressed]
    if verdict == "invalid":
        assert sorted({f.line for f in found}) == sorted({e[0] for e in example["expect"]}), report.findings
        for f in found:
            assert f.message and f.fingerprint
    else:
        assert found == [], found


def _operation_examples() -> list[Any]:
    data = tomllib.loads((RULES / "operations.toml").read_text(encoding="utf-8"))
    return [pytest.param(verdict, example, id=f"operations-{verdict}-{index}")
            for verdict in ("invalid", "valid") for index, example in enumerate(data["examples"][verdict])]


@pytest.mark.parametrize(("verdict", "example"), _operation_examples())
def test_operation_example(tmp_path: Path, verdict: str, example: dict[str, Any]) -> None:
    """rules/operations.toml: invalid examples give usages (of any provider) exactly at their lines."""
    report = _scan(tmp_path, example)
    lines = sorted({u.line for u in report.usages if u.provider})
    assert lines == (sorted({e[0] for e in example["expect"]}) if verdict == "invalid" else []), report.usages


def test_every_rule_and_provider_has_examples() -> None:
    for kind in ("providers", "checks"):
        for path in (RULES / kind).glob("*.toml"):
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            assert data["examples"]["invalid"] and data["examples"]["valid"], path


_ = (textwrap, write_files)
