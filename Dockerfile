# pretix-sandbox on gunicorn, for SQLite in a volume or a shared PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 sandbox
WORKDIR /app

COPY setup.cfg pyproject.toml README.md ./
COPY sandbox ./sandbox
RUN pip install '.[postgres]'

USER sandbox
# SQLite's default file lives here unless SANDBOX_DATABASE_URL points elsewhere.
WORKDIR /home/sandbox
RUN mkdir -p instance
VOLUME ["/home/sandbox/instance"]

# Bound to 0.0.0.0, serve wants SANDBOX_ADMIN_TOKEN from the environment; set
# SANDBOX_SECRET_KEY too when several containers must accept each other's logins.
EXPOSE 8000

# /api/v1/version answers 403 without credentials: any HTTP answer means alive.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request, urllib.error\ntry:\n    urllib.request.urlopen('http://127.0.0.1:8000/api/v1/version', timeout=2)\nexcept urllib.error.HTTPError as error:\n    sys.exit(error.code not in (401, 403))\nexcept OSError:\n    sys.exit(1)"]

CMD ["pretix-sandbox", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
