"""Importing extracts: read any CSV a bank system produces, keep every valid row, refuse the
rest with a reason a person understands, and never leave the database half-written."""
