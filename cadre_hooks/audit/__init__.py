"""Estate audits: `cadre audit SOURCE... --out DIR` scans many repositories (local folders, git URLs,
lists of sources, GitLab groups and GitHub organisations) under the organisation's policy and
writes an inventory, an AI bill of materials per repository and for the estate, from which
`cadre report` renders the yearly public report.

| module | job |
|---|---|
| `sources.py` | a command-line source → the repositories it names (`Target`) |
| `forges.py` | GitHub organisations and GitLab groups, listed through their REST APIs |
| `gitrepo.py` | clones kept in a cache, the commit to audit, snapshots of a commit, first appearances |
| `policy.py` | the organisation's policy, and what a repository's own settings may still change |
| `audit_one.py` | one repository: snapshot, scan, record |
| `runner.py` | the repositories in parallel, each under a time limit, resumable, sharded |
| `inventory.py` | the records → `inventory.json` (versioned, schema in docs/), merging shards |
| `bom.py` | CycloneDX 1.6 AI bills of materials |
| `publish.py` | the yearly public report (Markdown and self-contained HTML, French or English) |
"""

from __future__ import annotations

INVENTORY_FORMAT = "cadre-inventory"
INVENTORY_VERSION = 1
