"""``python -m digestbot`` runs the command line."""

from digestbot.cli import main

main()
