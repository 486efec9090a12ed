"""Load a YAML fixtures file into a :class:`Seed`, validating every line of it.

The file is one mapping; every top-level key is optional, and an empty file is an
empty world. Each section is a list of mappings (``?`` marks an optional key)::

    users:        email, password, fullname?, locale? (en), timezone? (UTC),
                  is_staff? (false)
    resellers:    id, name, public_name, public_url, support_email,
                  support_phone, communication_language, members? (emails)
    organizers:   slug, name, reseller? (id), members? (emails)
    applications: name, client_id, client_secret, redirect_uris (list)
    tokens:       access_token, refresh_token? (random per namespace), user,
                  application? (first one), scope, organizers? (all the
                  user's), expires_in? (31536000; 0 or less is expired)
    team_tokens:  token, organizer

Users are named by e-mail and organizers by slug, both unique and matched
case-insensitively; resellers by id, applications by client_id. An optional key
given as null takes its default. Every problem is reported at once, one per
line, as ``file:line: key: message`` with keys such as ``organizers[3].slug``
(items counted from 0).
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sandbox import slugs
from sandbox.secrets import hash_password, hash_secret

DEFAULT_EXPIRES_IN = 31536000
SCOPES = ("profile", "read", "write")
ACCESS_TOKEN = re.compile(r"[A-Za-z0-9]{30}")
CLIENT_ID = re.compile(r"[A-Za-z0-9]{40}")
TEAM_TOKEN = re.compile(r"[a-z0-9]{64}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")

# Stands for a value that broke a rule and has already been reported.
_INVALID: Any = object()
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_KINDS = {
    _NULL_TAG: "null",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:str": "a string",
}


class FixtureError(Exception):
    """One problem in a fixtures file, located by file, line and key."""

    def __init__(self, file: str, line: int, key: str, message: str) -> None:
        super().__init__(file, line, key, message)
        self.file = file
        self.line = line
        self.key = key
        self.message = message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.message}"


class FixtureErrors(Exception):
    """Every problem found in one fixtures file, one per line."""

    def __init__(self, errors: list[FixtureError]) -> None:
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


@dataclass(frozen=True)
class UserSeed:
    """A user, its password already hashed."""

    email: str
    password_hash: str
    fullname: str | None
    locale: str
    timezone: str
    is_staff: bool


@dataclass(frozen=True)
class ResellerSeed:
    """A reseller account and the e-mails of its members."""

    id: int
    name: str
    public_name: str
    public_url: str
    support_email: str
    support_phone: str
    communication_language: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class OrganizerSeed:
    """An organizer, its reseller's id and the e-mails of its admin team."""

    slug: str
    name: str
    reseller: int | None
    members: tuple[str, ...]


@dataclass(frozen=True)
class ApplicationSeed:
    """An OAuth application, its secret already hashed."""

    name: str
    client_id: str
    client_secret_hash: str
    redirect_uris: tuple[str, ...]


@dataclass(frozen=True)
class TokenSeed:
    """An access token with the grant behind it; no refresh token means random."""

    access_token: str
    refresh_token: str | None
    user: str
    application: str
    scope: str
    organizers: tuple[str, ...]
    expires_in: int


@dataclass(frozen=True)
class TeamTokenSeed:
    """A team API token of one organizer."""

    token: str
    organizer: str


@dataclass(frozen=True)
class Seed:
    """A checked fixtures file, ready to insert into any namespace."""

    users: tuple[UserSeed, ...] = ()
    resellers: tuple[ResellerSeed, ...] = ()
    organizers: tuple[OrganizerSeed, ...] = ()
    applications: tuple[ApplicationSeed, ...] = ()
    tokens: tuple[TokenSeed, ...] = ()
    team_tokens: tuple[TeamTokenSeed, ...] = ()

    def summary(self) -> str:
        """How many of each record the seed holds, for one line of output."""
        counts = (
            (len(self.users), "user"),
            (len(self.resellers), "reseller"),
            (len(self.organizers), "organizer"),
            (len(self.applications), "application"),
            (len(self.tokens), "token"),
            (len(self.team_tokens), "team token"),
        )
        return ", ".join(
            f"{count} {noun}{'' if count == 1 else 's'}" for count, noun in counts
        )


