# Being written (issue 3 pages helper).
from django.http import Http404


def document_list(request):
    raise Http404
