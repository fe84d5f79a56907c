"""The printed plaque (督导公示牌), read back from the PDF as a person reads it."""

from __future__ import annotations

import pytest

from dudao.regions.models import Office, Region
from dudao.regions.services import office_ensure
from dudao.system.models import DictionaryItem
from dudao.zones.plaques import plaque_pdf, plaques_for, public_url
from tests.factories import SchoolFactory
from tests.zones.conftest import COMPLAINT_PHONE
from tests.zones.plaques_helpers import page_count, page_texts, pdf_text, qr_codes_on_first_page


def test_renders_a_pdf_with_school_supervisors_phones_and_complaint_phone(cast, team):
    pdf = plaque_pdf([cast.A1])

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "责任督学挂牌督导公示牌" in text
    assert cast.A1.name in text
    assert team.wang.name in text and team.li.name in text
    # The printed plaque carries the full phone (挂牌办法 Art 2), not the masked one.
    assert team.wang.phone in text and team.li.phone in text
    assert "投诉电话" in text and COMPLAINT_PHONE in text
    assert team.office.name in text


def test_lists_the_eight_supervision_items_in_order(cast, team):
    text = pdf_text(plaque_pdf([cast.A1]))

    labels = list(DictionaryItem.objects.filter(dict_type="supervision_item").order_by("order").values_list("label", flat=True))
    assert len(labels) == 8
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions)


def test_supervision_items_follow_the_dictionary_an_office_edits(cast, team):
    # The dictionary page edits these rows; the plaque reads whatever is active now.
    DictionaryItem.objects.filter(dict_type="supervision_item", code="8").update(is_active=False)
    DictionaryItem.objects.filter(dict_type="supervision_item", code="1").update(label="学校管理与制度落实情况")

    text = pdf_text(plaque_pdf([cast.A1]))

    assert "学校管理与制度落实情况" in text
    assert "校风、教风、学风建设情况" not in text


def test_qr_code_decodes_to_the_public_address(cast, team, settings):
    settings.DUDAO_PUBLIC_BASE_URL = "https://dudao.example.gov.cn"

    pdf = plaque_pdf([cast.A1])

    expected = f"https://dudao.example.gov.cn/s/{cast.A1.code}/"
    assert qr_codes_on_first_page(pdf) == [expected]
    # Printed small under the code (a long address may wrap).
    assert expected in pdf_text(pdf, layout=False).replace("\n", "")


def test_one_page_per_school_in_the_given_order(cast, team):
    schools = [cast.A2, cast.A1, cast.A3]

    pdf = plaque_pdf(schools)

    assert page_count(pdf) == 3
    assert [s.name for s in schools] == [next(s.name for s in schools if s.name in t) for t in page_texts(pdf)]


def test_school_without_supervisor_still_gets_its_plaque(cast, team):
    text = pdf_text(plaque_pdf([cast.A3]))

    assert cast.A3.name in text and "待确定" in text


def test_many_supervisors_and_a_long_name_stay_on_one_page(cast, team):
    from dudao.supervisors.services import supervisor_create
    from dudao.zones.services import assignment_create

    school = SchoolFactory(name="长沙市宁乡市玉潭街道某某某某某某实验学校附属第二小学（东校区）", region=cast.A2.region)
    for n in range(5):
        supervisor = supervisor_create(by=None, office=team.office, name=f"督学{n}", kind="part_time", level="county",
                                       phone=f"1370000000{n}")
        assignment_create(supervisor=supervisor, school=school)

    assert page_count(plaque_pdf([school])) == 1


def test_photo_is_embedded_and_a_missing_photo_shows_the_surname(cast, team):
    plaque = plaques_for([cast.A1])[0]

    wang, li = plaque.supervisors
    assert wang.photo.startswith("data:image/jpeg;base64,")
    assert li.photo == "" and li.surname == "李"
    assert "李" in pdf_text(plaque_pdf([cast.A1])).replace(li.name, "")


def test_chinese_fonts_are_embedded(cast, team, tmp_path):
    import subprocess

    path = tmp_path / "plaque.pdf"
    path.write_bytes(plaque_pdf([cast.A1]))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout

    assert "CJK" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # the "emb" column


# --- the complaint phone: the county office, else the nearest office above it that has one -----------
def _set_phone(code: str, phone: str) -> Office:
    office = office_ensure(region=Region.objects.get(code=code))
    Office.objects.filter(pk=office.pk).update(complaint_phone=phone)
    return Office.objects.get(pk=office.pk)


def test_complaint_phone_of_the_county_office(cast, team):
    plaque = plaques_for([cast.A1])[0]

    assert (plaque.complaint_phone, plaque.office) == (COMPLAINT_PHONE, team.office)


@pytest.mark.parametrize("county", ["430181", "430104"], ids=["county office without phone", "county without office"])
def test_complaint_phone_falls_back_to_the_city_office(cast, county):
    city = _set_phone("4301", "0731-12345678")
    school = SchoolFactory(region=Region.objects.get(code=county))

    plaque = plaques_for([school])[0]

    assert (plaque.complaint_phone, plaque.office) == ("0731-12345678", city)


def test_city_level_school_takes_the_city_office_phone(cast, team):
    city = _set_phone("4301", "0731-12345678")
    senior = SchoolFactory(region=cast.A2.region, kind="senior")

    plaque = plaques_for([senior])[0]

    assert (plaque.complaint_phone, plaque.office) == ("0731-12345678", city)


def test_public_url_is_stable_and_uses_the_school_code(cast, settings):
    settings.DUDAO_PUBLIC_BASE_URL = "https://dudao.example.gov.cn"

    assert public_url(cast.A1) == f"https://dudao.example.gov.cn/s/{cast.A1.code}/"


def test_reads_do_not_grow_with_the_number_of_schools(cast, team, django_assert_max_num_queries):
    schools = [cast.A1, cast.A2, cast.A3, cast.B1, cast.B2, cast.C1]
    with django_assert_max_num_queries(3):
        plaques_for(schools)
