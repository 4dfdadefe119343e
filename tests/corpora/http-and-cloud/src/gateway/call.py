from gateway.session import BASE, session


def chat(messages):
    return session.post(f"{BASE}/chat/completions", json={"model": "mistral-small-latest", "messages": messages})
