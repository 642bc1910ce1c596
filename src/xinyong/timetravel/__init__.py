"""Time travel: past answers recomputed from (on, known, policy hash), and the disputes view."""
