"""Portal users: the people leads are assigned to and webhooks act as."""
