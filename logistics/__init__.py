"""Logistics: the Liège hub — shipments, flights, routing and tracking."""
