"""Methods about the API itself: scope, methods, method.get, server.time, profile, app.info."""
