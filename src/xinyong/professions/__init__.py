"""职业人群与公务员: key professions, licensed practitioners and civil servants (issue 19 point 8)."""
