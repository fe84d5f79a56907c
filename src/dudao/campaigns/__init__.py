"""专项督导 · 综合督导 · 质量评价: campaigns against a framework, their teams, self-inspection,
on-site scoring and results (docs/campaigns.md)."""
