"""Subjects (信用主体) and their identifiers."""
