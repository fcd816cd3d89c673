"""Number formatting shared by the summary scripts (summarize-channel.py, summarize-syslog.py)."""
import math


def rate(v):
    """A rate as 1.23 M, 456 k or 78; n/a for a missing or NaN value."""
    if v is None or math.isnan(v):
        return "n/a"
    if abs(v) >= 1e6:
        return f"{v / 1e6:.2f} M"
    if abs(v) >= 1e3:
        return f"{v / 1e3:.0f} k"
    return f"{v:.0f}"
