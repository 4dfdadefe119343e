import anthropic

client = anthropic.Anthropic()  # a US provider the policy does not approve: CDR101


def translate(text: str) -> str:
    reply = client.messages.create(model="claude-3-5-sonnet-latest", max_tokens=512,
                                   messages=[{"role": "user", "content": f"Translate to French: {text}"}])
    return reply.content[0].text
