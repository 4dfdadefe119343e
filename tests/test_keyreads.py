"""Credentials and settings read in Python code: a provider's variable is a `config` usage of that
provider; any other variable is not; a key passed to a client belongs to that client."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import scan_tree


def usages(tmp_path: Path, code: str, files: dict[str, str] | None = None) -> list[tuple[int, str, str | None]]:
    report = scan_tree(tmp_path, {"app.py": code, **(files or {})})
    return [(u.line, u.kind, u.provider) for u in report.usages if u.path == "app.py"]


CASES = [
    ("os.environ subscript", "import os\nK = os.environ['OPENAI_API_KEY']\n", [(2, "config", "openai")]),
    ("os.getenv with empty default", "import os\nK = os.getenv('MISTRAL_API_KEY', '')\n", [(2, "config", "mistral")]),
    ("os.environ.get", "import os\nK = os.environ.get('ANTHROPIC_API_KEY')\n", [(2, "config", "anthropic")]),
    ("from os import environ", "from os import environ\nK = environ.get('GROQ_API_KEY')\n", [(2, "config", "groq")]),
    ("from os import getenv as ge", "from os import getenv as ge\nK = ge('ALBERT_API_KEY')\n", [(2, "config", "albert")]),
    ("variable name in a constant", "import os\nVAR = 'COHERE_API_KEY'\nK = os.environ[VAR]\n",
     [(3, "config", "cohere")]),
    ("inside a function", "import os\n\ndef key():\n    return os.environ['XAI_API_KEY']\n", [(4, "config", "xai")]),
    ("python-decouple", "from decouple import config\nK = config('OPENAI_API_KEY')\n", [(2, "config", "openai")]),
    ("django-environ", "import environ\nenv = environ.Env()\nK = env('MISTRAL_API_KEY')\nU = env.str('OPENAI_API_KEY')\n",
     [(3, "config", "mistral"), (4, "config", "openai")]),
    ("endpoint variable with a local default", "import os\nU = os.getenv('OPENAI_BASE_URL', 'http://localhost:8000/v1')\n",
     [(2, "config", "self-hosted")]),
    ("endpoint variable with an AI default: the URL decides",
     "import os\nU = os.getenv('OPENAI_BASE_URL', 'https://api.mistral.ai/v1')\n", [(2, "endpoint", "mistral")]),
    # --- near misses: other variables, writes, names that only look like a provider's
    ("other variables", "import os\nD = os.environ['DATABASE_URL']\nP = int(os.environ.get('GEMINI_PROTOCOL_PORT', '1965'))\n",
     []),
    ("a variable named after a provider", "import os\nopenai_model_name = os.getenv('MODEL_NAME', 'gpt')\n", []),
    ("writing the variable is not reading it", "import os\nos.environ['OPENAI_API_KEY'] = 'test'\n", []),
    ("a string that is not read from the environment", "NAMES = ['OPENAI_API_KEY']\nprint('OPENAI_API_KEY')\n", []),
    ("a look-alike lower-case variable", "import os\nK = os.environ['openai_api_key']\n", []),
    ("not os.environ", "import mymod\nK = mymod.environ['OPENAI_API_KEY']\nJ = mymod.getenv('OPENAI_API_KEY')\n", []),
]


@pytest.mark.parametrize(("code", "expected"), [pytest.param(c, e, id=i) for i, c, e in CASES])
def test_key_reads(tmp_path: Path, code: str, expected: list[tuple[int, str, str | None]]) -> None:
    assert usages(tmp_path, code) == expected


def test_key_passed_to_a_client_belongs_to_the_client(tmp_path: Path) -> None:
    code = ("import os\nfrom openai import OpenAI\nMISTRAL = 'https://api.mistral.ai/v1'\n"
            "a = OpenAI(base_url=MISTRAL, api_key=os.environ['MISTRAL_API_KEY'])\n"
            "b = OpenAI(base_url=MISTRAL, api_key=os.environ['OPENAI_API_KEY'])\n"
            "key = os.getenv('OPENAI_API_KEY')\n"
            "c = OpenAI(base_url=MISTRAL, api_key=key)\n")
    assert usages(tmp_path, code) == [(4, "client", "mistral"), (5, "client", "mistral"), (7, "client", "mistral")]


def test_key_for_another_call_is_still_a_usage(tmp_path: Path) -> None:
    code = ("import os\nimport requests\n"
            "r = requests.post('https://intranet.example.org/x', headers={'k': os.environ['OPENAI_API_KEY']})\n")
    assert usages(tmp_path, code) == [(3, "config", "openai")]


def test_endpoint_mapping_names_the_provider_behind_a_variable(tmp_path: Path) -> None:
    code = "import os\nU = os.environ['OPENAI_BASE_URL']\n"
    found = usages(tmp_path, code, {".cadre.toml": "[endpoints]\nOPENAI_BASE_URL = 'albert'\n"})
    assert found == [(2, "config", "albert")]


SETTINGS = [
    ("field named after the variable", "from pydantic_settings import BaseSettings\n\n"
     "class S(BaseSettings):\n    openai_api_key: str = ''\n    openai_model_name: str = 'x'\n", [(4, "config", "openai")]),
    ("env_prefix", "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n"
     "class S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='MISTRAL_')\n    api_key: str\n"
     "    url: str\n", [(5, "config", "mistral")]),
    ("alias and validation_alias", "from pydantic import AliasChoices, Field\nfrom pydantic_settings import BaseSettings\n\n"
     "class S(BaseSettings):\n    key: str = Field(alias='ANTHROPIC_API_KEY')\n"
     "    other: str = Field(validation_alias=AliasChoices('X_KEY', 'GROQ_API_KEY'))\n",
     [(5, "config", "anthropic"), (6, "config", "groq")]),
    ("pydantic 1 Config and env=", "from pydantic import BaseSettings, Field\n\n"
     "class S(BaseSettings):\n    token: str = Field(..., env='COHERE_API_KEY')\n    api_key: str\n\n"
     "    class Config:\n        env_prefix = 'OPENAI_'\n", [(4, "config", "cohere"), (5, "config", "openai")]),
    ("a subclass inherits the prefix", "from pydantic_settings import BaseSettings\n\n"
     "class Base(BaseSettings):\n    model_config = {'env_prefix': 'MISTRAL_'}\n\nclass S(Base):\n    api_key: str\n",
     [(7, "config", "mistral")]),
    # near misses
    ("a plain model is not settings", "from pydantic import BaseModel\n\nclass S(BaseModel):\n    openai_api_key: str\n", []),
    ("a field that is no provider's variable", "from pydantic_settings import BaseSettings\n\n"
     "class S(BaseSettings):\n    mistral_url: str = ''\n    gemini_protocol_port: int = 1965\n", []),
    ("case-sensitive settings", "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n"
     "class S(BaseSettings):\n    model_config = SettingsConfigDict(case_sensitive=True)\n    openai_api_key: str\n", []),
]


@pytest.mark.parametrize(("code", "expected"), [pytest.param(c, e, id=i) for i, c, e in SETTINGS])
def test_settings_fields(tmp_path: Path, code: str, expected: list[tuple[int, str, str | None]]) -> None:
    assert usages(tmp_path, code) == expected
