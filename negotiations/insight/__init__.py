"""Seeing the record over time: the position matrix and thread steps, demand-shift
analytics and charts, and the timeline picture (layout apart from its queries)."""
