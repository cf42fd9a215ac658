#!/usr/bin/env bash
# Make sure a Java 17 runtime is there for ansible-rulebook (its rule engine, drools_jpy, runs in a JVM).
#
# Idempotent: does nothing when `java -version` works. Installs Debian's openjdk-17-jre-headless
# when running as root with apt-get (CI); otherwise says what is missing and fails, since the
# rulebook tests cannot run without it.
set -euo pipefail

if java -version >/dev/null 2>&1; then
    exit 0
fi
if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-java: no Java runtime (java -version fails): install a Java 17 runtime (Debian: openjdk-17-jre-headless)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq openjdk-17-jre-headless >/dev/null
java -version >/dev/null 2>&1 || { echo "ensure-java: openjdk-17-jre-headless installed, but java -version still fails" >&2; exit 1; }
echo "ensure-java: installed $(java -version 2>&1 | head -n 1)"
