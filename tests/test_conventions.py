"""pretix's conventions: the order of its checks, its bytes and its headers."""

import pytest
from conftest import READ_ONLY, READ_WRITE, WRITE_ONLY, bearer

CREATE = "/api/v1/var/1/create_organizer/"
NOT_PROVIDED = b'{"detail":"Authentication credentials were not provided."}'
NO_PERMISSION = b'{"detail":"You do not have permission to perform this action."}'
NOT_ACCEPTABLE = b'{"detail":"Could not satisfy the request Accept header."}'
PARSE_ERROR = b'{"detail":"JSON parse error - Expected object or value"}'
REQUIRED = b'{"slug":["This field is required."],"name":["This field is required."]}'
COMMON_HEADERS = {
    "Vary": "Accept-Language, Cookie, Host",
    "Content-Language": "en",
    "X-Frame-Options": "DENY",
}
OPTIONS_BODY = (
    b'{"name":"Organizer List","description":"","renders":["application/json"],'
    b'"parses":["application/json","application/x-www-form-urlencoded",'
    b'"multipart/form-data"]}'
)


@pytest.mark.parametrize(
    ("accept", "headers"),
    [
        pytest.param("text/html", {}, id="html-without-credentials"),
        pytest.param("application/xml", bearer(READ_WRITE), id="xml"),
        pytest.param("text/html", bearer(WRITE_ONLY), id="html-with-write-only"),
    ],
)
def test_an_accept_without_json_is_406_before_anything(client, accept, headers):
    response = client.get("/api/v1/var/99/", headers={**headers, "Accept": accept})

    assert response.status_code == 406
    assert response.data == NOT_ACCEPTABLE


def test_406_comes_before_body_parsing(client):
    response = client.post(
        CREATE,
        data="{",
        content_type="application/json",
        headers={"Accept": "application/xml"},
    )

    assert response.status_code == 406


@pytest.mark.parametrize(
    "accept",
    ["application/json", "*/*", "application/*", "text/html, application/json;q=0.1"],
    ids=str,
)
def test_an_accept_with_json_is_served(client, accept):
    headers = {**bearer(READ_WRITE), "Accept": accept}

    response = client.get("/api/v1/var/", headers=headers)

    assert response.status_code == 200


def test_format_json_is_accepted(client):
    response = client.get("/api/v1/var/?format=json", headers=bearer(READ_WRITE))

    assert response.status_code == 200


def test_format_api_is_404(client):
    response = client.get("/api/v1/var/?format=api", headers=bearer(READ_WRITE))

    assert response.status_code == 404
    assert response.data == b'{"detail":"Not found."}'


@pytest.mark.parametrize(
    ("data", "content_type", "status", "body"),
    [
        pytest.param("{", "application/json", 400, PARSE_ERROR, id="malformed-json"),
        pytest.param("NaN", "application/json", 400, PARSE_ERROR, id="json-nan"),
        pytest.param(
            "x",
            "text/plain",
            415,
            b'{"detail":"Unsupported media type \\"text/plain\\" in request."}',
            id="text-plain",
        ),
        pytest.param(
            "x",
            None,
            415,
            b'{"detail":"Unsupported media type \\"\\" in request."}',
            id="no-content-type",
        ),
    ],
)
def test_the_body_is_parsed_before_authentication(
    client, data, content_type, status, body
):
    response = client.post(CREATE, data=data, content_type=content_type)

    assert response.status_code == status
    assert response.data == body


def test_an_empty_body_counts_as_an_empty_object(client):
    response = client.post(
        CREATE, data=b"", content_type="application/json", headers=bearer(READ_WRITE)
    )

    assert response.status_code == 400
    assert response.data == REQUIRED


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data"],
    ids=["form", "multipart"],
)
def test_form_bodies_are_accepted(client, content_type):
    body = {"name": "Form Org", "slug": "form-org"}

    response = client.post(
        CREATE, data=body, content_type=content_type, headers=bearer(READ_WRITE)
    )

    assert response.status_code == 201
    assert response.json["slug"] == "form-org"


def test_a_repeated_form_field_counts_with_its_last_value(client):
    body = "name=Form+Org&slug=first&slug=last-one"

    response = client.post(
        CREATE,
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=bearer(READ_WRITE),
    )

    assert response.json["slug"] == "last-one"


@pytest.mark.parametrize(
    ("headers", "status", "body"),
    [
        pytest.param({}, 401, NOT_PROVIDED, id="no-credentials"),
        pytest.param(bearer(READ_ONLY), 403, NO_PERMISSION, id="read-token"),
        pytest.param(
            bearer(WRITE_ONLY),
            405,
            b'{"detail":"Method \\"POST\\" not allowed."}',
            id="write-token",
        ),
    ],
)
def test_post_to_a_get_only_endpoint(client, headers, status, body):
    response = client.post("/api/v1/var/", headers=headers)

    assert response.status_code == status
    assert response.data == body
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_validation_comes_last(client):
    response = client.post(CREATE, json={}, headers=bearer(READ_WRITE))

    assert response.status_code == 400
    assert response.data == REQUIRED


def test_json_is_compact_and_escapes_non_ascii(client):
    body = {"name": "Bühne “Ωmega” 🎭", "slug": "buehne"}

    response = client.post(CREATE, json=body, headers=bearer(READ_WRITE))

    assert response.data == (
        b'{"id":%d,"name":"B\\u00fchne \\u201c\\u03a9mega\\u201d \\ud83c\\udfad",'
        b'"slug":"buehne"}' % response.json["id"]
    )


