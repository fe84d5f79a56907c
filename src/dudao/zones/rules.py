"""Zone and plaque rules as data, with their sources (domain-rules §2.1, §9.3)."""

from __future__ import annotations

from django.conf import settings

from dudao.schools.models import SchoolKind

# 责任区意见 (教督〔2012〕7号): a zone should generally contain no more than 20 schools.
MAX_SCHOOLS_PER_ZONE = getattr(settings, "DUDAO_MAX_SCHOOLS_PER_ZONE", 20)
# 挂牌办法 Art 1: one responsible supervisor for about 5 schools ("按1人负责5所左右学校").
SCHOOLS_PER_SUPERVISOR_NORM = getattr(settings, "DUDAO_SCHOOLS_PER_SUPERVISOR", 5)
# "Far more than about 5": warn from 1.5 × the norm, rounded up (an office may change it).
SUPERVISOR_LOAD_WARNING = getattr(settings, "DUDAO_SUPERVISOR_LOAD_WARNING", 8)

# Seed 001 (湖南): city zones cover senior-stage (高中阶段) and city-direct (市直) schools;
# county zones cover all other schools and the kindergartens.
SENIOR_STAGE_KINDS = frozenset({SchoolKind.SENIOR, SchoolKind.COMPLETE_SECONDARY, SchoolKind.TWELVE_YEAR,
                                SchoolKind.VOCATIONAL})
