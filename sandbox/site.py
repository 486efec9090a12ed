"""The sandbox's public address, for absolute URLs in bodies and links."""

from flask import current_app, request


def base_url() -> str:
    """``SITE_URL`` when set, else the scheme and host of the request."""
    configured = current_app.config["SITE_URL"]
    if configured:
        return configured.rstrip("/")

    return request.host_url.rstrip("/")
