"""Marketplace: SME exporters list goods; partners place orders; payments."""
