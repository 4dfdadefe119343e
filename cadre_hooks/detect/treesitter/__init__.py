"""One tree-sitter engine for the source languages described by data (rules/languages/*.toml):
a front end per language turns the tree into one intermediate form (facts.py), and one core
(engine.py) finds in it the SDKs, clients, endpoints, calls and environment reads."""
