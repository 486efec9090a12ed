"""pretix's page-number pagination: the envelope, its links and its 404s."""

import math
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import current_app, request
from werkzeug.datastructures import MultiDict

from sandbox.errors import APIError
from sandbox.site import base_url

INVALID_PAGE = "Invalid page."
# What request.args holds for a request without a query, without parsing one.
NO_ARGS: MultiDict = MultiDict()
LAST_PAGE = "last"
# Past the end of any list, and small enough that its offset fits a database
# integer: larger page numbers are invalid without asking the database.
LARGEST_PAGE = 2**53

Rows = Sequence[dict[str, Any]]
FetchPage = Callable[[int, int], Rows]
Count = Callable[[], int]


def page_size(args: MultiDict) -> int:
    """``page_size`` from the query when it is a positive integer, capped."""
    largest = current_app.config["PAGE_SIZE"]
    # werkzeug's MultiDict raises an HTTP exception for a missing key: look first.
    if "page_size" not in args:
        return largest

    try:
        asked = int(args["page_size"])
    except ValueError:
        return largest

    return min(asked, largest) if asked > 0 else largest


def paginate(fetch: FetchPage, count: Count) -> dict[str, Any]:
    """The envelope for the requested page.

    ``fetch(offset, limit)`` returns the page's rows; ``count()`` the total,
    and it is called only when the page cannot tell: a page that is neither
    empty nor full is the last one, so the total follows from it.

    :raise APIError: 404 "Invalid page." as pretix for a bad page number.
    """
    args = request.args if request.environ.get("QUERY_STRING") else NO_ARGS
    size = page_size(args)
    asked = args["page"] if "page" in args else "1"

    if asked == LAST_PAGE:
        total = count()
        number = _page_count(total, size)
        rows = fetch((number - 1) * size, size)
    else:
        number = _page_number(asked)
        offset = (number - 1) * size
        rows = fetch(offset, size)
        total = offset + len(rows) if 0 < len(rows) < size else count()

    if number > _page_count(total, size):
        raise APIError(INVALID_PAGE, 404)

    return {
        "count": total,
        "next": _link(number + 1) if number * size < total else None,
        "previous": _link(number - 1) if number > 1 else None,
        "results": list(rows),
    }


def _page_number(asked: str) -> int:
    try:
        number = int(asked)
    except ValueError:
        raise APIError(INVALID_PAGE, 404) from None

    if not 1 <= number <= LARGEST_PAGE:
        raise APIError(INVALID_PAGE, 404)

    return number


def _page_count(total: int, size: int) -> int:
    # An empty list still has its first page.
    return max(1, math.ceil(total / size))


def _link(number: int) -> str:
    # pretix re-encodes the query with its keys sorted, and drops ``page``
    # from the link back to the first page.
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(request.query_string.decode("latin-1"), True):
        params.setdefault(key, []).append(value)

    params.pop("page", None)
    if number > 1:
        params["page"] = [str(number)]

    query = urlencode(sorted(params.items()), doseq=True)
    url = base_url() + request.path
    return f"{url}?{query}" if query else url
