"""templates/includes: the filter block and the results card every ledger and list page shares."""

from types import SimpleNamespace

from django.core.paginator import Paginator
from django.template import engines
from django.test.html import parse_html


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_filter_select_marks_the_current_value_and_offers_all():
    html = _render('{% include "includes/filter_select.html" with name="kind" label="办学类型" choices=kinds current="primary" only %}',
                   kinds=[("primary", "小学"), ("junior", "初中")])
    assert parse_html(html) == parse_html(
        '<div class="col-6 col-md-2"><label class="form-label" for="id_kind">办学类型</label>'
        '<select class="form-select" id="id_kind" name="kind"><option value="">全部</option>'
        '<option value="primary" selected>小学</option><option value="junior">初中</option></select></div>')


def test_filter_select_of_regions_and_of_objects_by_pk():
    regions = [SimpleNamespace(code="430182", name="宁乡市"), SimpleNamespace(code="430181", name="浏阳市")]
    html = _render('{% include "includes/filter_select.html" with name="region" label="区划" regions=regions current="430181" only %}',
                   regions=regions)
    assert '<option value="430181" selected>浏阳市</option>' in html and '<option value="430182">宁乡市</option>' in html
    offices = [SimpleNamespace(pk=7, name="宁乡市督导室")]
    html = _render('{% include "includes/filter_select.html" with name="office" label="督导室" objects=offices current="7" col="col-12" only %}',
                   offices=offices)
    assert '<option value="7" selected>宁乡市督导室</option>' in html and 'class="col-12"' in html


def test_filter_input_writes_dates_as_iso():
    from datetime import date

    html = _render('{% include "includes/filter_input.html" with name="start" type="date" label="从" value=day only %}',
                   day=date(2025, 10, 9))
    assert parse_html(html) == parse_html(
        '<div class="col-6 col-md-2"><label class="form-label" for="id_start">从</label>'
        '<input class="form-control" type="date" id="id_start" name="start" value="2025-10-09"></div>')


def test_filter_block_with_htmx_hidden_value_collapse_and_reset(tmp_path, settings):
    (tmp_path / "fields.html").write_text('<div class="col">F</div>', encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    html = _render('{% include "includes/filter_block.html" with action="/findings/" fields="fields.html" testid="f" '
                   'collapse="body" keep_name="school_id" keep_value=7 reset=True %}',
                   filters=SimpleNamespace(is_empty=False))
    assert 'hx-get="/findings/"' in html and 'hx-target="#results"' in html and 'hx-push-url="true"' in html
    assert '<input type="hidden" name="school_id" value="7">' in html
    assert 'id="body"' in html and "已筛选" in html and 'data-testid="f"' in html
    assert '<a class="btn" href="/findings/">重置</a>' in html and '<div class="col">F</div>' in html

    plain = _render('{% include "includes/filter_block.html" with action="/stats/" fields="fields.html" htmx=False %}',
                    filters=SimpleNamespace(is_empty=True))
    assert "hx-get" not in plain and "重置" not in plain and "已筛选" not in plain and 'type="hidden"' not in plain


def test_results_card_counts_exports_with_the_filters_and_shows_the_empty_state(tmp_path, settings):
    (tmp_path / "table.html").write_text("<table>{% for r in page.object_list %}<tr><td>{{ r }}</td></tr>{% endfor %}</table>",
                                         encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    source = ('{% include "includes/list_page.html" with count_text="共 2 条" count=page.paginator.count export="/x/export/" '
              'query=query rows=page.object_list table="table.html" page=page empty_title="没有" empty_subtitle="请调整。" %}')
    page = Paginator(["甲", "乙"], 30).page(1)
    html = _render(source, page=page, query={"kind": "primary", "q": "一小"}, request=None)
    assert 'data-testid="result-count">共 2 条</span>' in html
    assert 'href="/x/export/?kind=primary&amp;q=%E4%B8%80%E5%B0%8F&amp;"' in html
    assert "<td>甲</td>" in html and "没有" not in html

    encoded = source.replace("query=query", "export_qs=qs")
    assert 'href="/x/export/?state=closed"' in _render(encoded, page=page, qs="state=closed", request=None)
    assert 'href="/x/export/"' in _render(encoded, page=page, qs="", request=None)

    empty = Paginator([], 30).page(1)
    html = _render(source, page=empty, query={}, request=None)
    assert "export-link" not in html and "<table>" not in html
    assert '<p class="empty-title">没有</p>' in html and "请调整。" in html


def test_the_training_notifications_zones_and_not_visited_pages_use_the_shared_results_card(cast, client):
    """Each page's results card is includes/list_page.html (its count line and empty state); the
    training list's filters are includes/filter_block.html (a plain GET form, as before)."""
    from django.urls import reverse

    from dudao.regions.models import Office

    ningxiang = Office.objects.get(region__code="430182")
    client.force_login(cast.county_staff)
    pages = {
        reverse("supervisors:training_list"): ("共 0 次培训", "暂无培训记录"),
        reverse("notifications:list"): ("共 0 条", "没有未读消息"),
        reverse("zones:index") + f"?office={ningxiang.pk}": ("共 0 个责任区", "还没有责任区"),
    }
    for url, (count, empty) in pages.items():
        html = client.get(url).content.decode()
        assert f'data-testid="result-count">{count}</span>' in html, url
        assert f'<p class="empty-title">{empty}</p>' in html, url
    from django.utils import timezone

    year = timezone.localdate().year
    training = client.get(reverse("supervisors:training_list"), {"year": str(year)}).content.decode()
    assert f'action="{reverse("supervisors:training_list")}"' in training and 'id="id_year" name="year"' in training
    assert f'<option value="{year}" selected>{year}</option>' in training and "hx-get" not in training
    assert "查看全部消息" in client.get(reverse("notifications:list")).content.decode()
    assert "新建责任区" in client.get(reverse("zones:index") + f"?office={ningxiang.pk}").content.decode()
    html = client.get(reverse("visits:not_visited"), {"office": ningxiang.pk, "kind": "month", "day": "2025-10-15"}).content.decode()
    assert 'data-testid="result-count">' in html and "没有督导记录的学校：3 所（共 3 所）" in html
    assert 'data-testid="schools"' in html and 'id="export-link"' in html
