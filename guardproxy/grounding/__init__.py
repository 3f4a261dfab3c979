"""Grounding: how well an answer rests on its sources."""
