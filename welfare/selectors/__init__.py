"""Reads for the welfare pages and API, one module per concept: ``alerts`` (our own
estimates and the official signals), ``forecasts`` (hot days), ``health`` (workers and
the checks due), ``workplaces`` (the organizers' workplace layer), ``hazards`` (reports)
and ``rewards`` (rewards against the yearly budget)."""
