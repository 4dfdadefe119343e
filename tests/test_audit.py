"""`cadre audit` end to end on generated estates: real git repositories with dated history (gitpython),
bare copies served as file:// URLs, a broken URL, a corrupt repository, a repository whose own
settings try to approve OpenAI; shards merged against one run; resume; time limits."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import git
import jsonschema
import pytest

from cadre_hooks.audit.bom import validate
from estate import ai_usage, bare_copy, commit_files, make_history

SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "inventory.schema.json").read_text(encoding="utf-8"))
MISTRAL = """
from mistralai import Mistral
client = Mistral(api_key="x")
client.chat.complete(model="mistral-small-2409", messages=[])
"""


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("estate")
    alpha = make_history(root / "alpha", [
        ("2024-03-01T10:00:00", {"app.py": "print('hello')\n"}),
        ("2024-06-01T10:00:00", {"llm.py": "import openai\nclient = openai.OpenAI()\n"}),
        ("2025-02-01T10:00:00", {"eu.py": MISTRAL}),
    ])
    beta = make_history(root / "beta", [("2024-01-01T10:00:00", {
        ".cadre.toml": 'approve = ["openai"]\nexclude = ["legacy/**"]\n[severity]\nCDR201 = "off"\n'
                       '[hosts]\n"llm.internal.example" = "openai"\n',
        "main.py": "import openai  # cadre: ignore[CDR101] approved by the DPO\n",
        "legacy/old.py": "import anthropic\n",
    })])
    gamma = make_history(root / "gamma", [("2024-01-01T10:00:00", {
        "AI_USAGE.md": ai_usage("mistral", "mistral-small-2409"), "app.py": MISTRAL})])
    plain = make_history(root / "plain", [("2023-05-01T10:00:00", {"README.md": "# nothing\n", "x.py": "x = 1\n"})])
    urls = {name: bare_copy(repo, root / "server" / f"{name}.git")
            for name, repo in (("alpha", alpha), ("plain", plain))}
    corrupt = root / "corrupt"
    (corrupt / ".git").mkdir(parents=True)
    (corrupt / ".git" / "HEAD").write_text("not a ref\n")
    listing = root / "sources.txt"
    listing.write_text("\n".join(["# the estate", urls["alpha"], urls["plain"], str(root / "beta"),
                                  str(root / "gamma"), (root / "missing.git").as_uri(), str(corrupt)]) + "\n")
    return {"root": root, "alpha": alpha, "beta": beta, "gamma": gamma, "urls": urls, "list": listing,
            "cache": root / "clones"}


def audit(cadre: Any, estate: dict[str, Any], out: Path, *args: str) -> Any:
    return cadre("audit", *args, "--out", str(out), "--cache", str(estate["cache"]), "--today", "2026-11-01",
                 cwd=estate["root"])


def inventory(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "inventory.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    return data


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in data["repositories"]}


def test_end_to_end_inventory_boms_and_failures(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    result = audit(cadre, estate, tmp_path / "out", str(estate["list"]), "--jobs", "3")
    assert result.status == 1, result.err  # a broken source and a corrupt repository
    data = inventory(tmp_path / "out")
    repos = by_name(data)
    missing = f"{estate['root'].name}/missing"
    assert set(repos) == {"server/alpha", "server/plain", "beta", "gamma", missing, "corrupt"}
    failed = {r["name"]: r["error"] for r in data["repositories"] if r["status"] == "failed"}
    assert len(failed) == 2
    assert failed[missing].startswith("cannot clone")
    assert failed["corrupt"].startswith("corrupt or unreadable git repository")
    alpha = repos["server/alpha"]
    assert [p["id"] for p in alpha["providers"]] == ["mistral", "openai"]
    assert alpha["date"] == "2025-02-01T10:00:00Z" and len(alpha["head"]) == 40
    assert alpha["models"][0]["name"] == "mistral-small-2409"
    assert alpha["ai_usage"]["status"] == "missing"
    assert repos["gamma"]["ai_usage"] == {"path": "AI_USAGE.md", "status": "complete", "last_review": "2026-10-01",
                                         "review_overdue": False, "undeclared_providers": []}
    assert repos["server/plain"]["providers"] == [] and repos["server/plain"]["ai_usage"]["status"] == "not-required"
    # The repository's own settings approved OpenAI, excluded a folder, turned CDR201 off, mapped a host: none applied.
    beta = repos["beta"]
    assert beta["findings"]["by_rule"]["CDR101"] == 2  # main.py (suppressed inline, still counted) and legacy/
    assert beta["findings"]["by_rule"]["CDR201"] == 1
    ignored = {i["key"]: i["reason"] for i in beta["repository_settings"]["ignored"]}
    assert set(ignored) == {"approve", "exclude", "severity.CDR201", "hosts"}
    assert beta["repository_settings"]["declared"]["hosts"] == {"llm.internal.example": "openai"}
    assert beta["suppressions"] == {"count": 1, "items": [{"path": "main.py", "line": 1, "codes": ["CDR101"],
                                                           "reason": "approved by the DPO"}]}
    assert [f["suppressed_in_repository"] for f in beta["findings"]["items"] if f["path"] == "main.py"] == \
        ["approved by the DPO"]
    assert data["summary"]["using_ai"] == 3 and data["summary"]["ai_usage_complete"] == 1
    # Every BOM is valid CycloneDX 1.6: services for the APIs, models as machine-learning-model components.
    boms = sorted((tmp_path / "out" / "bom").glob("*.cdx.json"))
    assert len(boms) == 4
    for path in [*boms, tmp_path / "out" / "estate.cdx.json"]:
        assert validate(path.read_text(encoding="utf-8")) is None, path
    estate_bom = json.loads((tmp_path / "out" / "estate.cdx.json").read_text(encoding="utf-8"))
    assert estate_bom["specVersion"] == "1.6"
    services = {s["bom-ref"]: s for s in estate_bom["services"]}
    assert set(services) == {"service:anthropic", "service:mistral", "service:openai"}
    props = {p["name"]: p["value"] for p in services["service:openai"]["properties"]}
    assert props["cadre:jurisdiction"] == "non-eu" and props["cadre:charter-status"].startswith("findings: CDR101")
    assert services["service:openai"]["x-trust-boundary"] is True
    assert [c["type"] for c in estate_bom["components"]] == ["machine-learning-model"]


def test_findings_fail_only_when_asked(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    assert audit(cadre, estate, tmp_path / "a", estate["urls"]["alpha"]).status == 0
    assert audit(cadre, estate, tmp_path / "b", estate["urls"]["alpha"], "--fail-on-findings").status == 1
    assert audit(cadre, estate, tmp_path / "c", str(estate["root"] / "gamma"), "--fail-on-findings").status == 0


def test_bad_arguments_exit_2(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    for args in (["--shard", "3/2"], ["--shard", "x"], ["--at", "2025-13-01"], ["--policy", "https://x.example/p",
                                                                                ], ["--policy", str(tmp_path / "no")],
                 ["--timeout", "0"]):
        result = audit(cadre, estate, tmp_path / "o", str(estate["root"] / "gamma"), *args)
        assert result.status == 2, (args, result.err)


def test_resume_skips_unchanged_and_redoes_changed(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    root = tmp_path / "work"
    repo = make_history(root, [("2024-01-01T10:00:00", {"a.py": "import openai\n"})])
    out = tmp_path / "out"
    first = audit(cadre, estate, out, str(root), str(estate["root"] / "gamma"))
    assert first.status == 0, first.err
    before = (out / "inventory.json").read_bytes()
    second = audit(cadre, estate, out, str(root), str(estate["root"] / "gamma"), "--resume")
    assert "(2 unchanged since the last run)" in second.err
    assert (out / "inventory.json").read_bytes() == before
    commit_files(repo, {"b.py": MISTRAL}, "2024-02-01T10:00:00")
    third = audit(cadre, estate, out, str(root), str(estate["root"] / "gamma"), "--resume")
    assert "(1 unchanged since the last run)" in third.err
    assert [p["id"] for p in by_name(inventory(out))["work"]["providers"]] == ["mistral", "openai"]
    # Another policy: nothing is reused.
    policy = tmp_path / "policy.toml"
    policy.write_text('deny = ["mistral"]\n')
    fourth = audit(cadre, estate, out, str(root), str(estate["root"] / "gamma"), "--resume", "--policy", str(policy))
    assert "(0 unchanged since the last run)" in fourth.err
    assert by_name(inventory(out))["gamma"]["findings"]["by_rule"].keys() == {"CDR102"}


def test_shards_merge_into_the_same_inventory(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    whole = audit(cadre, estate, tmp_path / "whole", str(estate["list"]))
    assert whole.status == 1
    shards = []
    for index in (1, 2, 3):
        out = tmp_path / f"shard{index}"
        audit(cadre, estate, out, str(estate["list"]), "--shard", f"{index}/3")
        shards.append(out)
    sizes = [len(json.loads((s / "inventory.json").read_text())["repositories"]) for s in shards]
    assert sum(sizes) == 6 and max(sizes) < 6
    merged = cadre("audit", "merge", *map(str, shards), "--out", str(tmp_path / "merged"), cwd=tmp_path)
    assert merged.status == 1  # the failures survive the merge
    for name in ("inventory.json", "estate.cdx.json"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    # The same repository always lands in the same shard.
    again = audit(cadre, estate, tmp_path / "again", str(estate["list"]), "--shard", "2/3")
    assert again.status in (0, 1)
    assert (tmp_path / "again" / "inventory.json").read_bytes() == (shards[1] / "inventory.json").read_bytes()


def test_merge_refuses_shards_of_different_audits(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    audit(cadre, estate, tmp_path / "a", str(estate["root"] / "gamma"))
    audit(cadre, estate, tmp_path / "b", str(estate["root"] / "beta"), "--at", "2025-01-01")
    result = cadre("audit", "merge", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "m"),
                   cwd=tmp_path)
    assert result.status == 2 and "shards must share" in result.err


def test_at_audits_the_last_commit_before_the_date_without_touching_the_clone(
        cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    repo: git.Repo = estate["alpha"]
    head = repo.head.commit.hexsha
    (Path(repo.working_tree_dir) / "scratch.txt").write_text("uncommitted\n")  # the user's own work in progress
    try:
        result = audit(cadre, estate, tmp_path / "out", str(estate["root"] / "alpha"), estate["urls"]["alpha"],
                       "--at", "2025-01-01")
        assert result.status == 0, result.err
        repos = inventory(tmp_path / "out")["repositories"]
        assert {r["date"] for r in repos} == {"2024-06-01T10:00:00Z"}
        assert all([p["id"] for p in r["providers"]] == ["openai"] for r in repos)
        assert all(r["ai_usage"]["status"] == "missing" for r in repos)
        assert repo.head.commit.hexsha == head and repo.active_branch.name == "main"
        assert (Path(repo.working_tree_dir) / "scratch.txt").read_text() == "uncommitted\n"
        assert len(repo.git.worktree("list").splitlines()) == 1
    finally:
        (Path(repo.working_tree_dir) / "scratch.txt").unlink()
    before_history = audit(cadre, estate, tmp_path / "early", estate["urls"]["alpha"], "--at", "2020-01-01")
    assert before_history.status == 1 and "no commit before 2020-01-01" in before_history.err


def test_since_dates_first_appearance_by_commit_date_not_author(
        cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    import datetime as dt

    root = tmp_path / "repo"
    repo = make_history(root, [("2023-01-01T09:00:00", {"a.py": "import openai\n"}),
                               ("2024-01-10T09:00:00", {"b.py": "x = 1\n"})])
    # Written in 2022 (author date) but committed to the branch on 2024-03-05: the commit date counts.
    (root / "eu.py").write_text(MISTRAL.lstrip(), encoding="utf-8")
    repo.index.add(["eu.py"])
    utc = dt.timezone.utc
    late = repo.index.commit("cherry-pick", author_date=dt.datetime(2022, 6, 1, 12, tzinfo=utc),
                             commit_date=dt.datetime(2024, 3, 5, 12, tzinfo=utc))
    commit_files(repo, {"c.py": "y = 2\n"}, "2024-05-01T09:00:00")
    result = audit(cadre, estate, tmp_path / "out", str(root), "--since", "2024-01-01")
    assert result.status == 0, result.err
    first = by_name(inventory(tmp_path / "out"))["repo"]["first_seen"]
    assert first == {"mistral": {"before_since": False, "commit": late.hexsha, "date": "2024-03-05T12:00:00Z"},
                     "openai": {"before_since": True, "commit": None, "date": None}}


def test_a_source_over_its_time_limit_is_recorded_and_the_others_finish(
        cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    # A git server that accepts the connection and never answers: the clone hangs until it is killed.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    try:
        result = audit(cadre, estate, tmp_path / "out", f"http://127.0.0.1:{port}/slow/repo.git",
                       str(estate["root"] / "gamma"), "--timeout", "3", "--jobs", "2")
    finally:
        listener.close()
    assert result.status == 1
    repos = by_name(inventory(tmp_path / "out"))
    assert repos["slow/repo"]["error"] == "time limit of 3 s exceeded"
    assert repos["gamma"]["status"] == "audited"


def test_policy_url_is_pinned_by_its_hash(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    import hashlib

    policy = tmp_path / "policy.toml"
    policy.write_text('deny = ["mistral"]\n')
    digest = hashlib.sha256(policy.read_bytes()).hexdigest()
    gamma = str(estate["root"] / "gamma")
    ok = audit(cadre, estate, tmp_path / "a", gamma, "--policy", policy.as_uri(), "--policy-sha256", digest)
    assert ok.status == 0, ok.err
    data = inventory(tmp_path / "a")
    assert data["policy"] == {"origin": f"organisation policy {policy.as_uri()}", "sha256": digest}
    assert by_name(data)["gamma"]["findings"]["by_rule"].keys() == {"CDR102"}
    wrong = audit(cadre, estate, tmp_path / "b", gamma, "--policy", policy.as_uri(), "--policy-sha256", "0" * 64)
    assert wrong.status == 2


# --- forges: a local HTTP server replays the APIs' answers ---------------------------------------
class _Forge(http.server.BaseHTTPRequestHandler):
    pages: dict[str, tuple[list[dict[str, Any]], dict[str, str]]] = {}
    seen: list[tuple[str, dict[str, str]]] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.seen.append((self.path, dict(self.headers)))
        body, headers = self.pages.get(self.path, ([], {}))
        status = 200 if self.path in self.pages else 404
        data = json.dumps(body if status == 200 else {"message": "Not Found"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value.replace("{base}", f"http://127.0.0.1:{self.server.server_address[1]}"))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def forge() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Forge.seen.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _github_repo(name: str, url: str, **flags: Any) -> dict[str, Any]:
    return {"id": abs(hash(name)) % 10_000, "name": name.split("/")[-1], "full_name": name, "private": False,
            "clone_url": url, "ssh_url": f"git@github.com:{name}.git", "default_branch": "main",
            "archived": False, "fork": False, **flags}


def test_github_organisation_paginated_with_token(cadre: Any, estate: dict[str, Any], forge: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    first = "/orgs/ville/repos?type=all&per_page=100"
    _Forge.pages = {
        first: ([_github_repo("ville/alpha", estate["urls"]["alpha"]),
                 _github_repo("ville/old", "file:///nowhere/old.git", archived=True)],
                {"Link": '<{base}/orgs/ville/repos?type=all&per_page=100&page=2>; rel="next", '
                         '<{base}/orgs/ville/repos?type=all&per_page=100&page=2>; rel="last"'}),
        first + "&page=2": ([_github_repo("ville/plain", estate["urls"]["plain"]),
                             _github_repo("ville/fork", "file:///nowhere/fork.git", fork=True)], {}),
    }
    monkeypatch.setenv("CADRE_GITHUB_API", forge)
    monkeypatch.setenv("GITHUB_TOKEN", "token-123")
    result = audit(cadre, estate, tmp_path / "out", "github:ville")
    assert result.status == 0, result.err
    assert sorted(by_name(inventory(tmp_path / "out"))) == ["ville/alpha", "ville/plain"]
    assert [h.get("Authorization") for _, h in _Forge.seen] == ["Bearer token-123"] * 2
    # Archived and forked repositories when asked for (their clones fail here: recorded, exit 1).
    both = audit(cadre, estate, tmp_path / "all", "github:ville", "--include-archived", "--include-forks")
    assert both.status == 1
    assert sorted(by_name(inventory(tmp_path / "all"))) == ["ville/alpha", "ville/fork", "ville/old", "ville/plain"]


def test_gitlab_group_with_next_page_header(cadre: Any, estate: dict[str, Any], forge: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    base = "/api/v4/groups/ville%2Fservices/projects?include_subgroups=true&per_page=100&order_by=id&sort=asc" \
           "&archived=false"

    def project(name: str, url: str, **extra: Any) -> dict[str, Any]:
        return {"id": 1, "path_with_namespace": name, "http_url_to_repo": url, "archived": False,
                "ssh_url_to_repo": f"git@gitlab.example:{name}.git", "default_branch": "main", **extra}

    _Forge.pages = {
        base: ([project("ville/services/alpha", estate["urls"]["alpha"])], {"X-Next-Page": "2"}),
        base + "&page=2": ([project("ville/services/copy", "file:///nowhere/copy.git",
                                    forked_from_project={"id": 9})], {"X-Next-Page": ""}),
    }
    monkeypatch.setenv("CADRE_GITLAB_URL", forge)
    monkeypatch.setenv("GITLAB_TOKEN", "glpat-x")
    result = audit(cadre, estate, tmp_path / "out", "gitlab:ville/services")
    assert result.status == 0, result.err
    assert sorted(by_name(inventory(tmp_path / "out"))) == ["ville/services/alpha"]
    assert {h.get("Private-Token") or h.get("PRIVATE-TOKEN") for _, h in _Forge.seen} == {"glpat-x"}


def test_forge_errors_are_recorded_not_fatal(cadre: Any, estate: dict[str, Any], forge: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _Forge.pages = {"/orgs/away/repos?type=all&per_page=100": (
        [], {"Link": '<http://elsewhere.example/orgs/away/repos?page=2>; rel="next"'})}
    monkeypatch.setenv("CADRE_GITHUB_API", forge)
    result = audit(cadre, estate, tmp_path / "out", "github:nobody", "github:away", str(estate["root"] / "gamma"))
    assert result.status == 1
    errors = {e["source"]: e["reason"] for e in inventory(tmp_path / "out")["source_errors"]}
    assert "HTTP 404" in errors["github:nobody"]
    assert [path for path, _ in _Forge.seen][:2] == ["/orgs/nobody/repos?type=all&per_page=100",
                                                     "/users/nobody/repos?type=owner&per_page=100"]
    assert "another host" in errors["github:away"]
    assert by_name(inventory(tmp_path / "out"))["gamma"]["status"] == "audited"


def test_at_reads_the_declaration_of_that_commit(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    result = audit(cadre, estate, tmp_path / "out", str(estate["root"] / "gamma"), "--at", "2025-01-01")
    assert result.status == 0, result.err
    gamma = by_name(inventory(tmp_path / "out"))["gamma"]
    assert gamma["ai_usage"]["status"] == "complete" and gamma["ai_usage"]["last_review"] == "2026-10-01"


def test_a_wrong_policy_stops_the_audit_before_any_clone(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    for text in ('aprove = ["mistral"]\n', 'deny = ["not-a-provider"]\n', "deny = [\n"):
        policy = tmp_path / "policy.toml"
        policy.write_text(text)
        result = audit(cadre, estate, tmp_path / "out", estate["urls"]["alpha"], "--policy", str(policy))
        assert result.status == 2, (text, result.err)
        assert f"organisation policy {policy}" in result.err
        assert not (tmp_path / "out").exists()  # stopped before any repository


def test_progress_line_only_for_a_person_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from cadre_hooks.audit.runner import ProgressLine

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    monkeypatch.setenv("TERM", "xterm")
    line = ProgressLine()
    line(3, 50)
    line.close()
    assert "audited 3/50 repositories" in screen.getvalue()
    for var in ("CI", "PRE_COMMIT"):
        monkeypatch.setenv(var, "true")
        screen.truncate(0)
        quiet = ProgressLine()
        quiet(3, 50)
        quiet.close()
        assert screen.getvalue().strip("\x00") == ""
        monkeypatch.delenv(var)


def test_unreadable_repository_settings_are_recorded_and_the_policy_applies(
        cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    broken = make_history(tmp_path / "broken-settings", [("2024-01-01T10:00:00", {
        ".cadre.toml": "approve = [\n", "app.py": "import openai\n"})])
    plain = tmp_path / "no-git"
    plain.mkdir()
    (plain / "app.py").write_text("import anthropic\n")
    result = audit(cadre, estate, tmp_path / "out", str(broken.working_tree_dir), str(plain))
    assert result.status == 0, result.err
    repos = by_name(inventory(tmp_path / "out"))
    settings = repos["broken-settings"]["repository_settings"]
    assert "not valid TOML" in settings["error"] and settings["applied"] == {}
    assert repos["broken-settings"]["findings"]["by_rule"]["CDR101"] >= 1
    assert repos["no-git"]["head"] is None and [p["id"] for p in repos["no-git"]["providers"]] == ["anthropic"]
    history = audit(cadre, estate, tmp_path / "at", str(plain), "--at", "2025-01-01")
    assert history.status == 1 and "not a git repository" in history.err


def test_a_corrupt_clone_in_the_cache_is_cloned_again(cadre: Any, estate: dict[str, Any], tmp_path: Path) -> None:
    cache = tmp_path / "clones"
    args = (estate["urls"]["plain"], "--cache", str(cache))
    first = cadre("audit", *args, "--out", str(tmp_path / "a"), cwd=tmp_path)
    assert first.status == 0, first.err
    (clone,) = cache.iterdir()
    shutil.rmtree(clone / ".git" / "objects")
    (clone / ".git" / "HEAD").write_text("garbage\n")
    second = cadre("audit", *args, "--out", str(tmp_path / "b"), cwd=tmp_path)
    assert second.status == 0, second.err
    assert json.loads((tmp_path / "a" / "inventory.json").read_text())["repositories"] == \
        json.loads((tmp_path / "b" / "inventory.json").read_text())["repositories"]
