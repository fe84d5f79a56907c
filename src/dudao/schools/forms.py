"""The school's basic information form (学校基本信息), for office staff within their scope."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dudao.regions.models import Region
from dudao.schools.models import School

# Mainland China lies within these bounds; a point outside them is almost always a typing
# mistake or latitude and longitude swapped (GCJ-02 and WGS-84 alike).
CHINA_LONGITUDE = (Decimal("73"), Decimal("136"))
CHINA_LATITUDE = (Decimal("3"), Decimal("54"))


class SchoolForm(forms.ModelForm):
    """The code (学校标识码) is the national identifier and stays fixed; a school changes county only
    through an import, as the county's own register decides it."""

    class Meta:
        model = School
        fields = ["name", "kind", "ownership", "locality", "region", "address", "longitude", "latitude",
                  "head_name", "phone", "is_boarding", "is_county_run", "is_city_direct", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.instance.region_code
        county = code[:6] if len(code) >= 6 else code
        region = self.fields["region"]
        region.queryset = Region.objects.filter(Q(code__startswith=county) | Q(pk=self.instance.region_id)).order_by("code")
        region.label_from_instance = lambda r: f"{r.name}（{r.code}）"
        region.help_text = _("本县（市、区）内的乡镇（街道）；跨县调整请通过数据导入。")
        self.fields["longitude"].help_text = _("如 112.551234")
        self.fields["latitude"].help_text = _("如 28.277123")

    def clean(self):
        data = super().clean()
        lon, lat = data.get("longitude"), data.get("latitude")
        if (lon is None) != (lat is None) and not self.has_error("longitude") and not self.has_error("latitude"):
            self.add_error("latitude" if lat is None else "longitude", _("经度和纬度需同时填写，或同时留空。"))
        elif lon is not None and lat is not None:
            in_china = CHINA_LONGITUDE[0] <= lon <= CHINA_LONGITUDE[1] and CHINA_LATITUDE[0] <= lat <= CHINA_LATITUDE[1]
            if not in_china:
                swapped = CHINA_LONGITUDE[0] <= lat <= CHINA_LONGITUDE[1] and CHINA_LATITUDE[0] <= lon <= CHINA_LATITUDE[1]
                self.add_error("longitude", _("经度、纬度似乎填反了：经度约为 73～136，纬度约为 3～54。") if swapped
                               else _("坐标不在我国境内，请检查经度（73～136）和纬度（3～54）。"))
        return data
