"""The REST API (django-ninja): same selectors and services as the pages, same scope."""

from __future__ import annotations

from ninja import NinjaAPI

from dudao.api import (
    accounts,
    campaign_dashboard,
    campaign_onsite,
    campaign_results,
    campaign_teams,
    campaigns,
    complaints,
    documents,
    errors,
    evaluations,
    findings,
    frameworks,
    governance,
    notifications,
    plaques,
    regions,
    schools,
    supervisors,
    survey_results,
    visits,
    zones,
)
from dudao.api import workbench as workbench_api
from dudao.api.auth import AUTH

api = NinjaAPI(
    title="督导 Dudao API",
    version="1",
    description="互联网+教育督导平台接口。认证：浏览器会话（写操作需 CSRF），或 `Authorization: Bearer <令牌>`。",
    auth=AUTH,
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/v1/regions", regions.router)
api.add_router("/v1/schools", schools.router)
api.add_router("/v1/supervisors", supervisors.router)
api.add_router("/v1", zones.router)
api.add_router("/v1/plaques", plaques.router)
api.add_router("/v1/visits", visits.router)
api.add_router("/v1/findings", findings.router)
api.add_router("/v1/notifications", notifications.router)
api.add_router("/v1/workbench", workbench_api.router)
api.add_router("/v1/complaints", complaints.router)
api.add_router("/v1/public/complaints", complaints.public_router)
api.add_router("/v1/accounts", accounts.router)
api.add_router("/v1/campaigns", campaigns.router)
api.add_router("/v1", campaign_teams.router)
api.add_router("/v1/frameworks", frameworks.router)
api.add_router("/v1/campaigns", campaign_results.router)
api.add_router("/v1/campaigns", campaign_onsite.router)
api.add_router("/v1/campaigns", campaign_dashboard.router)
api.add_router("/v1/evaluations", evaluations.router)
api.add_router("/v1/survey-results", survey_results.router)
api.add_router("/v1/governance", governance.router)
api.add_router("/v1/documents", documents.router)


errors.install(api)  # one error shape for every endpoint (api/errors.py)
