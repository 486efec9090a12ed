"""Hostile requests: each gets pretix's 4xx and its body, and stores nothing."""

import json

import pytest
from conftest import READ_WRITE, WRITE_ONLY, bearer

CREATE = "/api/v1/var/1/create_organizer/"
ORGANIZERS = "/api/v1/organizers/"
JSON = "application/json"

PARSE_ERROR = {"detail": "JSON parse error - Expected object or value"}
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
INVALID_TOKEN = {"detail": "Invalid token."}
NOT_FOUND = {"detail": "Not found."}
NO_ACCOUNT = {"detail": "No ResellerAccount matches the given query."}
NO_PERMISSION = {"detail": "You do not have permission to perform this action."}
INVALID_PAGE = {"detail": "Invalid page."}
SLUG_INVALID = "The slug may only contain letters, numbers, dots and dashes."
NOT_A_STRING = "Not a valid string."


def expects_dict(datatype: str) -> dict:
    message = f"Invalid data. Expected a dictionary, but got {datatype}."
    return {"non_field_errors": [message]}


def raw(body: bytes, content_type: str = JSON, token: str = READ_WRITE) -> dict:
    """Request arguments posting ``body`` as it is."""
    return {"data": body, "content_type": content_type, "headers": bearer(token)}


def sent(body: object, token: str = READ_WRITE) -> dict:
    """Request arguments posting ``body`` as JSON."""
    return {"json": body, "headers": bearer(token)}


def authorized(value: str) -> dict:
    """Request arguments with ``value`` as the Authorization header."""
    return {"headers": {"Authorization": value}}


def case(name, method, path, request, status, body):
    return pytest.param(method, path, request, status, body, id=name)


