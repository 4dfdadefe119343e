"""Which files a scan reads: what git tracks plus untracked files it does not ignore, or a plain
directory walk without git; never `.git`, installed or vendored code, virtual environments, or
cadre's own output; symlinks never followed out of the tree or round a loop."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cadre_hooks.model import Notice

EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "site-packages", "dist-packages", "__pycache__", ".venv", "venv",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "bower_components", "jspm_packages",
    "vendor", "_vendor", "third_party", "third-party", ".eggs", ".cadre-cache", ".ipynb_checkpoints",
})
OWN_FILES = frozenset({".cadre-baseline.json", "cadre.sarif", "cadre-report.json", "gl-code-quality-report.json"})


@dataclass(frozen=True)
class Selection:
    root: Path  # paths are relative to it (git top level, or the scanned directory)
    files: tuple[str, ...]
    notices: tuple[Notice, ...]
    git: bool
    whole_repository: bool
    directories: bool = False  # a folder was scanned (its code and its manifests come together)


def git_toplevel(start: Path) -> Path | None:
    """The git work tree holding `start`, found by walking up (no subprocess needed)."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return None


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """gitignore-like globs: `**` spans folders, `*` stays within one, a bare name matches anywhere."""
    return re.compile(glob_source(pattern))


def glob_source(pattern: str) -> str:
    """The regular expression of `glob_to_regex`, uncompiled (callers joining many globs into one
    expression compile once instead of once per glob: ~0.2 ms each on a pre-commit call)."""
    pat = pattern.strip().lstrip("/")
    anchored = "/" in pattern.strip().rstrip("/")
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pat.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)))
        i += 1
    body = "".join(out).rstrip("/")
    prefix = "" if anchored else "(?:.*/)?"
    return f"{prefix}{body}(?:/.*)?\\Z"


class Excluder:
    def __init__(self, root: Path, patterns: Sequence[str]) -> None:
        self.root = root
        self._root = str(root)
        self.patterns = [glob_to_regex(p) for p in patterns]
        self._dirs: dict[str, bool] = {}

    def _dir_excluded(self, rel_dir: str) -> bool:
        if rel_dir in self._dirs:
            return self._dirs[rel_dir]
        name = rel_dir.rsplit("/", 1)[-1]
        excluded = name in EXCLUDED_DIRS or os.path.isfile(os.path.join(self._root, rel_dir, "pyvenv.cfg"))
        if not excluded and "/" in rel_dir:
            excluded = self._dir_excluded(rel_dir.rsplit("/", 1)[0])
        self._dirs[rel_dir] = excluded
        return excluded

    def excluded(self, rel: str) -> bool:
        folder, slash, name = rel.rpartition("/")
        if name in OWN_FILES:
            return True
        if slash and self._dir_excluded(folder):
            return True
        return bool(self.patterns) and any(p.match(rel) for p in self.patterns)


def _git_files(root: Path) -> list[str] | None:
    """Tracked plus untracked-but-not-ignored files, through gitpython; None when git is unusable."""
    import subprocess  # here, not at the top: ~3 ms that a pre-commit call on named files never needs

    try:
        import git

        repo = git.Repo(root)
        out = repo.git.ls_files("-z", "--cached", "--others", "--exclude-standard")
    except Exception:  # gitpython raises many types (no git binary, broken repo); fall back to a walk
        try:
            out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                                 capture_output=True, text=True, check=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            return None
    return sorted({f for f in out.split("\0") if f})


def _walk(root: Path, start: Path, excluder: Excluder) -> Iterable[str]:
    seen: set[tuple[int, int]] = set()
    root_str = str(root)
    prefix = root_str.rstrip(os.sep) + os.sep
    for dirpath, dirnames, filenames in os.walk(start, followlinks=False):
        try:
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in seen:
                dirnames[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))
        except OSError:
            continue
        if dirpath == root_str:
            rel_dir = ""
        elif os.sep == "/" and dirpath.startswith(prefix):  # plain string work: ~7,000 folders on large trees
            rel_dir = dirpath[len(prefix):]
        else:
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            rel_dir = "" if rel_dir == "." else rel_dir
        keep = []
        for d in sorted(dirnames):
            # (the excluder checks EXCLUDED_DIRS and virtual environments, once per folder)
            if excluder.excluded(f"{rel_dir}/{d}/x" if rel_dir else f"{d}/x"):
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            yield f"{rel_dir}/{name}" if rel_dir else name


