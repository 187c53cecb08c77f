"""Bindings between CRM entities (a lead's contacts, a contact's companies), with a primary."""
