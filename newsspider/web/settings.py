"""The archive browser's knobs (`[web]` of newsspider.toml) and the binding rules."""

from __future__ import annotations

import ipaddress
import os

from pydantic import ValidationError

from newsspider.config import Config, ConfigError, WebConfig, format_validation_error

TOKEN_ENV = "NEWSSPIDER_WEB_TOKEN"


#: The browser's knobs live in `[web]` (one definition, in newsspider.config).
WebSettings = WebConfig


def web_settings(config: Config) -> WebSettings:
    """The `[web]` keys of the config, with the token from the environment when unset."""
    if config.web.token or not os.environ.get(TOKEN_ENV):
        return config.web
    try:
        return WebConfig.model_validate({**config.web.model_dump(), "token": os.environ[TOKEN_ENV]})
    except ValidationError as exc:
        raise ConfigError(format_validation_error(f"${TOKEN_ENV}", exc)) from None


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, settings: WebSettings) -> None:
    """Refuse to serve the archive beyond this machine without an access token."""
    if not is_loopback(host) and not settings.token:
        raise ConfigError(
            f"[web] host {host!r} is reachable from other machines: set [web] token or "
            f"${TOKEN_ENV} (16 characters or more), or bind 127.0.0.1"
        )
