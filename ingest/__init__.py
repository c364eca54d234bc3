"""Ingest: turn fetched items into documents and versions, only when meaningful content changed."""
