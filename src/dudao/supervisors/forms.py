"""HTML input of the team pages: parsing and validation only (writes go through services)."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.regions.models import Office
from dudao.supervisors.models import Supervisor, SupervisorLevel, SupervisorStatus, TrainingSession
from dudao.supervisors.photos import photo_prepare
from dudao.supervisors.selectors import background_labels

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def clean_mobile(value: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if value and not MOBILE.match(value):
        raise forms.ValidationError(_("请填写 11 位手机号，如 13812345678。"))
    return value


class SupervisorForm(forms.ModelForm):
    background = forms.ChoiceField(label=_("来源背景"), required=False)
    photo_upload = forms.FileField(
        label=_("照片"), required=False, help_text=_("JPG、PNG 或 WebP，不超过 5 MB；保存时缩小到 600 像素以内。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    username = forms.CharField(label=_("关联登录账号"), required=False, max_length=150,
                               help_text=_("填写已有账号的用户名：该账号将获得“责任督学”角色，可查看本人档案和挂牌学校。"))

    class Meta:
        model = Supervisor
        fields = ["office", "name", "gender", "birth_date", "phone", "kind", "level", "appointed_on", "appointing_body",
                  "letter_no", "certificate_no", "background", "former_post", "degree", "title", "note"]
        widgets = {"birth_date": _date_widget(), "appointed_on": _date_widget()}
        error_messages = {
            "name": {"required": _("请填写姓名。")},
            "kind": {"required": _("请选择类别（专职或兼职）。")},
            "office": {"required": _("请选择所属督导室。"), "invalid_choice": _("您无权管理该督导室的督学。")},
        }

    def __init__(self, *args, offices: list[Office], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=[o.pk for o in offices]).order_by("region__code")
        self.fields["office"].empty_label = None if len(offices) == 1 else "—"
        self.fields["level"].required = False
        self.fields["level"].choices = [("", _("按所属督导室")), *SupervisorLevel.choices]
        self.fields["level"].help_text = _("留空时按所属督导室的级别填写。")
        self.fields["phone"].required = True
        self.fields["phone"].error_messages["required"] = _("请填写手机号。")
        labels = background_labels(active_only=True)
        current = self.instance.background if self.instance.pk else ""
        if current and current not in labels:  # a retired code keeps showing on old records
            labels[current] = background_labels().get(current, current)
        self.fields["background"].choices = [("", "—"), *labels.items()]
        if self.instance.pk and self.instance.user_id:
            self.fields["username"].initial = self.instance.user.username

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        today = timezone.localdate()
        if value and not (today.year - 90 <= value.year <= today.year - 18):
            raise forms.ValidationError(_("出生日期不合理，请检查（督学应年满 18 周岁）。"))
        return value

    def clean_certificate_no(self) -> str:
        value = self.cleaned_data.get("certificate_no", "").strip()
        if value and Supervisor.objects.filter(certificate_no=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("督学证编号“%(no)s”已被其他督学使用。") % {"no": value})
        return value

    def clean_photo_upload(self):
        upload = self.cleaned_data.get("photo_upload")
        return photo_prepare(upload) if upload else None

    def clean_username(self):
        from dudao.people.models import Role, User

        username = self.cleaned_data.get("username", "").strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("账号“%(u)s”不存在或已停用。") % {"u": username})
        other = Supervisor.objects.filter(user=user).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise forms.ValidationError(_("账号“%(u)s”已关联督学“%(name)s”。") % {"u": username, "name": other.name})
        # Linking grants the supervisor role; accounts with other roles are the administrator's to change.
        if user.is_superuser or user.role_grants.exclude(role=Role.SUPERVISOR).exists():
            raise forms.ValidationError(_("账号“%(u)s”已有其他角色，请联系系统管理员关联。") % {"u": username})
        return user

    def clean(self):
        data = super().clean()
        office = data.get("office")
        if not data.get("level") and office is not None and office.level in SupervisorLevel.values:
            data["level"] = office.level
        born, appointed = data.get("birth_date"), data.get("appointed_on")
        if born and appointed and appointed <= born:
            self.add_error("appointed_on", _("聘任日期应晚于出生日期。"))
        return data

    def service_fields(self) -> dict:
        """cleaned_data as keyword arguments of supervisor_create/supervisor_update."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["user"] = self.cleaned_data.get("username")
        if self.cleaned_data.get("photo_upload"):
            data["photo"] = self.cleaned_data["photo_upload"]
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("变更为"), choices=SupervisorStatus.choices)
    effective_on = forms.DateField(label=_("生效日期"), initial=timezone.localdate, widget=_date_widget())
    reason = forms.CharField(label=_("原因"), max_length=200, required=False,
                             help_text=_("暂停履职、离任、解聘须填写原因，如“任期届满”“调离教育系统”。"))

    def clean_effective_on(self):
        # The status is the current state: a change is recorded once it has taken effect.
        value = self.cleaned_data.get("effective_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("生效日期不能晚于今天：请在变更生效后再登记。"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != SupervisorStatus.ACTIVE and not data.get("reason", "").strip():
            self.add_error("reason", _("请填写状态变更原因。"))
        return data


class TermForm(forms.Form):
    number = forms.IntegerField(label=_("届次"), min_value=1, max_value=99)
    starts_on = forms.DateField(label=_("任期开始"), widget=_date_widget())
    ends_on = forms.DateField(label=_("任期结束"), widget=_date_widget())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    @staticmethod
    def initial_for(supervisor: Supervisor) -> dict:
        """Next term number; a part-time term runs 3 years from the day after the last one ended."""
        last = supervisor.terms.order_by("-starts_on").first()
        start = (last.ends_on + timedelta(days=1)) if last else (supervisor.appointed_on or timezone.localdate())
        try:
            end = start.replace(year=start.year + 3) - timedelta(days=1)
        except ValueError:  # 29 February
            end = start.replace(year=start.year + 3, day=28)
        return {"number": (last.number + 1) if last else 1, "starts_on": start, "ends_on": end}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("任期结束日期必须晚于开始日期。"))
        return data


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["office", "topic", "held_on", "hours", "mode", "organiser", "location"]
        widgets = {"held_on": _date_widget()}
        error_messages = {
            "topic": {"required": _("请填写培训主题。")},
            "held_on": {"required": _("请填写培训日期。")},
            "hours": {"required": _("请填写学时。")},
            "office": {"invalid_choice": _("您无权为该督导室组织培训。")},
        }

    def __init__(self, *args, offices: list[Office], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(pk__in=[o.pk for o in offices]).order_by("region__code")
        self.fields["office"].empty_label = None if len(offices) == 1 else "—"
        self.fields["mode"].help_text = _("只有集中培训计入每年 40 学时的要求（督学管理暂行办法）。")

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if hours is not None and not (0 < hours <= 200):
            raise forms.ValidationError(_("学时应大于 0 且不超过 200。"))
        return hours


class AttendanceForm(forms.Form):
    supervisors = forms.TypedMultipleChoiceField(label=_("参训督学"), coerce=int, widget=forms.CheckboxSelectMultiple,
                                                 error_messages={"required": _("请勾选参训督学。"),
                                                                 "invalid_choice": _("所选督学不在可选范围内，请刷新页面后重试。")})
    hours = forms.DecimalField(label=_("计入学时"), required=False, min_value=0, max_digits=5, decimal_places=1,
                               help_text=_("留空则按本次培训的学时计入。"))

    def __init__(self, *args, candidate_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisors"].choices = [(pk, pk) for pk in candidate_ids]

