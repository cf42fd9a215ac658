"""Copy the checkout into <dest>/ansible_collections/<namespace>/<name> for ansible-test.

ansible-test only works on a collection that lives at a path ending in
``ansible_collections/<namespace>/<name>``; the git checkout does not, so it is staged.
Every file of the checkout is copied, as a collection's own CI would check it out: what
``git ls-files -co --exclude-standard`` lists (tracked files, plus new files that are not
ignored yet so they are checked before the first commit). galaxy.yml's build_ignore is NOT
applied: tests, the simulator, benchmarks and scripts are checked like the plugins.
Outside a git work tree (an unpacked archive) every file is taken except build output.

Usage: python scripts/stage-collection.py <dest-dir> [--print]
Prints the collection path on stdout (--print: also every staged file on stderr).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# used when the tree is not a git work tree (e.g. an unpacked archive)
FALLBACK_SKIP_DIRS = {'.git', '.build', '.pytest_cache', '__pycache__', '.tox', '.cache', 'output'}


def collection_name() -> tuple[str, str]:
    """Return (namespace, name) from galaxy.yml's top-level keys."""
    with open(os.path.join(REPO, 'galaxy.yml'), encoding='utf-8') as handle:
        text = handle.read()
    found = {}
    for key in ('namespace', 'name'):
        match = re.search(r'^%s:\s*[\'"]?([A-Za-z0-9_]+)' % key, text, re.MULTILINE)
        if not match:
            raise SystemExit('stage-collection: galaxy.yml has no %s' % key)
        found[key] = match.group(1)
    return found['namespace'], found['name']


def list_files() -> list[str]:
    """Return repository-relative paths of the files of the checkout."""
    try:
        out = subprocess.run(
            ['git', '-C', REPO, 'ls-files', '-z', '-co', '--exclude-standard'],
            check=True, capture_output=True,
        ).stdout
        files = [p.decode('utf-8', 'surrogateescape') for p in out.split(b'\0') if p]
        # deleted-but-tracked files are listed by ls-files -c but are gone from disk
        return sorted(set(p for p in files if os.path.lexists(os.path.join(REPO, p))))
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for root, dirs, names in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in FALLBACK_SKIP_DIRS and not d.startswith('.venv')]
        for name in names:
            if not name.endswith(('.pyc', '.tar.gz')):
                files.append(os.path.relpath(os.path.join(root, name), REPO))
    return sorted(files)


def main() -> int:
    """Stage the collection."""
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    namespace, name = collection_name()
    dest = os.path.join(os.path.abspath(args[0]), 'ansible_collections', namespace, name)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    count = 0
    for rel in list_files():
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
