import requests

BASE = "https://api.mistral.ai/v1"
session = requests.Session()
session.headers["Authorization"] = "Bearer token"


def make_session() -> requests.Session:
    return requests.Session()

CHAT_URL = BASE + "/chat/completions"
