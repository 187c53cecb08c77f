"""Multifields: the PHONE, EMAIL, WEB, IM and LINK rows of any CRM entity."""
