"""Benchmarks: each reports a value against a baseline measured in the same run."""
