"""Widgets: an application's handlers bound to placements in the lead card and list."""
