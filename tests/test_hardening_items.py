"""Issue 14, items 5, 8, 9, 11 and 12: encodings, deep TOML, files over max_file_size, --staged
reading the index, and the --format/--output usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import git, make_repo, scan_tree, write_files


# --- 5. UTF-16/32 files with a byte-order mark ---------------------------------------------------
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_bom_marked_utf16_and_utf32_files_are_read(tmp_path: Path, codec: str) -> None:
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[codec]  # utf-16/utf-32 write their own BOM

    def encoded(text: str) -> bytes:
        return bom + text.encode(codec)

    report = scan_tree(tmp_path, {
        "requirements.txt": encoded("requests\nanthropic==0.30\n"),
        ".env": encoded("MISTRAL_API_KEY=x\n"),
        "package.json": encoded('{"dependencies": {"openai": "^4"}}\n'),
    })
    found = {(u.path, u.line, u.provider) for u in report.usages}
    assert ("requirements.txt", 2, "anthropic") in found
    assert (".env", 1, "mistral") in found
    assert ("package.json", 1, "openai") in found
    assert not [n for n in report.notices if "binary" in n.reason]


def test_utf16_without_bom_is_still_binary(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"requirements.txt": "anthropic\n".encode("utf-16-le")})
    assert report.usages == ()
    assert [n.reason for n in report.notices] == ["binary file; not scanned"]


def test_transcode_bom_leaves_other_bytes_alone() -> None:
    from cadre_hooks.safeio import transcode_bom

    assert transcode_bom(b"\xff\xfeA\x00") == b"A"
    assert transcode_bom(b"\xff\xfe\x00\x00A\x00\x00\x00") == b"A"
    assert transcode_bom(b"\xef\xbb\xbfA") == b"\xef\xbb\xbfA"  # UTF-8 BOM: the decoders handle it
    assert transcode_bom(b"\xff\xfe\x00\xd8") == b"\xff\xfe\x00\xd8"  # a lone surrogate: not UTF-16 text


# --- 8. a TOML data file nested too deep -------------------------------------------------------
@pytest.mark.parametrize("deep", ["a = " + "[" * 50_000 + "]" * 50_000,
                                  "a = " + "{b = " * 50_000 + "1" + "}" * 50_000])
def test_deep_toml_falls_back_to_the_line_scan(tmp_path: Path, deep: str) -> None:
    body = 'base_url = "https://api.openai.com/v1"\n'
    report = scan_tree(tmp_path, {"conf/settings.toml": body + deep + "\n"})
    assert report.usages, report.notices
    assert [n.reason for n in report.notices] == ["not valid TOML (nested too deep); scanned line by line"]


# --- 9. files over max_file_size --------------------------------------------------------------
def test_summary_counts_files_over_max_file_size(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {".cadre.toml": "max_file_size = 100\n", "a.py": "import openai\n",
                           "big.py": "import anthropic\n" + "# pad\n" * 50, "big2.py": "x = 1\n" * 40})
    result = cadre("scan", ".", cwd=tmp_path)
    assert result.status == 1
    assert result.out.splitlines()[-1].endswith(", 2 skipped as larger than max_file_size")
    assert "big.py: note: file of 317 bytes exceeds max_file_size (100); not scanned" in result.out.splitlines()
    as_json = cadre("scan", "-f", "json", ".", cwd=tmp_path).json
    assert as_json["summary"]["skipped_too_large"] == 2
    french = cadre("scan", "--lang", "fr", ".", cwd=tmp_path)
    assert "2 ignoré(s) car plus grand(s) que max_file_size" in french.out


def test_summary_says_nothing_when_no_file_is_too_large(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"a.py": "import openai\n"})
    result = cadre("scan", "-f", "json", ".", cwd=tmp_path)
    assert "skipped_too_large" not in result.json["summary"]


# --- 11. --staged reads the index -------------------------------------------------------------
def test_staged_reads_the_index_not_the_working_tree(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(tmp_path / "repo", {"app.py": "import os\n", "other.py": "x = 1\n"})
    write_files(root, {"app.py": "import os\nimport anthropic\n"})
    git(root, "add", "app.py")
    write_files(root, {"app.py": "import os\n"})  # reverted in the working tree, still staged
    write_files(root, {"other.py": "import openai\n"})  # changed in the working tree only, not staged
    result = cadre("scan", "--staged", "-f", "json", ".", cwd=root)
    assert [(f["path"], f["line"], f["provider"]) for f in result.json["findings"]] == [("app.py", 2, "anthropic")]
    assert result.status == 1
    # without --staged: the working tree
    plain = cadre("scan", "-f", "json", "--no-cache", ".", cwd=root)
    assert ("other.py", 1, "openai") in [(u["path"], u["line"], u["provider"]) for u in plain.json["usages"]]
    assert "anthropic" not in {u["provider"] for u in plain.json["usages"]}


def test_staged_never_follows_a_staged_symlink(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    (root / "link.py").symlink_to("/etc/hostname")
    git(root, "add", "link.py")
    result = cadre("scan", "--staged", "-f", "json", ".", cwd=root)
    assert result.status == 0
    assert {"path": "link.py", "reason": "staged as a symlink, not a regular file; not read"} in result.json["notices"]


# --- 12. --format / --output mistakes -----------------------------------------------------------
def test_two_formats_on_stdout_is_a_usage_error(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"a.py": "import openai\n"})
    result = cadre("scan", "-f", "json", "-f", "sarif", ".", cwd=tmp_path)
    assert result.status == 2 and result.out == ""
    assert "several formats (json, sarif) would go to standard output" in result.err
    ok = cadre("scan", "-f", "json", "-f", "sarif", "-o", "r.json", ".", cwd=tmp_path)  # sarif alone on stdout
    assert ok.status == 1 and (tmp_path / "r.json").is_file()


def test_same_output_twice_is_a_usage_error(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"a.py": "import openai\n"})
    result = cadre("scan", "-f", "json", "-o", "r.json", "-f", "sarif", "-o", "./r.json", ".", cwd=tmp_path)
    assert result.status == 2 and "--output ./r.json is given twice" in result.err
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("target", ["app.py", "package.json", "requirements.txt"])
def test_output_onto_a_scanned_file_is_a_usage_error(tmp_path: Path, cadre, target: str) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"app.py": "import openai\n", "package.json": "{}\n", "requirements.txt": "requests\n"})
    before = (tmp_path / target).read_text()
    result = cadre("scan", "-f", "json", "-o", target, ".", cwd=tmp_path)
    assert result.status == 2 and "would replace a file cadre scans" in result.err
    assert (tmp_path / target).read_text() == before


def test_output_over_an_earlier_report_is_allowed(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"app.py": "import openai\n"})
    for fmt in ("json", "gitlab", "sarif", "json"):
        result = cadre("scan", "-f", fmt, "-o", "out/report.json", ".", cwd=tmp_path)
        assert result.status == 1, result.err


def test_baseline_output_onto_another_file_needs_force(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"app.py": "import openai\n", "notes.json": '{"mine": true}\n'})
    refused = cadre("baseline", "-o", "app.py", ".", cwd=tmp_path)
    assert refused.status == 2 and "app.py exists and is not a cadre baseline" in refused.err
    assert (tmp_path / "app.py").read_text() == "import openai\n"
    assert cadre("baseline", "-o", "notes.json", ".", cwd=tmp_path).status == 2
    assert cadre("baseline", "-o", "b.json", ".", cwd=tmp_path).status == 0
    assert cadre("baseline", "-o", "b.json", ".", cwd=tmp_path).status == 0  # a baseline is replaced
    assert cadre("baseline", "--force", "-o", "notes.json", ".", cwd=tmp_path).status == 0
    assert '"entries"' in (tmp_path / "notes.json").read_text()