# -- Reading nodes ------------------------------------------------------------


@dataclass
class _Item:
    """One mapping of a section: the values that were read and their nodes."""

    key: str
    node: Node
    values: dict[str, Any] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """The value of ``name``, or None when it is missing or invalid."""
        value = self.values.get(name)
        return None if value is _INVALID else value

    def path(self, name: str) -> str:
        """The dotted key of the field ``name``."""
        return f"{self.key}.{name}"


_Read = Callable[["_Reader", Node, str], Any]


@dataclass(frozen=True)
class _Field:
    """How one key of a section's items is read."""

    read: _Read
    required: bool = True
    default: Any = None


class _Reader:
    """Walks the composed YAML nodes of one file, collecting every problem."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[FixtureError] = []
        self._constructor = SafeConstructor()

    def fail(self, node: Node | None, key: str, message: str) -> None:
        """Record a problem at ``node``'s line (line 0 for the whole file)."""
        line = node.start_mark.line + 1 if node is not None else 0
        self.fail_at(line, key, message)

    def fail_at(self, line: int, key: str, message: str) -> None:
        """Record a problem at a line number."""
        self.errors.append(FixtureError(self.file, line, key, message))

    def scalar(self, node: Node, key: str, label: str) -> Any:
        """The Python value of a scalar node, or ``_INVALID`` when it is not one."""
        if not isinstance(node, ScalarNode):
            self.fail(node, key, f"expected {label}, got {_describe_node(node)}")
            return _INVALID

        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self.fail(node, key, getattr(error, "problem", None) or str(error))
            return _INVALID

    def sequence(self, node: Node, key: str) -> list[Node]:
        """The items of a list node; null is an empty list."""
        if _is_null(node):
            return []
        if not isinstance(node, SequenceNode):
            self.fail(node, key, f"expected a list, got {_describe_node(node)}")
            return []
        return list(node.value)

    def mapping(self, node: Node, key: str, allowed: dict) -> dict[str, Node] | None:
        """The value nodes of a mapping, reporting repeated and unknown keys."""
        if not isinstance(node, MappingNode):
            self.fail(node, key, f"expected a mapping, got {_describe_node(node)}")
            return None

        own = [pair for pair in node.value if pair[0].tag != _MERGE_TAG]
        try:
            self._constructor.flatten_mapping(node)
        except yaml.YAMLError as error:
            self.fail(node, key, getattr(error, "problem", None) or str(error))
            return None

        values: dict[str, Node] = {}
        for key_node, value_node in own:
            self._add(values, key_node, value_node, key, allowed, merged=False)
        # Merged keys come first and the last one wins, as in PyYAML; own keys
        # win over all of them.
        merged = node.value[: len(node.value) - len(own)]
        for key_node, value_node in reversed(merged):
            self._add(values, key_node, value_node, key, allowed, merged=True)
        return values

    def _add(
        self,
        values: dict[str, Node],
        key_node: Node,
        value_node: Node,
        key: str,
        allowed: dict,
        merged: bool,
    ) -> None:
        name = self.scalar(key_node, key or "(top level)", "a key")
        if name is _INVALID:
            return
        if not isinstance(name, str):
            message = f"keys must be strings, got {_describe(name)}"
            self.fail(key_node, key or "(top level)", message)
            return

        path = f"{key}.{name}" if key else name
        if name in values:
            if not merged:
                self.fail(key_node, path, "this key is given twice")
        elif name not in allowed:
            expected = ", ".join(allowed)
            self.fail(key_node, path, f"unknown key (expected one of: {expected})")
        else:
            values[name] = value_node

    def item(self, node: Node, key: str, fields: dict[str, _Field]) -> _Item | None:
        """Read one mapping of a section, filling in defaults."""
        values = self.mapping(node, key, fields)
        if values is None:
            return None

        item = _Item(key, node)
        for name, spec in fields.items():
            value_node = values.get(name)
            if value_node is None or (not spec.required and _is_null(value_node)):
                self._default(item, name, spec)
                continue
            item.nodes[name] = value_node
            item.values[name] = spec.read(self, value_node, item.path(name))
        return item

    def _default(self, item: _Item, name: str, spec: _Field) -> None:
        if spec.required:
            self.fail(item.node, item.path(name), "this key is required")
            item.values[name] = _INVALID
        else:
            item.values[name] = spec.default


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


