"""Staff accounts and roles, with the archive's guard on relation fields.

Django's own User and Group admins take a posted group or permission id as it comes; an
id past the database's integer range reaches SQLite as an OverflowError (a 500). The
archive's versions answer it with a field error like every other admin form.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from artifacts.admin.common import SafeAutocomplete

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class ArchiveUserAdmin(SafeAutocomplete, UserAdmin):
    pass


@admin.register(Group)
class ArchiveGroupAdmin(SafeAutocomplete, GroupAdmin):
    pass
