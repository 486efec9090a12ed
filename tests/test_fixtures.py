"""The fixtures loader: checking files, seeding and clearing namespaces."""

import os
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, text

from sandbox import models, settings
from sandbox.fixtures import (
    FixtureError,
    FixtureErrors,
    Seed,
    cached_seed,
    load_fixtures,
)
from sandbox.secrets import check_password, check_secret, hash_secret, new_token
from sandbox.slugs import validate_organizer
from sandbox.world import clear_namespace, seed_namespace

BUNDLED = Path(__file__).parent.parent / "fixtures" / "default.yaml"
CLIENT_ID = "sandboxDemoClient00000000000000000000000"
OTHER_CLIENT_ID = "otherClient00000000000000000000000000000"
TEAM_TOKEN = "sandboxteamtoken000000000000000000000000000000000000000000000001"
NOW = 1_750_000_000.0

# Every reference case builds on these lines; users come last so that a case
# may add one.
BASE = f"""\
applications:
  - name: Demo
    client_id: {CLIENT_ID}
    client_secret: secret
    redirect_uris: [http://127.0.0.1:8765/callback]
organizers:
  - {{slug: acme, name: Acme, members: [partner@example.com]}}
users:
  - {{email: partner@example.com, password: pw}}
"""
BASE_LINES = BASE.count("\n")
TOKEN = "a" * 30
APPLICATION = f"""\
applications:
  - name: Demo
    client_id: {CLIENT_ID}
    client_secret: secret
"""


def _write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "world.yaml"
    path.write_text(textwrap.dedent(content), encoding="utf-8")
    return path


def _errors(path: Path) -> list[FixtureError]:
    with pytest.raises(FixtureErrors) as caught:
        load_fixtures(path)
    return caught.value.errors


# -- The bundled world ---------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> Seed:
    return load_fixtures(BUNDLED)


def test_bundled_file_holds_the_documented_world(bundled):
    summary = bundled.summary()

    assert summary == (
        "4 users, 3 resellers, 63 organizers, 1 application, 9 tokens, 1 team token"
    )


def test_bundled_partner_belongs_to_two_pages_of_organizers(bundled):
    partner = [o for o in bundled.organizers if "partner@example.com" in o.members]

    assert len(partner) == 59
    assert {"acme", "berlin-jazz", "harbour-festival", "Studio.K"} <= {
        o.slug for o in partner
    }


def test_bundled_tokens_reach_their_users_organizers(bundled):
    tokens = {token.access_token: token for token in bundled.tokens}

    assert len(tokens["sandboxReadWriteToken000000001"].organizers) == 59
    assert len(tokens["sandboxOpsReadWrite00000000001"].organizers) == 7
    assert tokens["sandboxSoloReadWrite0000000001"].organizers == ("solo-events",)
    assert tokens["sandboxNobodyReadWrite00000001"].organizers == ()
    assert tokens["sandboxRestricted0000000000001"].organizers == (
        "acme",
        "berlin-jazz",
    )
    assert tokens["sandboxExpiredToken00000000001"].expires_in == 0
    assert {token.application for token in bundled.tokens} == {CLIENT_ID}


def test_bundled_secrets_are_stored_hashed(bundled):
    partner = bundled.users[0]
    application = bundled.applications[0]

    assert check_password(partner.password_hash, "sandbox")
    assert check_secret(application.client_secret_hash, "sandbox-demo-secret")
    assert "sandbox-demo-secret" not in application.client_secret_hash


def test_settings_point_at_the_bundled_file():
    assert settings.BUNDLED_FIXTURES.resolve() == BUNDLED.resolve()


# -- Loading -------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    ["", "# nothing yet\n", "~\n", "users:\ntokens: ~\n"],
    ids=["empty", "comment", "null", "null-sections"],
)
def test_empty_file_gives_an_empty_world(tmp_path, content):
    seed = load_fixtures(_write(tmp_path, content))

    assert seed == Seed()