CASES = [
    # Malformed JSON, answered at the body-parsing step.
    case("truncated", "POST", CREATE, raw(b'{"name": "x", "slug": '), 400, PARSE_ERROR),
    case(
        "no-comma", "POST", CREATE, raw(b'{"name": "x" "slug": "ab"}'), 400, PARSE_ERROR
    ),
    case("trailing-comma", "POST", CREATE, raw(b'{"name": "x",}'), 400, PARSE_ERROR),
    case("single-quotes", "POST", CREATE, raw(b"{'name': 'x'}"), 400, PARSE_ERROR),
    case("not-utf8", "POST", CREATE, raw(b'{"name": "\xff\xfe"}'), 400, PARSE_ERROR),
    case(
        "utf16",
        "POST",
        CREATE,
        raw('{"name": "x", "slug": "utf16"}'.encode("utf-16")),
        400,
        PARSE_ERROR,
    ),
    case("nan", "POST", CREATE, raw(b'{"name": NaN, "slug": "ab"}'), 400, PARSE_ERROR),
    case("infinity", "POST", CREATE, raw(b'{"name": -Infinity}'), 400, PARSE_ERROR),
    case("deep-nesting", "POST", CREATE, raw(b"[" * 100_000), 400, PARSE_ERROR),
    case("two-documents", "POST", CREATE, raw(b'{"a": 1}{"b": 2}'), 400, PARSE_ERROR),
    case("bare-word", "POST", CREATE, raw(b"organizer"), 400, PARSE_ERROR),
    case("raw-nul-byte", "POST", CREATE, raw(b'{"name": "a\x00"}'), 400, PARSE_ERROR),
    # Well-formed JSON of the wrong shape.
    case("json-list", "POST", CREATE, sent([{"name": "x"}]), 400, expects_dict("list")),
    case("json-string", "POST", CREATE, sent("acme"), 400, expects_dict("str")),
    case("json-number", "POST", CREATE, sent(12), 400, expects_dict("int")),
    case("json-bool", "POST", CREATE, sent(True), 400, expects_dict("bool")),
    case(
        "containers",
        "POST",
        CREATE,
        sent({"name": ["x"], "slug": {"a": 1}}),
        400,
        {"slug": [NOT_A_STRING], "name": [NOT_A_STRING]},
    ),
    case(
        "boolean-name",
        "POST",
        CREATE,
        sent({"name": True, "slug": "bool-name"}),
        400,
        {"name": [NOT_A_STRING]},
    ),
    case(
        "nulls",
        "POST",
        CREATE,
        sent({"name": None, "slug": None}),
        400,
        {
            "slug": ["This field may not be null."],
            "name": ["This field may not be null."],
        },
    ),
    case(
        "blanks",
        "POST",
        CREATE,
        sent({"name": " \t", "slug": "\n"}),
        400,
        {
            "slug": ["This field may not be blank."],
            "name": ["This field may not be blank."],
        },
    ),
    case(
        "over-long",
        "POST",
        CREATE,
        sent({"name": "n" * 201, "slug": "s" * 51}),
        400,
        {
            "slug": ["Ensure this field has no more than 50 characters."],
            "name": ["Ensure this field has no more than 200 characters."],
        },
    ),
    case(
        "ten-megabytes",
        "POST",
        CREATE,
        raw(b'{"name": "' + b"x" * 10 * 1024 * 1024 + b'"}'),
        413,
        {"detail": "Request body too large."},
    ),
    case(
        "nul-in-name",
        "POST",
        CREATE,
        sent({"name": "a\x00b", "slug": "nul-name"}),
        400,
        {"name": ["Null characters are not allowed."]},
    ),
    case(
        "lone-surrogate",
        "POST",
        CREATE,
        raw(b'{"name": "\\ud800", "slug": "surrogate"}'),
        400,
        {"name": ["Surrogate characters are not allowed: U+D800."]},
    ),
    # Slugs that only look plausible.
    case(
        "hebrew-slug",
        "POST",
        CREATE,
        sent({"name": "x", "slug": "\u05e9\u05dc\u05d5\u05dd"}),
        400,
        {"slug": [SLUG_INVALID]},
    ),
    case(
        "right-to-left-override",
        "POST",
        CREATE,
        sent({"name": "x", "slug": "gpj\u202eexe"}),
        400,
        {"slug": [SLUG_INVALID]},
    ),
    case(
        "accented-slug",
        "POST",
        CREATE,
        sent({"name": "x", "slug": "caf\u00e9"}),
        400,
        {"slug": [SLUG_INVALID]},
    ),
    case(
        "emoji-slug",
        "POST",
        CREATE,
        sent({"name": "x", "slug": "ab\U0001f600"}),
        400,
        {"slug": [SLUG_INVALID]},
    ),
    case(
        "sql-slug",
        "POST",
        CREATE,
        sent({"name": "x", "slug": "x'; DROP TABLE organizer;--"}),
        400,
        {"slug": [SLUG_INVALID]},
    ),
    case(
        "sql-quote-slug",
        "POST",
        CREATE,
        sent({"name": "x", "slug": "a' OR '1'='1"}),
        400,
        {"slug": [SLUG_INVALID]},
    ),
    case(
        "case-folded-duplicate",
        "POST",
        CREATE,
        sent({"name": "x", "slug": "ACME"}),
        400,
        {"slug": ["This slug is already in use. Please choose a different one."]},
    ),
    # Paths and query parameters.
    case(
        "sql-in-organizer-path",
        "GET",
        ORGANIZERS + "acme'%20OR%20'1'='1/",
        {"headers": bearer(READ_WRITE)},
        403,
        NO_PERMISSION,
    ),
    case(
        "nul-in-path",
        "GET",
        ORGANIZERS + "%00/",
        {"headers": bearer(READ_WRITE)},
        403,
        NO_PERMISSION,
    ),
    case(
        "sql-in-page",
        "GET",
        ORGANIZERS + "?page=1%3BDROP%20TABLE%20organizer",
        {"headers": bearer(READ_WRITE)},
        404,
        INVALID_PAGE,
    ),
    case(
        "negative-id",
        "GET",
        "/api/v1/var/-1/",
        {"headers": bearer(READ_WRITE)},
        404,
        NO_ACCOUNT,
    ),
    case(
        "huge-id",
        "GET",
        "/api/v1/var/99999999999999999999999999/",
        {"headers": bearer(READ_WRITE)},
        404,
        NO_ACCOUNT,
    ),
    case(
        "word-id",
        "GET",
        "/api/v1/var/abc/",
        {"headers": bearer(READ_WRITE)},
        404,
        NOT_FOUND,
    ),
    case(
        "float-id",
        "GET",
        "/api/v1/var/1.5/",
        {"headers": bearer(READ_WRITE)},
        404,
        NOT_FOUND,
    ),
    case(
        "nul-id",
        "GET",
        "/api/v1/var/%00/",
        {"headers": bearer(READ_WRITE)},
        404,
        NOT_FOUND,
    ),
    case(
        "create-under-negative-id",
        "POST",
        "/api/v1/var/-3/create_organizer/",
        sent({"name": "x", "slug": "negative"}),
        404,
        NO_ACCOUNT,
    ),
    case(
        "create-under-word-id",
        "POST",
        "/api/v1/var/one/create_organizer/",
        sent({"name": "x", "slug": "word-id"}),
        404,
        NOT_FOUND,
    ),
    case(
        "repeated-format",
        "GET",
        ORGANIZERS + "?format=json&format=api",
        {"headers": bearer(READ_WRITE)},
        404,
        NOT_FOUND,
    ),
    case(
        "repeated-page",
        "GET",
        ORGANIZERS + "?page=0&page=-1",
        {"headers": bearer(READ_WRITE)},
        404,
        INVALID_PAGE,
    ),
    case(
        "repeated-access-token",
        "GET",
        ORGANIZERS + "?access_token=x&access_token=y",
        {},
        401,
        NOT_PROVIDED,
    ),
    case(
        "nul-access-token",
        "GET",
        ORGANIZERS + "?access_token=sandboxReadWrite%00Token000000001",
        {},
        401,
        NOT_PROVIDED,
    ),
    case(
        "nul-access-token-on-var",
        "GET",
        "/api/v1/var/?access_token=%00",
        {},
        401,
        NOT_PROVIDED,
    ),
    # Junk credentials.
    case(
        "nul-team-token",
        "GET",
        ORGANIZERS,
        authorized("Token abc\x00def"),
        401,
        INVALID_TOKEN,
    ),
    case(
        "binary-bearer",
        "GET",
        ORGANIZERS,
        authorized("Bearer \xff\xfe"),
        401,
        NOT_PROVIDED,
    ),
    case(
        "long-bearer",
        "GET",
        ORGANIZERS,
        authorized("Bearer " + "a" * 8000),
        401,
        NOT_PROVIDED,
    ),
    case("only-spaces", "GET", ORGANIZERS, authorized(" " * 64), 401, NOT_PROVIDED),
    case(
        "spaced-bearer",
        "GET",
        ORGANIZERS,
        authorized("  Bearer    nope   "),
        401,
        NOT_PROVIDED,
    ),
    case(
        "spaced-token",
        "GET",
        ORGANIZERS,
        authorized("Token   a   b "),
        401,
        {"detail": "Invalid token header. Token string should not contain spaces."},
    ),
    case(
        "bare-token",
        "GET",
        ORGANIZERS,
        authorized("Token"),
        401,
        {"detail": "Invalid token header. No credentials provided."},
    ),
    case(
        "control-char-token",
        "GET",
        ORGANIZERS,
        authorized("Token \x01"),
        401,
        INVALID_TOKEN,
    ),
    case("junk-basic", "GET", ORGANIZERS, authorized("Basic !!!"), 401, NOT_PROVIDED),
    # Methods and media types.
    case(
        "propfind",
        "PROPFIND",
        ORGANIZERS,
        {"headers": bearer(READ_WRITE)},
        405,
        {"detail": 'Method "PROPFIND" not allowed.'},
    ),
    case(
        "brew-write-only",
        "BREW",
        CREATE,
        {"headers": bearer(WRITE_ONLY)},
        405,
        {"detail": 'Method "BREW" not allowed.'},
    ),
    case("propfind-anonymous", "PROPFIND", ORGANIZERS, {}, 401, NOT_PROVIDED),
    case(
        "xml-only",
        "GET",
        ORGANIZERS,
        {"headers": {**bearer(READ_WRITE), "Accept": "application/xml"}},
        406,
        {"detail": "Could not satisfy the request Accept header."},
    ),
    case(
        "image-body",
        "POST",
        CREATE,
        raw(b"\x89PNG\r\n", content_type="image/png"),
        415,
        {"detail": 'Unsupported media type "image/png" in request.'},
    ),
    case(
        "over-long-idempotency-key",
        "POST",
        CREATE,
        {
            "json": {"name": "x", "slug": "long-key"},
            "headers": {**bearer(READ_WRITE), "X-Idempotency-Key": "k" * 191},
        },
        400,
        {"detail": "X-Idempotency-Key may have at most 190 characters."},
    ),
]


