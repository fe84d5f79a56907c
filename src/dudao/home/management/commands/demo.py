"""`dudao demo`: migrate, load regions, build the 长沙市 demo, print accounts, optionally serve."""

from __future__ import annotations

import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


def start_worker_thread() -> threading.Thread:
    """The task worker as a thread of the one demo process (design.md: embedded default)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["default"], interval=0.5, batch=False, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="demo-thread", excluded_queue_names=[])
    thread = threading.Thread(target=worker.run, name="dudao-task-worker", daemon=True)
    thread.start()
    return thread


class Command(BaseCommand):
    help = "准备演示环境：迁移数据库、加载行政区划、生成长沙市演示数据并打印演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--serve", action="store_true", help="准备完成后启动网站（含后台任务线程和定时任务线程）")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, serve=False, addr="127.0.0.1:8000", **options):
        from dudao.demo.build import demo_accounts_table, demo_build
        from dudao.regions.models import Region
        from dudao.system.services import dictionaries_install_builtin

        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        if not Region.objects.filter(code="430182").exists():
            self.stdout.write("加载全国行政区划……")
            call_command("load_regions", stdout=self.stdout)
        dictionaries_install_builtin()
        from dudao.findings.escalation import findings_install_defaults

        findings_install_defaults()  # default time limits and escalation ladder, before the demo ledger
        self.stdout.write("生成长沙市演示数据……")
        schools, year_rows, accounts = demo_build()
        from dudao.visits.quota import quota_rules_install_defaults

        quota_rules_install_defaults()
        self.stdout.write(self.style.SUCCESS(
            f"演示数据就绪：长沙市 {schools} 所学校，{year_rows} 条年度基础数据（用时 {time.monotonic() - started:.0f} 秒）"
        ))
        self.stdout.write(f"\n演示账号（网址 http://{addr} ）：\n{demo_accounts_table(accounts)}\n")
        from dudao.demo.surveys import demo_survey_link

        survey_link = demo_survey_link()
        if survey_link:
            self.stdout.write(f"问卷调查演示链接（无需登录，手机可打开）：{survey_link}\n")
        if serve:
            from dudao.core.schedule import start_scheduler_thread

            start_worker_thread()
            start_scheduler_thread()  # daily jobs (reminders, …): due ones run at once, then every minute
            call_command("runserver", addr, use_reloader=False, use_threading=True)
