"""maps owns no tables: it reads stations and serves the public map and open data."""
