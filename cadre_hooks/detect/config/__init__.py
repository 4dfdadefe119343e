"""Configuration files: `.env`, YAML, TOML, JSON, INI, Dockerfiles.

Every format is parsed with a real parser (PyYAML, tomllib, json, configparser) that tells keys,
values and comments apart; `entries.decide` then applies one rule to every key/value pair: an AI
endpoint URL decides, else a provider's environment variable name (OPENAI_API_KEY) does.
"""
