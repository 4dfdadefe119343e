"""GitHub organisations and GitLab groups, listed through their REST APIs.

GitHub: `GET /orgs/{org}/repos?type=all&per_page=100`, pages followed through the `Link` header,
token from `GITHUB_TOKEN` (or `GH_TOKEN`) as a bearer token. GitLab: `GET /api/v4/groups/{group}/
projects?include_subgroups=true&per_page=100`, pages through `Link` (or `X-Next-Page`), token
from `GITLAB_TOKEN` (or `CI_JOB_TOKEN`) in `PRIVATE-TOKEN`. Archived and forked repositories are
left out unless asked for. The token is sent only to the API's own host, never written anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from cadre_hooks.audit.sources import ForgeOptions, Target

TIMEOUT = 30  # seconds per request
MAX_PAGES = 1000


class ForgeError(Exception):
    """The forge could not be listed (HTTP error, bad answer, unreachable)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def list_repositories(spec: str, options: ForgeOptions) -> list[Target]:
    kind, _, name = spec.partition(":")
    name = name.strip().strip("/")
    if not name:
        raise ForgeError(f"{spec}: name the {'organisation' if kind == 'github' else 'group'} after '{kind}:'")
    if kind == "github":
        return list(_github(name, spec, options))
    return list(_gitlab(name, spec, options))


def _github(org: str, spec: str, options: ForgeOptions) -> Iterator[Target]:
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    api = options.github_api.rstrip("/")
    owner = quote(org, safe="")
    try:
        items = list(_pages(f"{api}/orgs/{owner}/repos?type=all&per_page=100", headers, spec))
    except ForgeError as err:
        if err.status != 404:
            raise
        # Not an organisation: a user's own repositories (`github:someone`).
        items = list(_pages(f"{api}/users/{owner}/repos?type=owner&per_page=100", headers, spec))
    yield from _targets(items, spec, options, _GITHUB_FIELDS)


def _gitlab(group: str, spec: str, options: ForgeOptions) -> Iterator[Target]:
    token = os.environ.get("GITLAB_TOKEN") or os.environ.get("CI_JOB_TOKEN")
    headers = {"PRIVATE-TOKEN": token} if token else {}
    query = "include_subgroups=true&per_page=100&order_by=id&sort=asc"
    if not options.include_archived:
        query += "&archived=false"
    url = f"{options.gitlab_url.rstrip('/')}/api/v4/groups/{quote(group, safe='')}/projects?{query}"
    yield from _targets(_pages(url, headers, spec), spec, options, _GITLAB_FIELDS)


class _Fields(NamedTuple):
    """Where a forge's repository object keeps what a target needs (the rest is the same)."""

    fork: str
    ssh_url: str
    https_url: str
    name: str


_GITHUB_FIELDS = _Fields(fork="fork", ssh_url="ssh_url", https_url="clone_url", name="full_name")
_GITLAB_FIELDS = _Fields(fork="forked_from_project", ssh_url="ssh_url_to_repo", https_url="http_url_to_repo",
                         name="path_with_namespace")


def _targets(items: Iterable[dict[str, Any]], spec: str, options: ForgeOptions,
             fields: _Fields) -> Iterator[Target]:
    """The repositories of a listing as targets: GitHub and GitLab apply the same choices (archived,
    forks, clone protocol) to differently named fields, so the choices live in one place."""
    for item in items:
        if item.get("archived") and not options.include_archived:
            continue
        if item.get(fields.fork) and not options.include_forks:
            continue
        clone = item.get(fields.ssh_url) if options.protocol == "ssh" else item.get(fields.https_url)
        name = item.get(fields.name)
        if isinstance(clone, str) and isinstance(name, str):
            branch = item.get("default_branch")
            yield Target(name, clone, True, spec, branch if isinstance(branch, str) else None)


def _pages(url: str, headers: dict[str, str], spec: str) -> Iterator[dict[str, Any]]:
    import requests

    host = urlsplit(url).netloc
    session = requests.Session()
    session.headers.update({"User-Agent": "cadre-hooks audit", **headers})
    next_url: str | None = url
    for _ in range(MAX_PAGES):
        if next_url is None:
            return
        if urlsplit(next_url).netloc != host:
            raise ForgeError(f"{spec}: the API sent the next page to another host ({urlsplit(next_url).netloc}); "
                             "refused, so that the token is never sent elsewhere")
        try:
            response = session.get(next_url, timeout=TIMEOUT)
        except requests.exceptions.RequestException as err:
            raise ForgeError(f"{spec}: cannot reach {host}: {type(err).__name__}") from None
        if response.status_code >= 400:
            raise ForgeError(f"{spec}: HTTP {response.status_code} from {host}" + _hint(response.status_code),
                             response.status_code)
        try:
            items = response.json()
        except ValueError:
            raise ForgeError(f"{spec}: {host} did not answer JSON") from None
        if not isinstance(items, list):
            raise ForgeError(f"{spec}: {host} did not answer a list of repositories")
        yield from (item for item in items if isinstance(item, dict))
        next_url = response.links.get("next", {}).get("url")
        if next_url is None and response.headers.get("X-Next-Page"):
            next_url = _with_page(response.url, response.headers["X-Next-Page"])
    raise ForgeError(f"{spec}: more than {MAX_PAGES} pages")


def _with_page(url: str, page: str) -> str:
    from urllib.parse import parse_qsl, urlencode, urlunsplit

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "page"] + [("page", page)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _hint(status: int) -> str:
    if status in (401, 403):
        return " (set GITHUB_TOKEN or GITLAB_TOKEN to a token that can read the repositories)"
    if status == 404:
        return " (no such organisation or group, or it is private and no token was given)"
    return ""
