"""``python -m zonewatch`` runs the command line."""

from zonewatch.cli.main import main

main()
