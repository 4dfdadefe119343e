from gateway.session import BASE, session


def embed(texts):
    url = BASE + "/embeddings"
    return session.post(url, json={"input": texts})
