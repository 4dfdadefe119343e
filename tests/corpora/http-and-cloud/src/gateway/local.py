import httpx

OLLAMA = "http://localhost:11434/api/generate"


def generate(prompt: str) -> str:
    return httpx.post(OLLAMA, json={"model": "llama3", "prompt": prompt}).json()["response"]