def _under(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _absolute(targets: Sequence[str], cwd: Path) -> list[Path]:
    return [Path(os.path.abspath(cwd / t)) for t in (targets or ["."])]


def find_root(targets: Sequence[str], cwd: Path) -> tuple[Path, bool]:
    """The folder paths are reported against: the git top level, else the scanned folder (or cwd)."""
    paths = _absolute(targets, cwd)
    anchor = paths[0] if paths[0].is_dir() else paths[0].parent
    top = git_toplevel(anchor)
    if top is not None:
        return top, True
    return (paths[0] if len(paths) == 1 and paths[0].is_dir() else Path(os.path.abspath(cwd))), False


def _own_cache_prefix(root: Path) -> str | None:
    """`folder/` when cadre's cache directory (CADRE_CACHE_DIR) lies inside the repository: its files
    hold every provider's hosts and must never be scanned as the repository's own."""
    from cadre_hooks.registry.load import cache_dir

    try:
        rel = Path(os.path.abspath(cache_dir())).relative_to(root).as_posix()
    except ValueError:
        return None
    return None if rel == "." else rel + "/"


def _submodules(root: Path) -> list[str]:
    """Paths of the git submodules (gitlinks) recorded in the index of the repository at `root`."""
    if not (root / ".gitmodules").is_file():
        return []
    try:
        import git

        listing = str(git.Repo(root).git.ls_files("-s", "-z"))
    except Exception:
        return []
    found = []
    for record in listing.split("\0"):
        meta, _, path = record.partition("\t")
        if meta.startswith("160000 ") and path:
            found.append(path)
    return found


def _with_submodules(root: Path, files: list[str], include: bool, excluder: Excluder, depth: int = 0) -> tuple[
        list[str], list[Notice]]:
    """The files of a git listing with its submodules expanded (`include`) or named in a notice."""
    modules = set(_submodules(root))
    if not modules:
        return files, []
    kept = [f for f in files if f not in modules]
    notices: list[Notice] = []
    for rel in sorted(modules):
        if excluder.excluded(rel + "/x"):
            continue
        inner = _git_files(root / rel) if (root / rel / ".git").exists() else None
        if not inner:
            notices.append(Notice(rel, "git submodule not checked out; not scanned"))
        elif not include:
            notices.append(Notice(rel, "git submodule; not scanned (set `submodules = true` or pass --submodules "
                                       "to include it)"))
        elif depth >= 8:
            notices.append(Notice(rel, "git submodules nested too deep; not scanned"))
        else:
            inner, deeper = _with_submodules(root / rel, inner, include, Excluder(root / rel, ()), depth + 1)
            kept += [f"{rel}/{f}" for f in inner]
            notices += [Notice(f"{rel}/{n.path}", n.reason) for n in deeper]
    return kept, notices


def select(targets: Sequence[str], cwd: Path, exclude: Sequence[str] = (), submodules: bool = False) -> Selection:
    """Resolve command-line targets (default: the current directory) into repository-relative files;
    git submodules are named in a notice, or scanned too with `submodules`."""
    paths = _absolute(targets, cwd)
    root, in_git = find_root(targets, cwd)
    top = root if in_git else None
    excluder = Excluder(root, exclude)
    notices: list[Notice] = []
    files: list[str] = []
    whole = len(paths) == 1 and paths[0].is_dir() and paths[0] == root
    tracked = _git_files(root) if top is not None and any(p.is_dir() for p in paths) else None
    if tracked is not None:
        tracked, module_notices = _with_submodules(root, tracked, submodules, excluder)
        scanned = [p.relative_to(root).as_posix() for p in paths if p.is_dir() and _under(p, root)]
        notices += [n for n in module_notices  # only the submodules inside the folders scanned
                    if any(d == "." or n.path == d or n.path.startswith(d + "/") for d in scanned)]
    for path in paths:
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            notices.append(Notice(str(path), "outside the repository; not scanned"))
            continue
        rel = "" if rel == "." else rel
        if path.is_dir():
            if tracked is not None:
                prefix = rel + "/" if rel else ""
                files.extend(f for f in tracked if f.startswith(prefix))
            else:
                files.extend(_walk(root, path, excluder))
        elif path.exists() or path.is_symlink():
            files.append(rel)
        else:
            notices.append(Notice(rel or str(path), "no such file; not scanned"))
    own = _own_cache_prefix(root)
    kept = sorted({f for f in files if not excluder.excluded(f) and not (own and f.startswith(own))})
    return Selection(root, tuple(kept), tuple(notices), top is not None, whole, any(p.is_dir() for p in paths))
