"""The inbox pages: own items only, open (read + go to the object), mark read/unread/all, the header badge, the
mute settings."""

from __future__ import annotations

from django.urls import reverse

from nghiquyet.notifications.models import Mute, Notification
from nghiquyet.notifications.reminders import ReminderKind


def test_the_inbox_lists_only_my_own_items(client, demo, inbox):
    client.force_login(demo.xa)
    page = client.get(reverse("inbox")).content.decode()
    assert "Nhắc việc t-a" in page and "Nhắc việc t-c" in page
    assert "Nhắc việc t-d" not in page  # demo-xa2's
    unread = client.get(reverse("inbox"), {"chua-doc": "1"}).content.decode()
    assert "Nhắc việc t-a" in unread and "Nhắc việc t-c" not in unread
    report_only = client.get(reverse("inbox"), {"loai": ReminderKind.REPORT_DUE}).content.decode()
    assert "Nhắc việc t-c" in report_only and "Nhắc việc t-a" not in report_only


def test_the_inbox_query_count_is_pinned(client, demo, inbox, django_assert_num_queries):
    client.force_login(demo.xa)
    client.get(reverse("inbox"))
    # session, user, the user's person (header), mutes, unread count, page count, page rows: not one per item
    with django_assert_num_queries(7):
        assert client.get(reverse("inbox")).status_code == 200


def test_the_header_links_the_inbox_and_the_badge_counts_unread(client, demo, inbox):
    client.force_login(demo.xa)
    home = client.get(reverse("home")).content.decode()
    assert reverse("inbox") in home and reverse("notification_badge") in home
    unread = Notification.objects.filter(user=demo.xa, read_at__isnull=True).count()
    badge = client.get(reverse("notification_badge"), HTTP_HX_REQUEST="true").content.decode()
    assert f">{unread}<" in badge
    Notification.objects.filter(user=demo.xa).update(read_at="2026-11-25T00:00:00Z")
    assert client.get(reverse("notification_badge")).content.decode().strip() == ""


def test_opening_marks_read_and_goes_to_the_object(client, demo, inbox):
    client.force_login(demo.xa)
    item = inbox["t-a"]
    response = client.post(reverse("notification_open", args=[item.pk]))
    assert response.status_code == 302 and response["Location"] == "/chuong-trinh/viec-cua-toi/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_someone_elses_item_is_not_found(client, demo, inbox):
    client.force_login(demo.xa)
    other = inbox["t-d"]
    for name in ("notification_open", "notification_read", "notification_unread"):
        assert client.post(reverse(name, args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_unread_and_all(client, demo, inbox):
    client.force_login(demo.xa)
    item = inbox["t-b"]
    row = client.post(reverse("notification_read", args=[item.pk]), {"next": "/thong-bao/"},
                      HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "Đánh dấu chưa đọc" in row.content.decode()
    response = client.post(reverse("notification_unread", args=[item.pk]), {"next": "/thong-bao/?chua-doc=1"})
    assert response.status_code == 302 and response["Location"] == "/thong-bao/?chua-doc=1"
    item.refresh_from_db()
    assert item.read_at is None
    response = client.post(reverse("notifications_read_all"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("inbox")  # only local paths
    assert not Notification.objects.filter(user=demo.xa, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=demo.xa2, read_at__isnull=True).exists()
    assert client.get(reverse("notifications_read_all")).status_code == 405


def test_mute_settings(client, demo):
    client.force_login(demo.chibo)
    page = client.get(reverse("notification_settings")).content.decode()
    assert "Hạn nộp báo cáo số liệu" in page and "không tính vào số chưa đọc" in page
    response = client.post(reverse("notification_settings"), {"muted": [ReminderKind.TASK_DUE,
                                                                        ReminderKind.BRIEFING]})
    assert response.status_code == 302
    assert set(Mute.objects.filter(user=demo.chibo).values_list("kind", flat=True)) == {
        ReminderKind.TASK_DUE, ReminderKind.BRIEFING}
    assert 'value="task_due" checked' in client.get(reverse("notification_settings")).content.decode()
    client.post(reverse("notification_settings"), {"muted": [ReminderKind.BRIEFING]})
    assert set(Mute.objects.filter(user=demo.chibo).values_list("kind", flat=True)) == {ReminderKind.BRIEFING}


def test_pages_need_a_login(client):
    response = client.get(reverse("inbox"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]
