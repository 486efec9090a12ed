"""The authorize endpoint: login, consent page, codes and errors (section 7)."""

import base64
import hashlib
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import (
    CLIENT_ID,
    DEMO_REDIRECT_URI,
    add_application,
    form_fields,
    organizer_id,
    shift_clock,
)
from sqlalchemy import select

from sandbox.models import (
    OrganizerMember,
    User,
)
from sandbox.oauth.views import NO_CACHE

REQUIRED = "This field is required."


def query_of(response) -> dict[str, list[str]]:
    """The query of a redirect's ``Location``."""
    return parse_qs(urlsplit(response.headers["Location"]).query)


def checkbox_values(page: str) -> list[str]:
    """The values of the ``organizers`` checkboxes."""
    return re.findall(r'name="organizers" value="([^"]*)"', page)


# Login


def test_without_login_redirects_with_the_whole_url_in_next(client, oauth):
    url = oauth.authorize_url(scope="read write")

    response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"] == "/control/login?next=" + quote(url, safe="/")
    assert response.data == b""


def test_without_login_or_query_next_has_no_question_mark(client):
    response = client.get("/api/v1/oauth/authorize")

    assert response.headers["Location"] == (
        "/control/login?next=/api/v1/oauth/authorize"
    )


def test_login_sets_pretix_session_cookie(oauth):
    response = oauth.login()

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("pretix_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_login_goes_back_to_next(client, oauth):
    url = oauth.authorize_url()
    login_url = client.get(url).headers["Location"]
    page = client.get(login_url).get_data(as_text=True)
    fields = form_fields(page)

    response = client.post(
        "/control/login",
        data={**fields, "email": "partner@example.com", "password": "sandbox"},
    )

    assert fields["next"] == url
    assert response.status_code == 302
    assert response.headers["Location"] == url
    assert client.get(url).status_code == 200


def test_login_is_case_insensitive_on_the_email(oauth):
    response = oauth.login(email="Partner@Example.com")

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("partner@example.com", "wrong"),
        ("unknown@example.com", "sandbox"),
        ("", ""),
    ],
    ids=["wrong-password", "unknown-user", "empty"],
)
def test_wrong_credentials_show_the_form_again(oauth, email, password):
    next_url = "/api/v1/oauth/authorize?state=1"

    response = oauth.login(email=email, password=password, next_url=next_url)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This combination of credentials is not known to our system." in page
    assert 'name="password"' in page
    assert form_fields(page)["next"] == "/api/v1/oauth/authorize?state=1"


def test_login_never_redirects_off_site(oauth):
    response = oauth.login(next_url="https://evil.example/")

    assert response.headers["Location"] == "/control/login"


@pytest.mark.parametrize("path", ["/control/login", "/api/v1/oauth/authorize"])
def test_forms_without_csrf_token_are_refused(client, oauth, path):
    oauth.login()

    response = client.post(
        path,
        data={
            "email": "partner@example.com",
            "password": "sandbox",
            "client_id": CLIENT_ID,
            "redirect_uri": DEMO_REDIRECT_URI,
            "response_type": "code",
            "organizers": "1",
            "allow": "Authorize",
        },
    )

    assert response.status_code == 403


def test_logout_forgets_the_user(client, oauth):
    oauth.login()

    response = client.get("/control/logout")

    assert response.status_code == 302
    assert client.get(oauth.authorize_url()).status_code == 302
    assert "/control/login" in client.get(oauth.authorize_url()).headers["Location"]


# The consent page


def test_consent_page_names_application_user_and_scopes(client, oauth):
    oauth.login()

    response = client.get(oauth.authorize_url(scope="read write"))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NO_CACHE
    page = response.get_data(as_text=True)
    assert "Demo Integration" in page
    assert "partner@example.com" in page
    assert 'data-scope="read"' in page
    assert 'data-scope="write"' in page
    assert 'data-scope="profile"' not in page


def test_consent_form_carries_the_request_in_hidden_fields(client, oauth):
    oauth.login()
    url = oauth.authorize_url(
        scope="read", code_challenge="abc", code_challenge_method="plain"
    )

    page = client.get(url).get_data(as_text=True)

    fields = form_fields(page)
    assert fields.pop("csrfmiddlewaretoken")
    assert fields == {
        "redirect_uri": DEMO_REDIRECT_URI,
        "scope": "read",
        "client_id": CLIENT_ID,
        "state": "xyz",
        "response_type": "code",
        "code_challenge": "abc",
        "code_challenge_method": "plain",
    }


