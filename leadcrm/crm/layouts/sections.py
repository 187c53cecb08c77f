"""The `data` of `*.details.configuration.set`: checked, and brought to the form `get` answers.

The texts are those of the set pages (indexes 0-based); the checks the pages do not list
(unknown or repeated fields, repeated section names, bad optionFlags or options) follow the
"Card layouts" section of docs/compatibility.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from leadcrm.rest.errors import crm_error

# A field name as sent -> the name as `*.fields` spells it, or None for no such field.
FieldNamer = Callable[[str], str | None]

SECTION_TYPE = "section"
OPTION_FLAGS = ("0", "1")


def parse_sections(raw: object, *, field_named: FieldNamer) -> list[dict[str, Any]]:
    """The sections to store, or the first documented error."""
    if isinstance(raw, Mapping):
        raise crm_error("The data must be indexed array.")
    if not isinstance(raw, list):
        raise crm_error("Parameter 'data' must be array.")
    if not raw:
        raise crm_error("There are no data to write.")
    if _holds_nul(raw):
        # PostgreSQL's JSON cannot hold it; refused on both databases alike.
        raise crm_error("The data must not contain a NUL character.")
    sections: list[dict[str, Any]] = []
    section_names: set[str] = set()
    placed: set[str] = set()
    for i, sent in enumerate(raw):
        section = _section(i, sent)
        if section["name"] in section_names:
            raise crm_error(f"Section at index {i} repeats the name '{section['name']}'.")
        section_names.add(section["name"])
        for j, element in enumerate(_elements(i, sent)):
            section["elements"].append(_element(i, j, element, field_named, placed))
        sections.append(section)
    return sections


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _text(value: object) -> str | None:
    """A name or title: text, or a number as its text; None for nothing usable."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value)
    return text if text.strip() else None


def _section(i: int, sent: object) -> dict[str, Any]:
    if not isinstance(sent, Mapping):
        raise crm_error(f"Section at index {i} does not have name.")
    kind = sent.get("type")
    # Bitrix24 takes a section sent without a type for a section.
    if kind is not None and kind != "" and kind != SECTION_TYPE:
        shown = kind if isinstance(kind, str) else str(kind)
        raise crm_error(
            f"Section at index {i} has type '{shown}'. The expected type is '{SECTION_TYPE}'."
        )
    name = _text(sent.get("name"))
    if name is None:
        raise crm_error(f"Section at index {i} does not have name.")
    title = _text(sent.get("title"))
    if title is None:
        raise crm_error(f"Section at index {i} does not have title.")
    return {"name": name, "title": title, "type": SECTION_TYPE, "elements": []}


def _elements(i: int, sent: Mapping[str, Any]) -> list[Any]:
    elements = sent.get("elements")
    if elements is None or elements == "":
        return []
    if not isinstance(elements, list):
        raise crm_error(f"Section at index {i} has elements that are not an indexed array.")
    return elements


def _element(
    i: int, j: int, sent: object, field_named: FieldNamer, placed: set[str]
) -> dict[str, Any]:
    where = f"Element at index {j} in section at index {i}"
    sent_name = _text(sent.get("name")) if isinstance(sent, Mapping) else None
    if not isinstance(sent, Mapping) or sent_name is None:
        raise crm_error(f"{where} does not have name.")
    name = field_named(sent_name.strip())
    if name is None:
        raise crm_error(f"{where} names the unknown field '{sent_name}'.")
    if name in placed:
        raise crm_error(f"{where} repeats the field '{name}'.")
    placed.add(name)
    element: dict[str, Any] = {"name": name, "optionFlags": _option_flags(where, sent)}
    options = sent.get("options")
    if isinstance(options, Mapping):
        element["options"] = dict(options)
    elif options not in (None, "", []):
        raise crm_error(f"{where} has options that are not an object.")
    return element


def _option_flags(where: str, sent: Mapping[str, Any]) -> str:
    flags = sent.get("optionFlags")
    if flags is None or flags == "":
        return "0"
    text = str(flags) if isinstance(flags, (int, str)) and not isinstance(flags, bool) else None
    if text is None or text not in OPTION_FLAGS:
        raise crm_error(f"{where} has optionFlags '{flags}'. The expected value is 0 or 1.")
    return text


def without_field(sections: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The sections with the field's element taken out of every one."""
    return [
        {**section, "elements": [e for e in section["elements"] if e["name"] != name]}
        for section in sections
    ]
