"""Git submodules: never scanned silently. By default each one is named in a notice; with
`--submodules` (or `submodules = true`) its files are scanned as part of the repository."""

from __future__ import annotations

from pathlib import Path

from conftest import git, make_repo, write_files


def _with_submodule(tmp_path: Path) -> Path:
    lib = make_repo(tmp_path / "lib", {"client.py": "import anthropic\n", "vendor/x.py": "import groq\n"})
    assert lib.is_dir()
    root = make_repo(tmp_path / "app", {"app.py": "import os\n"})
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(tmp_path / "lib"), "ext/lib")
    git(root, "commit", "-q", "-m", "submodule", "--no-verify")
    return root


def test_a_submodule_is_named_in_a_notice(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = _with_submodule(tmp_path)
    result = cadre("scan", "-f", "json", ".", cwd=root)
    assert result.status == 0
    assert result.json["usages"] == []
    assert {"path": "ext/lib", "reason": "git submodule; not scanned (set `submodules = true` or pass --submodules "
                                         "to include it)"} in result.json["notices"]


def test_submodules_option_scans_them(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = _with_submodule(tmp_path)
    result = cadre("scan", "--submodules", "-f", "json", ".", cwd=root)
    assert [(u["path"], u["provider"]) for u in result.json["usages"]] == [("ext/lib/client.py", "anthropic")]
    assert not [n for n in result.json["notices"] if n["path"] == "ext/lib"]
    write_files(root, {".cadre.toml": "submodules = true\n"})
    again = cadre("scan", "-f", "json", ".", cwd=root)
    assert [u["path"] for u in again.json["usages"]] == ["ext/lib/client.py"]


def test_a_submodule_not_checked_out(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    _with_submodule(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(tmp_path / "app"), str(clone))
    result = cadre("scan", "--submodules", "-f", "json", ".", cwd=clone)
    assert {"path": "ext/lib", "reason": "git submodule not checked out; not scanned"} in result.json["notices"]


def test_a_scan_of_another_folder_does_not_name_the_submodule(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = _with_submodule(tmp_path)
    write_files(root, {"src/a.py": "x = 1\n"})
    result = cadre("scan", "-f", "json", "src", cwd=root)
    assert not [n for n in result.json["notices"] if n["path"] == "ext/lib"]
