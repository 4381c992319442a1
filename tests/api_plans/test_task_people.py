"""The API names task people by the same rule as the service and the pages (programs.selectors.program_people)."""

import pytest

from nghiquyet.programs.models import Task

pytestmark = pytest.mark.django_db


def test_branch_secretary_resends_the_people_already_on_a_branch_task(client, demo):
    task = Task.objects.filter(program__unit=demo.branch).exclude(directing__unit=demo.branch).first()
    assert task is not None, "the demo has a branch task directed from the commune"
    client.force_login(demo.chibo)
    response = client.patch(f"/api/v1/tasks/{task.pk}", {
        "directing": task.directing_id, "responsible": task.responsible_id, "advisor": task.advisor_id,
        "deliverable": "Báo cáo kết quả gửi Đảng ủy xã",
    }, content_type="application/json")
    assert response.status_code == 200, response.json()
    task.refresh_from_db()
    assert task.deliverable == "Báo cáo kết quả gửi Đảng ủy xã"


def test_a_person_two_levels_down_cannot_be_named_on_a_province_task(client, demo):
    task = Task.objects.filter(program__unit=demo.province).first()
    chibo_person = demo.chibo.person
    client.force_login(demo.tinh)
    response = client.patch(f"/api/v1/tasks/{task.pk}", {"responsible": chibo_person.pk},
                            content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "responsible"
