"""digestbot: a weekly security digest in chat, with cited answers about every issue."""

__version__ = "0.1.0"
