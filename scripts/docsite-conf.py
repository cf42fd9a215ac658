
# ---- appended by scripts/docs-build.sh: an offline build ----
# No intersphinx inventories can be downloaded, so references to the Ansible documentation
# (ansible.builtin plugins, configuration settings, ANSIBLE_* variables) are rendered as plain
# text; a reference into this collection that does not resolve still fails the build (-W).
intersphinx_mapping = {}

_OWN_TARGETS = ('ansible_collections.avepoint.graph.', 'AVEPOINT_')


def _external_reference_as_text(app, env, node, contnode):
    if node.get('reftarget', '').startswith(_OWN_TARGETS):
        return None
    return contnode


def setup(app):
    app.connect('missing-reference', _external_reference_as_text)
