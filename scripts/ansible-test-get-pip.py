"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip into each sanity-test virtual environment by running
``~/.ansible/test/cache/get_pip_<version>.py`` (downloaded from Ansible's CI file host,
which this project cannot reach). scripts/sanity.sh copies this file there, under a
private HOME, so the bootstrap uses the interpreter's bundled pip (ensurepip) and then
installs the exact pip version ansible-test asked for from the configured package index.

It is called as: python get_pip_X_Y.py [pip options] pip==X.Y [--no-setuptools] [--no-wheel]
"""

from __future__ import annotations

import subprocess
import sys


def main() -> None:
    """Bootstrap pip into the running interpreter's environment."""
    args = sys.argv[1:]
    no_setuptools = '--no-setuptools' in args
    no_wheel = '--no-wheel' in args
    packages = [a for a in args if a not in ('--no-setuptools', '--no-wheel')]

    quiet = ['--quiet', '--disable-pip-version-check', '--no-input']
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + quiet + packages)

    unwanted = []
    if no_setuptools:
        unwanted.append('setuptools')
    if no_wheel:
        unwanted.append('wheel')
    if unwanted:
        # ensurepip may have installed them; ignore "not installed" warnings
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '-y'] + quiet + unwanted,
                        stderr=subprocess.DEVNULL)


if __name__ == '__main__':
    main()
