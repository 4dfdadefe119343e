"""Helpers that only mention providers: none of this is a usage.

The OpenAI client is built in app/llm.py (see https://platform.openai.com/docs/api-reference);
we used to call anthropic.Anthropic() here, and client.chat.completions.create(...) too.
"""

# import openai
# client = OpenAI(base_url="https://api.openai.com/v1")
openai_enabled = False
ANTHROPIC_DOCS = "https://docs.anthropic.com/en/api"
mistral = None
model_name = "see the docs"


def invoke(handler, payload):
    """Invoke a handler: `invoke`, `stream` and `generate` are ordinary words."""
    return handler.invoke(payload)


def stream(items):
    for item in items:
        yield item.generate()
