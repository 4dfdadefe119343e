"""The JSON codec of the caches: round trips every model type, rejects what does not fit the type
hints, and keeps working when a dataclass gains a field with a default."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from cadre_hooks.cache import Entry, dump_entries, interpreter, load_entries
from cadre_hooks.model import Detection, FileScan, ModelRef, Notice, RouteFunction, Suppression
from cadre_hooks.serial import Invalid, decode, encode, schema_stamp


def _sample() -> FileScan:
    return FileScan(
        "src/app.py",
        detections=(Detection("src/app.py", 3, 5, "client", "OpenAI(base_url=URL)", provider_hint="openai",
                              endpoint="https://api.mistral.ai/v1", generic=True, statement_line=3,
                              operation="chat"),),
        suppressions=(Suppression("src/app.py", 4, ("CDR101",), "approved"),),
        models=(ModelRef("src/app.py", 5, 1, "gpt-4o"),),
        notices=(Notice("src/app.py", "not valid UTF-8; read as latin-1"),),
        facts=("hf-offline",), depends_on=("src/settings.py",),
        routes=(RouteFunction("src/app.py", "view", 7, 1, handler="@app.get('/')", calls=("helper",)),))


def test_round_trip_of_a_file_scan() -> None:
    scan = _sample()
    assert decode(FileScan, json.loads(json.dumps(encode(scan)))) == scan


def test_round_trip_of_cache_entries_with_odd_paths() -> None:
    name = b"bad\xffname.py".decode("utf-8", "surrogateescape")
    entries = {name: Entry(10, 20, "ab" * 32, ((name, 1, 2),), None), "a.py": Entry(1, 2, "cd", (), _sample())}
    text = dump_entries(entries)
    text.encode("ascii")
    from pathlib import Path
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.json"
        path.write_text(text, encoding="ascii")
        assert load_entries(path) == entries


@pytest.mark.parametrize("data", [
    {"path": "a.py", "line": "3", "column": 1, "kind": "import", "evidence": "x"},  # a string for an int
    {"path": "a.py", "line": True, "column": 1, "kind": "import", "evidence": "x"},  # a bool is not an int
    {"path": "a.py", "line": 1, "column": 1, "kind": "import"},  # a required field missing
    {"path": "a.py", "line": 1, "column": 1, "kind": "import", "evidence": "x", "generic": "yes"},
    ["a.py", 1, 1, "import", "x"],
    {"__reduce__": "os.system", "path": "a.py"},
])
def test_what_does_not_fit_is_rejected(data: object) -> None:
    with pytest.raises(Invalid):
        decode(Detection, data)


def test_tuple_shapes_are_checked() -> None:
    with pytest.raises(Invalid):
        decode(Entry, {"size": 1, "mtime_ns": 2, "digest": "x", "depends_on": [["a.py", 1]], "result": None})
    with pytest.raises(Invalid):
        decode(FileScan, {"path": "a", "facts": "abc"})  # a string is not a tuple of strings


@dataclass(frozen=True)
class Old:
    path: str
    lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class New:
    path: str
    lines: tuple[int, ...] = ()
    added: str | None = None  # a field another change adds, with a default
    table: dict[str, int] = field(default_factory=dict)


def test_a_field_added_with_a_default_reads_older_data() -> None:
    old = encode(Old("a.py", (1, 2)))
    assert decode(New, old) == New("a.py", (1, 2))
    assert decode(New, encode(New("a", (), "x", {"k": 1}))) == New("a", (), "x", {"k": 1})
    assert schema_stamp(Old) != schema_stamp(New)


def test_unknown_keys_are_ignored_and_the_schema_stamp_is_stable() -> None:
    assert decode(Old, {"path": "a", "lines": [], "removed": 1}) == Old("a")
    assert schema_stamp(Entry) == schema_stamp(Entry)


def test_damaged_cache_files_load_as_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.json"
    for text in ("", "null", "[]", '{"format": "cadre-scan-cache", "version": "2", "entries": {"a": 1}}',
                 '{"format": "other", "version": "2", "entries": {}}', "[" * 100_000):
        path.write_text(text)
        assert load_entries(path) == {}
    assert load_entries(tmp_path / "missing.json") == {}


def test_the_interpreter_is_part_of_the_cache_key(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    from cadre_hooks import cache

    first = cache.cache_key(tmp_path, "salt")
    assert interpreter().startswith(sys.implementation.name + "-")
    monkeypatch.setattr(cache, "interpreter", lambda: "pypy-3.10.14")
    assert cache.cache_key(tmp_path, "salt") != first
    monkeypatch.setattr(cache, "interpreter", lambda: interpreter())
    monkeypatch.setattr("cadre_hooks.__version__", "99.0")
    assert cache.cache_key(tmp_path, "salt") != first


def test_cache_columns_read_lazily_and_written_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Entries read from the columns answer freshness from size and time alone, a damaged entry is
    forgotten (analysed again) without losing the others, and a save keeps what was read."""
    from cadre_hooks.cache import Entries, _load_columns

    path = tmp_path / "c.json"
    good = {"plain.py": Entry(5, 6, "ab", (), None), "ai.py": Entry(7, 8, "cd", (("dep.py", 1, 2),), _sample())}
    path.write_text(dump_entries(good), encoding="ascii")
    entries = Entries(_load_columns(path))
    assert entries.fresh(str(tmp_path), "plain.py", 5, 6) == (True, None)
    assert entries.fresh(str(tmp_path), "plain.py", 5, 7) == (False, None)  # touched
    assert entries.fresh(str(tmp_path), "ai.py", 7, 8) == (False, None)  # dep.py (1, 2) is not there any more
    assert entries.get("ai.py") == good["ai.py"]
    assert json.loads(dump_entries(entries)) == json.loads(dump_entries(good))
    # A crafted result for one file: that entry is dropped, the other still answers.
    data = json.loads(path.read_text())
    data["extra"][str(data["paths"].index("ai.py"))][1] = {"path": 3}
    path.write_text(json.dumps(data))
    entries = Entries(_load_columns(path))
    assert entries.get("ai.py") is None and "ai.py" not in entries
    assert entries.fresh(str(tmp_path), "plain.py", 5, 6) == (True, None)
    assert load_entries(path) == {}  # the full decode is all or nothing
    for damaged in ({"extra": {"²": [[], None]}}, {"sizes": [1]}, {"paths": [1, 2]}):
        path.write_text(json.dumps({**data, **damaged}))
        assert _load_columns(path) == {} and load_entries(path) == {}