def test_consent_lists_each_organizer_of_the_users_teams(app, client, oauth):
    oauth.login()

    page = client.get(oauth.authorize_url()).get_data(as_text=True)

    with app.extensions["sandbox.db"].session() as session:
        expected = session.scalars(
            select(OrganizerMember.organizer_id)
            .join(User, User.id == OrganizerMember.user_id)
            .where(User.email == "partner@example.com")
        ).all()
    values = checkbox_values(page)
    assert sorted(values) == sorted(str(item) for item in expected)
    assert len(values) == 59
    assert str(organizer_id(app, "stockholm-jazz")) not in values


def test_consent_buttons_are_cancel_without_name_and_allow(client, oauth):
    oauth.login()

    page = client.get(oauth.authorize_url()).get_data(as_text=True)

    buttons = re.findall(r"<button[^>]*>[^<]*</button>", page)
    assert len(buttons) == 2
    cancel, allow = buttons
    assert "name=" not in cancel and "Cancel" in cancel
    assert 'name="allow"' in allow


@pytest.mark.parametrize(
    ("scope", "granted"),
    [(None, "profile read write"), ("write read", "read write")],
    ids=["missing-means-all", "canonical-order"],
)
def test_scope_defaults_and_order(client, oauth, scope, granted):
    oauth.login()

    page = client.get(oauth.authorize_url(scope=scope)).get_data(as_text=True)

    assert form_fields(page)["scope"] == granted


def test_profile_scope_gets_a_code_without_a_page(client, oauth):
    oauth.login()

    response = client.get(oauth.authorize_url(scope="profile"))

    assert response.status_code == 302
    query = query_of(response)
    assert len(query["code"][0]) == 30
    assert query["state"] == ["xyz"]


def test_profile_with_another_scope_shows_the_page(client, oauth):
    oauth.login()

    response = client.get(oauth.authorize_url(scope="profile read"))

    assert response.status_code == 200
    assert checkbox_values(response.get_data(as_text=True))


def test_profile_page_on_post_has_no_organizer_list(client, oauth):
    # A profile-only form posted by hand is granted without organizers.
    oauth.login()
    page = client.get(oauth.authorize_url()).get_data(as_text=True)
    fields = {**form_fields(page), "scope": "profile", "allow": "Authorize"}

    response = client.post("/api/v1/oauth/authorize", data=fields)

    assert response.status_code == 302
    assert "code" in query_of(response)


def test_authorize_redirects_with_code_and_state(oauth):
    oauth.login()

    response = oauth.consent(organizers=[1])

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(DEMO_REDIRECT_URI + "?code=")
    query = query_of(response)
    assert re.fullmatch(r"[A-Za-z0-9]{30}", query["code"][0])
    assert query["state"] == ["xyz"]


def test_state_is_left_out_when_not_sent(oauth):
    oauth.login()

    response = oauth.consent(organizers=[1], state=None)

    assert list(query_of(response)) == ["code"]


def test_cancel_redirects_with_access_denied(oauth):
    oauth.login()

    response = oauth.consent(organizers=[1], allow=False)

    assert response.status_code == 302
    assert response.headers["Location"] == (
        DEMO_REDIRECT_URI + "?error=access_denied&state=xyz"
    )


@pytest.mark.parametrize(
    "organizers",
    [[], ["stockholm-jazz"], ["acme", "stockholm-jazz"], ["not-a-number"]],
    ids=["none", "foreign", "one-foreign", "garbage"],
)
def test_bad_organizer_choice_shows_the_form_again(app, oauth, organizers):
    ids = [
        organizer_id(app, slug) if slug != "not-a-number" else slug
        for slug in organizers
    ]
    oauth.login()

    response = oauth.consent(organizers=ids)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NO_CACHE
    page = response.get_data(as_text=True)
    assert REQUIRED in page
    assert form_fields(page)["client_id"] == CLIENT_ID


