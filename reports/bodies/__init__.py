"""A body's own work across every area it serves: what it owes, its figures and its history.

A room of reports beside recommendations and board: it reads alerts (concerns) and the
recommendations and evidence requests addressed to a body, and imports neither other room.
"""
