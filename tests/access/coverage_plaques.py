"""Scope coverage of the plaques URLs (see tests/access/test_every_url_every_role.py)."""

OWN_TESTS = "tests/zones/test_plaques_scope.py"
COVERAGE: dict[str, str] = {
    "zones:plaque_school": "own",
    "zones:plaque_zone": "own",
    "zones:plaque_office": "own",
    "zones:plaque_batch": "own",
    "zones:plaque_batch_download": "own",
    # The plaque API (api/plaques.py), walked as every persona by the same test module.
    "api-1:get_plaque_address": "own",
    "api-1:create_plaque_batch": "own",
    "api-1:get_plaque_batch": "own",
    "api-1:download_plaque_batch": "own",
    # The QR code's target: no login, public fields only (zones/views/public.py).
    "public:school": "open",
}
