"""The organisation policy (`policy_url` + `policy_sha256`) against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cadre_hooks.registry.load import cache_dir
from conftest import make_repo, write_files

POLICY = b'deny = ["mistral"]\napprove = ["anthropic"]\n[severity]\nCDR106 = "error"\n'
MISTRAL = "from mistralai import Mistral\n"  # the import alone: one usage per file


class _CountingServer(ThreadingHTTPServer):
    requests = 0


class Server:
    """A static file server on 127.0.0.1 (a free port), in a thread; `stop()` takes it down."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = _CountingServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> int:
        return self.httpd.requests

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:
        self.server.requests += 1  # type: ignore[attr-defined]
        super().do_GET()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "policy.toml").write_bytes(POLICY)
    running = Server(folder)
    yield running
    running.stop()


def project(tmp_path: Path, url: str, digest: str, extra: str = "", code: str = MISTRAL) -> Path:
    config = f'policy_url = "{url}"\npolicy_sha256 = "{digest}"\n{extra}'
    return make_repo(tmp_path / "repo", {"app.py": code, ".cadre.toml": config})


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_fetched_then_used_from_the_cache_with_the_server_down(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre, server: Server) -> None:
    repo = project(tmp_path, server.url("policy.toml"), sha(POLICY))
    first = cadre("scan", "--format", "json", cwd=repo)
    assert first.status == 1, first.err
    assert [f["rule"] for f in first.json["findings"] if f["rule"] == "CDR102"] == ["CDR102"]  # mistral denied
    assert server.requests == 1
    assert (cache_dir() / "policies" / f"{sha(POLICY)}.toml").read_bytes() == POLICY
    second = cadre("scan", "--format", "json", cwd=repo)
    assert server.requests == 1  # the cache holds this hash: no network
    server.stop()
    offline = cadre("scan", "--format", "json", cwd=repo)
    assert offline.status == 1 and offline.json["findings"] == second.json["findings"] == first.json["findings"]


def test_hash_mismatch_is_refused(tmp_path: Path, cadre, server: Server) -> None:  # type: ignore[no-untyped-def]
    repo = project(tmp_path, server.url("policy.toml"), sha(b"an older policy\n"))
    result = cadre("scan", cwd=repo)
    assert result.status == 2
    assert "sha256" in result.err and sha(POLICY) in result.err and "Traceback" not in result.err
    assert not (cache_dir() / "policies").exists() or not any((cache_dir() / "policies").iterdir())


def test_a_tampered_cache_is_not_trusted(tmp_path: Path, cadre, server: Server) -> None:  # type: ignore[no-untyped-def]
    target = cache_dir() / "policies" / f"{sha(POLICY)}.toml"
    target.parent.mkdir(parents=True)
    target.write_bytes(b'approve = ["mistral"]\n')
    repo = project(tmp_path, server.url("policy.toml"), sha(POLICY))
    result = cadre("scan", "--format", "json", cwd=repo)
    assert server.requests == 1 and result.status == 1
    assert target.read_bytes() == POLICY


def test_server_down_without_a_cache(tmp_path: Path, cadre, server: Server) -> None:  # type: ignore[no-untyped-def]
    url = server.url("policy.toml")
    server.stop()
    repo = project(tmp_path, url, sha(POLICY))
    result = cadre("scan", cwd=repo)
    assert result.status == 2
    assert "cannot fetch the organisation policy" in result.err and "cannot connect" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("missing.toml", None, "HTTP 404"),
    ("broken.toml", b"deny = [\n", "not valid TOML"),
    ("sneaky.toml", b'policy_url = "https://example.org/other.toml"\n', "cannot be set by the organisation policy"),
    ("typo.toml", b'deny = ["mistrall"]\n', "unknown provider 'mistrall'"),
    ("badkey.toml", b'aprove = ["mistral"]\n', "unknown key 'aprove'"),
])
def test_bad_policies_are_clear_errors(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre, server: Server, name: str, content: bytes | None, expected: str) -> None:
    if content is not None:
        (tmp_path / "www" / name).write_bytes(content)
    repo = project(tmp_path, server.url(name), sha(content or b""))
    result = cadre("scan", cwd=repo)
    assert result.status == 2
    assert expected in result.err and "Traceback" not in result.err


def test_deny_of_the_organisation_beats_the_approve_of_the_project(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre, server: Server) -> None:
    repo = project(tmp_path, server.url("policy.toml"), sha(POLICY), extra='approve = ["mistral"]\n')
    result = cadre("scan", "--format", "json", cwd=repo)
    denied = [f for f in result.json["findings"] if f["rule"] == "CDR102"]
    assert result.status == 1 and [f["provider"] for f in denied] == ["mistral"]
    assert "denied" in denied[0]["message"]


def test_project_values_win_over_the_organisation_for_single_settings(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre, server: Server) -> None:
    code = "import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='claude-3-5-sonnet-latest')\n"
    repo = project(tmp_path, server.url("policy.toml"), sha(POLICY), extra='[severity]\nCDR106 = "warning"\n',
                   code=code)
    result = cadre("scan", "--format", "json", cwd=repo)
    rules = {f["rule"]: f["severity"] for f in result.json["findings"]}
    assert "CDR101" not in rules  # anthropic approved by the organisation
    assert rules.get("CDR106") == "warning"


def test_file_url_and_pyproject_style_policy(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    policy = b'[tool.cadre]\ndeny = ["mistral"]\n'
    write_files(tmp_path / "share", {"policy.toml": policy})
    repo = project(tmp_path, (tmp_path / "share" / "policy.toml").as_uri(), sha(policy))
    result = cadre("scan", "--format", "json", cwd=repo)
    assert result.status == 1 and [f["rule"] for f in result.json["findings"] if f["rule"] == "CDR102"] == ["CDR102"]


def test_policy_url_without_hash(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {"app.py": MISTRAL, ".cadre.toml": 'policy_url = "https://x.invalid/p.toml"\n'})
    result = cadre("scan", cwd=repo)
    assert result.status == 2 and "policy_sha256" in result.err
