import pytest


@pytest.fixture(autouse=True)
def _demo_passwords(demo):
    """The seeded hashes use the default hasher; tests run with the fast one, so set them again."""
    for user in (demo.tinh, demo.xa, demo.xa2, demo.chibo):
        user.set_password("nghiquyet-demo")
        user.save(update_fields=["password"])
