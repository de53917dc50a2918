"""Editorial roles as groups. The Editors group gets exactly what editing the record needs."""

EDITORS = "Editors"

# app label -> model -> actions an editor may take. Countries are preloaded from ISO 3166,
# so editors may only add names and demonyms to them, never create or delete one.
EDITOR_PERMISSIONS = {
    "diplomacy": {
        "country": ["view", "change"],
        "person": ["view", "add", "change", "delete"],
        "position": ["view", "add", "change", "delete"],
        "organization": ["view", "add", "change", "delete"],
        "meeting": ["view", "add", "change", "delete"],
        "participant": ["view", "add", "change", "delete"],
        "topic": ["view", "add", "change", "delete"],
        "taggedmeeting": ["view", "add", "change", "delete"],
    },
    "articles": {
        "article": ["view", "add", "change", "delete"],
        "outlet": ["view", "add", "change", "delete"],
        "taggedarticle": ["view", "add", "change", "delete"],
    },
}


def editor_codenames():
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }


def sync_editors_group(apps):
    """Create the Editors group and set its permissions to exactly EDITOR_PERMISSIONS."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    wanted = editor_codenames()
    permissions = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=EDITOR_PERMISSIONS
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
    if missing:
        raise RuntimeError(f"Permissions not found for the Editors group: {sorted(missing)}")
    group.permissions.set(permissions)
    return group
