#!/usr/bin/env bash
# Prepare release <x.y.z>: set galaxy.yml's version and release the changelog for it, so that
# galaxy.yml, changelogs/changelog.yaml and CHANGELOG.md agree. Commits and tags nothing.
#
# Usage: scripts/release.sh <x.y.z>          (make release VERSION=x.y.z)
# Environment: VENV (default .venv: antsibull-changelog and ansible-doc).
#
# antsibull-changelog release moves the fragments of changelogs/fragments into
# changelogs/changelog.yaml (and deletes them), lists the plugins, modules and roles that are
# new in this version, and regenerates CHANGELOG.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
version="${1:-}"
VENV="${VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$repo/$VENV" ;; esac
cd "$repo"

fail() { echo "release: FAILED: $*" >&2; exit 1; }
[[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
    || fail "give the version to release as x.y.z, e.g. make release VERSION=1.0.0 (got '${version}')"
if grep -q -E "^  '?${version//./\\.}'?:" changelogs/changelog.yaml; then
    fail "changelogs/changelog.yaml already has a release $version"
fi
current="$(sed -n 's/^version: *//p' galaxy.yml)"
newest="$(printf '%s\n%s\n' "$current" "$version" | sort -V | tail -n 1)"
[[ "$newest" == "$version" ]] || fail "$version is older than galaxy.yml's version $current"

export PATH="$VENV/bin:$PATH" ANSIBLE_NOCOLOR=1
antsibull-changelog lint || fail "antsibull-changelog lint (fix the fragments first)"

sed -i -E "s/^version: .*/version: $version/" galaxy.yml
antsibull-changelog release --version "$version" || fail "antsibull-changelog release --version $version"

grep -q -E "^  '?${version//./\\.}'?:" changelogs/changelog.yaml || fail "changelogs/changelog.yaml has no release $version"
grep -q "v${version}" CHANGELOG.md || fail "CHANGELOG.md has no section for v$version"
[[ "$(sed -n 's/^version: *//p' galaxy.yml)" == "$version" ]] || fail "galaxy.yml's version was not set"
echo "release: galaxy.yml, changelogs/changelog.yaml and CHANGELOG.md are at $version."
echo "release: next: review 'git diff', run 'make test', commit, tag v$version, then 'make build'."
