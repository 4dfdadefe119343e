"""Inputs that once hung, exhausted or took over a scan (issue 14, high and medium items).

The tests that could hang or eat memory run the real command in a child process with a time
and an address-space limit (tests/limited.py), so a regression fails fast instead of freezing.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git, make_repo, write_files
from limited import run_cadre

AI_APP = "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"


def _env(tmp_path: Path) -> dict[str, str]:
    return {"CADRE_CACHE_DIR": str(tmp_path / "cache")}


# --- 1. a symlink to /dev/zero ------------------------------------------------------------------
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("command", [["scan", "--jobs", "1", "."], ["ai-usage", "--jobs", "1", "."],
                                     ["scan", "--jobs", "1", "--diff-base", "HEAD", "."]])
def test_symlink_to_dev_zero_is_not_read(tmp_path: Path, command: list[str]) -> None:
    root = make_repo(tmp_path / "repo", {"app.py": AI_APP, "settings.py": "KEY = 1\n"}, commit=False)
    (root / "views.py").symlink_to("/dev/zero")
    (root / "urls.py").symlink_to("/dev/zero")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "links", "--no-verify")
    done = run_cadre(command, root, _env(tmp_path))
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    if command[0] == "scan" and "--diff-base" not in command:
        assert "views.py: note: symlink pointing outside the repository; not followed" in done.stdout


# --- 2. FIFOs ------------------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_are_skipped_with_a_notice(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write_files(root, {"app.py": "from x import URL\n" + AI_APP.replace("OpenAI()", "OpenAI(base_url=URL)"),
                       "pkg/__init__.py": "",
                       "use.py": "from pkg.mod import client\nclient.chat.completions.create(model='m', messages=[])\n"
                                 "from pkg import mod\nmod.client.embeddings.create(input='x', model='e')\n"})
    write_files(root, {"conf/application-dev.yml": "spring:\n  ai:\n    openai:\n      api-key: x\n",
                       "infra/main.tf": 'resource "azurerm_cognitive_account" "ai" {\n  kind = "OpenAI"\n'
                                        '  location = var.region\n}\n'})
    for name in ("x.py", "views.py", "urls.py", ".env", "requirements.txt", "pkg/mod.py", "conf/application.yml",
                 "conf/application.properties", "infra/variables.tf", "infra/terraform.tfvars"):
        os.mkfifo(root / name)
    write_files(root, {"requirements-dev.txt": "-r requirements.txt\n"})
    done = run_cadre(["scan", "--jobs", "1", "-f", "json", "."], root, _env(tmp_path))
    assert done.returncode in (0, 1), done.stderr
    notices = {n["path"]: n["reason"] for n in json.loads(done.stdout)["notices"]}
    assert notices["x.py"] == "a FIFO, not a regular file; not read"
    assert notices["views.py"] == notices["pkg/mod.py"] == notices["x.py"]
    usages = json.loads(done.stdout)["usages"]
    assert usages and {u["path"] for u in usages} <= {"app.py", "use.py", "conf/application-dev.yml", "infra/main.tf"}
    # also the parallel path (worker processes)
    done = run_cadre(["scan", "--jobs", "2", "--no-cache", "."], root, _env(tmp_path))
    assert done.returncode in (0, 1), done.stderr


# --- 3. the caches cannot execute code ----------------------------------------------------------
class _Payload:
    """Unpickling this creates a marker file: proof that a cache ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (os.system, (f"touch {self.marker}",))


HUGE_PICKLE = b"\x80\x05\x8e" + (1 << 62).to_bytes(8, "little") + b"\x94."  # 13 bytes: "2**62 bytes follow"


@pytest.mark.parametrize("payload", ["code", "huge", "json-bomb", "dev-zero"])
def test_a_crafted_cache_neither_runs_code_nor_exhausts_memory(tmp_path: Path, payload: str) -> None:
    root = tmp_path / "repo"
    write_files(root, {"a.py": "import openai\n", "b.py": "import anthropic\n"})
    env = _env(tmp_path)
    first = run_cadre(["scan", "--jobs", "1", "-f", "json", "."], root, env)
    assert first.returncode == 1, first.stderr
    marker = tmp_path / "pwned"
    cache_files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(cache_files) >= 2  # the registry and the scan cache
    for path in cache_files:
        if payload == "code":
            path.write_bytes(pickle.dumps(_Payload(marker)))
        elif payload == "huge":
            path.write_bytes(HUGE_PICKLE)
        elif payload == "json-bomb":
            path.write_text("[" * 200_000 + "]" * 200_000)
        else:
            path.unlink()
            path.symlink_to("/dev/zero")
    for extra in ([], ["--no-cache"]):
        again = run_cadre(["scan", "--jobs", "1", "-f", "json", *extra, "."], root, env)
        assert again.returncode == 1, again.stderr
        assert json.loads(again.stdout)["usages"] == json.loads(first.stdout)["usages"]
        assert not marker.exists()


