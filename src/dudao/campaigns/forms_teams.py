"""Input of the team pages (督查组, 回避): parsing only; the rules are in campaigns/teams.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.campaigns.models import MemberKind, TieKind
from dudao.people.models import User
from dudao.schools.models import School


def _person_label(user: User) -> str:
    return f"{user.display_name}（{user.username}）"


class TeamForm(forms.Form):
    name = forms.CharField(label=_("组名"), max_length=64)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("人员"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("身份"), choices=[("", _("按账号自动判断")), *MemberKind.choices], required=False)
    section = forms.CharField(label=_("所在科室/单位"), max_length=64, required=False,
                              help_text=_("机关工作人员填科室（如 普教、纪检监察），第三方人员填机构名称；督学可不填"))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, help_text=_("不填则用档案中的手机号"))
    is_leader = forms.BooleanField(label=_("任组长"), required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = _person_label


class MemberEditForm(forms.Form):
    """A member's section and phone, corrected after adding them (the person and kind stay)."""

    section = forms.CharField(label=_("所在科室/单位"), max_length=64, required=False,
                              help_text=_("机关工作人员填科室（如 普教、纪检监察），第三方人员填机构名称；督学可不填"))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, help_text=_("不填则用档案中的手机号"))


class MoveForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    team = forms.IntegerField(required=False)


class TieForm(forms.Form):
    user = forms.ModelChoiceField(label=_("人员"), queryset=User.objects.none())
    school_code = forms.CharField(label=_("学校标识码"), max_length=10)
    kind = forms.ChoiceField(label=_("关系"), choices=TieKind.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    start = forms.DateField(label=_("起始"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, people, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = _person_label
        self._schools = schools

    def clean_school_code(self) -> School:
        code = self.cleaned_data["school_code"].strip()
        school = self._schools.filter(code=code).first()
        if school is None:
            raise forms.ValidationError(_("学校标识码不存在或不在您的管辖范围内。"))
        return school
