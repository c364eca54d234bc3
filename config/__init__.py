"""Configuration: typed settings, the zone and programme model, the watched sources."""
