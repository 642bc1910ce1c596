"""Small typed factories, one module per capability."""
