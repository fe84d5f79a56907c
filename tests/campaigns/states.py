"""Putting a test campaign in a state the way the services would have left it.

A school account reads a campaign from the `SCHOOLS_NOTIFIED` event on (campaigns/services.py
writes it when the notice goes out, or for 暗访 at the preliminary opinion), not from its state;
a test that sets the state directly must record the event the same way, or the school sees nothing."""

from __future__ import annotations

from dudao.campaigns.models import SCHOOLS_NOTIFIED, Campaign, CampaignEvent, CampaignState

# the states a campaign reaches only after the schools were told (announced / 暗访)
_TOLD_ANNOUNCED = {CampaignState.SELF_INSPECTION, CampaignState.ONSITE, CampaignState.PRELIMINARY,
                   CampaignState.DEFENCE, CampaignState.FINAL, CampaignState.RECTIFICATION,
                   CampaignState.REINSPECTION, CampaignState.SUMMARY, CampaignState.CLOSED}
_TOLD_UNANNOUNCED = _TOLD_ANNOUNCED - {CampaignState.SELF_INSPECTION, CampaignState.ONSITE}


def move_to(campaign: Campaign, state: str, *, unannounced: bool | None = None) -> Campaign:
    """Set the state (and 暗访 flag) and, when the services would have told the schools by then,
    record the SCHOOLS_NOTIFIED event once (as `services._schools_told` does)."""
    if unannounced is not None:
        campaign.unannounced = unannounced
    campaign.state = state
    campaign.save()
    told = _TOLD_UNANNOUNCED if campaign.unannounced else _TOLD_ANNOUNCED
    if state in told and not campaign.events.filter(action=SCHOOLS_NOTIFIED).exists():
        CampaignEvent.objects.create(campaign=campaign, action=SCHOOLS_NOTIFIED, note="测试：已通知学校")
    return campaign
