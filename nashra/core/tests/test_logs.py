"""What nashra's log says about requests it refuses (settings.LOGGING)."""

import logging


def test_a_host_not_allowed_is_one_line_without_a_traceback(client, caplog, settings):
    # Anyone can send any Host header (scanners do, all day): each refusal is worth a line in
    # the log, not a traceback of Django's own code. bench/security_probe.py counts tracebacks.
    settings.ALLOWED_HOSTS = ["localhost"]
    with caplog.at_level(logging.WARNING):
        response = client.get("/no-such-page/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    refused = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert len(refused) == 1
    assert "evil.example" in refused[0].getMessage()
    assert refused[0].exc_info is None and not refused[0].exc_text
