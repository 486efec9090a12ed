"""Connect with pretix, by hand, against a running pretix-sandbox.

Start a sandbox (``pretix-sandbox serve``), then run::

    python examples/connect_with_pretix.py [BASE_URL]

Open the printed URL in a browser, log in as ``partner@example.com`` with the
password ``sandbox``, tick an organizer and click Authorize. The browser then
fails to load http://127.0.0.1:8765/callback (nothing listens there): copy that
URL from the address bar and paste it here.

Needs ``requests-oauthlib``. Against real pretix, use your own application's
client id, secret and registered redirect URI, and https throughout.
"""

import os
import sys

from requests_oauthlib import OAuth2Session

# The bundled demo application; its secret is public on purpose.
CLIENT_ID = "sandboxDemoClient00000000000000000000000"
CLIENT_SECRET = "sandbox-demo-secret"
REDIRECT_URI = "http://127.0.0.1:8765/callback"
SCOPES = ["profile", "read", "write"]


def main(base_url: str) -> None:
    """Walk through the authorization code flow and call two endpoints."""
    # oauthlib refuses plain http; the sandbox runs on loopback, so allow it.
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    pretix = OAuth2Session(CLIENT_ID, redirect_uri=REDIRECT_URI, scope=SCOPES)

    # 1. Send the user to pretix; `state` comes back with the code.
    url, _state = pretix.authorization_url(f"{base_url}/api/v1/oauth/authorize")
    print("Open this URL in a browser and authorize the application:\n")
    print(f"  {url}\n")

    # 2. pretix redirects to REDIRECT_URI?code=...&state=...
    callback = input("Paste the URL you were redirected to: ").strip()

    # 3. Exchange the code; the state is checked against the one sent.
    token = pretix.fetch_token(
        f"{base_url}/api/v1/oauth/token",
        authorization_response=callback,
        client_secret=CLIENT_SECRET,
    )
    print(f"\nScopes granted: {' '.join(token['scope'])}")
    print(f"Access token expires in {token['expires_in']} s; keep the refresh token.")

    # 4. Use the token: who authorized us, and which reseller accounts they have.
    me = pretix.get(f"{base_url}/api/v1/me")
    me.raise_for_status()
    print(f"Connected as {me.json()['email']}")

    accounts = pretix.get(f"{base_url}/api/v1/var/")
    accounts.raise_for_status()
    for account in accounts.json()["results"]:
        print(f"  reseller {account['id']}: {account['name']}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
