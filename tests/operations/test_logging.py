"""Log lines: time, level and logger by default, JSON on request, errors e-mailed to ADMINS."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.core import mail

from operations.logging import (
    JsonFormatter,
    logging_config,
    parse_admins,
    with_mail_admins,
)


def formatted(config, message="Körningen klar", **extra):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter_config = config["formatters"][config["handlers"]["console"]["formatter"]]
    if "()" in formatter_config:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(formatter_config["format"]))
    logger = logging.getLogger("styrdok.loggtest")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(message, extra=extra)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue().strip()


def test_the_default_line_has_time_level_and_logger():
    line = formatted(logging_config("text"))
    date, time, level, name, *message = line.split(" ")
    assert len(date) == 10 and date[4] == "-"
    assert time[2] == ":"
    assert (level, name, " ".join(message)) == ("WARNING", "styrdok.loggtest", "Körningen klar")


def test_json_when_the_setting_asks_for_it():
    entry = json.loads(formatted(logging_config("json"), job="send_outbox"))
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "styrdok.loggtest"
    assert entry["message"] == "Körningen klar"
    assert entry["job"] == "send_outbox"
    assert entry["time"].endswith("+00:00")


def test_the_settings_use_the_plain_format_by_default():
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"


def test_admins_from_the_environment():
    assert parse_admins("Drift Driftsson <drift@kommun.se>, it@kommun.se") == [
        ("Drift Driftsson", "drift@kommun.se"),
        ("it@kommun.se", "it@kommun.se"),
    ]
    assert parse_admins("") == []
    assert parse_admins("inte en adress") == []


@pytest.fixture
def production_logging(settings):
    settings.ADMINS = [("Drift", "drift@kommun.se")]
    logging.config.dictConfig(with_mail_admins(settings.LOGGING))
    yield
    logging.config.dictConfig(settings.LOGGING)


def test_an_error_is_mailed_to_admins_once(production_logging):
    logging.getLogger("policies.archive").error("Arkiv-PDF:en kunde inte skapas")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["drift@kommun.se"]
    assert "Arkiv-PDF:en kunde inte skapas" in mail.outbox[0].subject
    logging.getLogger("django.request").error("Internt fel: /")
    assert len(mail.outbox) == 2


def test_a_warning_is_not_mailed(production_logging):
    logging.getLogger("policies.archive").warning("Bara en varning")
    assert mail.outbox == []
