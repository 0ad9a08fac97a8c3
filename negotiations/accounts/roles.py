"""The three roles. Views check permissions, never group names."""

ANALYSTS = "Analysts"
READERS = "Readers"
EDITORS = "Editors"

CONTENT_MODELS = [
    "negotiation",
    "party",
    "person",
    "participation",
    "issue",
    "position",
    "proposal",
    "provision",
    "event",
    "source",
    "citation",
    "provisionpairing",
    "textstep",
    "textparty",
    "reportedcontent",
]
# Analysts may remove what they attach while editing a record, but deleting a
# record of its own (a position, a source…) is an editor's act.
# A text's steps and reported contents are such parts of the text.
ANALYST_DELETABLE = [
    "citation",
    "provision",
    "provisionpairing",
    "textparty",
    "textstep",
    "reportedcontent",
]


def group_permissions():
    """{group name: [(app_label, codename), …]}"""
    view = [("negotiations", f"view_{m}") for m in CONTENT_MODELS]
    write = [("negotiations", f"{a}_{m}") for m in CONTENT_MODELS for a in ("add", "change")]
    analyst_delete = [("negotiations", f"delete_{m}") for m in ANALYST_DELETABLE]
    every_content = [
        ("negotiations", f"{a}_{m}")
        for m in CONTENT_MODELS
        for a in ("add", "change", "delete", "view")
    ]
    users = [
        ("auth", f"{a}_{m}") for m in ("user", "group") for a in ("add", "change", "delete", "view")
    ]
    return {
        READERS: view,
        ANALYSTS: view + write + analyst_delete,
        EDITORS: every_content + users,
    }


def sync_groups(groups, permissions):
    """Create the role groups and give each exactly its permissions (managers passed in)."""
    for name, perms in group_permissions().items():
        group, _ = groups.get_or_create(name=name)
        wanted = [
            permissions.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in perms
        ]
        group.permissions.set(wanted)
