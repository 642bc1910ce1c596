"""Policy impact simulation: a proposed policy tree run beside the one in force, on the same data."""
