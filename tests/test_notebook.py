"""Notebooks run as one module: cells in order, IPython syntax neutralised, lines mapped to the file;
nbformat 3, malformed cells and one-line notebooks are read, never skipped whole nor mis-lined."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import scan_tree

ALBERT = "https://albert.api.etalab.gouv.fr/v1"


def _nb(*cells: Any, language: str = "python") -> dict[str, Any]:
    listed = [c if not isinstance(c, list) else {"cell_type": "code", "metadata": {}, "outputs": [],
                                                   "execution_count": None, "source": c} for c in cells]
    return {"cells": listed, "metadata": {"kernelspec": {"name": language, "language": language}},
            "nbformat": 4, "nbformat_minor": 5}


def _scan(tmp_path: Path, notebook: dict[str, Any] | str, indent: int | None = 1) -> tuple[Any, list[str]]:
    text = notebook if isinstance(notebook, str) else json.dumps(notebook, indent=indent)
    report = scan_tree(tmp_path, {"nb.ipynb": text})
    return report, text.splitlines()


def _at(report: Any, lines: list[str]) -> list[tuple[str | None, str]]:
    return [(u.provider, lines[u.line - 1].strip()) for u in report.usages]


def test_endpoint_in_one_cell_decides_the_client_of_another(tmp_path: Path) -> None:
    nb = _nb(["from openai import OpenAI\n"], [f'URL = "{ALBERT}"\n'], ["client = OpenAI(base_url=URL)\n"])
    report, lines = _scan(tmp_path, nb)
    assert {p for p, _ in _at(report, lines)} == {"albert"}
    assert ("albert", '"client = OpenAI(base_url=URL)\\n"') in _at(report, lines)


def test_without_the_endpoint_cell_the_sdk_default_stands(tmp_path: Path) -> None:
    nb = _nb(["from openai import OpenAI\n"], ["client = OpenAI()\n"])
    report, _ = _scan(tmp_path, nb)
    assert {u.provider for u in report.usages} == {"openai"}


def test_magics_and_shell_lines_are_neutralised(tmp_path: Path) -> None:
    nb = _nb(["%pip install openai\n", "!ls -la\n", "files = !ls\n", "OpenAI?\n", "import os\n"],
             ["%%time\n", "from mistralai import Mistral\n", "m = Mistral(api_key=os.environ['K'])\n"],
             ["%%bash\n", "curl https://api.openai.com/v1/models\n", "import anthropic\n"],
             ["for f in files:\n", "    !echo $f\n", "    print(f)\n"])
    report, lines = _scan(tmp_path, nb)
    assert not any("line by line" in n.reason for n in report.notices)
    assert {u.provider for u in report.usages} == {"mistral"}  # the %%bash cell is not Python
    assert all("Mistral" in line for _, line in _at(report, lines))


def test_nbformat_3_worksheets_are_read(tmp_path: Path) -> None:
    nb = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": "old"},
          "worksheets": [{"cells": [
              {"cell_type": "heading", "level": 1, "source": ["Old"]},
              {"cell_type": "code", "language": "python", "collapsed": False, "outputs": [],
               "input": ["import os\n", "from openai import OpenAI\n"]},
              {"cell_type": "code", "language": "python", "outputs": [],
               "input": [f"c = OpenAI(base_url='{ALBERT}')\n"]}]}]}
    report, lines = _scan(tmp_path, nb)
    assert [p for p, _ in _at(report, lines)] == ["albert"]
    assert "c = OpenAI" in lines[report.usages[0].line - 1]


def test_a_malformed_cell_does_not_skip_the_notebook(tmp_path: Path) -> None:
    nb = _nb("not a cell", {"cell_type": "code", "source": 42}, ["import anthropic\n"],
             ["def broken(:\n", "    import openai\n"], ["c = anthropic.Anthropic()\n"])
    report, lines = _scan(tmp_path, nb)
    reasons = [n.reason for n in report.notices]
    assert any(r.startswith("cell 1:") for r in reasons) and any(r.startswith("cell 2:") for r in reasons)
    assert any(r.startswith("cell 4: could not parse") for r in reasons)
    found = _at(report, lines)
    assert ("anthropic", '"import anthropic\\n"') in found
    assert ("openai", '"    import openai\\n"') in found  # the broken cell, line by line


def test_a_one_line_notebook_reports_line_1(tmp_path: Path) -> None:
    nb = _nb(["import os\n", "from openai import OpenAI\n"], ["c = OpenAI()\n", "d = OpenAI()\n"])
    report, lines = _scan(tmp_path, nb, indent=None)
    assert len(lines) == 1
    assert report.usages and all(u.line == 1 for u in report.usages)


def test_lines_are_found_in_an_ascii_escaped_notebook(tmp_path: Path) -> None:
    nb = _nb(["# Clé\n", "from openai import OpenAI\n"], [f"c = OpenAI(base_url='{ALBERT}')  # modèle\n"])
    text = json.dumps(nb, indent=1, ensure_ascii=True)
    report, lines = _scan(tmp_path, text)
    assert [line for _, line in _at(report, lines)] == [f'"c = OpenAI(base_url=\'{ALBERT}\')  # mod\\u00e8le\\n"']


def test_a_notebook_in_another_language_is_not_python(tmp_path: Path) -> None:
    nb = _nb(["library(openai)\n", "import openai\n"], language="R")
    report, _ = _scan(tmp_path, nb)
    assert not report.usages
    assert any("not Python" in n.reason for n in report.notices)


def test_newer_syntax_in_a_cell_is_lowered_not_line_scanned(tmp_path: Path) -> None:
    nb = _nb(["from openai import OpenAI\n", "type Url = str\n"], [f'c = OpenAI(base_url=f"{{"{ALBERT}"}}")\n'])
    report, _ = _scan(tmp_path, nb)
    assert not any("line by line" in n.reason for n in report.notices)
    assert {u.provider for u in report.usages} == {"albert"}
