from openai import OpenAI

client = OpenAI()


def uploaded():
    return client.files.with_raw_response.list()


class Batches:
    def __init__(self, client: OpenAI) -> None:
        self.client = client

    def submit(self, name):
        return self.client.batches.create(input_file_id=name, endpoint="/v1/chat/completions", completion_window="24h")
