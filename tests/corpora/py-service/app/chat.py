from app.llm import client
from app.settings import settings


def answer(question: str) -> str:
    reply = client.chat.completions.create(
        model=settings.model,
        messages=[{"role": "user", "content": question}],
    )
    return reply.choices[0].message.content or ""
