"""Consumers of domain events: an invoice for every paid order."""
