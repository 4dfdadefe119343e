"""The clients, built once and shared."""
from openai import OpenAI

from app.settings import settings

client = OpenAI(base_url=settings.llm_base_url, api_key=settings.mistral_api_key)


def make_client() -> OpenAI:
    return OpenAI()
