"""Deployment settings: Java properties (the parser itself), Spring AI groups, .NET sections."""

from __future__ import annotations

from pathlib import Path

from cadre_hooks.detect.config.properties import parse
from conftest import scan_tree


def _pairs(text: str) -> list[tuple[str, str, int, int, int, int]]:
    return [(p.key, p.value, p.line, p.column, p.value_line, p.value_column) for p in parse(text)]


def test_properties_separators_and_blanks() -> None:
    text = "a=1\nb : 2\nc 3\n  d\t=\t4\ne\nf=\n"
    assert [(k, v) for k, v, *_ in _pairs(text)] == [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", ""),
                                                     ("f", "")]
    assert _pairs(text)[3][2:] == (4, 3, 4, 7)


def test_properties_comments_and_continuations() -> None:
    text = ("# comment \\\n"
            "! other\n"
            "url=https://api.mistral.ai\\\n"
            "    /v1\n"
            "odd=a\\\\\n"
            "next=b\n"
            "cont=x\\\n"
            "  # not a comment\n")
    pairs = _pairs(text)
    assert [(k, v) for k, v, *_ in pairs] == [("url", "https://api.mistral.ai/v1"), ("odd", "a\\"), ("next", "b"),
                                              ("cont", "x# not a comment")]
    assert pairs[0][2:] == (3, 1, 3, 5)


def test_properties_escapes() -> None:
    pairs = _pairs("key\\:with\\=seps\\ space=v\\tal\\u00e9\\\\\nbad=\\uZZ\n\\#notcomment=1\n")
    assert [(k, v) for k, v, *_ in pairs] == [("key:with=seps space", "v\talé\\"), ("bad", "\\uZZ"),
                                              ("#notcomment", "1")]


def test_properties_line_endings_and_documents() -> None:
    text = "a=1\r\nb=2\rc=3\n#---\nspring.config.activate.on-profile=dev\nd=4\n"
    pairs = parse(text)
    assert [(p.key, p.line, p.document) for p in pairs] == [
        ("a", 1, 0), ("b", 2, 0), ("c", 3, 0), ("spring.config.activate.on-profile", 5, 1), ("d", 6, 1)]


def _usages(report) -> list[tuple[str, int, str | None]]:  # type: ignore[no-untyped-def]
    return [(u.path, u.line, u.provider) for u in report.usages]


def test_spring_openai_starter_pointed_at_mistral_is_mistral(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "src/main/resources/application.properties": """
            spring.application.name=mistral-gateway
            spring.ai.openai.base-url=https://api.mistral.ai
            spring.ai.openai.api-key=${MISTRAL_API_KEY}
            spring.ai.openai.chat.options.model=mistral-small-2409
            spring.ai.openai.chat.options.temperature=0.2
        """,
        "pom.xml": """
            <project><dependencies><dependency>
              <groupId>org.springframework.ai</groupId>
              <artifactId>spring-ai-starter-model-openai</artifactId>
            </dependency></dependencies></project>
        """,
    })
    path = "src/main/resources/application.properties"
    assert _usages(report) == [(path, 2, "mistral"), (path, 3, "mistral"), (path, 4, "mistral")]
    assert all("sk-" not in u.evidence for u in report.usages)
    assert report.usages[2].model == "mistral-small-2409"


def test_spring_starter_without_endpoint_is_its_provider_and_its_dependency_stays(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "app/src/main/resources/application.properties": "spring.ai.openai.api-key=sk-secret-value\n",
        "app/pom.xml": """
            <project><dependencies><dependency>
              <groupId>org.springframework.ai</groupId>
              <artifactId>spring-ai-starter-model-openai</artifactId>
            </dependency></dependencies></project>
        """,
    })
    assert {(u.path, u.provider) for u in report.usages} == {
        ("app/src/main/resources/application.properties", "openai"), ("app/pom.xml", "openai")}
    assert all("secret" not in u.evidence for u in report.usages)


