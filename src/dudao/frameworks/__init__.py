"""指标体系 and 检查细则: the library of frameworks a campaign inspects against (docs/campaigns.md)."""
