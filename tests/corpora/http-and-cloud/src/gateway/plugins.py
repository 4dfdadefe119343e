import importlib
import os

backend = importlib.import_module("cohere")
key = os.environ["ANTHROPIC_API_KEY"]
