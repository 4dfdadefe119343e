"""AI_USAGE.md, the transparency file of charter commitment 6: a declaration (YAML front matter
and Markdown sections) of what AI the project uses, kept true by comparing it with the scan.

The comparison (`checks.run`) is run by the check cadre_hooks/checks/ai_usage.py on a scan of a
whole repository, never on a pre-commit call for a few files; its modules (and PyYAML) load only
then. `cadre init` writes the file from a template (template.py).
"""