def test_cache_files_are_json(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, {"a.py": "import openai\n"})
    assert run_cadre(["scan", "--jobs", "1", "."], root, _env(tmp_path)).returncode == 1
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files and all(p.suffix == ".json" for p in files)
    for path in files:
        json.loads(path.read_text(encoding="ascii"))


# --- 6. exit 2, not 3 ---------------------------------------------------------------------------
def test_config_with_invalid_utf8_is_a_usage_error(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"a.py": "import openai\n", ".cadre.toml": b"lang = \"fr\xff\"\n"})
    result = cadre("scan", ".", cwd=tmp_path)
    assert result.status == 2
    assert ".cadre.toml: not valid UTF-8" in result.err


@pytest.mark.parametrize("text", ["a = " + "[" * 100_000 + "]" * 100_000,
                                  "a = " + "{b = " * 100_000 + "1" + "}" * 100_000])
def test_config_nested_too_deep_is_a_usage_error(tmp_path: Path, cadre, text: str) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"a.py": "import openai\n", "deep.toml": text + "\n"})
    result = cadre("scan", "--config", "deep.toml", ".", cwd=tmp_path)
    assert result.status == 2
    assert "deep.toml: not valid TOML: nested too deep" in result.err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_full_standard_output_is_a_usage_error(tmp_path: Path, fmt: str) -> None:
    write_files(tmp_path, {"a.py": "import openai\n"})
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-c", "from cadre_hooks.cli import entry; entry()", "scan", "-f", fmt,
                               "."], cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
                              env={**os.environ, **_env(tmp_path)})
    assert done.returncode == 2
    assert "cannot write the report to standard output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def _read_only(folder: Path) -> list[str] | None:
    """A command prefix under which `folder` is read-only, even for root (a read-only bind mount)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-m", "true"], capture_output=True).returncode != 0:
        return None
    return [unshare, "-m", "sh", "-c", f'mount --bind "{folder}" "{folder}" && '
                                       f'mount -o remount,bind,ro "{folder}" && exec "$0" "$@"']


def test_init_in_a_read_only_folder_is_a_usage_error(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, {"a.py": "import openai\n"})
    prefix = _read_only(root)
    if prefix is None:
        pytest.skip("cannot make a read-only folder here")
    done = subprocess.run([*prefix, sys.executable, "-c", "from cadre_hooks.cli import entry; entry()", "init", "."],
                          cwd=root, capture_output=True, text=True, timeout=60, env={**os.environ, **_env(tmp_path)})
    assert done.returncode == 2, done.stderr
    assert "cannot write AI_USAGE.md" in done.stderr
    assert not (root / "AI_USAGE.md").exists()


# --- 7. configuration and policy files are capped -----------------------------------------------
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_config_from_dev_zero_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", {"a.py": "import openai\n"})
    done = run_cadre(["scan", "--config", "/dev/zero", "."], tmp_path / "repo", _env(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "/dev/zero: cannot read: a character device, not a regular file" in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_policy_from_dev_zero_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", {"a.py": "import openai\n", ".cadre.toml": 'policy_url = "file:///dev/zero"\n'
                                    f'policy_sha256 = "{"0" * 64}"\n'})
    done = run_cadre(["scan", "."], tmp_path / "repo", _env(tmp_path))
    assert done.returncode == 2, done.stderr
    assert "cannot read the organisation policy file:///dev/zero" in done.stderr


def test_oversized_config_is_refused(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"a.py": "import openai\n"})
    (tmp_path / "big.toml").write_text("# padding\n" * 500_000)
    result = cadre("scan", "--config", "big.toml", ".", cwd=tmp_path)
    assert result.status == 2
    assert "big.toml: cannot read: settings file of 5000000 bytes is larger than" in result.err


# --- 4 and 10. file names that are not UTF-8 or hold control characters -------------------------
def _odd_names(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (Path(os.fsdecode(os.fsencode(root) + b"/bad\xffname.py"))).write_bytes(b"import openai\n")
    (root / "new\nline.py").write_bytes(b"import anthropic\n")
    (root / "esc\x1b[31mred.py").write_bytes(b"import groq\n")


@pytest.mark.parametrize("git_repo", [False, True])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "markdown"])
def test_odd_file_names_are_scanned_and_escaped(tmp_path: Path, cadre, fmt: str, git_repo: bool) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    _odd_names(root)
    if git_repo:
        make_repo(root, {})
    result = cadre("scan", "-f", fmt, ".", cwd=root)
    assert result.status == 1, result.err
    text = result.out
    text.encode("utf-8")  # no lone surrogate left
    if fmt in ("json", "sarif", "gitlab"):
        text = "\n".join(_strings(json.loads(text)))
    if fmt == "sarif":
        from urllib.parse import unquote

        text = unquote(text)
    assert "bad\\xffname.py" in text and "new\\nline.py" in text and "esc\\x1b[31mred.py" in text
    assert "\x1b" not in text
    if fmt == "text":
        assert not any(line.startswith("line.py") for line in text.splitlines())  # no forged line


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def test_odd_file_names_in_a_baseline(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo"
    _odd_names(root)
    assert cadre("baseline", ".", cwd=root).status == 0
    data = json.loads((root / ".cadre-baseline.json").read_text(encoding="utf-8"))
    assert "bad\\xffname.py" in {e["path"] for e in data["entries"]}
    again = cadre("scan", "--baseline", ".cadre-baseline.json", "-f", "json", ".", cwd=root)
    assert again.status == 0 and again.json["baseline"]["stale"] == []


def test_escape_keeps_ordinary_names() -> None:
    from cadre_hooks.report.escape import escape

    assert escape("src/café/été.py") == "src/café/été.py"
    assert escape("a\tb\x7f\x85\u2028.py") == "a\\tb\\x7f\\x85\\u2028.py"
    assert escape(os.fsdecode(b"x\xff\xfe.py")) == "x\\xff\\xfe.py"


# --- settings and baselines of the repository stay inside it ------------------------------------
@pytest.mark.parametrize("name", [".cadre.toml", "pyproject.toml"])
def test_a_settings_file_linked_out_of_the_repository_is_not_read(tmp_path: Path, cadre, name: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "secret.toml").write_text('[tool.cadre]\napprove = ["openai"]\n')
    write_files(tmp_path / "repo", {"a.py": "import openai\n"})
    (tmp_path / "repo" / name).symlink_to(tmp_path / "secret.toml")
    result = cadre("scan", ".", cwd=tmp_path / "repo")
    assert result.status == 2
    assert f"{name}: cannot read: symlink pointing outside the repository" in result.err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_settings_file_is_refused(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", {"a.py": "import openai\n"})
    os.mkfifo(tmp_path / "repo" / ".cadre.toml")
    done = run_cadre(["scan", "."], tmp_path / "repo", _env(tmp_path))
    assert done.returncode == 2
    assert ".cadre.toml: cannot read: a FIFO, not a regular file" in done.stderr


def test_baseline_replaces_a_link_instead_of_writing_through_it(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside.json"
    outside.write_text('{"version": 1, "entries": []}\n')  # a valid baseline elsewhere
    write_files(tmp_path / "repo", {"a.py": "import openai\n"})
    (tmp_path / "repo" / ".cadre-baseline.json").symlink_to(outside)
    assert cadre("baseline", ".", cwd=tmp_path / "repo").status == 0
    assert outside.read_text() == '{"version": 1, "entries": []}\n'
    assert not (tmp_path / "repo" / ".cadre-baseline.json").is_symlink()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "markdown"])
def test_string_literals_with_surrogates_and_escapes_are_escaped(tmp_path: Path, cadre, fmt: str) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"a.py": 'from openai import OpenAI\nc = OpenAI()\n'
                                   'c.chat.completions.create(model="gpt-4o-\\udcff\\x1b[2J-latest", messages=[])\n'})
    result = cadre("scan", "-f", fmt, ".", cwd=tmp_path)
    assert result.status == 1, result.err
    result.out.encode("utf-8")
    assert "\x1b" not in result.out


def test_init_never_writes_through_a_folder_linked_out_of_the_repository(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "home"
    outside.mkdir()
    write_files(tmp_path / "repo", {"a.py": "import openai\n", ".cadre.toml": 'ai_usage = "docs/AI_USAGE.md"\n'})
    (tmp_path / "repo" / "docs").symlink_to(outside)
    result = cadre("init", ".", cwd=tmp_path / "repo")
    assert result.status == 2
    assert "cannot write docs/AI_USAGE.md: its folder is a link out of the repository" in result.err
    assert list(outside.iterdir()) == []
