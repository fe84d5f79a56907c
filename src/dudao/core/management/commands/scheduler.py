"""`dudao scheduler`: run the daily jobs (core/schedule.py).

    dudao scheduler            every minute, enqueue the jobs that are due (run one such process)
    dudao scheduler --once     run the due jobs here and now, then exit (cron: `* * * * *`)
    dudao scheduler --list     the registered jobs and their latest runs
    dudao scheduler --run X    run job X now, whatever the time (replaces today's record)
"""

from __future__ import annotations

import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "定时任务：每分钟将到点的每日任务放入后台队列（--once 立即执行到点任务后退出，适合 cron）"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--once", action="store_true", help="立即执行到点的任务（在本进程中）然后退出")
        group.add_argument("--list", action="store_true", dest="show_list", help="列出已登记的每日任务及最近一次运行")
        group.add_argument("--run", metavar="NAME", help="立即运行指定任务（不论时间，覆盖今天的记录）")
        parser.add_argument("--inline", action="store_true", help="循环模式下在本进程中执行，而不是放入后台队列")

    def handle(self, *args, once=False, show_list=False, run=None, inline=False, **options):
        from dudao.core import schedule

        if show_list:
            self._list(schedule)
        elif run:
            try:
                outcome = schedule.run_now(run)
            except LookupError as exc:
                raise CommandError(f"没有名为 {run} 的每日任务（用 --list 查看）") from exc
            self._report([outcome])
        elif once:
            runs = schedule.run_due(inline=True)
            if not runs:
                self.stdout.write("没有到点的任务。")
            self._report(runs)
        else:
            self.stdout.write(f"定时任务已启动（{len(schedule.registered())} 个每日任务），按 Ctrl+C 退出。")
            stop = threading.Event()
            try:
                schedule.loop(stop=stop, inline=inline)
            except KeyboardInterrupt:
                stop.set()

    def _report(self, runs) -> None:
        for run in runs:
            if run.error:
                self.stderr.write(f"✗ {run.name} {run.run_date}: {run.error.strip().splitlines()[-1]}")
            else:
                self.stdout.write(self.style.SUCCESS(f"✓ {run.name} {run.run_date}: {run.result}"))

    def _list(self, schedule) -> None:
        from dudao.core.models import ScheduledRun

        jobs = schedule.registered()
        if not jobs:
            self.stdout.write("没有登记的每日任务。")
        for job in jobs:
            last = ScheduledRun.objects.filter(name=job.name).first()
            state = "从未运行" if last is None else f"{last.run_date} {last.status}"
            if last and last.finished_at:
                state += f"（{timezone.localtime(last.finished_at):%H:%M}）"
            self.stdout.write(f"{job.at:%H:%M}  {job.name:<28} {job.path}  — {state}")
