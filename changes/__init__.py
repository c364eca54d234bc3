"""Changes: change records (the diff log) built from new versions and model changes."""
