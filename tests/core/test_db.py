"""InIds: the id-list filter the compliance engine sends as one array on PostgreSQL."""

from __future__ import annotations

import gc

import pytest
from django.db.models import Q

from dudao.core.db import InIds
from dudao.core.perf import gc_paused
from dudao.regions.models import Region


@pytest.mark.django_db
def test_in_ids_matches_exactly_the_given_ids():
    ids = list(Region.objects.order_by("pk").values_list("pk", flat=True)[:25])
    wanted = ids[::3]
    assert sorted(Region.objects.filter(InIds("id", wanted)).values_list("pk", flat=True)) == wanted
    assert not Region.objects.filter(InIds("id", [])).exists()
    # combined with OR, as the compliance engine uses it
    either = Region.objects.filter(Q(InIds("id", ids[:2])) | Q(InIds("id", ids[-1:])))
    assert sorted(either.values_list("pk", flat=True)) == [*ids[:2], ids[-1]]


@pytest.mark.django_db
def test_in_ids_handles_ids_beyond_smallint():
    region = Region.objects.order_by("pk").first()
    assert list(Region.objects.filter(InIds("id", [region.pk, 2**40])).values_list("pk", flat=True)) == [region.pk]


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
