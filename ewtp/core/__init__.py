"""The shared kernel: identity and tenancy, money, API conventions and idempotency."""
