"""Input parsing for the public form and the staff pages; rules that matter live in services.py."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.complaints import rules
from dudao.complaints.models import ComplaintChannel, ComplaintOutcome, ReplyMethod
from dudao.complaints.services import PhotoIn, active_categories


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS files; size is checked here (fast), content in the service (Pillow)."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > rules.MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 %(n)s 张照片。") % {"n": rules.MAX_PHOTOS})
        limit = rules.max_photo_bytes()
        for n, f in enumerate(files, start=1):
            if f.size > limit:
                raise forms.ValidationError(_("第 %(n)s 张照片过大（%(mb).1f MB），单张不超过 %(max)s MB。")
                                            % {"n": n, "mb": f.size / 1048576, "max": limit // 1048576})
        return files


def photos_in(files) -> list[PhotoIn]:
    return [PhotoIn(raw=f.read(), name=getattr(f, "name", "")) for f in files or []]


class ComplaintPublicForm(forms.Form):
    """The parent's form behind the plaque's QR code (no login)."""

    category = forms.ChoiceField(label=_("反映类别"))
    text = forms.CharField(label=_("反映内容"), max_length=rules.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("请写明时间、地点和具体情况，不超过 2000 字。"))
    photos = PhotosField(label=_("照片（可选，最多 3 张）"), required=False)
    anonymous = forms.BooleanField(label=_("匿名反映（不留称呼和电话）"), required=False)
    contact_name = forms.CharField(label=_("称呼（可选）"), max_length=30, required=False,
                                   widget=forms.TextInput(attrs={"placeholder": _("如：王女士")}))
    phone = forms.CharField(label=_("联系电话（可选）"), max_length=20, required=False,
                            help_text=_("只有督导室和责任督学能看到完整号码，用于回电核实。"),
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    answer = forms.CharField(label=_("验证题"), max_length=10,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    token = forms.CharField(widget=forms.HiddenInput)
    # Honeypot: hidden from people (off-screen, not focusable), filled in by form-filling scripts.
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("请选择")), *active_categories().items()]
        self.fields["answer"].error_messages["required"] = _("请回答验证题。")
        self.fields["text"].error_messages["required"] = _("请填写反映内容。")
        self.fields["category"].error_messages["required"] = _("请选择反映类别。")


class ComplaintRegisterForm(forms.Form):
    """Staff record a complaint received by phone, visit or letter (受理登记)."""

    school = forms.ModelChoiceField(label=_("涉及学校"), queryset=None, empty_label=_("请选择学校"))
    channel = forms.ChoiceField(label=_("来源渠道"), choices=[c for c in ComplaintChannel.choices if c[0] != ComplaintChannel.ONLINE])
    received_at = forms.DateTimeField(label=_("受理时间"), widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    category = forms.ChoiceField(label=_("反映类别"))
    text = forms.CharField(label=_("反映内容"), max_length=rules.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}))
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    contact_name = forms.CharField(label=_("反映人称呼"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["category"].choices = [("", _("请选择")), *active_categories().items()]
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))


OUTCOME_DEFAULT_ANSWERS = {
    ComplaintOutcome.QUESTION: _("您好，您咨询的问题答复如下："),
    ComplaintOutcome.REFERRED: _("您好，您反映的问题不属于教育督导职责范围，已转交有关部门办理，请留意其答复。"),
    ComplaintOutcome.INVESTIGATED: _("您好，经核实，您反映的问题属实，已责令学校限期整改，责任督学将跟踪整改情况。"),
    ComplaintOutcome.KEPT_FOR_VISIT: _("您好，您反映的情况已记录，责任督学将在近期到校督导时现场核实。"),
    ComplaintOutcome.UNFOUNDED: _("您好，经责任督学到校核实，您反映的情况与事实不符。如有新的情况，欢迎再次反映。"),
}


class TriageForm(forms.Form):
    """One outcome's form (the page shows one per outcome, each with its own prefix)."""

    public_answer = forms.CharField(label=_("给反映人的答复"), widget=forms.Textarea(attrs={"rows": 4}),
                                    help_text=_("反映人凭查询码可以看到；请勿写入反映人或学生的个人信息。"))
    reply_method = forms.ChoiceField(label=_("答复方式"), choices=ReplyMethod.choices, initial=ReplyMethod.ONLINE)
    referred_to = forms.CharField(label=_("转办单位"), max_length=100, required=False)
    verified_on = forms.DateField(label=_("核实日期"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    verification_method = forms.CharField(label=_("核实方式"), max_length=100, required=False,
                                          widget=forms.TextInput(attrs={"placeholder": _("如：电话询问学校、到校查阅资料、座谈走访")}))
    verification_note = forms.CharField(label=_("核实情况（内部）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("处理意见（内部）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # investigated → the finding
    finding_category = forms.ChoiceField(label=_("问题类别"), required=False)
    description = forms.CharField(label=_("问题描述（学校可见）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    severity = forms.ChoiceField(label=_("严重程度"), required=False)

    OUTCOME_FIELDS = {
        ComplaintOutcome.QUESTION: ("public_answer", "reply_method", "note"),
        ComplaintOutcome.REFERRED: ("referred_to", "public_answer", "reply_method", "note"),
        ComplaintOutcome.INVESTIGATED: ("verified_on", "verification_method", "verification_note", "finding_category",
                                        "description", "requirement", "deadline", "severity", "public_answer",
                                        "reply_method", "note"),
        ComplaintOutcome.KEPT_FOR_VISIT: ("public_answer", "reply_method", "note"),
        ComplaintOutcome.UNFOUNDED: ("verified_on", "verification_method", "verification_note", "public_answer",
                                     "reply_method", "note"),
    }

    def __init__(self, *args, outcome: str, complaint=None, **kwargs):
        from dudao.findings.models import CATEGORY_DICTIONARY, FindingSeverity
        from dudao.system.models import DictionaryItem

        kwargs.setdefault("prefix", outcome)
        super().__init__(*args, **kwargs)
        self.outcome = outcome
        for name in list(self.fields):
            if name not in self.OUTCOME_FIELDS[outcome]:
                del self.fields[name]
        self.order_fields(self.OUTCOME_FIELDS[outcome])
        if "finding_category" in self.fields:
            self.fields["finding_category"].choices = list(
                DictionaryItem.objects.filter(dict_type=CATEGORY_DICTIONARY, is_active=True).order_by("order", "code")
                .values_list("code", "label"))
            self.fields["severity"].choices = FindingSeverity.choices
        if not self.is_bound:
            self.initial["public_answer"] = OUTCOME_DEFAULT_ANSWERS[outcome]
            if "verified_on" in self.fields:
                self.initial["verified_on"] = timezone.localdate()
            if outcome == ComplaintOutcome.INVESTIGATED and complaint is not None:
                self.initial["finding_category"] = rules.PROBLEM_CATEGORY_OF.get(complaint.category, "other")
                self.initial["description"] = complaint.text
                self.initial["deadline"] = timezone.localdate() + timedelta(days=30)
                self.initial["severity"] = "normal"


class CloseForm(forms.Form):
    public_answer = forms.CharField(label=_("最终答复（可选，填写后替换原答复）"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("办结说明（内部）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "close")
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("内部备注"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = _("请填写备注内容。")


class AssignForm(forms.Form):
    supervisor = forms.ModelChoiceField(label=_("改派给"), queryset=None, empty_label=_("请选择督学"))

    def __init__(self, *args, supervisors=None, **kwargs):
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors


class PolicyForm(forms.Form):
    response_days = forms.IntegerField(label=_("答复期限（天）"), min_value=1, max_value=60)
    working_days = forms.BooleanField(label=_("按工作日计算（不计周末和法定节假日）"), required=False)
    source = forms.CharField(label=_("依据"), max_length=200, required=False)
