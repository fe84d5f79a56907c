"""HTML input of the office's survey pages (parsing only; the services check and write). The public
answer form is read by `logic.read_answers` (its fields follow the questionnaire)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.surveys.logic import normalise_options
from dudao.surveys.models import QuestionType, RespondentGroup, SurveyKind

MAX_TEXT = 4000


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CopyForm(forms.Form):
    office = forms.ModelChoiceField(label=_("复制到督导室"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("名称"), max_length=120)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class QuestionnaireForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=SurveyKind.choices)
    intro = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT)
    groups = forms.MultipleChoiceField(label=_("调查对象"), choices=RespondentGroup.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple, help_text=_("不选表示不限"))


class QuestionForm(forms.Form):
    """One question. Options one per line; the options that count as satisfied listed again below
    (they must be among the options); skip logic as an earlier question and the answers that show it."""

    code = forms.CharField(label=_("题号"), max_length=20, help_text=_("字母、数字或下划线，如 Q1"))
    text = forms.CharField(label=_("题目"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    type = forms.ChoiceField(label=_("题型"), choices=QuestionType.choices)
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)
    options = forms.CharField(label=_("选项"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT,
                              help_text=_("每行一个选项（单选、多选、量表、矩阵题）"))
    satisfied = forms.CharField(label=_("计为满意的选项"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                max_length=MAX_TEXT, help_text=_("每行一个，须是上面的选项之一，如 满意、基本满意"))
    rows = forms.CharField(label=_("矩阵行"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT,
                           help_text=_("矩阵题每行一个评价项目，每行计为一次评价"))
    in_index = forms.BooleanField(label=_("计入满意度指数"), required=False)
    groups = forms.MultipleChoiceField(label=_("适用对象"), choices=RespondentGroup.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple, help_text=_("不选表示所有对象"))
    show_question = forms.ChoiceField(label=_("显示条件：当题目"), required=False)
    show_in = forms.CharField(label=_("的答案为"), required=False, max_length=500,
                              help_text=_("每行一个答案；选中其中任一项时才显示本题"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, codes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show_question"].choices = [("", _("（总是显示）")), *codes]

    def clean(self):
        data = super().clean()
        values = _lines(data.get("options", ""))
        good = _lines(data.get("satisfied", ""))
        wrong = [g for g in good if g not in values]
        if wrong:
            self.add_error("satisfied", _("“%(v)s”不在选项中。") % {"v": "、".join(wrong)})
        if data.get("show_question") and not _lines(data.get("show_in", "")):
            self.add_error("show_in", _("请填写显示条件的答案（引用题目的哪些选项时显示本题）。"))
        return data

    def values(self) -> dict:
        """The fields as `question_save` takes them."""
        data = self.cleaned_data
        show = {"question": data["show_question"], "in": _lines(data["show_in"])} if data.get("show_question") else {}
        return {"code": data["code"].strip(), "text": data["text"].strip(), "type": data["type"],
                "required": data["required"], "options": normalise_options(_lines(data["options"]), _lines(data["satisfied"])),
                "rows": _lines(data["rows"]), "in_index": data["in_index"], "groups": list(data["groups"]),
                "show_if": show}


def question_initial(question) -> dict:
    show = question.show_if or {}
    return {"code": question.code, "text": question.text, "type": question.type, "required": question.required,
            "options": "\n".join(o["value"] for o in question.options or []),
            "satisfied": "\n".join(o["value"] for o in question.options or [] if o.get("satisfied")),
            "rows": "\n".join(question.rows or []), "in_index": question.in_index, "groups": question.groups or [],
            "show_question": show.get("question", ""), "show_in": "\n".join(show.get("in") or [])}


class SurveyForm(forms.Form):
    office = forms.ModelChoiceField(label=_("组织单位"), queryset=None, empty_label=None)
    questionnaire = forms.ModelChoiceField(label=_("问卷"), queryset=None)
    name = forms.CharField(label=_("调查名称"), max_length=120)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    region = forms.ModelChoiceField(label=_("调查范围"), queryset=None)
    opens_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    campaign = forms.ModelChoiceField(label=_("所属督导项目"), queryset=None, required=False,
                                      help_text=_("关联后本调查计为该项目的“问卷调查”督导方法"))
    min_student_grade = forms.IntegerField(label=_("学生最低年级"), min_value=1, max_value=12, initial=3,
                                           help_text=_("学生从小学三年级起参加调查"))

    def __init__(self, *args, offices, questionnaires, regions, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["questionnaire"].queryset = questionnaires
        self.fields["region"].queryset = regions
        self.fields["campaign"].queryset = campaigns
        self.fields["year"].initial = timezone.localdate().year


class LinksForm(forms.Form):
    mode = forms.ChoiceField(label=_("生成方式"), choices=[
        ("schools", _("每所义务教育学校一个链接（本区域全部学校）")),
        ("areas", _("每个下级区域一个链接（县市区或乡镇街道）")),
        ("whole", _("整个调查范围一个链接（如督导项目）")),
    ])
    groups = forms.MultipleChoiceField(label=_("按调查对象分别生成"), choices=RespondentGroup.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple, help_text=_("不选则生成通用链接，由作答人选择身份"))
    target = forms.IntegerField(label=_("每个链接的样本目标"), min_value=0, max_value=1_000_000, initial=0)


class TargetForm(forms.Form):
    target = forms.IntegerField(label=_("样本目标"), min_value=0, max_value=1_000_000)
    active = forms.BooleanField(label=_("启用"), required=False)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废理由"), max_length=200)
