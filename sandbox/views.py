"""The base of every pretix-compatible API view."""

from flask.views import MethodView

from sandbox.auth import Principal, token_access
from sandbox.errors import APIError
from sandbox.slugs import mapping_errors


class APIView(MethodView):
    """A view that :mod:`sandbox.checks` guards the way pretix guards its API.

    ``access`` authenticates and checks scopes for a method; ``check_object``
    checks the caller against the URL's object before the method is looked
    at, so a forbidden object is a 403 even for a method the view lacks.
    """

    access = staticmethod(token_access)
    view_name = "Api"
    # The views keep no state: one instance serves every request.
    init_every_request = False

    @staticmethod
    def check_object(principal: Principal, **view_args: str) -> None:
        """Allow every object; views with per-object access override it."""


def require_mapping(body: object) -> dict:
    """The body when it is a JSON object, else pretix's validation error.

    :raise APIError: 400 with ``non_field_errors``, as pretix answers a list.
    """
    errors = mapping_errors(body)
    if errors:
        raise APIError(errors)

    return body
