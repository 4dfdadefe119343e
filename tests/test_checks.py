"""The checks package (cadre_hooks/checks/): rules paired by code with their data, every word of a
finding taken from that data, one list of checks that `cadre scan` and `cadre ai-usage` share.

The pairing is structural: every code a check module declares has its rules/checks/<code>.toml,
every TOML is declared by exactly one module, every `details` key the code asks for exists in
both languages, and no check chooses words by testing the language."""

from __future__ import annotations

import ast
import dataclasses
import importlib
from pathlib import Path

import pytest
from conftest import make_repo

from cadre_hooks import checks
from cadre_hooks.checks.context import CheckContext, ScanFacts
from cadre_hooks.checks.policy import judge
from cadre_hooks.config import Config
from cadre_hooks.model import Usage
from cadre_hooks.options import ScanOptions
from cadre_hooks.registry import load_registry, rules_dir
from cadre_hooks.rules import catalogue
from cadre_hooks.select import Selection

PACKAGE = Path(checks.__file__).resolve().parent.parent
# The modules that build findings' messages: the checks, and the logic they share.
MESSAGE_MODULES = sorted([*(PACKAGE / "checks").glob("*.py"),
                          PACKAGE / "transparency" / "checks.py", PACKAGE / "findings.py"])

RULES = catalogue(load_registry())


def _module(check: checks.Check) -> checks.CheckModule:
    return check.module()


def test_every_module_of_the_package_is_a_listed_check() -> None:
    names = [check.name for check in checks.CHECKS]
    assert len(names) == len(set(names))
    files = {p.stem for p in (PACKAGE / "checks").glob("*.py")} - {"__init__", "context"}
    assert files == set(names), "list every check module in checks.CHECKS (and only those)"
    for check in checks.CHECKS:
        module = _module(check)
        assert getattr(module, "__name__", "") == f"cadre_hooks.checks.{check.name}"
        assert isinstance(module.CODES, tuple) and module.CODES and callable(module.run)


def test_every_rule_file_is_declared_by_exactly_one_check() -> None:
    owners: dict[str, list[str]] = {}
    for check in checks.CHECKS:
        for code in _module(check).CODES:
            owners.setdefault(code, []).append(check.name)
    files = {p.stem for p in (rules_dir() / "checks").glob("*.toml")}
    assert set(owners) == files, "a declared code without its TOML, or a TOML no check reports"
    assert {code: names for code, names in owners.items() if len(names) > 1} == {}
    for check in checks.CHECKS:  # a code reported by a second module stays owned by its first
        for code in getattr(_module(check), "ALSO_REPORTS", ()):
            assert code in owners and check.name not in owners[code]


def test_only_ai_usage_needs_the_whole_repository() -> None:
    assert [check.name for check in checks.CHECKS if check.repository] == ["ai_usage"]


def _codes_of(rel: str) -> set[str]:
    name = Path(rel).stem if rel.startswith("checks/") else ""
    if not name or name in ("__init__", "context"):
        return set(RULES)  # shared helpers: any rule's data
    module = importlib.import_module(f"cadre_hooks.checks.{name}")
    return set(module.CODES) | set(getattr(module, "ALSO_REPORTS", ()))


def _asked_details(tree: ast.AST) -> list[tuple[str | None, str]]:
    """(rule code or None, key) of every `x.detail(lang, "key", ...)` and `Verdict("CDRnnn", "key")`."""
    found: list[tuple[str | None, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "detail" and len(args) >= 2:
            if isinstance(node.args[1], ast.Attribute) and node.args[1].attr == "detail":
                continue  # `verdict.detail`: the key named by a Verdict(...), seen below
            assert isinstance(args[1], str), f"line {node.lineno}: name the detail key literally"
            found.append((None, args[1]))
        elif isinstance(node.func, ast.Name) and node.func.id == "Verdict" and len(args) >= 2:
            if isinstance(args[1], str) and args[1]:
                found.append((str(args[0]), args[1]))
            elif isinstance(node.args[1], ast.IfExp):  # Verdict("CDR102", "denied" if ... else "...")
                for branch in (node.args[1].body, node.args[1].orelse):
                    assert isinstance(branch, ast.Constant)
                    found.append((str(args[0]), str(branch.value)))
    return found


def test_every_detail_a_check_asks_for_exists_in_both_languages() -> None:
    used: set[tuple[str, str]] = set()
    for path in MESSAGE_MODULES:
        rel = path.relative_to(PACKAGE).as_posix()
        codes = _codes_of(rel)
        for code, key in _asked_details(ast.parse(path.read_text(encoding="utf-8"))):
            candidates = [code] if code else sorted(codes)
            having = [c for c in candidates if key in RULES[c].details]
            assert having, f"{rel}: details.{key} is in none of {candidates}"
            for c in having:
                assert set(RULES[c].details[key]) == {"en", "fr"}, f"{c} details.{key}"
                used.add((c, key))
    defined = {(code, key) for code, rule in RULES.items() for key in rule.details}
    assert defined - used == set(), "a detail text no check asks for"


def test_no_check_chooses_its_words_by_language() -> None:
    """A message in one language only, written in the code, compares the language with "fr" or
    "en": every text comes from the rule data instead (Rule.format, Rule.detail)."""
    offenders = [f"{path.relative_to(PACKAGE)}:{line}" for path in MESSAGE_MODULES
                 for line in _language_tests(ast.parse(path.read_text(encoding="utf-8")))]
    assert offenders == []


def _language_tests(tree: ast.AST) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Compare) and any(
        isinstance(side, ast.Constant) and side.value in ("fr", "en") for side in (node.left, *node.comparators))]


