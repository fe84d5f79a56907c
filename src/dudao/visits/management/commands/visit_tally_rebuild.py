from django.core.management.base import BaseCommand

from dudao.visits.tally import visit_tally_expected, visit_tally_rebuild, visit_tally_stored


class Command(BaseCommand):
    help = "按督导记录重建月度督导计数（触发器维护的 visits_visittally）；--check 只核对不重建"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对计数与督导记录是否一致")

    def handle(self, *args, check=False, **options):
        if check:
            stored, expected = visit_tally_stored(), visit_tally_expected()
            wrong = {key for key in stored.keys() | expected.keys() if stored.get(key) != expected.get(key)}
            if wrong:
                self.stderr.write(f"月度督导计数有 {len(wrong)} 行与督导记录不一致，请运行 manage.py visit_tally_rebuild")
                raise SystemExit(1)
            self.stdout.write(self.style.SUCCESS(f"月度督导计数与督导记录一致（{len(stored)} 行）"))
            return
        rows = visit_tally_rebuild()
        self.stdout.write(self.style.SUCCESS(f"月度督导计数已重建：{rows} 行"))
