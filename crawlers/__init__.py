"""Crawling: Scrapy spiders, feed and API readers, and extraction of text, dates and attachments."""
