"""The campaigns tests' small 宁乡 campaign, reused to check the sheet's grades against the results page."""

from tests.campaigns import conftest as campaigns

small_version = campaigns.small_version
county_campaign = campaigns.county_campaign
