"""Connecting to an OpenSearch cluster: URL checks, credentials, TLS. Never logs a secret.

Credentials come from the environment (BIGSEARCH_OPENSEARCH_USER, BIGSEARCH_OPENSEARCH_PASSWORD)
or from a netrc file (~/.netrc, or the file named by NETRC) with a `machine HOST` entry; never
from the command line, the URL or engine.json. TLS certificates are verified unless
BIGSEARCH_OPENSEARCH_INSECURE=1; BIGSEARCH_OPENSEARCH_CA_CERTS names a CA bundle. Credentials are
never sent over plain http:// unless BIGSEARCH_OPENSEARCH_INSECURE=1 (and then with a warning).
"""

from __future__ import annotations

import netrc
import os
import re
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from bigsearch.errors import ConfigError

USER_ENV = "BIGSEARCH_OPENSEARCH_USER"
PASSWORD_ENV = "BIGSEARCH_OPENSEARCH_PASSWORD"
CA_ENV = "BIGSEARCH_OPENSEARCH_CA_CERTS"
INSECURE_ENV = "BIGSEARCH_OPENSEARCH_INSECURE"
TIMEOUT_SECONDS = 60

_BAD_NAME = re.compile(r'[\\/*?"<>| ,#:A-Z]')


def check_index_name(name: str) -> str:
    """OpenSearch's rules for index (and alias) names, checked before any request."""
    if not name or _BAD_NAME.search(name) or name.startswith(("-", "_", "+")) or name in (".", "..") \
            or len(name.encode("utf-8")) > 200:
        raise ConfigError(
            f"--index-name {name!r} is not a valid OpenSearch index name — use lowercase letters, digits, "
            "'-' and '_' (not first), e.g. bigsearch"
        )
    return name


def check_url(url: str) -> str:
    """An http(s) URL without credentials in it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--url must look like https://HOST:9200 (got {redact(url)!r})")
    if parts.username or parts.password:
        raise ConfigError(
            f"--url must not hold credentials — set {USER_ENV} and {PASSWORD_ENV} or add the host to ~/.netrc"
        )
    return url.rstrip("/")


def redact(url: str) -> str:
    """The URL with any user:password@ part replaced, for messages."""
    return re.sub(r"//[^/@]*@", "//***@", url)


def credentials(url: str, environ: dict | None = None, netrc_file: Path | None = None) -> tuple[str, str] | None:
    """(user, password) from the environment, else from netrc for the URL's host, else None."""
    environ = os.environ if environ is None else environ
    user, password = environ.get(USER_ENV), environ.get(PASSWORD_ENV)
    if user or password:
        if not (user and password):
            raise ConfigError(f"set both {USER_ENV} and {PASSWORD_ENV} (or neither and use ~/.netrc)")
        return user, password
    path = netrc_file or Path(environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        # The parse error quotes the offending line: report only where it is.
        raise ConfigError(f"cannot read the netrc file {path} (line {getattr(exc, 'lineno', '?')}) — fix or remove it") from None
    if entry is None:
        return None
    login, _, secret = entry
    return (login, secret) if login and secret else None


def make_client(url: str, environ: dict | None = None, netrc_file: Path | None = None, **overrides):
    """An OpenSearch client for `url`; overrides (e.g. connection_class) go to the client."""
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        raise ConfigError(
            "the opensearch engine needs the opensearch-py client — pip install 'bigsearch[opensearch]'"
        ) from None
    environ = os.environ if environ is None else environ
    url = check_url(url)
    options: dict = {
        "hosts": [url],
        "timeout": TIMEOUT_SECONDS,
        "verify_certs": environ.get(INSECURE_ENV) != "1",
        "ssl_show_warn": True,
        "max_retries": 3,
        "retry_on_timeout": True,
    }
    ca = environ.get(CA_ENV)
    if ca:
        if not Path(ca).is_file():
            raise ConfigError(f"{CA_ENV}={ca}: no such file — point it at a PEM CA bundle")
        options["ca_certs"] = ca
    auth = credentials(url, environ, netrc_file)
    if auth:
        if urlsplit(url).scheme == "http":
            if environ.get(INSECURE_ENV) != "1":
                raise ConfigError(
                    f"credentials for {redact(url)} would cross the network in clear over http:// — use https://, "
                    f"or set {INSECURE_ENV}=1 to send them anyway (a cluster on this machine, a local try)"
                )
            warnings.warn(f"{INSECURE_ENV}=1: sending the credentials for {urlsplit(url).hostname} in clear over "
                          "http:// — anyone on the network path can read them", UserWarning, stacklevel=2)
        options["http_auth"] = auth
    options.update(overrides)
    return OpenSearch(**options)
