"""Celery workers: tasks that move items through crawl -> ingest -> classify -> diff -> alert."""
