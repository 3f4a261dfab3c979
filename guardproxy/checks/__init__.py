"""Checks: small, pure units that read text and context and return findings."""
