"""联合奖惩 (joint rewards and punishments): measures as data, the 核查 check, feedback, screening."""
