"""Generate the docsite guides (docs/docsite/rst/*.rst) from the Markdown guides (docs/*.md).

The Markdown files are the one source of truth: they read well on GitHub and in the
checkout. The docsite (antsibull-docs, Galaxy / Automation Hub) needs reStructuredText with
``ansible_collections.avepoint.graph.docsite.<name>`` labels, so this script converts each
``docs/<name>.md`` with pandoc (from the pypandoc-binary wheel) and rewrites links:

- to another guide (``lookup.md``, ``lookup.md#section``): a ``:ref:`` to that guide's label;
- to any other file of the repository (``../roles/...``): an absolute link into the repository
  (``repository`` of galaxy.yml), because the docsite does not hold those files.

Usage:
  python scripts/docsite_rst.py            write docs/docsite/rst/*.rst (``make docsite-rst``)
  python scripts/docsite_rst.py --check    exit 1 if a committed .rst differs from what the Markdown
                                           gives, or if extra-docs.yml does not list every guide
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO / "docs"
RST_DIR = REPO / "docs" / "docsite" / "rst"
EXTRA_DOCS = REPO / "docs" / "docsite" / "extra-docs.yml"
LABEL_PREFIX = "ansible_collections.avepoint.graph.docsite."
COLUMNS = "100"


def label_for(stem: str) -> str:
    """The docsite label of the guide docs/<stem>.md."""
    return LABEL_PREFIX + re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")


def repository_url() -> str:
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))
    return str(galaxy["repository"]).rstrip("/")


def pandoc_path() -> str:
    import pypandoc  # pylint: disable=import-outside-toplevel  # only in the tools virtualenv

    return pypandoc.get_pandoc_path()


def pandoc(args: list[str], text: str) -> str:
    proc = subprocess.run([pandoc_path(), *args], input=text, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit("docsite_rst: pandoc %s failed:\n%s" % (" ".join(args), proc.stderr))
    return proc.stdout


def plain_text(inlines: list[dict[str, Any]]) -> str:
    """The visible text of a list of pandoc inlines (link text)."""
    parts = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind == "Code":
            parts.append(content[1])
        elif isinstance(content, list):
            parts.append(plain_text([c for c in content if isinstance(c, dict) and "t" in c]))
    return "".join(parts)


class LinkRewriter:
    """Rewrites the link targets of one guide (see the module docstring)."""

    def __init__(self, source: Path, guides: set[str], repo_url: str) -> None:
        self.source = source
        self.guides = guides
        self.repo_url = repo_url

    def target(self, url: str) -> tuple[str, str]:
        """('ref', label) for a guide, ('url', url) for anything else."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", url) or url.startswith("#"):
            return "url", url
        path, _sep, anchor = url.partition("#")
        resolved = posixpath.normpath(posixpath.join(self.source.parent.relative_to(REPO).as_posix(), path))
        if resolved.startswith("../"):
            raise SystemExit("docsite_rst: %s links outside the repository: %s" % (self.source.relative_to(REPO), url))
        stem = posixpath.splitext(posixpath.basename(resolved))[0]
        if posixpath.dirname(resolved) == "docs" and resolved.endswith(".md") and stem in self.guides:
            return "ref", label_for(stem)
        kind = "tree" if (REPO / resolved).is_dir() else "blob"
        return "url", "%s/%s/main/%s%s" % (self.repo_url, kind, resolved, "#" + anchor if anchor else "")

    def walk(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if node.get("t") == "CodeBlock" and not node["c"][0][1]:
            # a fence without a language is plain text (the docsite would highlight it as YAML)
            (ident, _classes, pairs), code = node["c"]
            return {"t": "CodeBlock", "c": [[ident, ["text"], pairs], code]}
        if node.get("t") == "Link":
            attr, inlines, (url, title) = node["c"]
            kind, value = self.target(url)
            if kind == "ref":
                text = plain_text(inlines).replace("<", "\\<").replace("`", "")
                return {"t": "RawInline", "c": ["rst", ":ref:`%s <%s>`" % (text, value)]}
            return {"t": "Link", "c": [attr, self.walk(inlines), [value, title]]}
        return {key: self.walk(value) for key, value in node.items()}


def render(source: Path, guides: set[str], repo_url: str) -> str:
    """The docsite page for one Markdown guide."""
    # no automatic heading IDs: the docsite only accepts labels with the collection's prefix
    ast = json.loads(pandoc(["--from", "gfm-gfm_auto_identifiers", "--to", "json"], source.read_text(encoding="utf-8")))
    ast["blocks"] = LinkRewriter(source, guides, repo_url).walk(ast["blocks"])
    body = pandoc(["--from", "json", "--to", "rst", "--columns", COLUMNS, "--wrap", "auto"], json.dumps(ast))
    header = (
        "..\n"
        "  Generated from docs/%s by scripts/docsite_rst.py (make docsite-rst).\n"
        "  Edit the Markdown file, not this one.\n"
        "\n"
        ".. _%s:\n\n" % (source.name, label_for(source.stem))
    )
    return header + body.rstrip() + "\n"


def listed_pages() -> set[str]:
    """Every page (file name without .rst) named in a toctree of extra-docs.yml."""
    data = yaml.safe_load(EXTRA_DOCS.read_text(encoding="utf-8")) or {}
    pages = set()
    for section in data.get("sections") or []:
        for entry in section.get("toctree") or []:
            pages.add(entry["ref"] if isinstance(entry, dict) else entry)
    return pages


def main(argv: list[str]) -> int:
    check = "--check" in argv
    sources = sorted(SOURCE_DIR.glob("*.md"))
    guides = {path.stem for path in sources}
    repo_url = repository_url()
    wanted = {RST_DIR / (path.stem + ".rst"): render(path, guides, repo_url) for path in sources}
    present = set(RST_DIR.glob("*.rst")) if RST_DIR.is_dir() else set()
    problems = []
    if check:
        for path, text in sorted(wanted.items()):
            if not path.exists():
                problems.append("%s is missing" % path.relative_to(REPO))
            elif path.read_text(encoding="utf-8") != text:
                problems.append("%s is out of date" % path.relative_to(REPO))
        for path in sorted(present - set(wanted)):
            problems.append("%s has no docs/%s.md" % (path.relative_to(REPO), path.stem))
    else:
        RST_DIR.mkdir(parents=True, exist_ok=True)
        for path in present - set(wanted):
            path.unlink()
        for path, text in wanted.items():
            path.write_text(text, encoding="utf-8")
        print("docsite_rst: wrote %d guides to %s" % (len(wanted), RST_DIR.relative_to(REPO)))
    unlisted = sorted({path.stem for path in sources} - listed_pages())
    problems += ["%s.rst is not in a toctree of %s" % (page, EXTRA_DOCS.relative_to(REPO)) for page in unlisted]
    for problem in problems:
        print("docsite_rst: %s" % problem, file=sys.stderr)
    if problems and check:
        print("docsite_rst: run 'make docsite-rst' to regenerate docs/docsite/rst from docs/*.md", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
