"""Keyed hashes: how the app recognises a commenter, an address or a body without keeping it raw."""

import hashlib
import hmac
import ipaddress

from django.conf import settings

from nashra.arabic.normalize import normalize


def email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def body_key(body: str) -> str:
    return hashlib.sha256(" ".join(normalize(body).split()).encode()).hexdigest()


def truncate_ip(ip: str) -> str:
    """IPv4 to its /24, IPv6 to its /48: enough for rate limits, not enough to name a reader."""
    try:
        addr = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False).network_address)


def ip_key(ip: str) -> str:
    truncated = truncate_ip(ip)
    if not truncated:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), truncated.encode(), hashlib.sha256).hexdigest()
