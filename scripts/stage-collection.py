#!/usr/bin/env python3
"""Copy the collection's source files into <dest>/ansible_collections/avepoint/graph.

ansible-test only works on a collection that lives at a path ending in
``ansible_collections/<namespace>/<name>``; the git checkout does not, so it is staged.

Files taken: ``git ls-files -co --exclude-standard`` (tracked plus untracked-but-not-ignored)
when the repository is a git work tree, otherwise every file that .gitignore-like
defaults would keep. Then every path matching a ``build_ignore`` pattern of galaxy.yml is
dropped, so the staged tree is what ``ansible-galaxy collection build`` would ship (plus
galaxy.yml itself, which ansible-test reads).

Usage: scripts/stage-collection.py <dest-dir> [--print]
Prints the collection path on stdout.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# used when the tree is not a git work tree (e.g. an unpacked archive)
FALLBACK_SKIP_DIRS = {'.git', '.build', '.pytest_cache', '__pycache__', '.tox', '.cache'}


def read_galaxy() -> dict:
    """Return galaxy.yml as a dict (PyYAML when available, else a tiny line parser)."""
    path = os.path.join(REPO, 'galaxy.yml')
    try:
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError:
        yaml = None
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    if yaml is not None:
        return yaml.safe_load(text) or {}
    # minimal fallback: top-level scalars and the build_ignore list
    data: dict = {}
    current = None
    for raw in text.splitlines():
        line = raw.split(' #', 1)[0].rstrip()
        if not line or line.lstrip().startswith('#') or line == '---':
            continue
        if not line.startswith(' ') and ':' in line:
            key, _, value = line.partition(':')
            value = value.strip().strip('\'"')
            data[key] = value if value else []
            current = key
        elif line.lstrip().startswith('- ') and current is not None and isinstance(data[current], list):
            data[current].append(line.lstrip()[2:].strip().strip('\'"'))
    return data


def list_files() -> list[str]:
    """Return repository-relative paths of the files that belong to the source tree."""
    try:
        out = subprocess.run(
            ['git', '-C', REPO, 'ls-files', '-z', '-co', '--exclude-standard'],
            check=True, capture_output=True,
        ).stdout
        files = [p.decode('utf-8', 'surrogateescape') for p in out.split(b'\0') if p]
        # deleted-but-tracked files are listed by ls-files -c but are gone from disk
        return sorted(p for p in files if os.path.lexists(os.path.join(REPO, p)))
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for root, dirs, names in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in FALLBACK_SKIP_DIRS and not d.startswith('.venv')]
        for name in names:
            files.append(os.path.relpath(os.path.join(root, name), REPO))
    return sorted(files)


def ignored(path: str, patterns: list[str]) -> bool:
    """Mimic ansible-galaxy build_ignore: a file is ignored when it or any parent dir matches."""
    parts = path.split('/')
    for i in range(1, len(parts) + 1):
        candidate = '/'.join(parts[:i])
        if any(fnmatch.fnmatch(candidate, pattern) for pattern in patterns):
            return True
    return False


def main() -> int:
    """Stage the collection."""
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    galaxy = read_galaxy()
    namespace, name = galaxy['namespace'], galaxy['name']
    patterns = [str(p) for p in galaxy.get('build_ignore') or []]
    dest = os.path.join(os.path.abspath(args[0]), 'ansible_collections', namespace, name)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    count = 0
    for rel in list_files():
        if rel != 'galaxy.yml' and ignored(rel, patterns):
            continue
        src = os.path.join(REPO, rel)
        if os.path.isdir(src) and not os.path.islink(src):
            continue  # a git submodule / nested repo: not supported, skip
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(src, target, follow_symlinks=False)
        count += 1
        if '--print' in sys.argv:
            print(rel, file=sys.stderr)
    print(dest)
    return 0 if count else 1


if __name__ == '__main__':
    sys.exit(main())