def test_optional_keys_take_their_defaults(tmp_path):
    path = _write(
        tmp_path,
        BASE
        + "tokens:\n"
        + f"  - {{access_token: {TOKEN}, user: PARTNER@example.com, scope: read,"
        + " organizers: null}\n",
    )

    seed = load_fixtures(path)

    user, token = seed.users[0], seed.tokens[0]
    assert (user.fullname, user.locale, user.timezone) == (None, "en", "UTC")
    assert user.is_staff is False
    assert seed.organizers[0].reseller is None
    assert token.user == "partner@example.com"
    assert token.application == CLIENT_ID
    assert token.organizers == ("acme",)
    assert token.refresh_token is None
    assert token.expires_in == 31536000


def test_merge_keys_share_fields_and_own_keys_win(tmp_path):
    path = _write(
        tmp_path,
        """\
        users:
          - {email: a@example.com, password: x}
        organizers:
          - &shared {slug: one, name: Shared, members: [a@example.com]}
          - <<: *shared
            slug: two
        """,
    )

    seed = load_fixtures(path)

    assert [(o.slug, o.name, o.members) for o in seed.organizers] == [
        ("one", "Shared", ("a@example.com",)),
        ("two", "Shared", ("a@example.com",)),
    ]


ERROR_CASES = [
    pytest.param(
        "users:\n  - email: [a\n",
        3,
        "(yaml)",
        "expected ',' or ']'",
        id="bad-yaml",
    ),
    pytest.param(
        "- users\n", 1, "(top level)", "must be a mapping", id="top-level-not-mapping"
    ),
    pytest.param("user: []\n", 1, "user", "unknown key", id="unknown-top-level-key"),
    pytest.param(
        "organizers:\n  - slug: acme\n    name: Acme\n    colour: red\n",
        4,
        "organizers[0].colour",
        "unknown key (expected one of: slug, name, reseller, members)",
        id="unknown-nested-key",
    ),
    pytest.param(
        "users:\n  - {email: a@example.com, password: x, email: b@example.com}\n",
        2,
        "users[0].email",
        "this key is given twice",
        id="key-given-twice",
    ),
    pytest.param(
        "1: x\n",
        1,
        "(top level)",
        "keys must be strings, got an integer",
        id="key-not-a-string",
    ),
    pytest.param(
        "organizers:\n  - name: Acme\n",
        2,
        "organizers[0].slug",
        "this key is required",
        id="missing-required-key",
    ),
    pytest.param(
        "users: {email: a@example.com}\n",
        1,
        "users",
        "expected a list, got a mapping",
        id="section-not-a-list",
    ),
    pytest.param(
        "users:\n  - partner@example.com\n",
        2,
        "users[0]",
        "expected a mapping, got a string",
        id="item-not-a-mapping",
    ),
    pytest.param(
        "resellers:\n  - id: true\n",
        2,
        "resellers[0].id",
        "expected an integer, got a boolean",
        id="bool-is-not-an-int",
    ),
    pytest.param(
        "resellers:\n  - id: 0\n",
        2,
        "resellers[0].id",
        "must be a positive integer",
        id="reseller-id-not-positive",
    ),
    pytest.param(
        "resellers:\n  - support_phone: +4962213217750\n",
        2,
        "resellers[0].support_phone",
        "expected a string, got an integer",
        id="number-is-not-a-string",
    ),
    pytest.param(
        "users:\n  - {email: a@example.com, password: ''}\n",
        2,
        "users[0].password",
        "may not be blank",
        id="blank-string",
    ),
    pytest.param(
        "users:\n  - {email: partner, password: x}\n",
        2,
        "users[0].email",
        "'partner' is not an e-mail address",
        id="bad-email",
    ),
    pytest.param(
        "users:\n  - {email: a@example.com, password: !!python/name:os.system x}\n",
        2,
        "users[0].password",
        "could not determine a constructor",
        id="unsafe-tag",
    ),
    pytest.param(
        BASE + "  - {email: Partner@Example.com, password: x}\n",
        BASE_LINES + 1,
        "users[1].email",
        f"'Partner@Example.com' is already on line {BASE_LINES}",
        id="duplicate-email-any-case",
    ),
    pytest.param(
        "organizers:\n  - {slug: acme, name: Acme}\n  - {slug: ACME, name: Acme}\n",
        3,
        "organizers[1].slug",
        "'ACME' is already on line 2",
        id="duplicate-slug-any-case",
    ),
    pytest.param(
        "resellers:\n"
        "  - {id: 1, name: a, public_name: a, public_url: a, support_email: a,"
        " support_phone: a, communication_language: de}\n"
        "  - {id: 1, name: b, public_name: b, public_url: b, support_email: b,"
        " support_phone: b, communication_language: de}\n",
        3,
        "resellers[1].id",
        "1 is already on line 2",
        id="duplicate-reseller-id",
    ),
    pytest.param(
        "applications:\n"
        + f"  - {{name: One, client_id: {CLIENT_ID}, client_secret: s,"
        + " redirect_uris: [http://localhost/cb]}\n"
        + f"  - {{name: Two, client_id: {CLIENT_ID}, client_secret: s,"
        + " redirect_uris: [http://localhost/cb]}\n",
        3,
        "applications[1].client_id",
        f"'{CLIENT_ID}' is already on line 2",
        id="duplicate-client-id",
    ),
    pytest.param(
        BASE
        + "tokens:\n"
        + f"  - {{access_token: {TOKEN}, user: partner@example.com,"
        + " scope: read}\n"
        + f"  - {{access_token: {TOKEN}, user: partner@example.com,"
        + " scope: write}\n",
        BASE_LINES + 3,
        "tokens[1].access_token",
        "is already on line",
        id="duplicate-access-token",
    ),
    pytest.param(
        BASE
        + "team_tokens:\n"
        + f"  - {{token: {TEAM_TOKEN}, organizer: acme}}\n"
        + f"  - {{token: {TEAM_TOKEN}, organizer: acme}}\n",
        BASE_LINES + 3,
        "team_tokens[1].token",
        "is already on line",
        id="duplicate-team-token",
    ),
    pytest.param(
        "users:\n  - {email: a@example.com, password: x}\n"
        "organizers:\n  - {slug: acme, name: Acme, members: [a@example.com,\n"
        "     ghost@example.com]}\n",
        5,
        "organizers[0].members[1]",
        "no user 'ghost@example.com'",
        id="unknown-member",
    ),
    pytest.param(
        "users:\n  - {email: a@example.com, password: x}\n"
        "organizers:\n  - {slug: acme, name: Acme, members: [a@example.com,"
        " A@example.com]}\n",
        4,
        "organizers[0].members[1]",
        "'A@example.com' is listed twice",
        id="member-listed-twice",
    ),
    pytest.param(
        "organizers:\n  - {slug: acme, name: Acme, reseller: 9}\n",
        2,
        "organizers[0].reseller",
        "no reseller 9",
        id="unknown-reseller",
    ),
    pytest.param(
        BASE + f"team_tokens:\n  - {{token: {TEAM_TOKEN}, organizer: emca}}\n",
        BASE_LINES + 2,
        "team_tokens[0].organizer",
        "no organizer 'emca'",
        id="unknown-organizer",
    ),
    pytest.param(
        BASE
        + "tokens:\n"
        + f"  - {{access_token: {TOKEN}, user: partner@example.com,"
        + f" scope: read, application: {OTHER_CLIENT_ID}}}\n",
        BASE_LINES + 2,
        "tokens[0].application",
        f"no application '{OTHER_CLIENT_ID}'",
        id="unknown-application",
    ),
    pytest.param(
        BASE
        + "tokens:\n"
        + f"  - {{access_token: {TOKEN}, user: ops@example.com,"
        + " scope: read}\n",
        BASE_LINES + 2,
        "tokens[0].user",
        "no user 'ops@example.com'",
        id="unknown-token-user",
    ),
    pytest.param(
        "users:\n  - {email: a@example.com, password: x}\n"
        "organizers:\n  - {slug: acme, name: Acme}\n"
        "tokens:\n"
        f"  - {{access_token: {TOKEN}, user: a@example.com,"
        " scope: read, organizers: [acme]}\n",
        6,
        "tokens[0].application",
        "no application is declared to default to",
        id="no-application-to-default-to",
    ),
    pytest.param(
        BASE
        + "  - {email: ops@example.com, password: pw}\n"
        + "tokens:\n"
        + f"  - {{access_token: {TOKEN}, user: ops@example.com,"
        + " scope: read, organizers: [ACME]}\n",
        BASE_LINES + 3,
        "tokens[0].organizers[0]",
        "ops@example.com is not a member of organizer 'acme'",
        id="token-organizer-without-membership",
    ),
    pytest.param(
        "organizers:\n  - {slug: api, name: API}\n",
        2,
        "organizers[0].slug",
        "This field has an invalid value: api.",
        id="reserved-slug",
    ),
    pytest.param(
        "organizers:\n  - {slug: new client, name: New client}\n",
        2,
        "organizers[0].slug",
        "The slug may only contain letters, numbers, dots and dashes.",
        id="slug-pattern",
    ),
    pytest.param(
        f"organizers:\n  - {{slug: {'a' * 51}, name: Long}}\n",
        2,
        "organizers[0].slug",
        "Ensure this field has no more than 50 characters.",
        id="slug-too-long",
    ),
    pytest.param(
        f"organizers:\n  - {{slug: acme, name: {'n' * 201}}}\n",
        2,
        "organizers[0].name",
        "Ensure this field has no more than 200 characters.",
        id="name-too-long",
    ),
    pytest.param(
        BASE
        + "tokens:\n"
        + "  - {access_token: tooShort, user: partner@example.com, scope: read}\n",
        BASE_LINES + 2,
        "tokens[0].access_token",
        "must be 30 characters of [A-Za-z0-9]",
        id="bad-access-token",
    ),
    pytest.param(
        BASE + f"team_tokens:\n  - {{token: {TEAM_TOKEN.upper()}, organizer: acme}}\n",
        BASE_LINES + 2,
        "team_tokens[0].token",
        "must be 64 characters of [a-z0-9]",
        id="bad-team-token",
    ),
    pytest.param(
        "applications:\n  - name: Demo\n    client_id: short\n",
        3,
        "applications[0].client_id",
        "must be 40 characters of [A-Za-z0-9]",
        id="bad-client-id",
    ),
    pytest.param(
        APPLICATION + "    redirect_uris: [http://localhost/cb, /callback]\n",
        5,
        "applications[0].redirect_uris[1]",
        "'/callback' is not an absolute http(s) URI",
        id="relative-redirect-uri",
    ),
    pytest.param(
        APPLICATION + "    redirect_uris: []\n",
        5,
        "applications[0].redirect_uris",
        "needs at least one redirect URI",
        id="no-redirect-uri",
    ),
    pytest.param(
        BASE
        + "tokens:\n"
        + f"  - {{access_token: {TOKEN}, user: partner@example.com,"
        + " scope: read admin}\n",
        BASE_LINES + 2,
        "tokens[0].scope",
        "unknown scope 'admin' (expected some of: profile, read, write)",
        id="unknown-scope",
    ),
    pytest.param(
        BASE
        + "tokens:\n"
        + f"  - {{access_token: {TOKEN}, user: partner@example.com,"
        + " scope: read read}\n",
        BASE_LINES + 2,
        "tokens[0].scope",
        "scope 'read' is given twice",
        id="repeated-scope",
    ),
]


