"""A custom field's five labels: each a string or a map of language to text on the wire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LABELS = (
    "EDIT_FORM_LABEL",
    "LIST_COLUMN_LABEL",
    "LIST_FILTER_LABEL",
    "ERROR_MESSAGE",
    "HELP_MESSAGE",
)
# The language keys of the documented crm.lead.userfield.get answer.
LANGUAGES = (
    "ar", "br", "de", "en", "fr", "hi", "id", "in", "it", "ja", "kz",
    "la", "ms", "pl", "ru", "sc", "tc", "th", "tr", "ua", "vn",
)  # fmt: skip


def _text(value: object) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def _as_map(sent: object, missing: str) -> dict[str, str]:
    if isinstance(sent, Mapping):
        given = {str(key).lower(): _text(value) for key, value in sent.items()}
        return {lang: given.get(lang, missing) for lang in LANGUAGES}
    return {lang: _text(sent) for lang in LANGUAGES}


def labels_on_add(fields: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``LABEL`` fills whatever was not given: a whole label, or a language of a map."""
    default = _text(fields.get("LABEL"))
    return {name: _as_map(fields.get(name, default), default) for name in LABELS}


def labels_on_update(
    current: Mapping[str, Mapping[str, str]], fields: Mapping[str, Any]
) -> dict[str, dict[str, str]]:
    """A label sent replaces the old one whole; a language its map leaves out becomes ``""``."""
    return {
        name: _as_map(fields[name], "") if name in fields else dict(current.get(name, {}))
        for name in LABELS
    }


def in_language(labels: Mapping[str, Mapping[str, str]], lang: str) -> dict[str, str]:
    return {name: labels.get(name, {}).get(lang, "") for name in LABELS}
