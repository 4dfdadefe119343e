from .models import embeddings


def vectors(texts: list[str]) -> list[list[float]]:
    return embeddings.embed_documents(texts)
