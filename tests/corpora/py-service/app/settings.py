"""Configuration read from the environment."""
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    mistral_api_key: str = ""
    llm_base_url: str = "https://api.mistral.ai/v1"
    model: str = "mistral-large-latest"


settings = Settings()
