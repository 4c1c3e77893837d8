"""Hardening that sits outside the governance model: login throttling, staff login only on the
intranet, spreadsheet exports that cannot run formulas, and readable configuration errors."""