def test_spring_placeholders_name_the_variable_and_keep_their_url_default(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "application.properties": "spring.ai.openai.base-url=${LLM_URL}\n",
        "application-eu.properties": "spring.ai.openai.base-url=${LLM_URL:https://api.mistral.ai}\n",
    })
    by_path = {u.path: u for u in report.usages}
    assert by_path["application.properties"].provider is None
    assert by_path["application.properties"].endpoint_env == "LLM_URL"
    assert by_path["application-eu.properties"].provider == "mistral"
    assert "(profile eu)" in by_path["application-eu.properties"].evidence


def test_spring_yaml_profiles_and_region(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "config/application.yml": """
            spring:
              ai:
                vertex:
                  ai:
                    gemini:
                      project-id: ville
                      location: europe-west9
            ---
            spring:
              config:
                activate:
                  on-profile: local
              ai:
                ollama:
                  base-url: http://ollama.internal:11434
                  chat:
                    options:
                      model: mistral
        """,
    })
    usages = {(u.line, u.provider, u.region) for u in report.usages}
    assert (7, "google-vertex", "europe-west9") in usages
    assert (15, "ollama", None) in usages
    assert any("(profile local)" in u.evidence for u in report.usages if u.provider == "ollama")


def test_spring_near_misses(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "application.properties": """
            spring.application.name=mistral-gateway
            openai.docs=see the wiki
            spring.ai.openai.chat.options.temperature=0.2
        """,
        "application.yml": "spring:\n  application:\n    name: anthropic-bridge\n",
    })
    assert report.usages == ()


def test_properties_with_binary_junk_gives_a_notice(tmp_path: Path) -> None:
    junk = bytes(range(1, 32)) * 20 + b"\nspring.ai.anthropic.api-key=${ANTHROPIC_API_KEY}\n" + b"\xff\xfe\x01\x02"
    report = scan_tree(tmp_path, {"application.properties": junk})
    assert [u.provider for u in report.usages] == ["anthropic"]
    assert any("control characters" in n.reason for n in report.notices)


def test_dotnet_sections(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "Api/appsettings.json": """
            {
              "SemanticKernel": {
                "OpenAI": { "ApiKey": "", "ModelId": "gpt-4o-mini" }
              },
              "Mistral:Note": "mistral is our favourite wind",
              "AzureOpenAI:Endpoint": "https://ville.openai.azure.com/"
            }
        """,
        "Api/Properties/launchSettings.json": """
            {"profiles": {"Api": {"environmentVariables": {"MISTRAL_API_KEY": ""}}}}
        """,
        "web/i18n.json": '{"OpenAI": {"title": "Open AI"}}',
    })
    assert {(u.path, u.line, u.provider) for u in report.usages} == {
        ("Api/appsettings.json", 3, "openai"), ("Api/appsettings.json", 6, "azure-openai"),
        ("Api/Properties/launchSettings.json", 1, "mistral")}
    assert [u.model for u in report.usages if u.provider == "openai"] == ["gpt-4o-mini"]


HELM_DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {{ include "guichet.fullname" . }}
      labels:
        {{- include "guichet.labels" . | nindent 4 }}
    spec:
      template:
        spec:
          containers:
            - name: api
              image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
              env:
                - name: OPENAI_BASE_URL
                  value: https://api.mistral.ai/v1
                - name: MISTRAL_API_KEY
                  valueFrom:
                    secretKeyRef:
                      name: {{ .Release.Name }}-llm
                      key: api-key
                - name: LLM_URL
                  value: {{ .Values.llm.url | quote }}
                {{- range $name, $value := .Values.extraEnv }}
                - name: {{ $name }}
                  value: {{ $value | quote }}
                {{- end }}
              {{- with .Values.resources }}
              resources:
                {{- toYaml . | nindent 12 }}
              {{- end }}
