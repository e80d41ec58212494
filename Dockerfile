# syntax=docker/dockerfile:1
# Microblog: gunicorn serving the site, static files by WhiteNoise; the same
# image runs the Celery worker (docker-compose.yml, `command:` override).

# Front-end libraries from the npm registry (package-lock.json), as `make` does.
FROM node:22-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --silent \
    && mkdir -p vendor/bootstrap vendor/bootstrap-icons vendor/htmx \
    && cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js vendor/bootstrap/ \
    && cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts vendor/bootstrap-icons/ \
    && cp node_modules/htmx.org/dist/htmx.min.js vendor/htmx/

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000

# An unprivileged user owns only what it writes: the data volume and locale/ (Rosetta saves there).
RUN groupadd --system --gid 10001 microblog \
    && useradd --system --uid 10001 --gid microblog --home-dir /app --shell /usr/sbin/nologin microblog

WORKDIR /app

# Dependencies in their own layer: rebuilt only when requirements.txt changes.
# Every pinned package ships a manylinux wheel (psycopg[binary], argon2-cffi, lingua), so no compiler.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=microblog:microblog . .
COPY --from=frontend --chown=microblog:microblog /src/vendor static/vendor
# bootstrap-icons cut down to the icons the site uses, as `make static-vendor` does (fonttools
# is needed for this step only).
COPY --from=frontend /src/node_modules/bootstrap-icons/font /tmp/bootstrap-icons
RUN pip install "fonttools[woff]==4.68.0" \
    && python deploy/subset_icons.py /tmp/bootstrap-icons static/vendor/bootstrap-icons \
    && pip uninstall --yes fonttools brotli zopfli \
    && rm -rf /tmp/bootstrap-icons

# Compiled catalogs and hashed, compressed static files are part of the image.
# Settings need a key and hosts to load; these throwaway values exist only during the build.
RUN DEBUG=false SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=build.invalid ENV_FILE=/dev/null \
        python manage.py compilecatalogs --verbosity 0 \
    && DEBUG=false SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=build.invalid ENV_FILE=/dev/null \
        python manage.py collectstatic --no-input --verbosity 0 \
    && mkdir -p /data \
    && chown -R microblog:microblog /data locale

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

# /healthz is 200 only when the database, cache, broker and search answer.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]

CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
