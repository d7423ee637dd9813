"""nashra/conftest.py's shared_rows: rows built once for many tests, each test still isolated."""

import pytest
from django.contrib.auth.models import Group

from nashra.conftest import shared_rows

pytestmark = pytest.mark.django_db


def _names() -> set[str]:
    return set(Group.objects.filter(name__startswith="shared").values_list("name", flat=True))


@pytest.fixture(scope="class")
def _group_built(request, django_db_setup, django_db_blocker):
    with shared_rows(request, django_db_blocker,
                     lambda: Group.objects.create(name="shared").pk) as pk:
        yield pk


class TestSharedRows:
    # Both runs start from what the fixture built and then change it, so whichever runs
    # second fails if the first one's change outlived it.
    @pytest.mark.parametrize("run", [1, 2])
    def test_each_test_starts_from_the_built_rows(self, _group_built, run):
        assert _names() == {"shared"}
        Group.objects.filter(pk=_group_built).delete()
        Group.objects.create(name=f"shared-{run}")
        assert _names() == {f"shared-{run}"}


def test_the_rows_are_gone_after_their_scope(request, django_db_blocker):
    with shared_rows(request, django_db_blocker,
                     lambda: Group.objects.create(name="shared-scope").pk) as pk:
        assert Group.objects.filter(pk=pk).exists()
    assert not Group.objects.filter(pk=pk).exists()
