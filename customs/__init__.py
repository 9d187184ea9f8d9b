"""Customs: declarations, the tax engine, clearance and the officers' queue."""
