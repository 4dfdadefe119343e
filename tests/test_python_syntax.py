"""Every Python 3 syntax is analysed fully whatever the interpreter: 3.12 generics and `type`, PEP 701
f-strings, 3.14 `except A, B:` and t-strings are lowered (lowering.py), not scanned line by line."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cadre_hooks.detect.python.lowering import lower, parse_lowered
from conftest import scan_tree

NEWER = textwrap.dedent('''\
    from openai import OpenAI

    ALBERT = "https://albert.api.etalab.gouv.fr/v1"

    type Messages[T] = list[dict[str, T]]


    class Reply[T]:
        value: T


    def first[T: (int, str), *Ts, **P](items: list[T]) -> T:
        return items[0]


    def ask(key: str, question: str) -> str:
        client = OpenAI(base_url=ALBERT, api_key=key)
        label = f"{"Question"}: {question!r:>{10}} {"\\n".join(["a"])}"
        tagged = t"{question}"
        try:
            return str(client)
        except ValueError, TypeError:
            return label
    ''')


def _fell_back(report: object) -> bool:
    return any("line by line" in n.reason for n in report.notices)  # type: ignore[attr-defined]


def test_newer_syntax_is_analysed_fully(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"llm.py": NEWER})
    assert not _fell_back(report)
    client = next(u for u in report.usages if u.kind == "client")
    assert (client.line, client.provider) == (17, "albert")
    (tmp_path / "older").mkdir()
    older = scan_tree(tmp_path / "older", {"llm.py": NEWER.replace("except ValueError, TypeError", "except (ValueError)")
                                           .replace('t"{question}"', '"question"').replace("[T]", "")
                                           .replace("[T: (int, str), *Ts, **P]", "")
                                           .replace('f"{"Question"}: {question!r:>{10}} {"\\n".join(["a"])}"', "''")
                                           .replace("type Messages", "Messages")})
    assert not _fell_back(older)
    assert [(u.line, u.column, u.kind) for u in older.usages] == [(u.line, u.column, u.kind) for u in report.usages]
    assert "openai" not in {u.provider for u in report.usages}  # the import follows its client to Albert


def test_endpoint_in_a_pep701_fstring_is_evaluated(tmp_path: Path) -> None:
    code = ('from openai import OpenAI\nHOST = "api.mistral.ai"\ntype Url = str\n'
            'c = OpenAI(base_url=f"https://{HOST}{"/v1"}")\n')
    report = scan_tree(tmp_path, {"m.py": code})
    assert not _fell_back(report)
    assert [(u.line, u.provider) for u in report.usages if u.kind == "client"] == [(4, "mistral")]


@pytest.mark.parametrize("code", [
    'print "hello"\nimport openai\n',  # Python 2
    "import openai\n\ndef broken(:\n    pass\n",  # broken
    "import openai\ntype X[T] = list[T\n",  # newer syntax, but broken too
])
def test_python2_and_broken_files_keep_the_line_scan(tmp_path: Path, code: str) -> None:
    report = scan_tree(tmp_path, {"old.py": code})
    assert _fell_back(report)
    assert [u.provider for u in report.usages] == ["openai"]
    assert parse_lowered(code) is None


SNIPPETS = [
    'x = f"{"a"} {b!r:>{w}} c"\n',
    'x = f"{"\\n".join(a)} {x=} {y = !s:>3} a{{b}}"\n',
    'x = ("pre"\n     f"{"q"}"\n     f"{z}")\n',
    'x = f"""{\n  a # comment\n}"""\n',
    'x = f"{f"{f"{x}"}"}" + rf"\\d{"a"}\\w"\n',
    'v = f"é{"à"}ü {x}"\n',
    'def f[T: int, *Ts, **P](x: T) -> T: return x\n',
    'class C[\n    T,\n    U,\n](Base, metaclass=M):\n    y = f"{"a"}"\n',
    'type Y[\n  T\n] = dict[\n  str, T]\nz = 1\n',
    'if x: type Z = int\n',
    'try:\n    pass\nexcept ValueError, TypeError:\n    pass\n',
    'try:\n    pass\nexcept* (ValueError, TypeError):\n    pass\n',
    'x = t"{a!r} {b:>{w}}"\n',
    '@decorator\nclass A[T]:\n    def m[U](self) -> U: ...\nelse_ = 1\n',
]


@pytest.mark.parametrize("code", SNIPPETS)
def test_lowering_keeps_every_position(code: str) -> None:
    """Every name and string of the lowered tree points at the same text in the original file."""
    try:
        tree = ast.parse(code)  # this interpreter knows the syntax: nothing to lower
    except SyntaxError:
        lowered = parse_lowered(code)
        assert lowered is not None
        tree = lowered
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            assert ast.get_source_segment(code, node) == node.id
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ("a", "q", "à"):
            assert ast.literal_eval(ast.get_source_segment(code, node) or "") == node.value


def test_fstrings_become_the_tree_a_newer_python_gives() -> None:
    code = 'x = f"{"a"} {b!r:>{w}} c"\n'
    tree = parse_lowered(code) if sys.version_info < (3, 12) else ast.parse(code)
    assert tree is not None
    value = tree.body[0].value  # type: ignore[attr-defined]
    assert ast.dump(value) == ast.dump(ast.parse('f"{\'a\'} {b!r:>{w}} c"', mode="eval").body)


def test_lowering_changes_only_what_is_needed() -> None:
    code = "import os\n\ntype X = int\n\n\ndef f():\n    return f'{os.sep}'\n"
    lowered = lower(code)
    assert lowered is not None
    if sys.version_info < (3, 12):
        assert lowered.splitlines()[2] == "X = int"
    assert lowered.splitlines()[6] == code.splitlines()[6]  # a statement the interpreter reads is kept
    assert len(lowered.splitlines()) == len(code.splitlines())


@pytest.mark.parametrize("deep", [
    "x = " + "(" * 5000 + "1" + ")" * 5000,
    "x = " + "+".join(["a"] * 20000),
    "x = " + "lambda a, b: " * 5000 + "1",
    "x = " + "f(" * 3000 + ")" * 3000,
])
def test_deep_code_never_reaches_libcst(tmp_path: Path, deep: str) -> None:
    """libcst's native parser overflows the C stack on such input: the budget keeps it away."""
    (tmp_path / "deep.py").write_text(f"type X = int\n{deep}\n", encoding="utf-8")
    probe = ("import sys; from cadre_hooks.detect.python.lowering import parse_lowered; "
             "print(parse_lowered(open(sys.argv[1]).read()) is None)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "deep.py")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "True"
