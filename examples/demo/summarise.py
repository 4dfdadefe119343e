"""Meeting-minutes summaries for the city's agents.

We compared OpenAI and Mistral before choosing (see https://platform.openai.com/docs):
this docstring is a mention, not a usage.
"""

import os

from openai import OpenAI

# Sovereign provider through the OpenAI protocol: the data goes to Mistral AI (Paris).
mistral = OpenAI(api_key=os.environ.get("MISTRAL_API_KEY", ""), base_url="https://api.mistral.ai/v1")

# The French state's Albert API, read from the environment with a literal default.
albert = OpenAI(base_url=os.environ.get("ALBERT_BASE_URL", "https://albert.api.etalab.gouv.fr/v1"))


def summarise(text: str) -> str:
    out = mistral.chat.completions.create(model="mistral-small-2409", messages=[{"role": "user", "content": text}])
    return out.choices[0].message.content or ""
