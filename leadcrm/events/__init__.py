"""Events: the record of every change, written in the change's own transaction."""
