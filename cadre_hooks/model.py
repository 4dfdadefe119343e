"""The values that flow through the pipeline: files → detections → usages → findings → reports.

Every stage returns new frozen objects; no stage fills in another stage's fields later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

JURISDICTIONS = ("eu", "non-eu", "local", "unknown")
# The version of what the per-file pass records (FileScan and the facts in it): part of the scan
# cache's key, raised when a detector starts recording a fact differently with the same fields.
FACTS_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Detection:
    """What a detector saw in one file, before the provider is resolved.

    A detector says *what* it found (an import of a module of provider X, a client whose
    endpoint evaluates to a URL, a URL called over HTTP, a declared dependency...) and
    leaves the verdict on who receives the data to the resolver.
    """

    path: str
    line: int
    column: int
    kind: str  # import, client, call, endpoint, model, dependency, lockfile, config
    evidence: str
    provider_hint: str | None = None  # provider named by the signature that matched
    endpoint: str | None = None  # URL or host the code reaches, when known statically
    endpoint_env: str | None = None  # environment variable the endpoint is read from
    endpoint_unresolved: bool = False  # the code names an endpoint we cannot evaluate
    generic: bool = False  # the endpoint decides the provider (OpenAI-protocol client)
    region: str | None = None  # region argument (region_name=, location=)
    model: str | None = None  # model id (model loads, LiteLLM strings)
    statement_line: int = 0  # first line of the enclosing statement (for suppressions)
    operation: str | None = None  # call sites: chat, completion, embeddings, image, audio, ocr, files, ...
    resolved_by: str | None = None  # how the destination was decided when not by a URL or package ("name")
    named_provider: str | None = None  # the one provider an unresolved endpoint's expression names
    named_by: str | None = None  # that expression (`settings.albert_api_url`), for the message


@dataclass(frozen=True, slots=True)
class Usage:
    """One place where data reaches (or may reach) an AI provider."""

    path: str
    line: int
    column: int
    kind: str
    provider: str | None
    jurisdiction: str
    evidence: str
    region: str | None = None
    region_in_eu: bool | None = None
    host: str | None = None
    endpoint_env: str | None = None
    model: str | None = None
    models: tuple[str, ...] = ()
    statement_line: int = 0
    sdk: str | None = None  # provider of the SDK or signature that revealed the usage, before resolution
    operation: str | None = None  # call sites: what the call sends (chat, embeddings, ocr, files...)
    resolved_by: str | None = None  # "name": the destination inferred from a name, not read from a URL
    named_by: str | None = None  # the name the destination was inferred from


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline `cadre: ignore[CODES] reason` comment."""

    path: str
    line: int
    codes: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A model name written in the code (`model="claude-3-5-sonnet-latest"`)."""

    path: str
    line: int
    column: int
    name: str
    statement_line: int = 0


@dataclass(frozen=True, slots=True)
class Notice:
    """A file skipped or scanned by a fallback, and why: nothing is lost silently."""

    path: str
    reason: str
    kind: str = ""  # why it was skipped, for counts: "too-large", "not-regular", "outside"... (safeio)


@dataclass(frozen=True, slots=True)
class RouteFunction:
    """A function seen by the web-route analysis (CDR302): a request handler, a function that
    calls AI, or a link between the two. Callees are `name` in the same file (`Class.method` for
    methods) or `path.py:name` in another file of the repository."""

    path: str
    name: str  # "aide", "AskView.post"; empty for a route that exposes a function of another file
    line: int
    column: int
    handler: str = ""  # how it is exposed to web requests ("@app.route('/aide')"); empty when it is not
    handler_line: int = 0  # where the route is declared for it: its own decorator, else its `def` line
    ai_line: int = 0  # first AI call in its body (0: none)
    ai_evidence: str = ""
    calls: tuple[str, ...] = ()
    exposes: str = ""  # "path.py:name" of a handler defined in another file (urls.py, add_url_rule)
    end_line: int = 0  # last line of the function (0: unknown); where another file's detections fall (CDR302)


@dataclass(frozen=True, slots=True)
class HubLoad:
    """What CDR105 needs of one model load (at its detection's position), read where the call is written:
    `local_files_only=True` keeps it off the hub; `pipeline(task, model=...)` loads its `model` keyword,
    or the task's default model (`pipeline('ner')`, a label) when it names none; `model` None: not
    readable statically; a model naming a folder of the repository is local."""

    line: int
    column: int  # from 1, in characters, as in Detection
    local_only: bool = False
    pipeline: bool = False
    model: str | None = None  # what it loads: pipeline()'s model keyword or task label, else the detection's model
    local_folder: bool = False  # `model` names a file or folder of the repository (its root, or beside the code)


@dataclass(frozen=True, slots=True)
class HubSetting:
    """A setting of the Hugging Face libraries' environment (`HF_HUB_OFFLINE`, `TRANSFORMERS_OFFLINE`,
    `HF_ENDPOINT`) made by a file; `value` None when it is set from something unreadable."""

    name: str
    value: str | None = None


# Values of `FileScan.facts` the route rule (CDR302) reads: the module's route records are all there
# (`routes-analysed`); they were found beyond the main pass's own test (a module without AI, or with
# AI but no handler the cheap test saw), so CDR302 follows them on whole-repository scans only.
ROUTES_ANALYSED = "routes-analysed"
ROUTES_WHOLE = "routes-whole-repository"


@dataclass(frozen=True, slots=True)
class FileScan:
    """Everything one detector learnt from one file."""

    path: str
    detections: tuple[Detection, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    models: tuple[ModelRef, ...] = ()
    notices: tuple[Notice, ...] = ()
    facts: tuple[str, ...] = ()  # file-level facts for repository rules (e.g. "hf-offline")
    depends_on: tuple[str, ...] = ()  # other files of the repository the result was computed from
    routes: tuple[RouteFunction, ...] = ()  # web handlers and the AI calls they reach (CDR302)
    # Per-file facts for the repository rules, computed once in the (cached) detection pass:
    hub_loads: tuple[HubLoad, ...] = ()  # model loads' local_files_only / pipeline model (CDR105)
    hub_settings: tuple[HubSetting, ...] = ()  # offline / mirror settings the file makes (CDR105)
    # The functions of the project's other modules a handler of this file reaches, analysed in this
    # file's pass (their paths are in depends_on), for CDR302 across files; no detections applied.
    route_links: tuple[RouteFunction, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule verdict on a usage (or on the repository), ready for every reporter."""

    rule: str
    name: str
    severity: str  # error, warning
    path: str
    line: int
    column: int
    provider: str | None
    message: str
    commitments: tuple[int, ...]
    fingerprint: str = ""
    evidence: str = ""
    suppressed: bool = False
    suppression_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """What produced a report, so that two reports can be compared (or refused as incomparable):
    cadre's version, a hash of the rule data's content, the interpreter, and the configuration
    layers that were applied, most specific first."""

    cadre_version: str = ""
    registry_hash: str = ""
    interpreter: str = ""
    configuration: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """The result of one scan."""

    root: str
    usages: tuple[Usage, ...]
    findings: tuple[Finding, ...]
    notices: tuple[Notice, ...]
    files_scanned: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)
