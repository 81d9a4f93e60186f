"""Logging that text from outside cannot forge.

File names, URLs, titles and chat text end up in log lines; a newline in any of them would start a line
of the attacker's choosing, and terminal escapes would rewrite what an operator sees. ``SafeFormatter``
escapes control characters (C0 but tab, DEL, C1, Unicode line and paragraph separators, bidirectional
overrides) in each formatted record, while the traceback appended after it keeps its lines. It is
installed wherever digestbot sets up logging: the CLI's stderr handler and uvicorn's handlers.

``log_format = "json"`` writes one JSON object per line instead (``JsonFormatter``), for log collectors:
every character outside printable ASCII is escaped by JSON itself, and a traceback is one field, so a
record is always exactly one line.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Literal, TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_NAMED = {"\n": "\\n", "\r": "\\r"}
_CODES = [
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_ESCAPES: dict[int, str] = {
    code: _NAMED.get(chr(code)) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    for code in _CODES
    if code != 0x09  # a tab splits no line
}


def escape_controls(text: str) -> str:
    """``text`` with every control or line-breaking character written as an escape (``\\n``, ``\\x1b``)."""
    return text.translate(_ESCAPES)


class SafeFormatter(logging.Formatter):
    """Formats a record with ``inner`` and escapes the result; the traceback, if any, follows unescaped."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter(FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            line = escape_controls(self.inner.format(record))
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        extra = []
        if record.exc_info:
            record.exc_text = record.exc_text or self.inner.formatException(record.exc_info)
        if record.exc_text:
            extra.append(record.exc_text)
        if record.stack_info:
            extra.append(self.inner.formatStack(record.stack_info))
        return "\n".join([line, *extra])


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time (UTC, ISO 8601), level, logger, message, and the traceback or
    stack as strings when there is one. ASCII only, so nothing in a message can break the line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=True)


LogFormat = Literal["text", "json"]


def formatter(fmt: LogFormat, inner: logging.Formatter | None = None) -> logging.Formatter:
    """The formatter of a log format: escaped text lines (around ``inner``), or JSON lines."""
    return JsonFormatter() if fmt == "json" else SafeFormatter(inner)


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time (tests and the CLI runner swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)
        self.setFormatter(SafeFormatter())

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        return None


def configure_logging(*, verbose: bool = False) -> None:
    """digestbot's logging: one escaping stderr handler on the root logger (replacing an earlier one and
    any log file), digestbot's own loggers at INFO (DEBUG when verbose), other libraries at WARNING."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, StderrHandler | LogFileHandler)]:
        root.removeHandler(handler)
        handler.close()
    root.addHandler(StderrHandler())
    root.setLevel(logging.WARNING)
    logging.getLogger("digestbot").setLevel(logging.DEBUG if verbose else logging.INFO)


def log_to_file(path: Path, *, fmt: LogFormat = "text", screen: bool = False) -> None:
    """Every log line (at the levels ``configure_logging`` set) also goes to ``path``, appended; unless
    ``screen``, only warnings and errors still reach stderr. The console chat's screen is the chat."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, LogFileHandler)]:
        root.removeHandler(old)
        old.close()
    log_file = LogFileHandler(path)
    log_file.setFormatter(formatter(fmt))
    root.addHandler(log_file)
    for handler in root.handlers:
        if isinstance(handler, StderrHandler):
            handler.setLevel(logging.NOTSET if screen else logging.WARNING)


class LogFileHandler(logging.FileHandler):
    """The log file ``log_to_file`` installs (a class of its own, so a second call replaces it)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8")


def use_format(fmt: LogFormat) -> None:
    """Write digestbot's stderr log lines as escaped text or as JSON (``settings.log_format``)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, StderrHandler):
            handler.setFormatter(formatter(fmt))


def protect(*names: str, fmt: LogFormat = "text") -> None:
    """Escape outside text in the handlers of these loggers too (uvicorn configures its own), or write
    them as JSON lines."""
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler.formatter, SafeFormatter | JsonFormatter):
                continue
            handler.setFormatter(formatter(fmt, handler.formatter or logging.Formatter()))
