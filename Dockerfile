# The one image behind web, worker, beat and migrate (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. --require-hashes: only the exact
# files recorded in the lock are installed.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY . .

# Static files are collected at build time; the build-only secret never reaches the runtime env.
RUN DJANGO_SETTINGS_MODULE=ewtp.settings.production \
    DJANGO_SECRET_KEY=build-time-only-collectstatic-never-used-to-sign-anything-0123456789 \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput --verbosity 0

RUN groupadd --system ewtp \
    && useradd --system --gid ewtp --home-dir /app --no-create-home --shell /usr/sbin/nologin ewtp \
    && mkdir -p /app/var/media \
    && chown -R ewtp:ewtp /app/var
USER ewtp

ENV DJANGO_SETTINGS_MODULE=ewtp.settings.production
EXPOSE 8000
CMD ["gunicorn", "ewtp.wsgi", "-w", "4", "-b", "0.0.0.0:8000", "--access-logfile", "-"]
