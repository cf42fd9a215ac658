"""Sizes (module_utils/_sizes.py) as the AvePoint API writes them."""

from __future__ import annotations

import pytest

from ansible_collections.avepoint.graph.plugins.module_utils._sizes import parse_size


@pytest.mark.parametrize("text, size", [
    ("0 GB", 0), ("1.5 GB", 1610612736), ("1 KB", 1024), ("350.5 MB", int(round(350.5 * 1024 ** 2))),
    ("2 TB", 2 * 1024 ** 4), ("1 GiB", 1024 ** 3), ("512 B", 512), ("10 bytes", 10), ("0.01gb", int(round(0.01 * 1024 ** 3))),
])
def test_sizes_are_binary(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["1,5 GB", "1,500 GB", "12", "GB", "1.5 GX", "-1 GB", "", None])
def test_sizes_that_would_be_guesses_are_refused(text):
    with pytest.raises(ValueError):
        parse_size(text)
