import pytest

from tests.evaluations.world import FAILING_YEAR, PASSING_YEAR, county_dossier
from tests.surveys.results_world import build_world


@pytest.fixture
def surveys(cast):
    return build_world(cast)


@pytest.fixture
def failing(cast, surveys):
    return county_dossier(cast, FAILING_YEAR, passing=False)


@pytest.fixture
def passing(cast, surveys):
    return county_dossier(cast, PASSING_YEAR, passing=True)


@pytest.fixture
def verification(cast):
    """A 督政 campaign of the 湖南省 office: the province's on-site verification."""
    from dudao.campaigns.models import Campaign
    from dudao.frameworks.builtin import frameworks_install_builtin
    from dudao.frameworks.models import FrameworkVersion
    from dudao.regions.models import Office

    frameworks_install_builtin()
    version = FrameworkVersion.objects.filter(state="published", framework__for_governments=True).first()
    return Campaign.objects.create(kind="government", name="宁乡市优质均衡省级实地核查", office=Office.objects.get(region__code="43"),
                                   year=2026, framework_version=version, created_by=cast.province_staff)
