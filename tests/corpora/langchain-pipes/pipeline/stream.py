from pipeline.models import llm


def tokens(question):
    for chunk in llm.stream(question):
        yield chunk.content


def once(question):
    return llm.invoke(question).content
