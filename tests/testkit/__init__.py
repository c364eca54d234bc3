"""Test support: real servers started on loopback, factories, shared fixtures."""