@pytest.mark.parametrize(("content", "line", "key", "message"), ERROR_CASES)
def test_problem_names_file_line_and_key(tmp_path, content, line, key, message):
    path = _write(tmp_path, content)

    errors = _errors(path)

    found = [(e.line, e.key) for e in errors if message in e.message]
    assert (line, key) in found, "\n".join(str(e) for e in errors)
    assert all(error.file == str(path) for error in errors)


def test_missing_file_is_reported(tmp_path):
    path = tmp_path / "absent.yaml"

    errors = _errors(path)

    assert [str(error) for error in errors] == [f"{path}:0: (file): no such file"]


def test_every_problem_is_reported_at_once(tmp_path):
    path = _write(
        tmp_path,
        """\
        organizers:
          - {slug: x, name: X, reseller: 7}
          - {slug: ok, name: OK, colour: red}
        users:
          - {email: a@example.com}
        """,
    )

    with pytest.raises(FixtureErrors) as caught:
        load_fixtures(path)

    assert str(caught.value).splitlines() == [
        f"{path}:2: organizers[0].slug: Ensure this field has at least 2 characters.",
        f"{path}:2: organizers[0].slug: "
        "The slug may only contain letters, numbers, dots and dashes.",
        f"{path}:2: organizers[0].reseller: no reseller 7",
        f"{path}:3: organizers[1].colour: "
        "unknown key (expected one of: slug, name, reseller, members)",
        f"{path}:5: users[0].password: this key is required",
    ]


