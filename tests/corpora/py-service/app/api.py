from fastapi import FastAPI

from app.chat import answer

app = FastAPI()


@app.post("/ask")
def ask(question: str) -> dict[str, str]:
    return {"answer": answer(question)}
