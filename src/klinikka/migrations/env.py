"""Alembic environment: runs migrations on the engine klinikka hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from klinikka import models

config = context.config
target_metadata = models.SQLModel.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("klinikka migrations run through klinikka.db.init_db")
    # Migrations take the write lock, so two processes opening a new file do not race.
    with engine.execution_options(klinikka_write=True).connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
