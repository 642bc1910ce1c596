"""Credit records (信用记录): immutable facts with provenance."""