def organizer_count(client) -> int:
    response = client.get(ORGANIZERS, headers=bearer(READ_WRITE))
    return response.get_json()["count"]


def rendered(body: dict) -> bytes:
    """``body`` the way pretix renders API JSON: compact, ASCII only."""
    return json.dumps(body, separators=(",", ":")).encode()


@pytest.mark.parametrize(("method", "path", "request_args", "status", "body"), CASES)
def test_hostile_request_gets_pretix_answer_and_stores_nothing(
    client, method, path, request_args, status, body
):
    before = organizer_count(client)

    response = client.open(path, method=method, **request_args)

    assert response.status_code == status
    assert response.headers["Content-Type"] == JSON
    assert response.get_data() == rendered(body)
    assert organizer_count(client) == before


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    "ordering",
    ["slug;DROP TABLE organizer", "name' OR '1'='1", "-", ",,,", "\x00"],
    ids=["sql-statement", "sql-quote", "bare-minus", "commas", "nul"],
)
def test_hostile_ordering_is_ignored(client, ordering):
    plain = client.get(ORGANIZERS, headers=bearer(READ_WRITE)).get_json()

    response = client.get(
        ORGANIZERS, query_string={"ordering": ordering}, headers=bearer(READ_WRITE)
    )

    assert response.status_code == 200
    assert response.get_json()["results"] == plain["results"]
