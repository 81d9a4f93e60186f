"""Load benchmark of the Slack HTTP app: ``python bench/slack_load.py [--requests N]``.

The code lives in ``digestbot.benchmark.slack_load`` so ``digestbot bench`` runs it too.
"""

from digestbot.benchmark.slack_load import main

if __name__ == "__main__":
    main()