def test_cached_seed_is_reloaded_only_when_the_file_changes(tmp_path):
    path = _write(tmp_path, "users: []\n")
    first = cached_seed(path)

    again = cached_seed(str(path))
    path.write_text("users:\n  - {email: a@example.com, password: x}\n")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    changed = cached_seed(path)

    assert again is first
    assert len(changed.users) == 1


# -- Seeding and clearing --------------------------------------------------------

# Rows per table that belong to a namespace; every table must be listed here.
NAMESPACE_ROWS = {
    "namespace": "SELECT count(*) FROM namespace WHERE name = :ns",
    "user": 'SELECT count(*) FROM "user" WHERE namespace = :ns',
    "reseller": "SELECT count(*) FROM reseller WHERE namespace = :ns",
    "reseller_member": "SELECT count(*) FROM reseller_member WHERE namespace = :ns",
    "organizer": "SELECT count(*) FROM organizer WHERE namespace = :ns",
    "organizer_member": "SELECT count(*) FROM organizer_member"
    " JOIN organizer ON organizer.id = organizer_id WHERE namespace = :ns",
    "application": "SELECT count(*) FROM application WHERE namespace = :ns",
    "oauth_grant": "SELECT count(*) FROM oauth_grant WHERE namespace = :ns",
    "grant_organizer": "SELECT count(*) FROM grant_organizer"
    " JOIN oauth_grant ON oauth_grant.id = grant_id WHERE namespace = :ns",
    "access_token": "SELECT count(*) FROM access_token WHERE namespace = :ns",
    "authorization_code": "SELECT count(*) FROM authorization_code"
    " WHERE namespace = :ns",
    "team_token": "SELECT count(*) FROM team_token WHERE namespace = :ns",
    "fault_rule": "SELECT count(*) FROM fault_rule WHERE namespace = :ns",
    "journal_entry": "SELECT count(*) FROM journal_entry WHERE namespace = :ns",
    "snapshot": "SELECT count(*) FROM snapshot WHERE namespace = :ns",
    "idempotency_record": "SELECT count(*) FROM idempotency_record"
    " WHERE namespace = :ns",
}
BUNDLED_ROWS = {
    "namespace": 1,
    "user": 4,
    "reseller": 3,
    "reseller_member": 4,
    "organizer": 63,
    "organizer_member": 67,
    "application": 1,
    "oauth_grant": 9,
    # Five partner tokens reach 59 organizers, ops 7, solo 1, restricted 2.
    "grant_organizer": 5 * 59 + 7 + 1 + 2,
    "access_token": 9,
    "authorization_code": 0,
    "team_token": 1,
    "fault_rule": 0,
    "journal_entry": 0,
    "snapshot": 0,
    "idempotency_record": 0,
}


