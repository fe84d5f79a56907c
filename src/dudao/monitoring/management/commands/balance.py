"""`dudao balance FILE`: a county's balance indicators from its own spreadsheet, without the platform.

    dudao balance 宁乡2025.xlsx                     优质均衡 (2017): CVs, limits and each school's rule
    dudao balance 宁乡2025.csv --scheme basic_2012  基本均衡 (2012): 8 CVs and the composite
    dudao balance 宁乡2025.xlsx --json              the same as JSON (for scripts)
    dudao balance --template 模板.xlsx              write the template (also on the web page)

Exit status 0 when the file was evaluated (whatever the verdict), 1 when it could not be (the
problems are listed by row and column, in Chinese, on stderr).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dudao.monitoring.standards import DEFAULT_SCHEME, SCHEMES


class Command(BaseCommand):
    help = "按县域义务教育均衡发展督导评估办法计算一个 Excel/CSV 文件中各校指标的差异系数与达标情况"
    requires_migrations_checks = False
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="学校指标文件（.xlsx、.xls 或 .csv，UTF-8/GBK）")
        parser.add_argument("--scheme", default=DEFAULT_SCHEME, choices=sorted(SCHEMES),
                            help="评估办法：quality_2017 优质均衡（默认）；basic_2012 基本均衡")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--template", metavar="OUT.xlsx", help="写出填写模板后退出")

    def handle(self, *args, file=None, scheme=DEFAULT_SCHEME, json=False, template=None, **options):
        from dudao.monitoring.balance_file import (
            BalanceFileError,
            as_json,
            evaluate_file,
            read_balance_file,
            render_text,
            template_write,
        )

        if template:
            out = Path(template)
            if out.suffix.lower() != ".xlsx":
                raise CommandError(f"模板文件名应以 .xlsx 结尾：{out}")
            if not out.parent.exists():
                raise CommandError(f"目录不存在：{out.parent}")
            template_write(out, scheme)
            self.stdout.write(f"已写出{SCHEMES[scheme].label}填写模板：{out}")
            return
        if not file:
            raise CommandError("请指定要计算的文件，例如：dudao balance 宁乡2025.xlsx（或用 --template 模板.xlsx 写出模板）")
        try:
            data = read_balance_file(file, scheme=scheme)
        except BalanceFileError as exc:
            raise CommandError("\n".join(exc.lines())) from None
        groups = evaluate_file(data)
        if json:
            self.stdout.write(as_json(data, groups, source=str(file)))
        else:
            self.stdout.write(render_text(data, groups, source=str(file)), ending="")
