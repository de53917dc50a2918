import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from diplomacy.roles import EDITORS, PUBLISHERS


class Command(BaseCommand):
    help = (
        f"Create a staff account (not a superuser) in the {PUBLISHERS} group, who edit and "
        f"publish, or with --role editor in the {EDITORS} group, who edit and submit for "
        "review; with a random password, printed once. An existing account is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor", help="Default: editor.")
        parser.add_argument("--email", default="", help="Optional e-mail address.")
        parser.add_argument(
            "--role",
            choices=["publisher", "editor"],
            default="publisher",
            help="publisher (default): edits and publishes; editor: edits, submits for review.",
        )

    def handle(self, *args, username, email, role, verbosity=1, **options):
        group_name = PUBLISHERS if role == "publisher" else EDITORS
        User = get_user_model()
        if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
            self.stdout.write(
                f"The account {username} already exists; its password was not changed. "
                f"Use `python manage.py changepassword {username}` to set a new password."
            )
            return

        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(
                f"The {group_name} group does not exist; run `python manage.py migrate` first."
            ) from None

        password = secrets.token_urlsafe(16)
        with transaction.atomic():
            user = User._default_manager.create_user(
                username=username, email=email, password=password, is_staff=True
            )
            user.groups.add(group)

        # The password is the point of the command, so it is shown at every verbosity.
        self.stdout.write(
            f"Editor account ({group_name}): {username} / {password}  "
            f"(log in at http://127.0.0.1:8000{reverse('admin:index')})"
        )
        if verbosity >= 2:
            self.stdout.write("The password is not stored anywhere else; note it now.")