def _foreign_keys_on(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@pytest.fixture
def engine(tmp_path) -> Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'seed.sqlite3'}")
    event.listen(engine, "connect", _foreign_keys_on)
    models.Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _rows(engine: Engine, namespace: str) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(sql), {"ns": namespace}).scalar_one()
            for table, sql in NAMESPACE_ROWS.items()
        }


def _seed(engine: Engine, seed: Seed, *namespaces: str) -> None:
    with engine.begin() as connection:
        for namespace in namespaces:
            seed_namespace(connection, namespace, seed, NOW)


def test_row_counts_cover_every_table():
    assert set(NAMESPACE_ROWS) == set(models.Base.metadata.tables)


def test_seeding_inserts_the_whole_world(engine, bundled):
    _seed(engine, bundled, "default")

    assert _rows(engine, "default") == BUNDLED_ROWS


def test_seeded_tokens_keep_scope_expiry_and_reach(engine, bundled):
    _seed(engine, bundled, "default")

    with engine.connect() as connection:
        tokens = dict(
            connection.execute(text("SELECT token, expires_at FROM access_token")).all()
        )
        reach = connection.execute(
            text(
                "SELECT organizer.slug FROM access_token"
                " JOIN grant_organizer USING (grant_id)"
                " JOIN organizer ON organizer.id = organizer_id"
                " WHERE token = 'sandboxRestricted0000000000001' ORDER BY slug"
            )
        ).scalars()
        refresh = dict(
            connection.execute(
                text(
                    "SELECT token, refresh_token FROM access_token"
                    " JOIN oauth_grant ON oauth_grant.id = access_token.grant_id"
                )
            ).all()
        )

    assert tokens["sandboxExpiredToken00000000001"] == NOW
    assert tokens["sandboxReadWriteToken000000001"] == NOW + 31536000
    assert list(reach) == ["acme", "berlin-jazz"]
    assert refresh["sandboxReadWriteToken000000001"] == "sandboxRefreshDemo000000000001"
    assert len(refresh["sandboxReadOnlyToken0000000001"]) == 30


