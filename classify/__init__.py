"""Classify: entities, topics and facts of each version against the zone and programme model."""
