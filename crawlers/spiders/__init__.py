"""Spiders: a configurable board spider, a feed reader and the open-API reader."""