def test_seeding_accepts_a_datetime_as_now(engine, bundled):
    now = datetime.fromtimestamp(NOW, UTC)

    with engine.begin() as connection:
        seed_namespace(connection, "default", bundled, now)
        expiry = connection.execute(
            text("SELECT max(expires_at) FROM access_token")
        ).scalar_one()

    assert expiry == NOW + 31536000


def test_one_seed_fills_two_namespaces_apart(engine, bundled):
    _seed(engine, bundled, "alpha", "beta")

    with engine.connect() as connection:
        crossed = connection.execute(
            text(
                "SELECT count(*) FROM access_token"
                ' JOIN "user" ON "user".id = access_token.user_id'
                " JOIN oauth_grant ON oauth_grant.id = access_token.grant_id"
                " JOIN grant_organizer ON grant_organizer.grant_id = oauth_grant.id"
                " JOIN organizer ON organizer.id = organizer_id"
                ' WHERE "user".namespace != access_token.namespace'
                " OR oauth_grant.namespace != access_token.namespace"
                " OR organizer.namespace != access_token.namespace"
            )
        ).scalar_one()

    assert _rows(engine, "alpha") == BUNDLED_ROWS
    assert _rows(engine, "beta") == BUNDLED_ROWS
    assert crossed == 0


def test_clearing_a_namespace_keeps_the_others(engine, bundled):
    _seed(engine, bundled, "alpha", "beta")

    with engine.begin() as connection:
        clear_namespace(connection, "alpha")

    assert set(_rows(engine, "alpha").values()) == {0}
    assert _rows(engine, "beta") == BUNDLED_ROWS


