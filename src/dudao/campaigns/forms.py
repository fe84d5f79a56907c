"""Forms of the campaign pages: the plan (实施方案, frameworks.md §4.1, with phases' dates and on-site
rules) and the scope (region with filters, picked schools, stratified sample). The services check
everything again; the forms only parse and keep the input on errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.campaigns.models import Campaign, ScopeMode
from dudao.campaigns.selection import FILTER_CHOICES, STRATA, ScopeSpec
from dudao.campaigns.services import PLAN_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _grouped_versions(versions) -> list:
    schools = [(v.pk, str(v)) for v in versions if not v.framework.for_governments]
    governments = [(v.pk, str(v)) for v in versions if v.framework.for_governments]
    return [("", "---------"), (str(_("学校指标体系")), schools), (str(_("督政（评价政府）指标体系")), governments)]


class CampaignForm(forms.ModelForm):
    office = forms.ModelChoiceField(label=_("组织督导室"), queryset=None, required=True)  # type: ignore[arg-type]

    class Meta:
        model = Campaign
        fields = PLAN_FIELDS
        widgets = {
            **{name: DATE for name in ("notice_date", "self_deadline", "onsite_start", "onsite_end",
                                        "preliminary_date", "defence_deadline", "final_date",
                                        "rectification_deadline", "reinspection_date", "summary_date")},
            **{name: TEXTAREA for name in ("purpose", "basis", "scope_text", "time_text", "content", "method",
                                           "staffing", "requirements", "results_use")},
        }
        help_texts = {
            "self_deadline": _("不安排学校自查的项目（含暗访）留空：批准后直接开始实地督导。"),
            "unannounced": _("暗访：实地督导前不通知学校，学校在初步意见反馈时才收到通知。"),
        }

    def __init__(self, *args, offices=(), versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        from dudao.regions.models import Office

        office_field = self.fields["office"]
        office_field.queryset = Office.objects.filter(pk__in=[o.pk for o in offices]).order_by("region__code")  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["office"]
        elif len(offices) == 1:
            office_field.initial = offices[0].pk
        if versions is not None:
            field = self.fields["framework_version"]
            field.queryset = versions  # type: ignore[attr-defined]
            # 督政 campaigns take only the frameworks for governments, the others only the school ones:
            # two groups, the page shows the group of the chosen kind (the service checks it again)
            field.choices = _grouped_versions(versions)
        self.order_fields(["office", *PLAN_FIELDS])


class ScopeForm(forms.Form):
    scope_mode = forms.ChoiceField(label=_("范围方式"), choices=ScopeMode.choices, widget=forms.RadioSelect)
    scope_region = forms.CharField(label=_("范围区域"), required=False,
                                   help_text=_("区划代码，须在组织督导室辖区之内（区域内全部学校和抽样时填写）"))
    kinds = forms.MultipleChoiceField(label=_("办学类型"), choices=FILTER_CHOICES["kinds"], required=False,
                                      widget=forms.CheckboxSelectMultiple)
    stages = forms.MultipleChoiceField(label=_("学段"), choices=FILTER_CHOICES["stages"], required=False,
                                       widget=forms.CheckboxSelectMultiple)
    urban_rural = forms.MultipleChoiceField(label=_("城乡类型"), choices=FILTER_CHOICES["urban_rural"], required=False,
                                            widget=forms.CheckboxSelectMultiple)
    ownership = forms.MultipleChoiceField(label=_("举办者"), choices=FILTER_CHOICES["ownership"], required=False,
                                          widget=forms.CheckboxSelectMultiple)
    school_codes = forms.CharField(label=_("指定学校（学校标识码，每行一个或以逗号分隔）"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    sample_size = forms.IntegerField(label=_("抽样数"), required=False, min_value=1, max_value=100000)
    sample_strata = forms.ChoiceField(label=_("分层依据"), choices=[("", "—"), *STRATA.items()], required=False)
    sample_seed = forms.IntegerField(label=_("随机种子"), required=False, min_value=1, max_value=2**31 - 1,
                                     help_text=_("留空则自动生成并记录；同一种子总是抽出同样的学校"))

    def filter_fields(self) -> list:
        return [self[name] for name in FILTER_CHOICES]

    def sample_fields(self) -> list:
        return [self[name] for name in ("sample_size", "sample_strata", "sample_seed")]

    def spec(self, *, region_lookup, school_lookup) -> ScopeSpec:
        """The cleaned form as a ScopeSpec; `region_lookup(code)` and `school_lookup(codes)` resolve codes
        (unknown ones become form errors)."""
        data = self.cleaned_data
        region = None
        if data.get("scope_region"):
            region = region_lookup(data["scope_region"].strip())
            if region is None:
                self.add_error("scope_region", _("没有该区划代码，或不在您的权限范围内。"))
        ids: list[int] = []
        codes = [c.strip() for c in data.get("school_codes", "").replace("，", ",").replace("\n", ",").split(",")
                 if c.strip()]
        if codes:
            found = school_lookup(codes)
            unknown = [c for c in codes if c not in found]
            if unknown:
                self.add_error("school_codes", _("找不到以下学校，或不在您的权限范围内：%(codes)s") % {
                    "codes": "、".join(unknown[:10])})
            ids = sorted(found.values())
        return ScopeSpec(mode=data["scope_mode"], region=region,
                         filters={k: data.get(k) or [] for k in FILTER_CHOICES},
                         school_ids=ids, sample_size=data.get("sample_size"), strata=data.get("sample_strata") or "",
                         seed=data.get("sample_seed"))
