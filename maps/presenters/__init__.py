"""What the public pages and API say: ``stations`` (features, details, hours, directions)
and ``alerts`` (weather alerts with their advice and shelter)."""
