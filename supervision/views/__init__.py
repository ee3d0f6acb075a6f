"""Organizer pages of the supervision app, one module per concept. Only organizers open
them (others: 403; anonymous: the login page); objects outside the organizer's unions are
not found (404)."""
