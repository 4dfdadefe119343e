from gateway.session import CHAT_URL, session


def notify(text):
    return session.post(CHAT_URL, json={"messages": [{"role": "user", "content": text}]})
