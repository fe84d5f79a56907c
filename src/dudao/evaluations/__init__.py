"""Whole-county evaluations (优质均衡 / 基本均衡 全口径): the county dossier, its parts, verdict and review chain."""
