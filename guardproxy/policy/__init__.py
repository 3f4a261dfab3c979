"""Policies: YAML validated into frozen, typed objects; loading, registry and routing."""
