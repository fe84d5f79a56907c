"""Scope coverage of the workbench (工作台) and the register counts of 学校概况 (see
tests/access/test_every_url_every_role.py): the workbench is walked as every persona in
its own test; 学校概况 by test_home_counts_only_the_scope; 后台任务需处理 (core:jobs_attention) by
tests/home/test_jobs_attention.py, named in OWN_TESTS' docstring; a large export's page and file
(core:export_job, core:export_download: their owner only) by tests/findings/test_export_jobs.py."""

OWN_TESTS = "tests/home/test_workbench.py"
COVERAGE: dict[str, str] = {"core:home": "own", "api-1:get_workbench": "own", "schools:overview": "home",
                            "core:jobs_attention": "own", "core:export_job": "own", "core:export_download": "own"}
