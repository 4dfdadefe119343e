"""A pipeline step that only shares words with LangChain: invoke, stream, embed_documents."""


class Step:
    def invoke(self, value):
        return value

    def stream(self, value):
        yield value


step = Step()
result = step.invoke("x")  # not a model: our own class
