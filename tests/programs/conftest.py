import pytest

from tests.resolutions.helpers import Plans, build_plans


@pytest.fixture
def plans(demo) -> Plans:
    return build_plans(demo)
