"""The sandbox's tables, each row tagged with the namespace it lives in."""

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DEFAULT_NAMESPACE = "default"

# Ids freed by a reset are never handed out again, so a snapshot taken before
# it can be restored with its own ids.
_NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    """Declarative base of every sandbox table."""


class Namespace(Base):
    """An independent world: its own fixtures copy, clock and fault rules."""

    __tablename__ = "namespace"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    clock_offset: Mapped[float] = mapped_column(default=0.0)
    frozen_at: Mapped[float | None] = mapped_column(Float)
    faults_active: Mapped[bool] = mapped_column(Boolean, default=False)
    journal_active: Mapped[bool] = mapped_column(Boolean, default=True)
    doom_next_code: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base):
    """A pretix user account that can log in and own tokens."""

    __tablename__ = "user"
    __table_args__ = (UniqueConstraint("namespace", "email"), _NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64), index=True)
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    fullname: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)


class Reseller(Base):
    """A reseller ("VAR") account; ids come from the fixtures."""

    __tablename__ = "reseller"

    namespace: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    public_name: Mapped[str] = mapped_column(String(200))
    public_url: Mapped[str] = mapped_column(String(200))
    support_email: Mapped[str] = mapped_column(String(254))
    support_phone: Mapped[str] = mapped_column(String(64))
    communication_language: Mapped[str] = mapped_column(String(16))


class ResellerMember(Base):
    """A user's access to a reseller account."""

    __tablename__ = "reseller_member"
    __table_args__ = (
        ForeignKeyConstraint(
            ["namespace", "reseller_id"],
            ["reseller.namespace", "reseller.id"],
            ondelete="CASCADE",
        ),
    )

    namespace: Mapped[str] = mapped_column(String(64), primary_key=True)
    reseller_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Organizer(Base):
    """An organizer account, optionally owned by a reseller account."""

    __tablename__ = "organizer"
    __table_args__ = (
        Index("ix_organizer_namespace_slug", "namespace", "slug"),
        _NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    slug: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    reseller_id: Mapped[int | None] = mapped_column(Integer)


# Slugs are unique case-insensitively, so a race of "acme" and "ACME" loses one.
Index(
    "ix_organizer_namespace_slug_folded",
    Organizer.namespace,
    func.lower(Organizer.slug),
    unique=True,
)


class OrganizerMember(Base):
    """A user's membership of an organizer's administrator team."""

    __tablename__ = "organizer_member"

    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Application(Base):
    """A confidential OAuth application ("Connect with pretix" client)."""

    __tablename__ = "application"
    __table_args__ = (UniqueConstraint("namespace", "client_id"), _NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(100))
    client_secret_hash: Mapped[str] = mapped_column(String(200))
    redirect_uris: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Grant(Base):
    """One consent: the refresh token, its scope and the organizers ticked."""

    __tablename__ = "oauth_grant"
    __table_args__ = (
        UniqueConstraint("namespace", "refresh_token"),
        _NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE")
    )
    refresh_token: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(64))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class GrantOrganizer(Base):
    """An organizer a grant's tokens may reach."""

    __tablename__ = "grant_organizer"

    grant_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_grant.id", ondelete="CASCADE"), primary_key=True
    )
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class AccessToken(Base):
    """A bearer access token; its scope and user are copied from the grant."""

    __tablename__ = "access_token"
    __table_args__ = (UniqueConstraint("namespace", "token"), _NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(String(64))
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_grant.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(64))
    # Seconds since the epoch on the namespace's clock: portable across databases.
    expires_at: Mapped[float] = mapped_column(Float)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuthorizationCode(Base):
    """A single-use authorization code waiting for the token endpoint."""

    __tablename__ = "authorization_code"
    __table_args__ = (UniqueConstraint("namespace", "code"), _NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(64))
    organizer_ids: Mapped[str] = mapped_column(Text, default="")
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(10))
    # Seconds since the epoch on the namespace's clock: portable across databases.
    expires_at: Mapped[float] = mapped_column(Float)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    doomed: Mapped[bool] = mapped_column(Boolean, default=False)


class TeamToken(Base):
    """A team API token of one organizer (``Authorization: Token ...``)."""

    __tablename__ = "team_token"
    __table_args__ = (UniqueConstraint("namespace", "token"), _NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(String(64))
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE")
    )


class FaultRule(Base):
    """A fault to inject: a canned answer or latency, for matching requests."""

    __tablename__ = "fault_rule"
    __table_args__ = _NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(16), default="*")
    path: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    retry_after: Mapped[int | None] = mapped_column(Integer)
    remaining: Mapped[int | None] = mapped_column(Integer)
    probability: Mapped[float | None] = mapped_column(Float)


class JournalEntry(Base):
    """One request and its answer, secrets redacted, for tests to inspect."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        Index("ix_journal_entry_namespace_id", "namespace", "id"),
        _NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    request_headers: Mapped[str] = mapped_column(Text, default="{}")
    request_body: Mapped[str] = mapped_column(Text, default="")
    response_body: Mapped[str] = mapped_column(Text, default="")


class Snapshot(Base):
    """A named copy of a namespace's rows; kept when the namespace resets."""

    __tablename__ = "snapshot"
    __table_args__ = (
        UniqueConstraint("namespace", "name"),
        {"info": {"survives_reset": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    data: Mapped[str] = mapped_column(Text)


class IdempotencyRecord(Base):
    """A non-GET API answer kept for replay under its ``X-Idempotency-Key``."""

    __tablename__ = "idempotency_record"
    __table_args__ = (
        UniqueConstraint("namespace", "key", "auth_hash"),
        _NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(190))
    auth_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer, default=0)
    headers: Mapped[list] = mapped_column(JSON, default=list)
    body: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    # Seconds since the epoch on the namespace's clock: portable across databases.
    created_at: Mapped[float] = mapped_column(Float)
    finished: Mapped[bool] = mapped_column(Boolean, default=False)
