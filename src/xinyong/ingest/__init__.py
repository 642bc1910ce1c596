"""归集 Collection: department feeds become validated, linked credit records."""
