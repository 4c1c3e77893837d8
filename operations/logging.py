"""Log formats: plain lines with time, level and logger by default, JSON lines on request.

Imported by the settings (LOGGING), before Django is set up: nothing here may touch Django.
"""

import json
import logging
from datetime import UTC, datetime

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for log collectors (Loki, Elastic, journald's JSON input)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = value
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(log_format, level="INFO", loggers=None):
    """Django's LOGGING for STYRDOK_LOG_FORMAT ("text" or "json")."""
    formatter = "json" if str(log_format).strip().lower() == "json" else "plain"
    handlers = {
        "console": {"class": "logging.StreamHandler", "formatter": formatter},
    }
    root_handlers = ["console"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {"()": "operations.logging.JsonFormatter"},
        },
        "handlers": handlers,
        "root": {"handlers": root_handlers, "level": level},
        # Django's "django" logger sends to the root's handlers only, so its lines get the same
        # format and an error is e-mailed once (with_mail_admins).
        "loggers": {
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            **(loggers or {}),
        },
    }


def parse_admins(value):
    """STYRDOK_ADMINS="Namn Namnsson <a@kommun.se>, b@kommun.se" → [(name, address), ...]."""
    from email.utils import getaddresses

    admins = []
    for name, address in getaddresses([value or ""]):
        if "@" in address:
            admins.append((name or address, address))
    return admins


def with_mail_admins(config):
    """The same LOGGING, with errors also e-mailed to ADMINS (production; never when DEBUG).

    Django's own "django" logger gets no handler of its own, so an error reaches ADMINS once,
    through the root logger.
    """
    config = {**config, "handlers": dict(config["handlers"]), "loggers": dict(config["loggers"])}
    config["handlers"]["mail_admins"] = {
        "class": "django.utils.log.AdminEmailHandler",
        "level": "ERROR",
        "filters": ["require_debug_false"],
    }
    config["root"] = {**config["root"], "handlers": [*config["root"]["handlers"], "mail_admins"]}
    config["loggers"].setdefault("django", {"handlers": [], "level": "INFO", "propagate": True})
    return config
