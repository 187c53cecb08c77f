"""Custom field types of an application (``rest_{appId}_{code}``), rendered by its handler."""
