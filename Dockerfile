# Production image: gunicorn serving Django + Wagtail, static files collected and compressed.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=site_config.settings.production \
    PORT=8000

RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo libwebp7 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 petittalk

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=petittalk:petittalk . .
# collectstatic needs settings that import cleanly; these build-time values never reach runtime.
RUN SECRET_KEY=build-only-build-only-build-only-build-only-build-only-0000 \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    STRIPE_SECRET_KEY=sk_build STRIPE_PUBLISHABLE_KEY=pk_build STRIPE_WEBHOOK_SECRET=whsec_build \
    python manage.py collectstatic --noinput

USER petittalk
EXPOSE 8000
CMD ["sh", "-c", "gunicorn site_config.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY:-3} --forwarded-allow-ips='*'"]
