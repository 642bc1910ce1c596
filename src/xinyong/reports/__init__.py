"""Credit reports, 专项信用报告 (信用代证), signing and verification."""
