"""Companies: the organisation a lead's client belongs to."""