def _describe_node(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return _SCALAR_KINDS.get(node.tag, "a scalar")


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


# -- Field readers -------------------------------------------------------------


def _typed(reader: _Reader, node: Node, key: str, kind: type, label: str) -> Any:
    value = reader.scalar(node, key, label)
    if value is _INVALID:
        return _INVALID

    # A YAML boolean is an int to Python, but never a number to a fixture author.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        reader.fail(node, key, f"expected {label}, got {_describe(value)}")
        return _INVALID
    return value


def _text(reader: _Reader, node: Node, key: str) -> Any:
    value = _typed(reader, node, key, str, "a string")
    if value is not _INVALID and not value.strip():
        reader.fail(node, key, "may not be blank")
        return _INVALID
    return value


def _optional_text(reader: _Reader, node: Node, key: str) -> Any:
    return None if _is_null(node) else _text(reader, node, key)


def _integer(reader: _Reader, node: Node, key: str) -> Any:
    return _typed(reader, node, key, int, "an integer")


def _positive_integer(reader: _Reader, node: Node, key: str) -> Any:
    value = _integer(reader, node, key)
    if value is not _INVALID and value < 1:
        reader.fail(node, key, "must be a positive integer")
        return _INVALID
    return value


def _boolean(reader: _Reader, node: Node, key: str) -> Any:
    return _typed(reader, node, key, bool, "a boolean")


def _email(reader: _Reader, node: Node, key: str) -> Any:
    value = _text(reader, node, key)
    if value is not _INVALID and not EMAIL.fullmatch(value):
        reader.fail(node, key, f"{value!r} is not an e-mail address")
        return _INVALID
    return value


def _text_list(reader: _Reader, node: Node, key: str) -> Any:
    # Invalid entries stay in place so that entries and nodes line up.
    if not isinstance(node, SequenceNode):
        reader.fail(node, key, f"expected a list, got {_describe_node(node)}")
        return _INVALID
    return tuple(
        _text(reader, child, f"{key}[{index}]")
        for index, child in enumerate(node.value)
    )


def _pattern(pattern: re.Pattern[str], description: str) -> _Read:
    def read(reader: _Reader, node: Node, key: str) -> Any:
        value = _text(reader, node, key)
        if value is not _INVALID and not pattern.fullmatch(value):
            reader.fail(node, key, f"must be {description}")
            return _INVALID
        return value

    return read


def _slug(reader: _Reader, node: Node, key: str) -> Any:
    value = _typed(reader, node, key, str, "a string")
    if value is _INVALID:
        return _INVALID

    for message in slugs.slug_errors(value):
        reader.fail(node, key, message)
    return value


def _organizer_name(reader: _Reader, node: Node, key: str) -> Any:
    value = _text(reader, node, key)
    if value is _INVALID:
        return _INVALID

    problems = slugs.name_errors(value)
    for message in problems:
        reader.fail(node, key, message)
    return _INVALID if problems else value


def _redirect_uris(reader: _Reader, node: Node, key: str) -> Any:
    uris = _text_list(reader, node, key)
    if uris is _INVALID:
        return _INVALID
    if not uris:
        reader.fail(node, key, "needs at least one redirect URI")
        return _INVALID

    for index, (child, uri) in enumerate(zip(node.value, uris, strict=True)):
        problem = _redirect_uri_problem(uri) if uri is not _INVALID else None
        if problem:
            reader.fail(child, f"{key}[{index}]", problem)
    return uris


def _redirect_uri_problem(uri: str) -> str | None:
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{uri!r} is not an absolute http(s) URI"
    if any(character.isspace() for character in uri):
        return f"{uri!r} contains whitespace"
    # RFC 6749, section 3.1.2: a redirection endpoint has no fragment.
    if parts.fragment:
        return f"{uri!r} has a fragment"
    return None


def _scope(reader: _Reader, node: Node, key: str) -> Any:
    value = _text(reader, node, key)
    if value is _INVALID:
        return _INVALID

    words = value.split()
    problems = [f"unknown scope {word!r}" for word in words if word not in SCOPES]
    problems += [
        f"scope {word!r} is given twice" for word in SCOPES if words.count(word) > 1
    ]
    for message in problems:
        reader.fail(node, key, f"{message} (expected some of: {', '.join(SCOPES)})")
    return _INVALID if problems else " ".join(words)


_USER_FIELDS = {
    "email": _Field(_email),
    "password": _Field(_text),
    "fullname": _Field(_optional_text, required=False),
    "locale": _Field(_text, required=False, default="en"),
    "timezone": _Field(_text, required=False, default="UTC"),
    "is_staff": _Field(_boolean, required=False, default=False),
}
_RESELLER_FIELDS = {
    "id": _Field(_positive_integer),
    "name": _Field(_text),
    "public_name": _Field(_text),
    "public_url": _Field(_text),
    "support_email": _Field(_text),
    "support_phone": _Field(_text),
    "communication_language": _Field(_text),
    "members": _Field(_text_list, required=False, default=()),
}
_ORGANIZER_FIELDS = {
    "slug": _Field(_slug),
    "name": _Field(_organizer_name),
    "reseller": _Field(_positive_integer, required=False),
    "members": _Field(_text_list, required=False, default=()),
}
_APPLICATION_FIELDS = {
    "name": _Field(_text),
    "client_id": _Field(_pattern(CLIENT_ID, "40 characters of [A-Za-z0-9]")),
    "client_secret": _Field(_text),
    "redirect_uris": _Field(_redirect_uris),
}
_OAUTH_TOKEN = _pattern(ACCESS_TOKEN, "30 characters of [A-Za-z0-9]")
_TOKEN_FIELDS = {
    "access_token": _Field(_OAUTH_TOKEN),
    "refresh_token": _Field(_OAUTH_TOKEN, required=False),
    "user": _Field(_text),
    "application": _Field(_text, required=False),
    "scope": _Field(_scope),
    "organizers": _Field(_text_list, required=False),
    "expires_in": _Field(_integer, required=False, default=DEFAULT_EXPIRES_IN),
}
_TEAM_TOKEN_FIELDS = {
    "token": _Field(_pattern(TEAM_TOKEN, "64 characters of [a-z0-9]")),
    "organizer": _Field(_text),
}
_SECTIONS = {
    "users": _USER_FIELDS,
    "resellers": _RESELLER_FIELDS,
    "organizers": _ORGANIZER_FIELDS,
    "applications": _APPLICATION_FIELDS,
    "tokens": _TOKEN_FIELDS,
    "team_tokens": _TEAM_TOKEN_FIELDS,
}


# -- Checks across items -------------------------------------------------------


def _fold(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


@dataclass(frozen=True)
class _Known:
    """The declared values of one natural key, as references may name them."""

    label: str
    values: dict[Any, Any]
    folded: bool

    def find(self, value: Any) -> Any:
        """The declared value ``value`` names, or None."""
        return self.values.get(_fold(value) if self.folded else value)


def _unique(
    reader: _Reader, items: list[_Item], name: str, label: str, folded: bool = False
) -> _Known:
    """Report repeated values of ``name``; the first of each is the declared one."""
    first: dict[Any, tuple[Any, int]] = {}
    for item in items:
        value = item.get(name)
        if value is None:
            continue

        key = _fold(value) if folded else value
        node = item.nodes[name]
        if key in first:
            line = first[key][1]
            reader.fail(node, item.path(name), f"{value!r} is already on line {line}")
        else:
            first[key] = (value, node.start_mark.line + 1)

    values = {key: value for key, (value, _) in first.items()}
    return _Known(label, values, folded)


def _resolve(reader: _Reader, item: _Item, name: str, known: _Known) -> None:
    """Replace a reference by the declared value it names, or report it."""
    value = item.get(name)
    if value is None:
        return

    target = known.find(value)
    if target is None:
        reader.fail(item.nodes[name], item.path(name), f"no {known.label} {value!r}")
        target = _INVALID
    item.values[name] = target


def _resolve_list(reader: _Reader, item: _Item, name: str, known: _Known) -> None:
    """Replace a list of references by the declared values they name."""
    entries = _entries(item, name)
    if not entries:
        return

    resolved: list[Any] = []
    for key, node, value in entries:
        target = known.find(value) if value is not _INVALID else _INVALID
        if target is None:
            reader.fail(node, key, f"no {known.label} {value!r}")
        elif target in resolved:
            reader.fail(node, key, f"{value!r} is listed twice")
        elif target is not _INVALID:
            resolved.append(target)
    item.values[name] = tuple(resolved)


def _entries(item: _Item, name: str) -> list[tuple[str, Node, Any]]:
    """The key, node and value of each entry of a list field that was read."""
    values = item.get(name)
    if not values:
        return []

    nodes = item.nodes[name].value
    return [
        (f"{item.path(name)}[{index}]", node, value)
        for index, (node, value) in enumerate(zip(nodes, values, strict=True))
    ]


@dataclass
class _Sections:
    """The items of every section, as read."""

    users: list[_Item]
    resellers: list[_Item]
    organizers: list[_Item]
    applications: list[_Item]
    tokens: list[_Item]
    team_tokens: list[_Item]


def _check(reader: _Reader, sections: _Sections) -> None:
    """Check uniqueness and every reference between sections."""
    users = _unique(reader, sections.users, "email", "user", folded=True)
    resellers = _unique(reader, sections.resellers, "id", "reseller")
    organizers = _unique(reader, sections.organizers, "slug", "organizer", folded=True)
    applications = _unique(reader, sections.applications, "client_id", "application")
    _unique(reader, sections.tokens, "access_token", "access token")
    _unique(reader, sections.tokens, "refresh_token", "refresh token")
    _unique(reader, sections.team_tokens, "token", "team token")

    for item in sections.resellers:
        _resolve_list(reader, item, "members", users)
    for item in sections.organizers:
        _resolve(reader, item, "reseller", resellers)
        _resolve_list(reader, item, "members", users)
    for item in sections.team_tokens:
        _resolve(reader, item, "organizer", organizers)

    teams = {
        item.get("slug"): set(item.get("members") or ()) for item in sections.organizers
    }
    for item in sections.tokens:
        _resolve(reader, item, "user", users)
        _check_application(reader, item, applications)
        _check_organizers(reader, item, organizers, teams)


def _check_application(reader: _Reader, item: _Item, applications: _Known) -> None:
    """Resolve a token's application, which defaults to the first declared."""
    if "application" in item.nodes:
        _resolve(reader, item, "application", applications)
    elif applications.values:
        item.values["application"] = next(iter(applications.values.values()))
    else:
        path = item.path("application")
        reader.fail(item.node, path, "no application is declared to default to")
        item.values["application"] = _INVALID


def _check_organizers(
    reader: _Reader, item: _Item, organizers: _Known, teams: dict[Any, set[str]]
) -> None:
    """Resolve a token's organizers, which must all have its user as a member."""
    user = item.get("user")
    if "organizers" not in item.nodes:
        mine = [slug for slug, team in teams.items() if user in team]
        item.values["organizers"] = tuple(mine)
        return

    entries = _entries(item, "organizers")
    _resolve_list(reader, item, "organizers", organizers)
    for key, node, value in entries:
        slug = organizers.find(value) if value is not _INVALID else None
        if user is not None and slug is not None and user not in teams[slug]:
            reader.fail(node, key, f"{user} is not a member of organizer {slug!r}")


# -- Loading -------------------------------------------------------------------


def load_fixtures(path: str | Path) -> Seed:
    """Read and check a fixtures file; raise :class:`FixtureErrors` on problems."""
    reader = _Reader(str(path))
    root = _compose(reader, Path(path))
    sections = _read_sections(reader, root) if root is not None else None

    if sections is not None:
        _check(reader, sections)
    if reader.errors:
        reader.errors.sort(key=lambda error: error.line)
        raise FixtureErrors(reader.errors)

    return _build(sections) if sections is not None else Seed()


@functools.lru_cache(maxsize=8)
def _cached(path: Path, mtime_ns: int) -> Seed:
    return load_fixtures(path)


def cached_seed(path: str | Path) -> Seed:
    """The :class:`Seed` of ``path``, loaded again only when the file changes."""
    resolved = Path(path).resolve()
    try:
        mtime_ns = resolved.stat().st_mtime_ns
    except OSError:
        # Not cached: load_fixtures reports the missing file itself.
        return load_fixtures(path)
    return _cached(resolved, mtime_ns)


def _compose(reader: _Reader, path: Path) -> Node | None:
    """The root node of the file, or None when it is empty or unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reader.fail(None, "(file)", _reason(error))
        return None

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        reader.fail_at(line, "(yaml)", _yaml_problem(error))
        return None
    except yaml.YAMLError as error:
        reader.fail_at(1, "(yaml)", str(error))
        return None

    if root is None or _is_null(root):
        return None
    return root


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    if error.problem and error.context:
        return f"{error.problem} ({error.context})"
    return error.problem or error.context or "not valid YAML"


def _reason(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return getattr(error, "strerror", None) or str(error)


def _read_sections(reader: _Reader, root: Node) -> _Sections | None:
    """Read every section of the top-level mapping."""
    if not isinstance(root, MappingNode):
        message = f"the file must be a mapping, got {_describe_node(root)}"
        reader.fail(root, "(top level)", message)
        return None

    top = reader.mapping(root, "", _SECTIONS) or {}
    read = {name: _read_items(reader, top, name) for name in _SECTIONS}
    return _Sections(**read)


def _read_items(reader: _Reader, top: dict[str, Node], name: str) -> list[_Item]:
    node = top.get(name)
    if node is None:
        return []

    items = []
    for index, child in enumerate(reader.sequence(node, name)):
        item = reader.item(child, f"{name}[{index}]", _SECTIONS[name])
        if item is not None:
            items.append(item)
    return items


def _build(sections: _Sections) -> Seed:
    """Turn checked items into a :class:`Seed`, hashing secrets once."""
    return Seed(
        users=tuple(_user(item.values) for item in sections.users),
        resellers=tuple(ResellerSeed(**item.values) for item in sections.resellers),
        organizers=tuple(OrganizerSeed(**item.values) for item in sections.organizers),
        applications=tuple(_application(item.values) for item in sections.applications),
        tokens=tuple(TokenSeed(**item.values) for item in sections.tokens),
        team_tokens=tuple(
            TeamTokenSeed(**item.values) for item in sections.team_tokens
        ),
    )


def _user(values: dict[str, Any]) -> UserSeed:
    password = values.pop("password")
    return UserSeed(password_hash=hash_password(password), **values)


def _application(values: dict[str, Any]) -> ApplicationSeed:
    secret = values.pop("client_secret")
    return ApplicationSeed(client_secret_hash=hash_secret(secret), **values)


# -- Seeding -------------------------------------------------------------------
