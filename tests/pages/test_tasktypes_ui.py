"""Every task type's web UI lives in one module of server/tasktypes/ that the pages ask."""

import os

from rallies.tasks import REGISTRY
from server import tasktypes

TEMPLATES = os.path.join(os.path.dirname(tasktypes.__file__), "..", "templates")


def test_every_domain_type_has_a_ui_module_with_its_partials():
    for name in REGISTRY:
        ui = tasktypes.ui(name)
        assert ui.name == name
        assert str(ui.label) and str(ui.label) != name, f"{name} has no label of its own"
        assert os.path.exists(os.path.join(TEMPLATES, ui.editor_template)), ui.editor_template
        assert os.path.exists(os.path.join(TEMPLATES, ui.preview_template)), ui.preview_template
        assert isinstance(ui.empty_config(), dict)


def test_the_add_task_list_follows_the_modules_order_and_covers_every_type():
    names = [name for name, _ in tasktypes.choices()]
    assert sorted(names) == sorted(REGISTRY)
    assert names[:3] == ["info", "single_choice", "multiple_choice"]


def test_a_type_without_a_ui_module_is_edited_as_json():
    ui = tasktypes.ui("not_a_module")
    assert ui.editor_template.endswith("task_config/json.html")
    assert ui.parse({"config_json": '{"a": 1}'}) == {"a": 1}


def test_the_single_choice_parser_marks_the_chosen_row_right():
    form = {"options-0-text": "Rot", "options-1-text": "Blau", "correct": "1"}
    config = tasktypes.ui("single_choice").parse(form)
    assert [(o["text"], o["correct"]) for o in config["options"]] == [("Rot", False), ("Blau", True)]
