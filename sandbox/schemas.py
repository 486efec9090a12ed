"""The bodies the sandbox sends and takes, described for the OpenAPI spec.

The views render rows straight to JSON on the hot path; these schemas only
document those bodies, and tests check that the two agree.
"""

import marshmallow as ma


class ErrorDetail(ma.Schema):
    """pretix's error body."""

    detail = ma.fields.String(required=True)


class ValidationErrors(ma.Schema):
    """Messages per field, as pretix answers an invalid body."""

    slug = ma.fields.List(ma.fields.String())
    name = ma.fields.List(ma.fields.String())
    non_field_errors = ma.fields.List(ma.fields.String())
    # A body that is not JSON at all gets the parse error instead.
    detail = ma.fields.String()


class Page(ma.Schema):
    """The envelope of every list."""

    count = ma.fields.Integer(required=True)
    next = ma.fields.Url(required=True, allow_none=True)
    previous = ma.fields.Url(required=True, allow_none=True)


class Reseller(ma.Schema):
    """A reseller account."""

    class Meta:
        ordered = True

    id = ma.fields.Integer(required=True, metadata={"description": "Reseller ID"})
    name = ma.fields.String(required=True)
    public_name = ma.fields.String(required=True)
    public_url = ma.fields.String(required=True)
    support_email = ma.fields.String(required=True)
    support_phone = ma.fields.String(required=True)
    communication_language = ma.fields.String(required=True)


class ResellerPage(Page):
    """A page of reseller accounts."""

    results = ma.fields.List(ma.fields.Nested(Reseller), required=True)


class NewOrganizer(ma.Schema):
    """The body of ``create_organizer``."""

    name = ma.fields.String(required=True, metadata={"maxLength": 200})
    slug = ma.fields.String(
        required=True,
        metadata={
            "minLength": 2,
            "maxLength": 50,
            "pattern": "^[a-zA-Z0-9][a-zA-Z0-9.-]*[a-zA-Z0-9]$",
        },
    )


class CreatedOrganizer(ma.Schema):
    """The organizer ``create_organizer`` made."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    slug = ma.fields.String(required=True)


class Organizer(ma.Schema):
    """An organizer account."""

    name = ma.fields.String(required=True)
    slug = ma.fields.String(required=True)
    public_url = ma.fields.String(required=True)
    plugins = ma.fields.List(ma.fields.String(), required=True)


class OrganizerPage(Page):
    """A page of organizers."""

    results = ma.fields.List(ma.fields.Nested(Organizer), required=True)


class Version(ma.Schema):
    """The pretix version the sandbox imitates."""

    pretix = ma.fields.String(required=True)
    pretix_numeric = ma.fields.Integer(required=True)


class Me(ma.Schema):
    """The user behind an OAuth token."""

    email = ma.fields.String(required=True)
    fullname = ma.fields.String(required=True, allow_none=True)
    locale = ma.fields.String(required=True)
    is_staff = ma.fields.Boolean(required=True)
    timezone = ma.fields.String(required=True)
