"""people.selectors.office_staff: the one "staff of this office" lookup (notifications, findings,
complaints and visits alerts all use it)."""

from dudao.people.models import Role
from dudao.people.selectors import office_staff
from dudao.regions.models import Office


def test_active_staff_and_leaders_of_the_office_only(cast):
    ningxiang = Office.objects.get(region__code="430182")
    assert list(office_staff(ningxiang)) == sorted([cast.county_staff, cast.county_leader], key=lambda u: u.pk)
    assert list(office_staff(ningxiang, [Role.OFFICE_LEADER])) == [cast.county_leader]
    assert list(office_staff(Office.objects.get(region__code="4301"))) == [cast.city_staff]
    assert list(office_staff(None)) == []

    cast.county_leader.is_active = False
    cast.county_leader.save(update_fields=["is_active"])
    assert list(office_staff(ningxiang)) == [cast.county_staff]


def test_every_alert_path_uses_it_so_none_reaches_a_deactivated_account(cast):
    from dudao.notifications.models import Notification
    from dudao.notifications.services import notify_office_staff

    ningxiang = Office.objects.get(region__code="430182")
    cast.county_staff.is_active = False
    cast.county_staff.save(update_fields=["is_active"])
    assert notify_office_staff(office=ningxiang, title="测试提醒") == 1
    assert {n.recipient for n in Notification.objects.filter(title="测试提醒")} == {cast.county_leader}
