"""The shared kernel: identity and tenancy, money, API conventions, idempotency, events and webhooks."""
