import pytest

from tests.org.helpers import Tree, build_tree


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()
