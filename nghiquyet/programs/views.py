# Being written (issue 3 pages helper).
from django.http import Http404


def my_tasks(request):
    raise Http404
