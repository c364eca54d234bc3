"""zonewatch: an event-driven policy change tracker for Korea's economic zones and programmes.

Data flows one way: crawl -> ingest -> classify -> diff -> alert. Everything is built from
one factory, :func:`zonewatch.app.configure`.
"""

__version__ = "0.1.0"
