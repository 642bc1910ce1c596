"""信用修复 (credit repair): eligibility, applications, notices, effects on records."""
