"""The one factory everything is built from: settings, database, and (later) the task app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from zonewatch.config.settings import Settings, load_settings

if TYPE_CHECKING:
    from celery import Celery
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from zonewatch.classify.classifier import Classifier


@dataclass(eq=False)
class App:
    """A configured zonewatch: pass it (or its parts) down instead of using globals.

    Only the settings and the engine are built up front; the ORM session factory, the task
    app and the classifier are built on first use, so that a command reading through
    SQLAlchemy Core never imports the ORM for them."""

    settings: Settings
    engine: Engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from zonewatch.models.db import make_session_factory

        return make_session_factory(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work; commits at the end of the block."""
        from zonewatch.models.db import session_scope

        with session_scope(self.sessions) as session:
            yield session

    @cached_property
    def celery(self) -> Celery:
        """The task app, built on first use (commands that need no broker never touch it)."""
        from zonewatch.workers.celery_app import make_celery

        return make_celery(self)

    @cached_property
    def classifier(self) -> Classifier:
        """The classifier, built once per process from the zone model and topic rules."""
        from zonewatch.classify.classifier import Classifier

        return Classifier.build(self.settings.zones_file)

    def dispose(self) -> None:
        self.engine.dispose()


def configure(settings: Settings | None = None, /, **overrides: object) -> App:
    """Build a zonewatch from settings (default: the environment plus ``overrides``)."""
    from zonewatch.models.db import make_engine

    settings = settings or load_settings(**overrides)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return App(settings=settings, engine=make_engine(settings.effective_database_url))