"""


def test_helm_templates_read_with_template_actions_as_unresolved_values(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "chart/Chart.yaml": "apiVersion: v2\nname: guichet\nversion: 0.1.0\n",
        "chart/values.yaml": """
            llm:
              url: https://api.anthropic.com
            extraEnv:
              OLLAMA_HOST: http://localhost:11434
        """,
        "chart/templates/deployment.yaml": HELM_DEPLOYMENT,
    })
    assert {(u.path, u.line, u.provider) for u in report.usages} == {
        ("chart/values.yaml", 2, "anthropic"), ("chart/values.yaml", 4, "ollama"),
        ("chart/templates/deployment.yaml", 15, "mistral"), ("chart/templates/deployment.yaml", 16, "mistral")}
    assert report.notices == ()


def test_a_template_that_is_still_not_yaml_is_scanned_line_by_line(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"templates/cm.yaml": "data:\n  a: [\n  MISTRAL_API_KEY: {{ .Values.k }}\n"})
    assert [(u.line, u.provider) for u in report.usages] == [(3, "mistral")]
    assert [n.reason.startswith("not valid YAML") for n in report.notices] == [True]


def test_kustomize_generators(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "overlays/prod/kustomization.yaml": """
            resources:
              - ../../base
            configMapGenerator:
              - name: llm
                literals:
                  - OPENAI_BASE_URL=https://api.scaleway.ai/v1
                  - LOG_LEVEL=info
        """,
    })
    assert [(u.line, u.provider) for u in report.usages] == [(6, "scaleway")]


def test_spring_models_are_checked_for_moving_aliases(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "application.properties": "spring.ai.ollama.chat.options.model=llama3.2:latest\n"
                                  "spring.ai.mistralai.chat.options.model=mistral-large-latest\n",
    })
    assert sorted(f.line for f in report.findings if f.rule == "CDR106") == [1, 2]
    assert {u.model for u in report.usages} == {"llama3.2:latest", "mistral-large-latest"}


def test_spring_relaxed_binding_in_environment_variables(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "docker-compose.yml": """
            services:
              api:
                environment:
                  SPRING_AI_OPENAI_BASE_URL: https://api.mistral.ai
                  SPRING_AI_AZURE_OPENAI_API_KEY: ${AZ_KEY}
                  SPRING_AI_OPENAI_CHAT_OPTIONS_TEMPERATURE: "0.2"
                  SPRING_APPLICATION_NAME: openai-gateway
        """,
    })
    assert [(u.line, u.provider, u.sdk) for u in report.usages] == [(4, "mistral", "openai"),
                                                                    (5, "azure-openai", "azure-openai")]


def test_spring_profiles_inherit_the_default_endpoint(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "src/main/resources/application.yml": "spring:\n  ai:\n    openai:\n      base-url: https://api.mistral.ai\n",
        "src/main/resources/application-prod.properties": "spring.ai.openai.api-key=${LLM_KEY}\n",
        "config/application.properties": """
            spring.ai.anthropic.base-url=https://api.anthropic.com
            #---
            spring.config.activate.on-profile=local
            spring.ai.anthropic.api-key=${KEY}
            #---
            spring.config.activate.on-profile=eu
            spring.ai.anthropic.base-url=http://localhost:11434
            spring.ai.anthropic.api-key=${KEY}
        """,
    })
    assert [(u.path, u.line, u.provider) for u in report.usages] == [
        ("config/application.properties", 1, "anthropic"), ("config/application.properties", 4, "anthropic"),
        ("config/application.properties", 7, "ollama"), ("config/application.properties", 8, "ollama"),
        ("src/main/resources/application-prod.properties", 1, "mistral"),
        ("src/main/resources/application.yml", 4, "mistral")]


def test_only_the_openai_starter_is_made_unknown_by_an_unknown_endpoint(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "application.properties": """
            spring.ai.openai.base-url=https://llm.intranet.example/v1
            spring.ai.azure.openai.endpoint=https://apim-ville.azure-api.net/
            spring.ai.anthropic.base-url=${ANTHROPIC_PROXY}
        """,
        "appsettings.json": '{"AzureOpenAI": {"Endpoint": "${AZURE_OPENAI_ENDPOINT}", "Deployment": "gpt-4o"}}',
    })
    assert [(u.path, u.line, u.provider) for u in report.usages] == [
        ("application.properties", 1, None), ("application.properties", 2, "azure-openai"),
        ("application.properties", 3, "anthropic"), ("appsettings.json", 1, "azure-openai")]
