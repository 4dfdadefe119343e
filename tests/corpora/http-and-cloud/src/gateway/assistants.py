from litellm.assistants.main import get_assistants


def list_assistants(api_base=None):
    api_base = api_base or "https://api.openai.com/v1"
    return get_assistants(custom_llm_provider="openai", api_base=api_base)
