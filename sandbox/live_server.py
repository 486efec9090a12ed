"""The sandbox on a real socket in a background thread, for end-to-end tests."""

import threading
from types import TracebackType

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

HOST = "127.0.0.1"


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its access log.

    That log prints whole query strings, ``?access_token=`` included; the
    sandbox's own request log already has one line per request, path only.
    """

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing."""


class LiveServer:
    """Serve a Flask app on ``127.0.0.1`` and a free port until stopped.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with LiveServer(app) as server:
            requests.get(server.url + "/api/v1/version")
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT``, without a trailing slash."""
        if self._server is None:
            raise RuntimeError("The live server has not been started.")

        return f"http://{HOST}:{self._server.server_port}"

    def start(self) -> "LiveServer":
        """Bind a free port and serve requests in a daemon thread."""
        if self._server is not None:
            return self

        # Port 0 lets the kernel pick a free port, so parallel tests never clash.
        self._server = make_server(
            HOST, 0, self.app, threaded=True, request_handler=QuietRequestHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            name=f"live-server-{self._server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; a stopped server may restart."""
        if self._server is None:
            return

        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
