"""The cross-app pages above every domain app: the home page (工作台, workbench.py), 后台任务需处理
(attention.py), the menus' context processor and the operator commands that touch every app
(`dudao demo`, `install_defaults`)."""
