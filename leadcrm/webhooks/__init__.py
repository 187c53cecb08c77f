"""Incoming webhooks: a user id and a secret code in the URL."""
