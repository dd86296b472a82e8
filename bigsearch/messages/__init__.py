"""Every line bigsearch says to a person, from one catalogue per language: Swedish (sv.py) and
English (en.py), the same keys in both. A run speaks one language, so no message mixes them.

The language is --lang (set_language), else $BIGSEARCH_LANG, else the locale ($LC_ALL,
$LC_MESSAGES, $LANG, after $LANGUAGE, as gettext reads them): Swedish for a Swedish locale and when
none is set (C, POSIX: the minutes are Swedish, and so are most of their readers), English for any
other.

    t("search.did_you_mean", suggestion="Sätra")   # a message, its {placeholders} filled
    t("count.hits", n=1)                           # a count: "1 träff", "2 träffar"

A count message is a (one, many) pair chosen by `n` (Swedish and English both have the one/other
plural rule). Data — the minutes' text, names, titles — is never translated, only what bigsearch says.

A message from the catalogue is a `Said`: a str that knows its language. Lines not yet in the
catalogue (what the file readers and the engines' storage checks say) are English; `labelled`
gives a line its "error:"/"warning:"/"note:" in the line's own language, so even those lines are
one language each.
"""

from __future__ import annotations

import importlib
import os

LANGUAGES = ("sv", "en")
DEFAULT = "sv"

_chosen: str | None = None


def set_language(language: str | None) -> None:
    """Fixes the language for this process (the --lang flag); None goes back to the environment."""
    global _chosen
    if language is not None and language not in LANGUAGES:
        raise ValueError(language)
    _chosen = language


def language() -> str:
    if _chosen:
        return _chosen
    wanted = os.environ.get("BIGSEARCH_LANG", "").strip().lower()
    if wanted in LANGUAGES:
        return wanted
    return from_locale(os.environ)


def from_locale(environ) -> str:
    """sv or en from the first locale variable set (sv_SE.UTF-8 -> sv; C, POSIX or none -> sv)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0]
        if value:
            code = value.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in ("c", "posix"):
                return DEFAULT
            return "sv" if code == "sv" else "en"
    return DEFAULT


def catalogue(language_code: str | None = None) -> dict:
    return importlib.import_module(f"bigsearch.messages.{language_code or language()}").MESSAGES


class Said(str):
    """A message from the catalogue, in `language`."""

    language = "en"


def t(key: str, /, **values) -> Said:
    """The message `key` in the current language, its placeholders filled from `values`
    (a count message takes its count as `n`)."""
    code = language()
    message = catalogue(code)[key]
    if isinstance(message, tuple):
        message = message[0] if values["n"] == 1 else message[1]
    said = Said(message.format(**values) if values else message)
    said.language = code
    return said


def language_of(text) -> str:
    """The language a line is in: a catalogue message's own, else English (a line not yet in the catalogue)."""
    return getattr(text, "language", "en")


def labelled(kind: str, text) -> str:
    """`text` after its label ("error", "warning", "note", "interrupted"), the label in the text's language."""
    code = language_of(text)
    label = catalogue(code)[f"label.{kind}"]
    return f"{label}: {text}" if text else label


def in_language_of(text, key: str, /, **values) -> Said:
    """The message `key` in the language of `text` (a line not yet in the catalogue is English), so
    that a line wrapped around another stays one language."""
    code = language_of(text)
    said = Said(catalogue(code)[key].format(**values))
    said.language = code
    return said


def number(value: int) -> str:
    """A count as this language writes it: 12 345 in Swedish, 12,345 in English."""
    return f"{value:,}".replace(",", "\u00a0" if language() == "sv" else ",")


def error_line(exc: BaseException) -> str:
    """An error as one line, "error: …" in the message's own language."""
    message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    return labelled("error", message)
