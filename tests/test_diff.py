"""Diff-aware scans in real git repositories: --diff-base (merge base, untracked files, shallow
clones) and --staged."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git, make_repo, write_files

from cadre_hooks.diff import parse_unified, unquote_path


def new_findings(result) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return sorted((f["path"], f["line"], f["rule"]) for f in result.json["findings"] if not f["suppressed"])


@pytest.fixture
def feature(tmp_path: Path) -> Path:
    """main: app.py with OpenAI and Cohere; feature branches off, then main drops the Cohere import.

    Diffing against main's tip would show `import cohere` as added on the feature branch; the
    merge base does not, which is what a pull request means by "changed".
    """
    repo = make_repo(tmp_path / "origin", {
        "app.py": "from openai import OpenAI\nimport cohere\n\nclient = OpenAI()\n",
        "lib/util.py": "def helper():\n    return 1\n",
    })
    git(repo, "checkout", "-q", "-b", "feature")
    # (a client module without a client construction: only the import line is a usage)
    write_files(repo, {"lib/util.py": "import anthropic\n\n\ndef helper():\n    return anthropic.__version__\n"})
    git(repo, "commit", "-q", "-am", "feature: use Claude", "--no-verify")
    git(repo, "checkout", "-q", "main")
    write_files(repo, {"app.py": "from openai import OpenAI\n\nclient = OpenAI()\n"})
    git(repo, "commit", "-q", "-am", "main: drop cohere", "--no-verify")
    git(repo, "checkout", "-q", "feature")
    return repo


def test_diff_base_reports_only_changed_lines(feature: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    full = cadre("scan", "--format", "json", ".", cwd=feature)
    assert ("app.py", 1, "CDR101") in new_findings(full) and ("app.py", 2, "CDR101") in new_findings(full)
    result = cadre("scan", "--format", "json", "--diff-base", "main", ".", cwd=feature)
    assert new_findings(result) == [("lib/util.py", 1, "CDR101")]
    assert result.status == 1
    info = result.json["diff"]
    assert info["mode"] == "diff-base" and info["base"] == "main"
    assert info["merge_base"] == git(feature, "merge-base", "main", "HEAD").strip()
    assert result.json["usages"] == full.json["usages"]  # the inventory stays whole
    text = cadre("scan", "--diff-base", "main", ".", cwd=feature)
    assert "only findings on lines changed since main" in text.err


def test_working_tree_and_untracked_files(feature: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(feature, {
        "app.py": "from openai import OpenAI\nimport cohere\nimport groq\n\nclient = OpenAI()\n",  # uncommitted edit
        "new/agent.py": "import mistralai\nimport replicate\n",  # untracked: wholly new
        "ignored.py": "import anthropic\n",
        ".gitignore": "ignored.py\n",
    })
    result = cadre("scan", "--format", "json", "--diff-base", "main", ".", cwd=feature)
    assert new_findings(result) == [("app.py", 3, "CDR101"), ("lib/util.py", 1, "CDR101"),
                                    ("new/agent.py", 2, "CDR101")]


def test_nothing_changed_means_nothing_reported(feature: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    result = cadre("scan", "--format", "json", "--diff-base", "HEAD", ".", cwd=feature)
    assert (result.status, new_findings(result)) == (0, [])
    assert result.json["diff"]["findings_outside"] >= 2


def test_diff_base_with_baseline(feature: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    assert cadre("baseline", cwd=feature).status == 0
    write_files(feature, {"lib/util.py": "import anthropic\nimport groq\n\n\ndef helper():\n    return 1\n"})
    result = cadre("scan", "--format", "json", "--diff-base", "main", "--baseline", ".cadre-baseline.json", ".",
                   cwd=feature)
    # lib/util.py:1 changed since main but is baselined; only Groq is new; nothing is stale.
    assert new_findings(result) == [("lib/util.py", 2, "CDR101")]
    assert result.json["baseline"]["known"] == 1 and result.json["baseline"]["stale"] == []


def test_staged_reports_only_the_index(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "import openai\n\n\nprint('x')\n"})
    write_files(repo, {"app.py": "import openai\nimport anthropic\n\n\nprint('x')\n"})
    git(repo, "add", "app.py")
    write_files(repo, {"app.py": "import openai\nimport anthropic\n\n\nprint('x')\nimport cohere\n",  # not staged
                       "untracked.py": "import groq\n"})
    result = cadre("scan", "--format", "json", "--staged", ".", cwd=repo)
    assert new_findings(result) == [("app.py", 2, "CDR101")]
    assert result.json["diff"]["mode"] == "staged"
    text = cadre("scan", "--staged", "app.py", cwd=repo)
    assert text.status == 1 and "app.py:2:" in text.out and "changed in the index" in text.err


def test_staged_before_the_first_commit(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "import openai\n", "b.py": "import cohere\n"}, commit=False)
    git(repo, "add", "app.py")
    result = cadre("scan", "--format", "json", "--staged", ".", cwd=repo)
    assert new_findings(result) == [("app.py", 1, "CDR101")]


def shallow_clone(origin: Path, dest: Path, *args: str) -> Path:
    git(origin.parent, "clone", "-q", "--depth", "1", *args, origin.as_uri(), str(dest))
    assert git(dest, "rev-parse", "--is-shallow-repository").strip() == "true"
    return dest


def test_shallow_clone_without_the_base(feature: Path, tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    clone = shallow_clone(feature, tmp_path / "shallow", "--branch", "feature")
    result = cadre("scan", "--diff-base", "HEAD~1", ".", cwd=clone)
    assert result.status == 2
    assert result.err == ("cadre: error: base commit HEAD~1 is not in this clone: fetch more history "
                          "(git fetch --deepen / fetch-depth: 0)\n")
    assert result.out == ""


def test_shallow_clone_without_merge_base(feature: Path, tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    clone = shallow_clone(feature, tmp_path / "shallow", "--branch", "feature")
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    result = cadre("scan", "--diff-base", "origin/main", ".", cwd=clone)
    assert result.status == 2
    assert "base commit origin/main is not in this clone: fetch more history" in result.err
    git(clone, "fetch", "-q", "--unshallow", "origin")  # the fix the message names
    result = cadre("scan", "--format", "json", "--diff-base", "origin/main", ".", cwd=clone)
    assert new_findings(result) == [("lib/util.py", 1, "CDR101")]


def test_shallow_clone_against_head(feature: Path, tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    clone = shallow_clone(feature, tmp_path / "shallow", "--branch", "feature")
    write_files(clone, {"lib/util.py": "import anthropic\nimport groq\n"})
    result = cadre("scan", "--format", "json", "--diff-base", "HEAD", ".", cwd=clone)
    assert new_findings(result) == [("lib/util.py", 2, "CDR101")]


def test_diff_usage_errors(tmp_path: Path, feature: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    both = cadre("scan", "--diff-base", "main", "--staged", ".", cwd=feature)
    assert both.status == 2 and "cannot be combined" in both.err
    typo = cadre("scan", "--diff-base", "mian", ".", cwd=feature)
    assert typo.status == 2 and "base commit mian is not in this clone: check its name" in typo.err
    option = cadre("scan", "--diff-base=--output=x", ".", cwd=feature)
    assert option.status == 2 and "not an option" in option.err
    plain = tmp_path / "plain"
    write_files(plain, {"app.py": "import openai\n"})
    outside = cadre("scan", "--staged", ".", cwd=plain)
    assert outside.status == 2 and "need a git repository" in outside.err
    unrelated = make_repo(tmp_path / "unrelated", {"x.py": "x = 1\n"})
    git(feature, "fetch", "-q", str(unrelated), "main:refs/heads/other")
    orphan = cadre("scan", "--diff-base", "other", ".", cwd=feature)
    assert orphan.status == 2 and "no common ancestor" in orphan.err


def test_parse_unified_handles_quoting_deletions_and_look_alike_lines() -> None:
    diff = (b'diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"\n'
            b'--- "a/caf\\303\\251.py"\n+++ "b/caf\\303\\251.py"\n'
            b"@@ -3,0 +4,2 @@\n+import openai\n+++ b/not-a-header.py\n"
            b"@@ -10,2 +11,0 @@\n-gone\n-gone\n"
            b"@@ -20 +20 @@\n-old\n+new\n"
            b"diff --git a/removed.py b/removed.py\ndeleted file mode 100644\n--- a/removed.py\n+++ /dev/null\n"
            b"@@ -1 +0,0 @@\n-import openai\n"
            b"diff --git a/pic.png b/pic.png\nBinary files a/pic.png and b/pic.png differ\n")
    assert parse_unified(diff) == {"café.py": frozenset({4, 5, 20})}
    assert unquote_path(b'"tab\\there \\"q\\" back\\\\slash"') == 'tab\there "q" back\\slash'
    assert unquote_path(b"plain/path.py") == "plain/path.py"
