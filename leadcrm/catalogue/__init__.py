"""Declarative field catalogues: one description per entity drives fields, I/O, lists, storage."""

from leadcrm.catalogue.catalogue import Catalogue
from leadcrm.catalogue.field import Field, FieldValueError

__all__ = ["Catalogue", "Field", "FieldValueError"]