def test_a_cleared_namespace_can_be_seeded_again(engine, bundled):
    _seed(engine, bundled, "default")

    with engine.begin() as connection:
        clear_namespace(connection, "default")
        seed_namespace(connection, "default", bundled, NOW)

    assert _rows(engine, "default") == BUNDLED_ROWS


# -- Organizer validation (shared with the API) ----------------------------------

LONG_NAME = "n" * 201


@pytest.mark.parametrize(
    ("body", "cleaned", "errors"),
    [
        pytest.param(
            {"name": " Acme ", "slug": " acme "},
            {"slug": "acme", "name": "Acme"},
            {},
            id="trimmed",
        ),
        pytest.param(
            {"name": 12, "slug": 12.5},
            {"slug": "12.5", "name": "12"},
            {},
            id="numbers-as-text",
        ),
        pytest.param(
            {"name": "API", "slug": "API"},
            {"slug": "API", "name": "API"},
            {},
            id="reserved-only-in-lower-case",
        ),
        pytest.param(
            {},
            {},
            {"slug": ["This field is required."], "name": ["This field is required."]},
            id="missing",
        ),
        pytest.param(
            {"name": None, "slug": True},
            {},
            {"slug": ["Not a valid string."], "name": ["This field may not be null."]},
            id="null-and-boolean",
        ),
        pytest.param(
            {"name": "  ", "slug": ["acme"]},
            {},
            {"slug": ["Not a valid string."], "name": ["This field may not be blank."]},
            id="blank-and-list",
        ),
        pytest.param(
            {"name": LONG_NAME, "slug": "a"},
            {},
            {
                "slug": [
                    "Ensure this field has at least 2 characters.",
                    "The slug may only contain letters, numbers, dots and dashes.",
                ],
                "name": ["Ensure this field has no more than 200 characters."],
            },
            id="too-short-and-too-long",
        ),
        pytest.param(
            {"name": "Debug", "slug": "__debug__"},
            {"name": "Debug"},
            {
                "slug": [
                    "The slug may only contain letters, numbers, dots and dashes.",
                    "This field has an invalid value: __debug__.",
                ]
            },
            id="reserved-and-pattern",
        ),
        pytest.param(
            {"name": "Long", "slug": "a" * 51},
            {"name": "Long"},
            {"slug": ["Ensure this field has no more than 50 characters."]},
            id="slug-too-long",
        ),
    ],
)
def test_validate_organizer_speaks_like_pretix(body, cleaned, errors):
    result = validate_organizer(body)

    assert result == (cleaned, errors)
    assert list(result[1]) == [key for key in ("slug", "name") if key in errors]


@pytest.mark.parametrize(
    ("body", "kind"),
    [([], "list"), ("x", "str"), (1, "int"), (1.5, "float")],
    ids=["list", "str", "int", "float"],
)
def test_validate_organizer_wants_a_dictionary(body, kind):
    message = f"Invalid data. Expected a dictionary, but got {kind}."

    assert validate_organizer(body) == ({}, {"non_field_errors": [message]})


def test_validate_organizer_says_no_data_for_null():
    assert validate_organizer(None) == ({}, {"non_field_errors": ["No data provided"]})


# -- Secrets ---------------------------------------------------------------------


def test_new_tokens_are_random_alphanumerics():
    tokens = {new_token() for _ in range(100)}

    assert len(tokens) == 100
    assert all(len(token) == 30 and token.isalnum() for token in tokens)
    assert len(new_token(64)) == 64


@pytest.mark.parametrize(
    ("stored", "candidate", "expected"),
    [
        (hash_secret("s3cret"), "s3cret", True),
        (hash_secret("s3cret"), "s3cret ", False),
        ("sha256$$", "", False),
        ("plain-text", "plain-text", False),
    ],
    ids=["match", "mismatch", "empty-hash", "not-a-hash"],
)
def test_check_secret(stored, candidate, expected):
    assert check_secret(stored, candidate) is expected
