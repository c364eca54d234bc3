"""The ``zonewatch`` command line: one group, one module per area."""
