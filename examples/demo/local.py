import requests


def draft(prompt: str) -> str:
    # A model on the city's own server: local, approved by default.
    r = requests.post("http://localhost:11434/api/generate", json={"model": "llama3.1:8b-instruct-q4_0", "prompt": prompt})
    return r.json()["response"]
