"""Hotspots: tap inside a circle or polygon of the picture; no partial credit."""

import pytest

from rallies.bundle import _task_view
from rallies.tasks import InvalidValue, get_task_type

HOTSPOT = get_task_type("hotspot")
# A picture twice as wide as high: a circle of radius 0.1 widths spans 0.2 heights.
CONFIG = HOTSPOT.load_config({"aspect": 0.5, "regions": [
    {"circle": {"x": 0.25, "y": 0.5, "r": 0.1}},
    {"polygon": [[0.6, 0.2], [0.9, 0.2], [0.9, 0.8], [0.6, 0.8]]},
]})
PHOTO = {"name": "a.jpg", "url": "/media/a.jpg", "content_type": "image/jpeg", "bytes": 10, "sha256": "0",
         "width": 1280, "height": 640, "alt": "Die Nachtwache"}


def correct(x, y):
    return HOTSPOT.score(CONFIG, HOTSPOT.parse_value(CONFIG, {"x": x, "y": y})).correct


def test_a_tap_inside_a_circle_is_right_with_the_pictures_aspect():
    assert correct(0.25, 0.5)
    assert correct(0.34, 0.5)        # 0.09 widths to the right
    assert correct(0.25, 0.68)       # 0.18 heights down = 0.09 widths
    assert not correct(0.25, 0.72)   # 0.22 heights = 0.11 widths: outside


def test_a_tap_inside_a_polygon_is_right_and_outside_is_wrong():
    assert correct(0.75, 0.5)
    assert not correct(0.95, 0.5)
    assert not correct(0.5, 0.1)


@pytest.mark.parametrize("value", [None, [0.5, 0.5], {"x": 0.5}, {"x": 1.5, "y": 0.5}, {"x": True, "y": 0},
                                   {"x": "0.5", "y": 0.5}, {"x": 0.5, "y": 0.5, "z": 0}])
def test_taps_off_the_picture_or_of_the_wrong_shape_are_invalid(value):
    with pytest.raises(InvalidValue):
        HOTSPOT.parse_value(CONFIG, value)


def test_the_bundle_carries_the_picture_and_how_many_places_count_but_not_where():
    task = {"id": 3, "type": "hotspot", "prompt_html": "<p>Wo ist der Hund?</p>", "points": 5,
            "media": [PHOTO], "hint": None, "time_limit_s": None, "config": CONFIG}
    view = _task_view(task, with_solutions=False)
    assert view["image"] == PHOTO
    assert view["regions_count"] == 2
    assert "regions" not in view and "solution" not in view
    with_feedback = _task_view(task, with_solutions=True)
    assert with_feedback["solution"] == CONFIG["regions"]


@pytest.mark.parametrize("config, path", [
    ({"regions": []}, "regions"),
    ({"regions": [{"circle": {"x": 0.5, "y": 0.5, "r": 0.1}, "polygon": [[0, 0], [1, 0], [1, 1]]}]}, "regions.0"),
    ({"regions": [{"polygon": [[0, 0], [1, 0]]}]}, "regions.0.polygon"),
    ({"regions": [{"circle": {"x": 1.2, "y": 0.5, "r": 0.1}}]}, "regions.0.circle.x"),
])
def test_editor_mistakes_are_named_at_their_field(config_errors, config, path):
    assert any(key.startswith(path) for key in config_errors("hotspot", config))
