"""pretix's rules for an organizer's name and slug, with its exact messages."""

import re

NAME_MAX_LENGTH = 200
SLUG_MIN_LENGTH = 2
SLUG_MAX_LENGTH = 50
SLUG_PATTERN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9.-]*[a-zA-Z0-9]$")

# pretix refuses these because they would shadow its own URLs; compared as typed.
RESERVED_SLUGS = frozenset(
    {
        "download",
        "healthcheck",
        "locale",
        "control",
        "pretixdroid",
        "redirect",
        "jsi18n",
        "metrics",
        "_global",
        "__debug__",
        "about",
        "api",
        "csp_report",
        "widget",
        "lead",
        "scheduling",
    }
)

NOT_A_DICT = "Invalid data. Expected a dictionary, but got {datatype}."
NO_DATA = "No data provided"
REQUIRED = "This field is required."
NULL = "This field may not be null."
NOT_A_STRING = "Not a valid string."
BLANK = "This field may not be blank."
NUL_CHARACTER = "Null characters are not allowed."
SURROGATE = "Surrogate characters are not allowed: U+{code_point:X}."
TOO_LONG = "Ensure this field has no more than {limit} characters."
TOO_SHORT = "Ensure this field has at least {limit} characters."
SLUG_INVALID = "The slug may only contain letters, numbers, dots and dashes."
SLUG_RESERVED = "This field has an invalid value: {slug}."
SLUG_TAKEN = "This slug is already in use. Please choose a different one."


def mapping_errors(data: object) -> dict[str, list[str]] | None:
    """pretix's error for a body that is not a JSON object, else ``None``."""
    if isinstance(data, dict):
        return None

    if data is None:
        return {"non_field_errors": [NO_DATA]}

    return {"non_field_errors": [NOT_A_DICT.format(datatype=type(data).__name__)]}


def validate_organizer(data: object) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Clean a create-organizer body as pretix would: (valid fields, errors)."""
    shape_errors = mapping_errors(data)
    if shape_errors:
        return {}, shape_errors

    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for field, rules in (("slug", slug_errors), ("name", name_errors)):
        value, problems = char_field(data, field)
        if value is not None:
            problems = rules(value)
        if value is not None and not problems:
            cleaned[field] = value
        else:
            errors[field] = problems
    return cleaned, errors


def char_field(data: dict, field: str) -> tuple[str | None, list[str]]:
    """Read ``field`` like a DRF CharField: the trimmed text, or its one error."""
    if field not in data:
        return None, [REQUIRED]

    value = data[field]
    if value is None:
        return None, [NULL]
    # DRF takes numbers as text, but neither booleans nor containers.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, [NOT_A_STRING]

    text = str(value).strip()
    if text == "":
        return None, [BLANK]
    # DRF's CharField refuses these; a database could not store them either.
    if "\x00" in text:
        return None, [NUL_CHARACTER]
    surrogate = next((c for c in text if "\ud800" <= c <= "\udfff"), None)
    if surrogate is not None:
        return None, [SURROGATE.format(code_point=ord(surrogate))]
    return text, []


def slug_errors(slug: str) -> list[str]:
    """Every rule ``slug`` breaks, in pretix's order; empty when it is valid."""
    problems = []
    if len(slug) > SLUG_MAX_LENGTH:
        problems.append(TOO_LONG.format(limit=SLUG_MAX_LENGTH))
    if len(slug) < SLUG_MIN_LENGTH:
        problems.append(TOO_SHORT.format(limit=SLUG_MIN_LENGTH))
    if not SLUG_PATTERN.search(slug):
        problems.append(SLUG_INVALID)
    if slug in RESERVED_SLUGS:
        problems.append(SLUG_RESERVED.format(slug=slug))
    return problems


def name_errors(name: str) -> list[str]:
    """Every rule an organizer's ``name`` breaks; empty when it is valid."""
    if len(name) > NAME_MAX_LENGTH:
        return [TOO_LONG.format(limit=NAME_MAX_LENGTH)]
    return []
