"""Local applications: registration, installation, OAuth 2 tokens and the app's own methods."""
