"""Domain events: written to an outbox in the changing transaction, handled in-process by other
apps, and delivered to partners as signed webhooks."""
