from app.llm import make_client


class Summariser:
    def __init__(self) -> None:
        self.client = make_client()

    def summarise(self, text: str) -> str:
        out = self.client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
        return out.choices[0].message.content or ""
