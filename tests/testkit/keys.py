"""The signing key tests pass explicitly: zonewatch has no default key, on purpose."""

TEST_SECRET_KEY = "zw-test-key-8f3Kq2Lx9Vb7Nc4Md1Rt6Yh0"
PLACEHOLDER_KEY = "change-me-in-production"
"""The placeholder the settings and docker-compose.yml used to default to (public)."""
