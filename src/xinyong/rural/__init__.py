"""Rural credit: households (农户), new agricultural operators, and the 信用户 rating (issue 19 point 6)."""
