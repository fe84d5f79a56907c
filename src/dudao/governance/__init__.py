"""督政: county and township governments (and their departments) as inspected units of campaigns."""
