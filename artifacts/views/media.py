from django.http import HttpResponse


def photo_file(request, pk, kind):
    return HttpResponse("")
