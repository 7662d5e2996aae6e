"""Openings, candidates, scorecards and the audit log: the hiring side of the service."""
