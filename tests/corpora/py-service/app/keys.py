import os

from app.settings import settings


def headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {os.environ.get('OPENAI_API_KEY', settings.mistral_api_key)}"}
