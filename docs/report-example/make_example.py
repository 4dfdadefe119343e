"""Regenerate the example report of the README from a small fictional estate (two years of history).

    python docs/report-example/make_example.py      # needs git, cadre-hooks[audit], and chromium for the PNG

Every repository, service and date here is invented; the audit, the inventories and the report are
cadre's real output on them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

import git

HERE = Path(__file__).resolve().parent
ACTOR = git.Actor("example", "example@example.invalid")
DECLARATION = """\
---
cadre: 1
project: {name}
owner: Direction du numérique
contact: numerique@example.invalid
last_review: 2026-09-15
user_facing: false
providers:
  - id: {provider}
    purpose: {purpose}
    personal_data: false
    hosting: {hosting}
models:
  - {model}
---
# Usage de l'IA

## Finalité et plus-value
{purpose}.

## Interaction avec les usagers
Aucune : l'outil sert les agents.

## Supervision humaine
Chaque résultat est relu par un agent avant usage.

## Données personnelles
Aucune donnée personnelle n'est envoyée.

## Biais et non-discrimination
Pas de décision individuelle fondée sur le modèle.

## Transparence
Ce fichier et le registre des traitements.

## Conditions de travail des agents
Usage facultatif, formation proposée.

## Travail du clic
Pas de recours documenté au micro-travail.

## Souveraineté et maîtrise
Fournisseur et hébergement indiqués ci-dessus ; modèle épinglé.

## Impact environnemental
Petit modèle, quelques centaines de requêtes par mois.

## Réversibilité
Interface standard : un autre modèle peut le remplacer.
"""

MISTRAL = ("from mistralai import Mistral\nclient = Mistral(api_key=KEY)\n"
           "def resume(texte):\n    return client.chat.complete(model='mistral-small-2409', "
           "messages=[{'role': 'user', 'content': texte}])\n")
OLLAMA = "import ollama\n\ndef lire(image):\n    return ollama.chat(model='llama3.2-vision:11b', messages=[])\n"
OPENAI_ROUTE = """\
from fastapi import FastAPI
from openai import OpenAI

app = FastAPI()
client = OpenAI()

@app.post("/question")
def question(texte: str):
    return client.chat.completions.create(model="gpt-4o-2024-08-06", messages=[{"role": "user", "content": texte}])
"""
ANTHROPIC = "import anthropic\n\ndef trier(cv):\n    return anthropic.Anthropic().messages.create(" \
            "model='claude-3-5-sonnet-latest', max_tokens=100, messages=[])\n"
ALBERT = "from openai import OpenAI\nclient = OpenAI(base_url='https://albert.api.etalab.gouv.fr/v1')\n"

ESTATE = {
    "synthese-comptes-rendus": [("2025-03-01", {"app.py": MISTRAL}),
                                ("2026-02-01", {"AI_USAGE.md": DECLARATION.format(
                                    name="Synthèse des comptes rendus", provider="mistral", hosting="eu",
                                    purpose="Résumer les comptes rendus de réunion", model="mistral-small-2409")})],
    "lecture-courrier": [("2025-06-01", {"ocr.py": OLLAMA, "AI_USAGE.md": DECLARATION.format(
        name="Lecture du courrier", provider="ollama", hosting="local", purpose="Lire le courrier numérisé",
        model="llama3.2-vision:11b")})],
    "portail-usagers": [("2024-09-01", {"main.py": "from fastapi import FastAPI\napp = FastAPI()\n"}),
                        ("2026-04-01", {"main.py": OPENAI_ROUTE})],
    "tri-candidatures": [("2025-01-15", {"tri.py": ANTHROPIC})],
    "aide-redaction": [("2025-11-01", {"redaction.py": ALBERT})],
    "site-institutionnel": [("2024-05-01", {"index.py": "print('bienvenue')\n"})],
    "archives-numeriques": [("2023-10-01", {"export.py": "import csv\n"})],
}


def build(base: Path) -> list[Path]:
    paths = []
    for name, steps in ESTATE.items():
        root = base / "ville" / name
        repo = git.Repo.init(root, initial_branch="main")
        for day, files in steps:
            for rel, text in files.items():
                (root / rel).write_text(text, encoding="utf-8")
                repo.index.add([rel])
            when = dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=dt.timezone.utc)
            repo.index.commit("modification", author=ACTOR, committer=ACTOR, author_date=when, commit_date=when)
        paths.append(root)
    return paths


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="cadre-example-"))
    try:
        repos = build(base)
        listing = base / "depots.txt"
        listing.write_text("\n".join(map(str, repos)) + "\n", encoding="utf-8")
        cadre = ["cadre"]
        subprocess.run([*cadre, "audit", str(listing), "--at", "2025-12-31", "--out", str(base / "2025"),
                        "--today", "2026-01-15"], check=False)
        subprocess.run([*cadre, "audit", str(listing), "--at", "2026-11-30", "--since", "2025-01-01",
                        "--out", str(base / "2026"), "--today", "2026-12-01"], check=False)
        for lang, suffix in (("fr", ""), ("en", ".en")):
            out = base / f"report-{lang}"
            subprocess.run([*cadre, "report", str(base / "2026" / "inventory.json"), "--previous",
                            str(base / "2025" / "inventory.json"), "--lang", lang, "--out", str(out)], check=True)
            for ext in ("md", "html"):
                shutil.copy(out / f"report.{ext}", HERE / f"report{suffix}.{ext}")
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser:
            subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                            "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1100,3200",
                            f"--screenshot={HERE / 'report.png'}", (HERE / "report.html").as_uri()],
                           check=True, capture_output=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
