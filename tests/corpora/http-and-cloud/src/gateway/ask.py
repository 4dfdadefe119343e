import json

from gateway.bedrock import runtime


def ask(prompt: str) -> str:
    body = json.dumps({"prompt": prompt})
    out = runtime.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=body)
    return out["body"].read().decode()
