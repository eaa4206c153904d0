"""The schema comes only from migrations, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from rallies.db import db as domain_db


def test_migrated_schema_matches_the_models(app, db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, domain_db.metadata)
    assert differences == []


def test_migrations_reach_a_single_head(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1


def _revisions(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    script = ScriptDirectory.from_config(config)
    return list(reversed(list(script.walk_revisions())))  # first to last


def test_every_later_migration_goes_down_and_up_again(app, db):
    from flask_migrate import downgrade, upgrade

    revisions = _revisions(app)
    first = revisions[0].revision
    downgrade(revision=first)
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == first
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == revisions[-1].revision
        assert compare_metadata(context, domain_db.metadata) == []


def test_migrations_after_the_first_are_additive(app):
    """Upgrades only add: no table or column is dropped or renamed, so an old worker keeps running."""
    import ast
    import inspect

    forbidden = {"drop_table", "drop_column", "rename_table", "drop_constraint"}
    found = {}
    for revision in _revisions(app)[1:]:
        tree = ast.parse(inspect.getsource(revision.module.upgrade))
        calls = {node.func.attr for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
        renames = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
                   and isinstance(node.func, ast.Attribute) and node.func.attr == "alter_column"
                   and any(k.arg == "new_column_name" for k in node.keywords)}
        if calls & forbidden or renames:
            found[revision.revision] = sorted(calls & forbidden | renames)
    assert found == {}
