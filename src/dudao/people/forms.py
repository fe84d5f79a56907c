from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.people.models import Role, RoleGrant, User
from dudao.regions.models import Office
from dudao.schools.models import School


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"), max_length=150, regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @/./+/-/_。")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.RegexField(label=_("手机号"), regex=r"^1\d{10}$", required=False,
                             error_messages={"invalid": _("请输入11位手机号。")})
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=True), min_length=8)


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "email", "is_active"]

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by

    def clean_is_active(self) -> bool:
        # Like the batch action: nobody locks themselves out (an office would need the admin to get back in).
        active = self.cleaned_data.get("is_active")
        if not active and self.by is not None and self.instance.pk == self.by.pk:
            raise forms.ValidationError(_("不能停用自己的账号。"))
        return active


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, min_length=8)


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    office = forms.ModelChoiceField(label=_("所属督导室"), queryset=Office.objects.select_related("region"), required=False)
    school_codes = forms.CharField(
        label=_("学校标识码"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("学校用户填一个，评估机构或督学可填多个，用逗号或换行分隔。"),
    )
    # 政府单位用户: the unit, from the governance app's units (through the grant's relation: people
    # never imports governance); office staff pick only units of their own subtrees.
    government_unit = forms.ModelChoiceField(
        label=_("政府单位"), queryset=RoleGrant._meta.get_field("government_unit").related_model.objects.none(),
        required=False, help_text=_("政府单位用户必填：该账号代表的县、乡镇人民政府或政府部门。"),
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        from dudao.access import government_unit_q, is_system_admin

        units = RoleGrant._meta.get_field("government_unit").related_model.objects.select_related("region")
        self.fields["government_unit"].queryset = units if by is None else units.filter(government_unit_q(by, write=True))

        if by is not None and not is_system_admin(by):
            # Office staff give roles within their own subtrees only: never system admin, never
            # an office above or beside theirs, never a school outside.
            from dudao.regions.selectors import managed_offices

            self.fields["role"].choices = [(v, label) for v, label in Role.choices if v != Role.SYSTEM_ADMIN]
            self.fields["office"].queryset = Office.objects.filter(pk__in=[o.pk for o in managed_offices(by)]).select_related("region")

    def clean_school_codes(self) -> list[School]:
        raw = self.cleaned_data.get("school_codes", "")
        codes = [c.strip() for c in raw.replace("，", ",").replace("\n", ",").split(",") if c.strip()]
        schools = list(School.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {s.code for s in schools})
        if missing:
            raise forms.ValidationError(_("以下学校标识码不存在：%(codes)s") % {"codes": "、".join(missing)})
        if self.by is not None:
            writable = set(School.objects.visible_to(self.by, write=True).filter(pk__in=[s.pk for s in schools]).values_list("pk", flat=True))
            outside = sorted(s.code for s in schools if s.pk not in writable)
            if outside:
                raise forms.ValidationError(_("以下学校不在您的管辖范围内：%(codes)s") % {"codes": "、".join(outside)})
        return schools
