"""信易+ scenes: incentives for trustworthy subjects, eligibility from the right model's grade."""