def test_the_finders_see_what_they_look_for() -> None:
    tree = ast.parse('rule.detail(lang, "region", region=r)\nVerdict("CDR102", "denied" if d else "other")\n'
                     'Verdict("CDR301")\nrule.detail(lang, verdict.detail)\n')
    assert _asked_details(tree) == [(None, "region"), ("CDR102", "denied"), ("CDR102", "other")]
    before = ast.parse("where = f\"{'ligne' if sc.lang == 'fr' else 'line'} {n}\"\nfr = lang == 'fr'\nok = lang in LANGS\n")
    assert sorted(_language_tests(before)) == [1, 2]


def test_an_unknown_detail_key_is_an_error_not_an_empty_text() -> None:
    rule = RULES["CDR102"]
    assert rule.detail("fr", "denied") == "refusé" and rule.detail("en", "denied") == "denied"
    with pytest.raises(KeyError):
        rule.detail("en", "refused")


def _usage(**changes: object) -> Usage:
    base = Usage(path="app.py", line=3, column=1, kind="client", provider="mistral", jurisdiction="eu",
                 evidence="Mistral()", statement_line=3)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("usage", "config", "expected"), [
    (_usage(provider=None, jurisdiction="unknown", endpoint_env="LLM_URL"), Config(),
     ("CDR104", "endpoint_from_environment", {"variable": "LLM_URL"})),
    (_usage(provider=None, jurisdiction="unknown"), Config(), ("CDR104", "endpoint_unknown", {})),
    (_usage(), Config(deny=frozenset({"mistral"})), ("CDR102", "denied", {})),
    (_usage(), Config(allowlist=True), ("CDR102", "not_allowlisted", {})),
    (_usage(), Config(allowlist=True, approve=frozenset({"mistral"})), None),  # near miss: approved on the allowlist
    (_usage(host="api.mistral.ai"), Config(deny_hosts=frozenset({"api.mistral.ai"})),
     ("CDR103", "host_denied", {"host": "api.mistral.ai"})),
    (_usage(provider="openai", jurisdiction="non-eu"), Config(), ("CDR101", "", {})),
    (_usage(kind="lockfile", provider="openai", jurisdiction="non-eu"), Config(), None),  # inventory only
])
def test_judge_names_the_rule_and_the_detail_key(usage: Usage, config: Config,
                                                  expected: tuple[str, str, dict[str, str]] | None) -> None:
    verdict = judge(usage, load_registry(), config)
    assert (verdict.rule, verdict.detail, dict(verdict.fields)) == expected if verdict else expected is None


def _context(tmp_path: Path, *, whole: bool, **options: object) -> CheckContext:
    selection = Selection(tmp_path, ("app.py",), (), git=False, whole_repository=whole, directories=whole)
    registry = load_registry()
    return CheckContext(tmp_path, Config(), registry, RULES, "en", selection, ScanOptions(**options))  # type: ignore[arg-type]


def test_the_repository_checks_run_on_the_whole_repository_or_when_asked(tmp_path: Path) -> None:
    def names(ctx: CheckContext) -> list[str]:
        return [check.name for check in checks.selected(ctx)]

    every = [check.name for check in checks.CHECKS]
    assert names(_context(tmp_path, whole=True)) == every
    assert names(_context(tmp_path, whole=False)) == [n for n in every if n != "ai_usage"]
    assert names(_context(tmp_path, whole=False, repository_checks=True)) == every
    assert names(_context(tmp_path, whole=True, repository_checks=False)) == [n for n in every if n != "ai_usage"]
    assert names(_context(tmp_path, whole=False, repository_checks=True, checks=("ai_usage",))) == ["ai_usage"]
    assert names(_context(tmp_path, whole=True, checks=("policy",))) == ["policy"]
    with pytest.raises(ValueError, match="unknown checks: ai-usage"):
        names(_context(tmp_path, whole=True, checks=("ai-usage",)))


