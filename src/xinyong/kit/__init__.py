"""Domain-free helpers: identifiers, text normalisation, working days, cryptography."""
