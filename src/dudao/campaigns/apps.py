from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "dudao.campaigns"
    verbose_name = _("专项与综合督导")

    def ready(self) -> None:
        # A third-party evaluator reads its listed schools plus, only during a campaign's on-site
        # window, the schools allocated to its team (campaigns/access.py): one registration in the
        # one scope mechanism, no view changes (issue [9] item 7).
        from dudao.access import NO_ROLE, extend_school_scope, register_school_scope
        from dudao.campaigns.access import evaluator_school_ids, team_school_ids
        from dudao.people.models import Role

        register_school_scope(Role.EVALUATOR, evaluator_school_ids)
        # A supervisor or bureau staff member of a team also reads the schools allocated to the team
        # while the campaign runs: added to (not replacing) the zones app's supervisor rule; bureau
        # staff without a role of their own likewise. Office staff and leaders read their subtree anyway.
        extend_school_scope(Role.SUPERVISOR, team_school_ids)
        extend_school_scope(NO_ROLE, team_school_ids)
        from dudao.campaigns import onsite

        onsite.register()  # campaign inspections on the visits' phone form (visits/bases.py)
