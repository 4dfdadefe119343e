from app.llm import client


def new_thread():
    return client.beta.threads.with_raw_response.create()


def raw_answer(messages):
    return client.chat.completions.with_raw_response.create(messages=messages)