@pytest.mark.parametrize(
    ("method", "url", "headers", "status"),
    [
        pytest.param("GET", "/api/v1/var/", bearer(READ_WRITE), 200, id="ok"),
        pytest.param("GET", "/api/v1/var/", {}, 401, id="401"),
        pytest.param("GET", "/api/v1/var/9/", bearer(READ_WRITE), 404, id="404"),
        pytest.param("POST", CREATE, bearer(READ_WRITE), 400, id="400"),
        pytest.param("GET", "/api/v1/me", {}, 403, id="me-403"),
    ],
)
def test_every_api_answer_has_pretix_headers(client, method, url, headers, status):
    response = client.open(url, method=method, headers=headers)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    for name, value in COMMON_HEADERS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize(
    ("url", "headers", "allow"),
    [
        pytest.param("/api/v1/var/", {}, "GET, HEAD, OPTIONS", id="list-401"),
        pytest.param(
            "/api/v1/var/abc/", bearer(READ_WRITE), "GET, HEAD, OPTIONS", id="404"
        ),
        pytest.param(CREATE, bearer(READ_WRITE), "POST, OPTIONS", id="create-405"),
        pytest.param(
            "/api/v1/organizers/nope/",
            bearer(READ_WRITE),
            "GET, PUT, PATCH, HEAD, OPTIONS",
            id="organizer-403",
        ),
    ],
)
def test_allow_is_sent_on_errors_too(client, url, headers, allow):
    response = client.get(url, headers=headers)

    assert response.status_code >= 400
    assert response.headers["Allow"] == allow


def test_the_oauth_endpoints_carry_the_common_headers(client):
    response = client.post("/api/v1/oauth/token", data={})

    for name, value in COMMON_HEADERS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize(
    "url",
    ["/api/v1/organizers/", "/api/v1/organizers/acme/", "/api/v1/var/1/"],
    ids=["list", "organizer", "reseller"],
)
def test_head_gives_the_get_headers_without_a_body(client, url):
    got = client.get(url, headers=bearer(READ_WRITE))

    headed = client.head(url, headers=bearer(READ_WRITE))

    assert headed.status_code == 200
    assert headed.data == b""
    assert dict(headed.headers) == dict(got.headers)


def test_options_describes_the_view(client):
    response = client.options("/api/v1/organizers/", headers=bearer(READ_WRITE))

    assert response.status_code == 200
    assert response.data == OPTIONS_BODY
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_options_names_each_view(client):
    response = client.options(CREATE, headers=bearer(READ_WRITE))

    assert response.json["name"] == "Create organizer"


def test_options_needs_credentials(client):
    response = client.options("/api/v1/organizers/")

    assert response.status_code == 401
    assert response.data == NOT_PROVIDED
    assert response.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    ("method", "path", "location"),
    [
        pytest.param("GET", "/api/v1/var", "/api/v1/var/", id="list"),
        pytest.param("HEAD", "/api/v1/var", "/api/v1/var/", id="head"),
        pytest.param(
            "GET",
            "/api/v1/organizers?page=2&b=%20c",
            "/api/v1/organizers/?page=2&b=%20c",
            id="query-kept",
        ),
        pytest.param(
            "GET",
            "/api/v1/var/1/create_organizer",
            "/api/v1/var/1/create_organizer/",
            id="post-only-view",
        ),
        pytest.param("GET", "/api/v1", "/api/v1/", id="root"),
    ],
)
def test_a_missing_trailing_slash_redirects_get_and_head(
    client, method, path, location
):
    response = client.open(path, method=method, headers=bearer(READ_WRITE))

    assert response.status_code == 301
    assert response.headers["Location"] == location
    assert response.mimetype == "text/html"
    assert response.data == b""
    assert response.headers["Vary"] == "Host, Accept-Language"


def test_the_redirect_comes_before_authentication(client):
    response = client.get("/api/v1/var")

    assert response.status_code == 301


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/api/v1/var/1/create_organizer", id="post"),
        pytest.param("PUT", "/api/v1/organizers/acme", id="put"),
        pytest.param("DELETE", "/api/v1/organizers/acme", id="delete"),
        pytest.param("GET", "/api/v1/me/", id="me-with-slash"),
        pytest.param("GET", "/api/v1/version/", id="version-with-slash"),
        pytest.param("POST", "/api/v1/oauth/token/", id="token-with-slash"),
        pytest.param("GET", "/api/v1/nothing/", id="unknown"),
        pytest.param("GET", "/api/v1/var/1/extra/", id="unknown-below-a-view"),
    ],
)
def test_otherwise_a_missing_url_is_the_html_404_page(client, method, path):
    response = client.open(
        path,
        method=method,
        headers={**bearer(READ_WRITE), "Accept": "application/json"},
        json={"name": "Late", "slug": "late"},
    )

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"<html" in response.data
    assert response.headers["Vary"] == "Cookie, Host, Accept-Language"


@pytest.mark.parametrize(
    "accept", ["application/json", "text/html", "*/*", None], ids=str
)
def test_unknown_urls_are_html_whatever_the_accept(client, accept):
    headers = {"Accept": accept} if accept else {}

    response = client.get("/no/such/page", headers=headers)

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_no_session_cookie_is_set_on_api_answers(client):
    response = client.get("/api/v1/organizers/", headers=bearer(READ_WRITE))

    assert "Set-Cookie" not in response.headers
