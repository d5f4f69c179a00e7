from django.http import HttpResponse


def home(request):
    return HttpResponse("")


def catalog(request):
    return HttpResponse("")


def artifact_detail(request, accession):
    return HttpResponse("")


def not_found(request, exception=None):
    return HttpResponse("", status=404)


def server_error(request):
    return HttpResponse("", status=500)
