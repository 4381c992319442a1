# Being written (UI helper): unit_list, unit_detail, unit_children, unit_reorganize, unit_edit.
from django.http import Http404


def _todo(request, unit_id=None):
    raise Http404


unit_list = unit_detail = unit_children = unit_reorganize = unit_edit = _todo
