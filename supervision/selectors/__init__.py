"""Reads of the supervision app, one module per concept, each narrowed to what the
scope covers."""
