from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "安装内置数据：数据字典（督导事项、督导方法、问题类别等）与督导配额规则（国家默认值、湖南值）"

    def handle(self, *args, **options):
        from dudao.system.services import dictionaries_install_builtin
        from dudao.visits.quota import quota_rules_install_defaults

        items = dictionaries_install_builtin()
        rules = quota_rules_install_defaults()
        self.stdout.write(self.style.SUCCESS(f"已安装 {items} 个字典条目、{rules} 条配额规则（已有的不覆盖）"))
