"""信用大脑 monitoring: signals as policy data, alerts with a derived lifecycle, subject timelines."""
