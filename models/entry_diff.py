"""Moved to :mod:`zonewatch.entry_diff` (importable without the ORM, for the change log's fast
read path); re-exported here for the modules that import it from the model."""

from zonewatch.entry_diff import PAST_TENSE as PAST_TENSE
from zonewatch.entry_diff import describe_entry_diff as describe_entry_diff
