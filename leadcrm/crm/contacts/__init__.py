"""Contacts: people a lead's client is made of."""