def test_checks_consume_the_facts_they_are_given(tmp_path: Path) -> None:
    """The policy check over hand-made facts: no file of the repository exists, none is read."""
    ctx = _context(tmp_path / "nowhere", whole=False)
    facts = ScanFacts(files=(), usages=(_usage(provider="openai", jurisdiction="non-eu"),))
    found = checks.run(facts, ctx)
    assert [(f.rule, f.path, f.line, s) for f, s in found] == [("CDR101", "app.py", 3, 3)]
    assert found[0][0].message.startswith("OpenAI API (openai) is outside EU jurisdiction and")
    region = checks.run(ScanFacts((), (_usage(provider="openai", jurisdiction="non-eu", region="us-east-1"),)),
                        dataclasses.replace(ctx, lang="fr"))
    assert "juridiction hors UE (région us-east-1) et" in region[0][0].message


def test_ai_usage_command_reports_the_declaration_alone(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    """`cadre ai-usage` runs the scan's own pipeline with one check: the policy findings of the
    code (CDR101) stay out, AI_USAGE.md's (CDR201) come in, suppressed and fingerprinted alike."""
    repo = make_repo(tmp_path / "r", {"app.py": "from openai import OpenAI\nclient = OpenAI()\n"})
    scan = cadre("scan", "--format", "json", ".", cwd=repo)
    only = cadre("ai-usage", "--format", "json", ".", cwd=repo)
    assert {f["rule"] for f in scan.json["findings"]} == {"CDR101", "CDR201"}
    assert [f["rule"] for f in only.json["findings"]] == ["CDR201"]
    by_rule = {f["rule"]: f for f in scan.json["findings"]}
    assert only.json["findings"][0] == by_rule["CDR201"]
    assert only.json["usages"] == scan.json["usages"]


def test_every_ai_usage_message_the_code_names_exists_in_both_languages() -> None:
    """AI_USAGE.md's findings take their details from the declaration's own data (`[messages]` in
    rules/ai_usage.toml, shared with `cadre init`): a key named in the code is there, in both languages."""
    from cadre_hooks.transparency.spec import load_spec

    messages = load_spec().messages
    named = set()
    for path in (PACKAGE / "transparency").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "message"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                named.add(str(node.args[0].value))
    assert {"where", "user_facing", "model_stale"} <= named  # the finder sees the calls
    assert {key: sorted(messages.get(key, {})) for key in named if set(messages.get(key, {})) != {"en", "fr"}} == {}


# check module -> the one file it may read, and why (never a file the detectors analysed)
READS_ALLOWED = {"checks/assistants.py": "AI_USAGE.md's `assistants`: the declaration, which no detector reads",
                 "transparency/checks.py": "AI_USAGE.md itself, the declaration the ai_usage check compares"}


def _reads_or_pipeline(tree: ast.AST) -> list[str]:
    """Imports of the pipeline or of the file readers, and direct reads, anywhere in a module."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("cadre_hooks.scan", "cadre_hooks.safeio",
                                                                "cadre_hooks.scanner"):
            found.append(f"{node.lineno}: from {node.module}")
        elif isinstance(node, ast.Import) and any(a.name in ("cadre_hooks.scan", "cadre_hooks.safeio")
                                                  for a in node.names):
            found.append(f"{node.lineno}: import")
        elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in ("open", "read_bytes", "read_text", "listdir", "scandir", "walk", "read_in_root"):
                found.append(f"{node.lineno}: {name}()")
    return found


def test_checks_read_no_file_and_never_import_the_pipeline() -> None:
    """The checks consume the detection pass's facts: none reads a
    file again, and none imports the pipeline that calls them."""
    modules = list((PACKAGE / "checks").glob("*.py"))
    offenders = {rel: found for path in sorted(modules)
                 if (found := _reads_or_pipeline(ast.parse(path.read_text(encoding="utf-8"))))
                 and (rel := path.relative_to(PACKAGE).as_posix()) not in READS_ALLOWED}
    assert offenders == {}
    assert _reads_or_pipeline(ast.parse((PACKAGE / "transparency" / "checks.py").read_text(encoding="utf-8")))
    assert _reads_or_pipeline(ast.parse("from cadre_hooks.scan import ScanContext\nos.listdir(p)\n")) == [
        "1: from cadre_hooks.scan", "2: listdir()"]
