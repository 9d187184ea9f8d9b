"""Create the configured PostgreSQL database if it does not exist yet (idempotent)."""

from __future__ import annotations

from typing import Any

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg2 import sql


class Command(BaseCommand):
    help = "Create the database named in DATABASE_URL when it is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        db = settings.DATABASES["default"]
        params: dict[str, Any] = {
            "host": db.get("HOST") or "127.0.0.1",
            "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "postgres",
            "password": db.get("PASSWORD") or None,
            "dbname": "postgres",
        }
        try:
            conn = psycopg2.connect(**params, connect_timeout=5)
        except psycopg2.OperationalError as exc:
            raise CommandError(
                f"Cannot reach PostgreSQL at {params['host']}:{params['port']} as "
                f"{params['user']}: {exc}".strip()
            ) from exc
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
                if cursor.fetchone():
                    self.stdout.write(f"Database {db['NAME']} exists.")
                    return
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                self.stdout.write(self.style.SUCCESS(f"Created database {db['NAME']}."))
        finally:
            conn.close()
