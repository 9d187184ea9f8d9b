"""Settings are split by purpose: base (shared), local (a developer's machine), test, production."""
