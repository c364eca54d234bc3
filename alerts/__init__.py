"""Alerts: subscriptions, matching, delivery over email and other channels, digests."""