# Errors shown on a page


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"client_id": None}, "Missing client_id parameter."),
        ({"client_id": "unknown"}, "Invalid client_id parameter value."),
        ({"client_id": "inactiveClient"}, "Invalid client_id parameter value."),
        (
            {"redirect_uri": "http://127.0.0.1:8765/other"},
            "Mismatching redirect URI.",
        ),
        ({"redirect_uri": None}, "Missing redirect URI."),
        (
            {"approval_prompt": "auto", "scope": "read"},
            "approval_prompt=auto is only supported for the profile scope.",
        ),
    ],
    ids=[
        "missing-client",
        "unknown-client",
        "inactive",
        "mismatch",
        "missing-uri",
        "approval-prompt-auto",
    ],
)
def test_errors_shown_on_a_page(app, client, oauth, params, description):
    add_application(app, "inactiveClient", DEMO_REDIRECT_URI, active=False)
    oauth.login()

    response = client.get(oauth.authorize_url(**params))

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Error: invalid_request</h1>" in page
    assert description in page


def test_single_registered_uri_is_the_default(app, client, oauth):
    add_application(app, "singleUriClient", "https://single.example/cb")
    oauth.login()

    response = client.get(
        oauth.authorize_url(client_id="singleUriClient", redirect_uri=None)
    )

    assert response.status_code == 200
    assert form_fields(response.get_data(as_text=True))["redirect_uri"] == (
        "https://single.example/cb"
    )


# Errors redirected to the client


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"response_type": None},
            "error=invalid_request"
            "&error_description=Missing+response_type+parameter.&state=xyz",
        ),
        ({"response_type": "token"}, "error=unauthorized_client&state=xyz"),
        ({"response_type": "magic"}, "error=unsupported_response_type&state=xyz"),
        ({"scope": "read admin"}, "error=invalid_scope&state=xyz"),
    ],
    ids=["missing-response-type", "token", "unknown-response-type", "scope"],
)
def test_errors_redirected_to_the_client(client, oauth, params, expected):
    oauth.login()

    response = client.get(oauth.authorize_url(**params))

    assert response.status_code == 302
    assert response.headers["Location"] == f"{DEMO_REDIRECT_URI}?{expected}"


# Codes


def test_code_is_single_use(oauth):
    oauth.login()
    code = oauth.code()

    first = oauth.exchange(code)
    second = oauth.exchange(code)

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.data == b'{"error": "invalid_grant"}'


def test_tokens_stay_valid_after_code_reuse(client, oauth):
    oauth.login()
    code = oauth.code()
    access = oauth.exchange(code).get_json()["access_token"]

    oauth.exchange(code)

    headers = {"Authorization": f"Bearer {access}"}
    assert client.get("/api/v1/var/", headers=headers).status_code == 200


def test_code_expires_after_its_lifetime(app, oauth):
    oauth.login()
    code = oauth.code()
    shift_clock(app, app.config["CODE_LIFETIME"] + 1)

    response = oauth.exchange(code)

    assert app.config["CODE_LIFETIME"] == 60
    assert response.status_code == 400
    assert response.data == b'{"error": "invalid_grant"}'


def test_code_works_within_its_lifetime(app, oauth):
    oauth.login()
    code = oauth.code()
    shift_clock(app, app.config["CODE_LIFETIME"] - 10)

    assert oauth.exchange(code).status_code == 200


# PKCE


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


VERIFIER = "a-verifier-of-forty-three-characters-or-more-0123"


@pytest.mark.parametrize(
    ("method", "challenge"),
    [("S256", s256(VERIFIER)), ("plain", VERIFIER), (None, VERIFIER)],
    ids=["S256", "plain", "default-plain"],
)
def test_pkce_verifier_is_checked(oauth, method, challenge):
    oauth.login()
    params = {"code_challenge": challenge, "code_challenge_method": method}
    good, bad = oauth.code(**params), oauth.code(**params)

    accepted = oauth.exchange(good, code_verifier=VERIFIER)
    refused = oauth.exchange(bad, code_verifier=VERIFIER + "x")

    assert accepted.status_code == 200
    assert refused.status_code == 400
    assert refused.data == b'{"error": "invalid_grant"}'


def test_pkce_verifier_is_required_when_a_challenge_was_sent(oauth):
    oauth.login()
    code = oauth.code(code_challenge=s256(VERIFIER), code_challenge_method="S256")

    response = oauth.exchange(code)

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_pkce_unknown_method_is_redirected(client, oauth):
    oauth.login()

    response = client.get(
        oauth.authorize_url(code_challenge="abc", code_challenge_method="S512")
    )

    assert response.status_code == 302
    assert query_of(response)["error"] == ["invalid_request"]


def test_verifier_without_challenge_is_ignored(oauth):
    oauth.login()

    response = oauth.exchange(oauth.code(), code_verifier="anything")

    assert response.status_code == 200
