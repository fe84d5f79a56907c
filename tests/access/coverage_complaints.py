"""Scope coverage of the complaints URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/complaints/test_scope.py"
COVERAGE: dict[str, str] = {
    "complaints:list": "own",
    "complaints:export": "own",
    "complaints:register": "own",
    "complaints:stats": "own",
    "complaints:stats_export": "own",
    "complaints:policy": "own",
    "complaints:detail": "own",
    "complaints:triage": "own",
    "complaints:close": "own",
    "complaints:note": "own",
    "complaints:assign": "own",
    "complaints:photo": "own",
    "complaints:record_pdf": "own",
    "api-1:list_complaints": "own",
    "api-1:get_complaint": "own",
    # The public form, tracking page and API (no login): they show one complaint only to the holder
    # of its code, and never the phone or internal notes (tests/complaints/test_public.py).
    "public:complaint": "open",
    "public:complaint_track": "open",
    "api-1:complaint_challenge": "open",
    "api-1:complaint_submit": "open",
    "api-1:complaint_status": "open",
}
