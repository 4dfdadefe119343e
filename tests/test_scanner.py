"""The Scanner: many repositories in a row in one process, each as if scanned alone; reports carry provenance."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from cadre_hooks.detect import terraform
from cadre_hooks.detect.python import crossfile, deep
from cadre_hooks.detect.python.project import ProjectIndex
from cadre_hooks.registry.load import registry_stamp
from cadre_hooks.report.json_report import as_dict, render
from cadre_hooks.scan import ScanOptions, run
from cadre_hooks.scanner import Scanner, registry_hash
from conftest import write_files

REPOINTED = {
    "settings.py": 'BASE = "https://api.mistral.ai/v1"\n',
    "app.py": "from openai import OpenAI\nfrom settings import BASE\nclient = OpenAI(base_url=BASE)\n",
    ".cadre.toml": 'deny_hosts = ["api.example-llm.com"]\n',
}
DIRECT = {"settings.py": 'BASE = "https://api.openai.com/v1"\n',
          "app.py": "from openai import OpenAI\nfrom settings import BASE\nclient = OpenAI(base_url=BASE)\n"}


def _options(root: Path) -> ScanOptions:
    return ScanOptions(targets=(str(root),), cwd=root, jobs=1, use_cache=False)


def test_repositories_in_a_row_give_what_separate_scans_give(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_files(first, REPOINTED)
    write_files(second, DIRECT)
    alone = [as_dict(run(_options(root))[0]) for root in (first, second)]
    scanner = Scanner()
    together = [as_dict(scanner.scan(_options(root))[0]) for root in (first, second, first)]
    assert together == [alone[0], alone[1], alone[0]]
    assert {u["provider"] for u in together[0]["usages"]} == {"mistral"}  # the constant of its own settings.py
    assert {u["provider"] for u in together[1]["usages"]} == {"openai"}
    # Nothing of the last repository is kept once its scan is over.
    assert deep._PROJECTS == {} and deep._ANALYSED == {} and crossfile._FILES == {}
    assert terraform._CACHE == {}
    assert ProjectIndex._parsed_version.cache_info().currsize == 0


def test_report_provenance_in_json(tmp_path: Path) -> None:
    write_files(tmp_path / "repo", REPOINTED)
    report, _ = run(_options(tmp_path / "repo"))
    data = json.loads(render(report, "en"))
    assert list(data)[-1] == "provenance"
    assert data["provenance"] == {"cadre_version": data["tool"]["version"], "registry_hash": registry_hash(),
                                  "interpreter": f"{platform.python_implementation()} {platform.python_version()}",
                                  "configuration": [".cadre.toml"]}
    assert len(data["provenance"]["registry_hash"]) == 64


def test_registry_hash_follows_content_not_times(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    write_files(rules, {"providers/a.toml": 'id = "a"\n', "checks/b.toml": 'code = "X"\n'})
    before = registry_hash.__wrapped__(rules)
    os.utime(rules / "providers" / "a.toml", ns=(1, 1))
    registry_stamp.cache_clear()
    assert registry_hash.__wrapped__(rules) == before
    (rules / "providers" / "a.toml").write_text('id = "other"\n')
    registry_stamp.cache_clear()
    assert registry_hash.__wrapped__(rules) != before


def _padded(files: dict[str, str], count: int = 60) -> dict[str, str]:
    """`files` and enough plain modules for the scan to use worker processes."""
    return {**files, **{f"pkg/mod{i}.py": f"VALUE = {i}\n" for i in range(count)}}


def test_the_worker_pool_is_reused_and_leaks_nothing_between_scans(tmp_path: Path) -> None:
    from cadre_hooks.scan import PARALLEL_THRESHOLD

    first, second = tmp_path / "first", tmp_path / "second"
    write_files(first, _padded(REPOINTED, PARALLEL_THRESHOLD + 10))
    write_files(second, _padded(DIRECT, PARALLEL_THRESHOLD + 10))
    alone = [as_dict(run(_options(root))[0]) for root in (first, second)]  # in-process (jobs=1)

    def pooled(root: Path) -> ScanOptions:
        return ScanOptions(targets=(str(root),), cwd=root, jobs=2, use_cache=False)

    with Scanner() as scanner:
        together = []
        pools = []
        for root in (first, second, first):
            together.append(as_dict(scanner.scan(pooled(root))[0]))
            pools.append(scanner._pool)
        assert pools[0] is not None and pools[0] is pools[1] is pools[2]  # one pool for every scan
    assert scanner._pool is None  # shut down on leaving the block
    # The workers' memos (the constants of the first repository's settings.py) did not leak.
    assert together == [alone[0], alone[1], alone[0]]
    assert {u["provider"] for u in together[0]["usages"]} == {"mistral"}
    assert {u["provider"] for u in together[1]["usages"]} == {"openai"}


def test_a_scanner_outside_a_with_block_leaves_no_pool(tmp_path: Path) -> None:
    from cadre_hooks.scan import PARALLEL_THRESHOLD

    write_files(tmp_path / "repo", _padded(DIRECT, PARALLEL_THRESHOLD + 10))
    scanner = Scanner()
    report, _ = scanner.scan(ScanOptions(targets=(str(tmp_path / "repo"),), cwd=tmp_path / "repo", jobs=2,
                                         use_cache=False))
    assert scanner._pool is None
    assert {u.provider for u in report.usages} == {"openai"}


def test_a_warm_cache_answers_without_the_pool(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Freshness is decided from sizes and times in the scanning process: an unchanged tree starts
    no worker, and a changed file is analysed again."""
    from cadre_hooks import workers
    from cadre_hooks.scan import PARALLEL_THRESHOLD

    root = tmp_path / "repo"
    write_files(root, _padded(DIRECT, PARALLEL_THRESHOLD + 10))
    options = ScanOptions(targets=(str(root),), cwd=root, jobs=2, use_cache=True)
    cold = as_dict(Scanner().scan(options)[0])

    def no_pool(*args: object) -> None:
        raise AssertionError("a worker pool was started for an unchanged tree")

    monkeypatch.setattr(workers.WorkerPool, "__init__", no_pool)
    assert as_dict(Scanner().scan(options)[0]) == cold
    (root / "app.py").write_text("from mistralai import Mistral\nclient = Mistral()\n")
    assert {u.provider for u in Scanner().scan(options)[0].usages} == {"mistral", "openai"}
