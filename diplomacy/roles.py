"""Editorial roles as groups, each with exactly the permissions its work needs.

- Editors create and edit the record. They move meetings and articles between draft and in
  review (submitting them for review), and may correct what is already published, but not
  publish, unpublish or schedule anything.
- Publishers do everything editors do, and also publish, unpublish and schedule meetings
  and articles (the custom `publish_meeting` and `publish_article` permissions).

Migrations call `sync_groups` to create the groups and set their permissions.
"""

EDITORS = "Editors"
PUBLISHERS = "Publishers"

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

# What publishers may do besides everything editors may.
PUBLISHING_PERMISSIONS = {
    "diplomacy": {"meeting": ["publish"]},
    "articles": {"article": ["publish"]},
}


def _combine(*grants):
    combined = {}
    for grant in grants:
        for app_label, models in grant.items():
            for model, actions in models.items():
                known = combined.setdefault(app_label, {}).setdefault(model, [])
                known.extend(action for action in actions if action not in known)
    return combined


PUBLISHER_PERMISSIONS = _combine(EDITOR_PERMISSIONS, PUBLISHING_PERMISSIONS)

# Group name -> its permissions.
ROLES = {EDITORS: EDITOR_PERMISSIONS, PUBLISHERS: PUBLISHER_PERMISSIONS}


def codenames(grant):
    """{(app label, codename), ...} of a permission map: ("diplomacy", "publish_meeting")."""
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in grant.items()
        for model, actions in models.items()
        for action in actions
    }


def editor_codenames():
    return codenames(EDITOR_PERMISSIONS)


def publisher_codenames():
    return codenames(PUBLISHER_PERMISSIONS)


def sync_groups(apps, roles=None):
    """Create each group of `roles` (default: all of ROLES) and set its permissions to
    exactly its map, adding and removing as needed. Returns {name: group}."""
    from django.contrib.auth.management import create_permissions

    roles = ROLES if roles is None else roles
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_labels = {app_label for grant in roles.values() for app_label in grant}
    available = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=app_labels
        ).select_related("content_type")
    }
    groups = {}
    for name, grant in roles.items():
        wanted = codenames(grant)
        missing = wanted - available.keys()
        if missing:
            raise RuntimeError(f"Permissions not found for the {name} group: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([available[key] for key in wanted])
        groups[name] = group
    return groups


def sync_editors_group(apps):
    """Create the Editors group with exactly EDITOR_PERMISSIONS (the first roles migration)."""
    return sync_groups(apps, {EDITORS: EDITOR_PERMISSIONS})[EDITORS]
