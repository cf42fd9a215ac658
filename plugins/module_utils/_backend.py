# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seam between the API client and the backend of one AvePoint API.

A backend turns customer requests into API calls; it sees the client only through
:class:`BackendClient`, so it can be tested against any object with these members.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Protocol, Sequence, TypeVar

from ._options import ConnectionSettings

Item = TypeVar("Item")
Result = TypeVar("Result")


class BackendClient(Protocol):
    """What a backend needs from the client."""

    settings: ConnectionSettings

    def warn(self, message: str) -> None:
        """Show a warning to the user."""

    def call(self, method: str, path_or_url: str, *, what: str, params: Optional[Mapping[str, Any]] = None,
             json_body: Any = None, headers: Optional[Mapping[str, str]] = None) -> Any:
        """An authenticated call returning the decoded JSON body of a 2xx response; ``what`` names it in errors."""

    def map_ids(self, work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
        """``work`` for each item, concurrently and bounded; results in the order of ``items``."""


class Backend(Protocol):
    """The customer endpoints of one API."""

    def fetch_ids(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Facts of the customers found, by lowercase ID; unknown IDs are left out."""

    def fetch_all(self) -> list[dict[str, Any]]:
        """Every customer the app registration can see."""


BackendFactory = Callable[[BackendClient], Backend]
