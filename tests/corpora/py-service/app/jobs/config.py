from pydantic_settings.main import BaseSettings


class JobSettings(BaseSettings):
    anthropic_api_key: str = ""
    batch_size: int = 10
