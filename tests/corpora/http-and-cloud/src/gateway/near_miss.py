import requests

# A health check and a doc link: no AI traffic.
HEALTH = "http://127.0.0.1:9200/_cluster/health"
DOCS = "https://docs.aws.amazon.com/bedrock/latest/userguide/what-is-bedrock.html"


def ping() -> int:
    return requests.get(HEALTH).status_code
