from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "安装内置数据：数据字典（督导事项、督导方法、问题类别等）、督导配额规则（国家默认值、湖南值）、整改时限与逾期升级步骤、内置检查表与指标体系、内置问卷"

    def handle(self, *args, **options):
        from dudao.findings.escalation import findings_install_defaults
        from dudao.frameworks.builtin import frameworks_install_builtin
        from dudao.surveys.builtin import questionnaires_install_builtin
        from dudao.system.services import dictionaries_install_builtin
        from dudao.visits.quota import quota_rules_install_defaults

        items = dictionaries_install_builtin()
        rules = quota_rules_install_defaults()
        findings = findings_install_defaults()
        frameworks = frameworks_install_builtin()
        questionnaires = questionnaires_install_builtin()
        self.stdout.write(self.style.SUCCESS(
            f"已安装 {items} 个字典条目、{rules} 条配额规则、{findings} 条整改时限与升级步骤、{frameworks} 个内置指标体系、{questionnaires} 份内置问卷（已有的不覆盖）"))
