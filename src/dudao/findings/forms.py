"""Forms of the ledger pages: a workflow step (reason, evidence, new deadline as the step needs),
recording a finding by hand, and an office's time limits and escalation ladder. Parsing and
validation of input only; the services decide and write."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.findings.models import EscalationAction, FindingSeverity, FindingSource

if TYPE_CHECKING:
    from dudao.findings.workflow import Transition
    from dudao.people.models import User
    from dudao.regions.models import Office
    from dudao.schools.models import School

MAX_FILES = 10
EVIDENCE_ACCEPT = ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx"
# Sources recorded by hand; visits and complaints arrive through their own apps.
MANUAL_SOURCES = [(v, label) for v, label in FindingSource.choices if v not in {FindingSource.VISIT, FindingSource.COMPLAINT}]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or documents in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传 %(n)s 个文件。") % {"n": MAX_FILES})
        return files


class ActionForm(forms.Form):
    """One workflow step; its fields follow the transition (workflow.ACTIONS)."""

    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("佐证材料（照片或文件）"), required=False,
                              help_text=_("jpg、png、webp、pdf、docx、xlsx，每个不超过 10 MB，最多 10 个。"))
    deadline = forms.DateField(label=_("新的整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, transition: Transition, current_deadline=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.current_deadline = current_deadline
        note = self.fields["note"]
        note.required = transition.needs_note
        if transition.note_label:
            note.label = transition.note_label
        if transition.needs_note:
            note.error_messages["required"] = _("请填写%(what)s。") % {"what": note.label}
        if transition.name in {"report", "verify", "return"}:
            self.fields["files"].required = transition.needs_evidence
            if transition.needs_evidence:
                self.fields["files"].error_messages["required"] = _("请上传整改佐证材料（照片或文件）。")
        else:
            del self.fields["files"]
        if transition.name == "extend":
            self.fields["deadline"].required = True
            self.fields["deadline"].error_messages["required"] = _("请填写新的整改期限。")
            if current_deadline:
                self.fields["deadline"].initial = current_deadline + timedelta(days=15)
        else:
            del self.fields["deadline"]

    def clean_note(self):
        return self.cleaned_data["note"].strip()

    def clean_deadline(self):
        day = self.cleaned_data.get("deadline")
        if day and self.current_deadline and day <= self.current_deadline:
            raise forms.ValidationError(_("新的整改期限必须晚于原期限 %(day)s。") % {"day": self.current_deadline})
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("新的整改期限不能早于今天。"))
        return day


class FindingCreateForm(forms.Form):
    """Record a finding by hand: at a school (学校标识码 or exact name) or at a government unit."""

    office = forms.ChoiceField(label=_("负责督导室"))
    school = forms.CharField(label=_("学校"), required=False, max_length=100,
                             help_text=_("填写学校标识码或学校全称；问题属于政府或部门时留空，填写下面的单位名称。"))
    unit_name = forms.CharField(label=_("被督导单位（政府或部门）"), required=False, max_length=200)
    region = forms.ChoiceField(label=_("单位所在区划"), required=False)
    source = forms.ChoiceField(label=_("来源"), choices=MANUAL_SOURCES, initial=FindingSource.OTHER)
    source_label = forms.CharField(label=_("来源说明"), required=False, max_length=200,
                                   help_text=_("如：2025年秋季开学专项督导"))
    category = forms.ChoiceField(label=_("问题类别"))
    severity = forms.ChoiceField(label=_("严重程度"), choices=FindingSeverity.choices, initial=FindingSeverity.NORMAL)
    description = forms.CharField(label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label=_("整改要求"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    responsible_unit = forms.CharField(label=_("整改责任单位"), required=False, max_length=200,
                                       help_text=_("留空即为被督导单位本身"))
    responsible_person = forms.CharField(label=_("整改责任人"), required=False, max_length=50)
    responsible_phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)

    def __init__(self, *args, user: User, offices: list[Office], categories: list[tuple[str, str]],
                 regions: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.offices = {str(o.pk): o for o in offices}
        self.fields["office"].choices = [(str(o.pk), o.name) for o in offices]
        self.fields["category"].choices = [("", "—")] + list(categories)
        self.fields["region"].choices = [("", "—")] + list(regions)
        for name in ("description", "requirement", "unit_name", "source_label", "responsible_unit", "responsible_person"):
            self.fields[name].strip = True

    def clean_office(self):
        return self.offices[self.cleaned_data["office"]]

    def clean_school(self) -> School | None:
        from dudao.schools.models import School

        text = self.cleaned_data["school"].strip()
        if not text:
            return None
        visible = School.objects.visible_to(self.user)
        found = list(visible.filter(code=text)[:1]) or list(visible.filter(name=text)[:2])
        if not found:
            raise forms.ValidationError(_("在您的权限范围内没有找到学校“%(q)s”，请填写学校标识码或学校全称。") % {"q": text})
        if len(found) > 1:
            raise forms.ValidationError(_("有多所学校名为“%(q)s”，请填写学校标识码。") % {"q": text})
        return found[0]

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("整改期限不能早于今天。"))
        return day

    def clean(self):
        data = super().clean()
        school, unit = data.get("school"), (data.get("unit_name") or "").strip()
        if school is None and not self.errors.get("school"):
            if not unit:
                self.add_error("school", _("请填写学校，或填写被督导的政府或部门名称。"))
            elif not data.get("region"):
                self.add_error("region", _("请选择该单位所在区划。"))
        office = data.get("office")
        code = school.region_code if school is not None else data.get("region") or ""
        if office is not None and code and not code.startswith(office.region.code):
            self.add_error("office", _("%(office)s 不负责该单位，请选择该单位所在地的督导室。") % {"office": office.name})
        return data


class PolicyForm(forms.Form):
    remind_days_before = forms.CharField(label=_("到期前提醒（天）"), max_length=50,
                                         help_text=_("用逗号分隔，如 7,3,1：到期前 7 天、3 天、1 天各提醒一次。"))
    dispute_answer_days = forms.IntegerField(label=_("申辩答复期限（天）"), min_value=1, max_value=365)
    default_deadline_days = forms.IntegerField(label=_("默认整改期限（天）"), min_value=1, max_value=365)
    source = forms.CharField(label=_("依据"), required=False, max_length=200,
                             help_text=_("文件名称和文号，如：宁乡市教育督导室关于加强问题整改工作的通知"))

    def clean_remind_days_before(self) -> str:
        raw = self.cleaned_data["remind_days_before"].replace("，", ",").replace(" ", "")
        try:
            days = sorted({int(x) for x in raw.split(",") if x}, reverse=True)
        except ValueError:
            raise forms.ValidationError(_("请填写用逗号分隔的天数，如 7,3,1。")) from None
        if not days or any(d < 0 or d > 365 for d in days):
            raise forms.ValidationError(_("提醒天数应在 0 到 365 之间。"))
        return ",".join(str(d) for d in days)


class StepForm(forms.Form):
    days_overdue = forms.IntegerField(label=_("逾期天数"), min_value=0, max_value=3650)
    # A blank first choice: an untouched extra row stays empty and is skipped.
    action = forms.ChoiceField(label=_("措施"), choices=[("", "—"), *EscalationAction.choices])
    source = forms.CharField(label=_("依据"), required=False, max_length=200)
    disabled = forms.BooleanField(label=_("停用"), required=False)  # unticked by default: a new row is active


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        days = [f.cleaned_data["days_overdue"] for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if days != sorted(days):
            raise forms.ValidationError(_("升级步骤应按逾期天数从少到多排列。"))


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=1, can_delete=True, max_num=10,
                                    validate_max=True)
